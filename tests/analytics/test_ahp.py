"""AHP weights, consistency, and the checks on the comparison matrix."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kehu.analytics.maths.ahp import RANDOM_INDEX, AHPError, ahp_weights

# Saaty (2008), "Decision making with the analytic hierarchy process", Table 2: which drink is
# consumed more in the U.S.? Coffee, wine, tea, beer, sodas, milk, water.
DRINKS: list[list[float | str]] = [
    [1, 9, 5, 2, 1, 1, "1/2"],
    ["1/9", 1, "1/3", "1/9", "1/9", "1/9", "1/9"],
    ["1/5", 3, 1, "1/3", "1/4", "1/3", "1/9"],
    ["1/2", 9, 3, 1, "1/2", 1, "1/3"],
    [1, 9, 4, 2, 1, 2, "1/2"],
    [1, 9, 3, 1, "1/2", 1, "1/3"],
    [2, 9, 9, 3, 2, 3, 1],
]
DRINKS_DERIVED = [0.177, 0.019, 0.042, 0.116, 0.190, 0.129, 0.327]


def test_saatys_drinks_example() -> None:
    result = ahp_weights(DRINKS)

    assert result.weights == pytest.approx(DRINKS_DERIVED, abs=0.0005)
    assert result.lambda_max == pytest.approx(7.177, abs=0.001)
    assert result.ci == pytest.approx((result.lambda_max - 7) / 6)
    assert result.cr == pytest.approx(0.022, abs=0.0005)
    assert result.consistent


def test_a_consistent_matrix_recovers_its_weights_with_lambda_n() -> None:
    weights = np.array([0.5, 0.3, 0.2])

    result = ahp_weights((weights[:, None] / weights[None, :]).tolist())

    assert result.weights == pytest.approx(weights)
    assert result.lambda_max == pytest.approx(3.0)
    assert result.cr == pytest.approx(0.0, abs=1e-12)


def test_two_items_are_always_consistent() -> None:
    result = ahp_weights([[1, 4], [0.25, 1]])

    assert result.weights == pytest.approx([0.8, 0.2])
    assert result.ci == 0.0 and result.cr == 0.0 and result.consistent


def test_inconsistent_judgements_are_flagged() -> None:
    # a ≫ b, b ≫ c, yet c ≫ a: a cycle.
    result = ahp_weights([[1, 9, "1/9"], ["1/9", 1, 9], [9, "1/9", 1]])

    assert result.cr >= 0.10 and not result.consistent


def test_rounded_reciprocals_are_accepted() -> None:
    assert ahp_weights([[1, 3], [0.33, 1]]).weights[0] == pytest.approx(0.75, abs=0.002)


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([], "the matrix is empty"),
        ([[1, 2], [0.5]], "not square: row 2 has 1 entries, not 2"),
        (
            [[1, 3], [0.5, 1]],
            r"cell \(2, 1\) is 0.5 but cell \(1, 2\) is 3; it should be its reciprocal, 0.3333",
        ),
        ([[1, 2], [0.5, 2]], r"cell \(2, 2\) is 2; the diagonal must be 1"),
        ([[1, "x"], ["1/2", 1]], r"cell \(1, 2\) is 'x', not a number"),
        ([[1, "1/0"], [0, 1]], r"cell \(1, 2\) is '1/0', not a number"),
        ([[1, -2], [-0.5, 1]], r"cell \(1, 2\) is -2; entries must be positive"),
        ([[1] * 16] * 16, "at most 15 items"),
    ],
)  # fmt: skip
def test_bad_matrices_name_the_offending_cell(rows: list[list[object]], message: str) -> None:
    with pytest.raises(AHPError, match=message):
        ahp_weights(rows)  # type: ignore[arg-type]


def test_random_index_is_saatys_table() -> None:
    assert RANDOM_INDEX[:10] == (0.0, 0.0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49)
    assert len(RANDOM_INDEX) == 15


scale = st.sampled_from([1, 2, 3, 4, 5, 6, 7, 8, 9, 1 / 2, 1 / 3, 1 / 4, 1 / 5, 1 / 7, 1 / 9])


@st.composite
def reciprocal_matrices(draw: st.DrawFn) -> list[list[float]]:
    n = draw(st.integers(min_value=1, max_value=9))
    matrix = np.ones((n, n))
    for i in range(n):
        for j in range(i + 1, n):
            matrix[i, j] = draw(scale)
            matrix[j, i] = 1 / matrix[i, j]
    return matrix.tolist()


@given(reciprocal_matrices())
def test_weights_are_positive_and_sum_to_one(rows: list[list[float]]) -> None:
    result = ahp_weights(rows)

    assert sum(result.weights) == pytest.approx(1.0)
    assert min(result.weights) > 0
    # Perron: λ_max ≥ n for a positive reciprocal matrix, so CI and CR are never negative.
    assert result.lambda_max >= len(rows) - 1e-9
    assert result.cr >= -1e-9
