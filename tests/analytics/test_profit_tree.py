"""The profit tree finds the attributes that go with high contribution."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from kehu.analytics.maths.profit_tree import (
    Condition,
    ProfitRule,
    ProfitTreeError,
    _merged,
    profit_tree,
    render_rule,
)


def customers(n: int = 1000, seed: int = 1) -> pl.DataFrame:
    """Wholesale customers of more than five years contribute most; the rest are noise."""
    rng = np.random.default_rng(seed)
    industry = rng.choice(["retail", "wholesale", "online"], n)
    years = rng.integers(0, 12, n)
    employees = rng.lognormal(3, 1, n)
    contribution = 100 * ((industry == "wholesale") & (years > 5)) + rng.normal(0, 5, n)
    return pl.DataFrame(
        {
            "customer_id": [f"c{i}" for i in range(n)],
            "industry": industry,
            "years": years,
            "employees": employees,
            "contribution": contribution,
        }
    )


def test_the_strongest_rule_is_the_planted_one() -> None:
    data = customers()

    tree = profit_tree(data)
    best = tree.rules[0]

    assert tree.customers == 1000 and tree.high_customers == 200
    assert set(best.conditions) == {
        Condition("industry", "==", "wholesale"),
        Condition("years", ">", 5.5),
    }
    assert best.high_share > 0.9
    assert (
        best.customers
        == data.filter((pl.col("industry") == "wholesale") & (pl.col("years") > 5)).height
    )
    assert sum(rule.customers for rule in tree.rules) == 1000
    assert sum(rule.support for rule in tree.rules) == pytest.approx(1.0)
    assert [r.high_share for r in tree.rules] == sorted(
        (r.high_share for r in tree.rules), reverse=True
    )


def test_a_missing_value_is_never_a_rule() -> None:
    """Here only customers whose industry was recorded contribute much; the tree may say
    which industries go with high contribution, never "industry is (not) empty", which is
    about the records rather than the customers."""
    rng = np.random.default_rng(2)
    n = 1000
    industry = rng.choice(["retail", "wholesale", "online", None], n)
    years = rng.integers(0, 12, n)
    recorded = np.array([value is not None for value in industry])
    data = pl.DataFrame(
        {
            "industry": industry.tolist(),
            "years": years,
            "contribution": 100 * (recorded & (years > 5)) + rng.normal(0, 5, n),
        }
    )

    tree = profit_tree(data)

    values = {c.value for rule in tree.rules for c in rule.conditions if c.attribute == "industry"}
    assert values and values <= {"retail", "wholesale", "online"}


def test_an_attribute_never_filled_in_cannot_grow_a_tree() -> None:
    data = customers(100).select("customer_id", "contribution", industry=pl.lit(None, pl.String))

    with pytest.raises(ProfitTreeError, match="no attribute has a value"):
        profit_tree(data)


def test_depth_is_at_most_three() -> None:
    tree = profit_tree(customers())

    assert len(tree.rules) <= 8
    assert all(len(rule.conditions) <= 3 for rule in tree.rules)


def test_rules_read_as_english() -> None:
    rule = ProfitRule(
        conditions=(Condition("industry", "==", "wholesale"), Condition("years", ">", 5.5)),
        high_share=0.93,
        customers=120,
        support=0.12,
    )

    assert render_rule(rule) == (
        "If industry is wholesale and years > 5.5: 93% high-contribution "
        "(120 customers, 12% of all)"
    )


def test_repeated_bounds_merge_into_the_tightest() -> None:
    path = [
        Condition("spend", "<=", 100.0),
        Condition("industry", "!=", "retail"),
        Condition("spend", ">", 10.0),
        Condition("spend", "<=", 50.0),
        Condition("industry", "==", "online"),
    ]

    assert _merged(path) == (
        Condition("spend", ">", 10.0),
        Condition("spend", "<=", 50.0),
        Condition("industry", "==", "online"),
    )


def test_bad_input_is_refused() -> None:
    data = customers(50)

    with pytest.raises(ProfitTreeError, match="missing column"):
        profit_tree(data, contribution_col="profit")
    with pytest.raises(ProfitTreeError, match="same contribution"):
        profit_tree(data.with_columns(contribution=pl.lit(1.0)))
    with pytest.raises(ProfitTreeError, match="top_share"):
        profit_tree(data, top_share=1.5)
