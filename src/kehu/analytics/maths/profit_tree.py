"""Profit tree: a shallow decision tree of which customer attributes go with high contribution.

A customer is *high-contribution* when their profit contribution is at or above the
(1 − top_share) quantile of all customers' (default: the top 20 %). A scikit-learn
DecisionTreeClassifier (Gini, max_depth 3, at least max(5, 2 % of the customers) per leaf,
random_state 0) learns that label from the attributes: numeric columns as they are (missing
values allowed), text and boolean columns one-hot encoded, so that a split reads
"industry is retail" or "industry is not retail". A missing value is no category of its own:
"industry is filled in" says something about the records, not about the customers, and is
nothing a manager can act on.

Each leaf becomes a rule: the conditions on its path from the root, with several thresholds on
one attribute merged into the tightest bounds; the share of high-contribution customers among
the customers it covers; and its support (how many customers, and their share of all). Rules
are sorted by that share, highest first, then by support. They are returned as data so that a
user interface can translate them; `render_rule` gives the English.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import polars as pl
from sklearn.tree import DecisionTreeClassifier

from kehu.analytics.maths.transactions import CUSTOMER

Operator = Literal["<=", ">", "==", "!="]


class ProfitTreeError(ValueError):
    """The data cannot grow a profit tree (the message says why)."""


@dataclass(frozen=True)
class Condition:
    attribute: str
    operator: Operator
    value: float | str


@dataclass(frozen=True)
class ProfitRule:
    conditions: tuple[Condition, ...]
    high_share: float
    customers: int
    support: float


@dataclass(frozen=True)
class ProfitTree:
    rules: list[ProfitRule]
    threshold: float  # contribution at or above which a customer is high-contribution
    high_customers: int
    customers: int


def profit_tree(
    data: pl.DataFrame,
    *,
    contribution_col: str = "contribution",
    attributes: Sequence[str] | None = None,
    top_share: float = 0.2,
    max_depth: int = 3,
) -> ProfitTree:
    """Grow the tree on `attributes` (default: every column but the id and the contribution)."""
    if not 0 < top_share < 1:
        raise ProfitTreeError("top_share must lie strictly between 0 and 1")
    names = list(attributes or [c for c in data.columns if c not in (CUSTOMER, contribution_col)])
    missing = [c for c in [contribution_col, *names] if c not in data.columns]
    if missing or not names:
        raise ProfitTreeError(f"missing column(s): {', '.join(missing) or 'no attributes given'}")
    contribution = data[contribution_col].cast(pl.Float64)
    threshold: float = contribution.quantile(1 - top_share, interpolation="higher")  # type: ignore[assignment]
    high = (contribution >= threshold).to_numpy()
    if high.all():
        raise ProfitTreeError("every customer has the same contribution; nothing to explain")

    columns, encoded = _encode(data, names)
    tree = DecisionTreeClassifier(
        max_depth=max_depth,
        min_samples_leaf=max(5, int(0.02 * data.height)),
        random_state=0,
    ).fit(encoded, high)
    structure = tree.tree_
    positive = int(np.flatnonzero(tree.classes_)[0]) if len(tree.classes_) > 1 else 0
    rules: list[ProfitRule] = []

    def walk(node: int, path: list[Condition]) -> None:
        left, right = structure.children_left[node], structure.children_right[node]
        if left == right:  # a leaf
            counts = structure.value[node][0]
            customers = int(structure.n_node_samples[node])
            rules.append(
                ProfitRule(
                    conditions=_merged(path),
                    high_share=float(counts[positive] / counts.sum()),
                    customers=customers,
                    support=customers / data.height,
                )
            )
            return
        attribute, category = columns[structure.feature[node]]
        if category is None:
            bound = float(structure.threshold[node])
            walk(left, [*path, Condition(attribute, "<=", bound)])
            walk(right, [*path, Condition(attribute, ">", bound)])
        else:
            walk(left, [*path, Condition(attribute, "!=", category)])
            walk(right, [*path, Condition(attribute, "==", category)])

    walk(0, [])
    rules.sort(key=lambda rule: (-rule.high_share, -rule.customers))
    return ProfitTree(
        rules=rules, threshold=threshold, high_customers=int(high.sum()), customers=data.height
    )


def render_rule(rule: ProfitRule) -> str:
    """The rule in English, e.g. "If monetary > 1200 and industry is retail: 74 % …"."""
    words = {"<=": "≤", ">": ">", "==": "is", "!=": "is not"}
    conditions = " and ".join(
        f"{c.attribute} {words[c.operator]} "
        + (f"{c.value:g}" if isinstance(c.value, float) else str(c.value))
        for c in rule.conditions
    )
    return (
        f"{'If ' + conditions if conditions else 'All customers'}: "
        f"{rule.high_share:.0%} high-contribution "
        f"({rule.customers} customers, {rule.support:.0%} of all)"
    )


def _encode(
    data: pl.DataFrame, names: list[str]
) -> tuple[list[tuple[str, str | None]], np.ndarray]:
    """Design matrix, and for each of its columns the attribute and (one-hot) category."""
    columns: list[tuple[str, str | None]] = []
    blocks = []
    for name in names:
        series = data[name]
        if series.dtype.is_numeric():
            columns.append((name, None))
            blocks.append(series.cast(pl.Float64).fill_null(np.nan).to_numpy()[:, None])
        else:
            text = series.cast(pl.String)
            categories = sorted(text.drop_nulls().unique().to_list())
            columns.extend((name, category) for category in categories)
            blocks.extend((text == c).fill_null(False).to_numpy()[:, None] for c in categories)
    if not blocks:
        raise ProfitTreeError("no attribute has a value to split on")
    return columns, np.hstack(blocks).astype(np.float64)


def _merged(path: list[Condition]) -> tuple[Condition, ...]:
    """At most one lower and one upper bound per numeric attribute; a category match drops the
    exclusions it implies."""
    merged: dict[tuple[str, str, str], Condition] = {}
    for condition in path:
        exclusion = str(condition.value) if condition.operator == "!=" else ""
        key = (condition.attribute, condition.operator, exclusion)
        previous = merged.get(key)
        if previous is not None and condition.operator in ("<=", ">"):
            tighter = min if condition.operator == "<=" else max
            bound = tighter(float(previous.value), float(condition.value))
            condition = Condition(condition.attribute, condition.operator, bound)
        merged[key] = condition
    matched = {c.attribute for c in merged.values() if c.operator == "=="}
    kept = [c for c in merged.values() if not (c.operator == "!=" and c.attribute in matched)]
    # Read naturally: attributes in the order of their first split, lower bound before upper.
    attributes = list(dict.fromkeys(c.attribute for c in kept))
    order = {">": 0, "<=": 1, "==": 2, "!=": 3}
    return tuple(sorted(kept, key=lambda c: (attributes.index(c.attribute), order[c.operator])))
