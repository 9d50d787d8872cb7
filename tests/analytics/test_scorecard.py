"""The customer scorecard: AHP weights per level, normalisation, score and grade."""

from __future__ import annotations

import copy
from typing import Any

import polars as pl
import pytest

from kehu.analytics.maths.scorecard import (
    DEFAULT_SCORECARD,
    ScorecardError,
    indicator_weights,
    score_customers,
    scorecard_from_dict,
)

TWO_BY_TWO: dict[str, Any] = {
    "criteria": {
        "value": {
            "indicators": {"spend": {"column": "spend"}},
        },
        "credit": {
            "indicators": {
                "on_time": {"column": "on_time"},
                "overdue": {"column": "overdue_days", "higher_is_better": False},
            },
            "comparisons": [[1, 1], [1, 1]],
        },
    },
    "comparisons": [[1, 3], ["1/3", 1]],  # value weighs 3/4, credit 1/4
    "grades": {"A": 80, "B": 60, "C": 40, "D": 0},
}
DATA = pl.DataFrame(
    {
        "customer_id": ["p", "q", "r"],
        "spend": [100.0, 300.0, 500.0],
        "on_time": [1.0, 0.5, 0.0],
        "overdue_days": [0.0, 10.0, None],
    }
)


def test_the_default_scorecard_is_consistent_and_its_weights_sum_to_one() -> None:
    scorecard = scorecard_from_dict(DEFAULT_SCORECARD)

    weights = indicator_weights(scorecard)

    assert [c.code for c in scorecard.criteria] == [
        "value", "loyalty", "credit", "satisfaction", "potential",
    ]  # fmt: skip
    assert sum(weights.values()) == pytest.approx(1.0)
    assert weights["value.total_spend"] == pytest.approx(2 / 3 * scorecard.weights[0])


def test_min_max_scores_and_grades_by_hand() -> None:
    scored = score_customers(DATA, scorecard_from_dict(TWO_BY_TWO))

    # spend → 0, 50, 100; on_time → 100, 50, 0; overdue (lower is better) → 100, 0, missing = 50.
    assert scored["value_score"].to_list() == pytest.approx([0, 50, 100])
    assert scored["credit_score"].to_list() == pytest.approx([100, 25, 25])
    assert scored["score"].to_list() == pytest.approx([25, 43.75, 81.25])
    assert scored["grade"].to_list() == ["D", "C", "A"]


def test_percentile_normalisation_ignores_the_size_of_outliers() -> None:
    config = TWO_BY_TWO | {"normalisation": "percentile"}
    outlier = DATA.with_columns(spend=pl.Series([100.0, 300.0, 1e9]))

    scored = score_customers(outlier, scorecard_from_dict(config))

    assert scored["value_score"].to_list() == pytest.approx([0, 50, 100])


def test_equal_values_score_a_neutral_fifty() -> None:
    flat = DATA.with_columns(spend=pl.lit(7.0))

    scored = score_customers(flat, scorecard_from_dict(TWO_BY_TWO))

    assert scored["value_score"].to_list() == [50.0, 50.0, 50.0]


def test_inconsistent_comparisons_are_refused_naming_the_level() -> None:
    config = copy.deepcopy(DEFAULT_SCORECARD)
    config["criteria"]["value"]["indicators"]["returns"] = {"column": "returns"}
    config["criteria"]["value"]["comparisons"] = [[1, 9, "1/9"], ["1/9", 1, 9], [9, "1/9", 1]]

    with pytest.raises(ScorecardError, match=r"indicators of criterion 'value': .*CR = .* ≥ 0.10"):
        scorecard_from_dict(config)


def test_a_comparison_matrix_of_the_wrong_size_is_refused() -> None:
    config = copy.deepcopy(TWO_BY_TWO)
    config["comparisons"] = [[1]]

    with pytest.raises(ScorecardError, match="the criteria: 2 items but a 1-row comparison matrix"):
        scorecard_from_dict(config)


def test_missing_data_columns_are_named() -> None:
    with pytest.raises(ScorecardError, match=r"lack the column\(s\) on_time, overdue_days"):
        score_customers(DATA.select("customer_id", "spend"), scorecard_from_dict(TWO_BY_TWO))


def test_grade_cutoffs_must_cover_every_score() -> None:
    with pytest.raises(ScorecardError, match="lowest grade"):
        scorecard_from_dict(TWO_BY_TWO | {"grades": {"A": 80, "B": 50}})
