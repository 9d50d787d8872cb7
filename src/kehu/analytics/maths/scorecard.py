"""Customer scorecard: weighted indicators, AHP weights per level, a 0–100 score and a grade.

The scorecard is a two-level hierarchy, configurable as a nested structure (`DEFAULT_SCORECARD`
is one, read by `scorecard_from_dict`): criteria (by default value, loyalty, credit,
satisfaction and potential), each with indicators that name a column of per-customer data and
whether higher is better. Each level has a pairwise comparison matrix; `ahp.ahp_weights` turns
it into weights, and a matrix with CR ≥ 0.10 is refused (`ScorecardError` names the level).
Indicator j of criterion c weighs W_c · w_cj, and these global weights sum to 1.

Each indicator is normalised to 0–100 over the customers scored:

* ``min_max`` (default): 100 (v − min) / (max − min), or 100 (max − v) / (max − min) when lower
  is better; 50 for everyone when all values are equal;
* ``percentile``: 100 (rank − 1) / (n − 1) with ties given their average rank (reversed when
  lower is better), so it is insensitive to outliers; 50 when n = 1.

A missing value scores a neutral 50 rather than 0: a customer without, say, a satisfaction
survey is not punished for it.

score = Σ_c W_c · criterion_score_c, criterion_score_c = Σ_j w_cj · normalised_cj (both 0–100).
The grade is the first of `grades` (highest cut-off first; default A ≥ 80, B ≥ 60, C ≥ 40,
D below) whose cut-off the score reaches.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal

import polars as pl

from kehu.analytics.maths.ahp import CONSISTENCY_LIMIT, AHPError, Entry, ahp_weights
from kehu.analytics.maths.rules import first_match
from kehu.analytics.maths.transactions import CUSTOMER

Normalisation = Literal["min_max", "percentile"]
NEUTRAL: Final = 50.0

DEFAULT_SCORECARD: Final[dict[str, Any]] = {
    "criteria": {
        "value": {
            "indicators": {
                "total_spend": {"column": "monetary"},
                "gross_margin": {"column": "margin"},
            },
            "comparisons": [[1, 2], ["1/2", 1]],
        },
        "loyalty": {
            "indicators": {
                "tenure": {"column": "tenure_days"},
                "purchase_frequency": {"column": "frequency"},
            },
            "comparisons": [[1, "1/2"], [2, 1]],
        },
        "credit": {
            "indicators": {
                "on_time_payment_rate": {"column": "on_time_payment_rate"},
                "overdue_days": {"column": "overdue_days", "higher_is_better": False},
                "overdue_share": {"column": "overdue_share", "higher_is_better": False},
            },
            "comparisons": [[1, 1, 1], [1, 1, 1], [1, 1, 1]],
        },
        "satisfaction": {
            "indicators": {
                "satisfaction_score": {"column": "satisfaction_score"},
                "complaints": {"column": "complaints", "higher_is_better": False},
            },
            "comparisons": [[1, 2], ["1/2", 1]],
        },
        "potential": {
            "indicators": {
                "expected_value": {"column": "clv"},
                "spend_trend": {"column": "spend_trend"},
            },
            "comparisons": [[1, 3], ["1/3", 1]],
        },
    },
    # value, loyalty, credit, satisfaction, potential
    "comparisons": [
        [1, 2, 3, 2, 1],
        ["1/2", 1, 2, 1, "1/2"],
        ["1/3", "1/2", 1, "1/2", "1/3"],
        ["1/2", 1, 2, 1, "1/2"],
        [1, 2, 3, 2, 1],
    ],
    "normalisation": "min_max",
    "grades": {"A": 80, "B": 60, "C": 40, "D": 0},
}


class ScorecardError(ValueError):
    """A scorecard that cannot be used, or data it cannot score; the message says where."""


@dataclass(frozen=True)
class Indicator:
    code: str
    column: str
    higher_is_better: bool = True


@dataclass(frozen=True)
class Criterion:
    code: str
    indicators: tuple[Indicator, ...]
    weights: tuple[float, ...]  # of the indicators, from their comparisons


@dataclass(frozen=True)
class Scorecard:
    criteria: tuple[Criterion, ...]
    weights: tuple[float, ...]  # of the criteria
    normalisation: Normalisation = "min_max"
    grades: tuple[tuple[str, float], ...] = (("A", 80.0), ("B", 60.0), ("C", 40.0), ("D", 0.0))


def scorecard_from_dict(config: Mapping[str, Any]) -> Scorecard:
    """Build a scorecard from a nested structure shaped like `DEFAULT_SCORECARD`."""
    try:
        criteria_config: Mapping[str, Any] = config["criteria"]
        criteria = tuple(_criterion(code, spec) for code, spec in criteria_config.items())
        weights = _weights(config["comparisons"], len(criteria), "the criteria")
        grades = sorted(
            ((str(name), float(cutoff)) for name, cutoff in config["grades"].items()),
            key=lambda grade: -grade[1],
        )
        normalisation = config.get("normalisation", "min_max")
    except (KeyError, TypeError, AttributeError) as error:
        raise ScorecardError(f"the scorecard configuration is malformed: {error!r}") from error
    if normalisation not in ("min_max", "percentile"):
        raise ScorecardError(f"unknown normalisation {normalisation!r}")
    if not criteria:
        raise ScorecardError("the scorecard has no criteria")
    if not grades or grades[-1][1] > 0:
        raise ScorecardError("the lowest grade's cut-off must be 0 or less, so every score grades")
    return Scorecard(
        criteria=criteria, weights=weights, normalisation=normalisation, grades=tuple(grades)
    )


def score_customers(data: pl.DataFrame, scorecard: Scorecard) -> pl.DataFrame:
    """customer_id, a 0–100 score per criterion, the overall score and the grade."""
    needed = [i.column for c in scorecard.criteria for i in c.indicators]
    missing = sorted({column for column in [CUSTOMER, *needed] if column not in data.columns})
    if missing:
        raise ScorecardError(f"the customer data lack the column(s) {', '.join(missing)}")
    if data.is_empty():
        raise ScorecardError("there are no customers to score")
    criterion_scores = [
        pl.sum_horizontal(
            weight * _normalised(pl.col(i.column).cast(pl.Float64), i, scorecard.normalisation)
            for i, weight in zip(c.indicators, c.weights, strict=True)
        ).alias(f"{c.code}_score")
        for c in scorecard.criteria
    ]
    scored = data.select(CUSTOMER, *criterion_scores)
    total = pl.sum_horizontal(
        weight * pl.col(f"{c.code}_score")
        for c, weight in zip(scorecard.criteria, scorecard.weights, strict=True)
    )
    scored = scored.with_columns(score=total)
    grade = first_match((pl.col("score") >= cutoff, name) for name, cutoff in scorecard.grades)
    return scored.with_columns(grade=grade)


def indicator_weights(scorecard: Scorecard) -> dict[str, float]:
    """Global weight W_c · w_cj of every indicator, keyed "criterion.indicator"."""
    return {
        f"{c.code}.{i.code}": cw * iw
        for c, cw in zip(scorecard.criteria, scorecard.weights, strict=True)
        for i, iw in zip(c.indicators, c.weights, strict=True)
    }


def _criterion(code: str, spec: Mapping[str, Any]) -> Criterion:
    indicators = tuple(
        Indicator(
            code=name,
            column=indicator["column"],
            higher_is_better=bool(indicator.get("higher_is_better", True)),
        )
        for name, indicator in spec["indicators"].items()
    )
    if not indicators:
        raise ScorecardError(f"criterion {code!r} has no indicators")
    weights = _weights(
        spec.get("comparisons", [[1]]), len(indicators), f"the indicators of criterion {code!r}"
    )
    return Criterion(code=code, indicators=indicators, weights=weights)


def _weights(comparisons: Sequence[Sequence[Entry]], size: int, level: str) -> tuple[float, ...]:
    if len(comparisons) != size:
        raise ScorecardError(
            f"{level}: {size} items but a {len(comparisons)}-row comparison matrix"
        )
    try:
        result = ahp_weights(comparisons)
    except AHPError as error:
        raise ScorecardError(f"{level}: {error}") from error
    if not result.consistent:
        raise ScorecardError(
            f"{level}: the comparisons are inconsistent (CR = {result.cr:.3f} ≥ "
            f"{CONSISTENCY_LIMIT:.2f}); revise them"
        )
    return tuple(result.weights)


def _normalised(value: pl.Expr, indicator: Indicator, method: Normalisation) -> pl.Expr:
    oriented = value if indicator.higher_is_better else -value
    if method == "percentile":
        scaled = pl.when(oriented.count() > 1).then(
            100 * (oriented.rank("average") - 1) / (oriented.count() - 1)
        )
    else:
        spread = oriented.max() - oriented.min()
        scaled = pl.when(spread > 0).then(100 * (oriented - oriented.min()) / spread)
    return scaled.fill_null(NEUTRAL)
