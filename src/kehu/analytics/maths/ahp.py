"""Analytic hierarchy process: weights from a pairwise comparison matrix, and its consistency.

Saaty, T. L. (1980). The Analytic Hierarchy Process. McGraw-Hill; Saaty, T. L. (2008).
"Decision making with the analytic hierarchy process". Int. J. Services Sciences 1(1), 83–98.

Entry a_ij of the n × n matrix says how many times more important item i is than item j (the
1–9 scale), so a valid matrix is positive with a_ii = 1 and a_ji = 1 / a_ij. Entries may be
numbers or fraction strings such as "1/3"; reciprocity is checked within a relative tolerance
(default 1 %, so 0.33 passes for 1/3).

* weights w: the principal (Perron) eigenvector, A w = λ_max w, normalised to Σ w = 1;
* consistency index CI = (λ_max − n) / (n − 1);
* consistency ratio CR = CI / RI(n), with Saaty's random index RI below; CR = 0 for n ≤ 2
  (every 1 × 1 or 2 × 2 reciprocal matrix is consistent);
* the judgements are taken as consistent when CR < 0.10.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Final

import numpy as np
from numpy.typing import NDArray

# Saaty's random consistency index for n = 1 … 15 (Saaty 1980; as tabulated in Saaty 2008).
RANDOM_INDEX: Final = (
    0.0, 0.0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49, 1.51, 1.48, 1.56, 1.57, 1.59,
)  # fmt: skip
CONSISTENCY_LIMIT: Final = 0.10

Entry = float | int | str


class AHPError(ValueError):
    """A pairwise comparison matrix that cannot be used; names the offending cell."""


@dataclass(frozen=True)
class AHPResult:
    weights: list[float]
    lambda_max: float
    ci: float
    cr: float
    consistent: bool  # CR < 0.10


def parse_matrix(
    rows: Sequence[Sequence[Entry]], *, tolerance: float = 0.01
) -> NDArray[np.float64]:
    """Read and validate a pairwise comparison matrix; cells are named (row, column) from 1."""
    n = len(rows)
    if n == 0:
        raise AHPError("the matrix is empty")
    if n > len(RANDOM_INDEX):
        raise AHPError(f"at most {len(RANDOM_INDEX)} items can be compared, not {n}")
    for i, row in enumerate(rows, start=1):
        if isinstance(row, str) or not isinstance(row, Sequence) or len(row) != n:
            length = len(row) if isinstance(row, Sequence) else "no"
            raise AHPError(f"the matrix is not square: row {i} has {length} entries, not {n}")
    matrix = np.array(
        [[_entry(value, i, j) for j, value in enumerate(row, 1)] for i, row in enumerate(rows, 1)]
    )
    for i in range(n):
        if not _near_one(matrix[i, i], tolerance):
            raise AHPError(f"cell ({i + 1}, {i + 1}) is {matrix[i, i]:g}; the diagonal must be 1")
    for i in range(n):
        for j in range(i + 1, n):
            if not _near_one(matrix[j, i] * matrix[i, j], tolerance):
                raise AHPError(
                    f"cell ({j + 1}, {i + 1}) is {matrix[j, i]:g} but cell ({i + 1}, {j + 1}) is "
                    f"{matrix[i, j]:g}; it should be its reciprocal, {1 / matrix[i, j]:.4g}"
                )
    return matrix


def ahp_weights(rows: Sequence[Sequence[Entry]], *, tolerance: float = 0.01) -> AHPResult:
    """Priority weights, λ_max, CI and CR of a pairwise comparison matrix."""
    matrix = parse_matrix(rows, tolerance=tolerance)
    n = len(matrix)
    eigenvalues, eigenvectors = np.linalg.eig(matrix)
    principal = int(np.argmax(eigenvalues.real))
    # The Perron vector has one sign; abs() only removes the arbitrary sign eig() returns.
    vector = np.abs(eigenvectors[:, principal].real)
    lambda_max = float(eigenvalues[principal].real)
    ci = (lambda_max - n) / (n - 1) if n > 2 else 0.0
    cr = ci / RANDOM_INDEX[n - 1] if n > 2 else 0.0
    return AHPResult(
        weights=[float(w) for w in vector / vector.sum()],
        lambda_max=lambda_max,
        ci=ci,
        cr=cr,
        consistent=cr < CONSISTENCY_LIMIT,
    )


def _near_one(value: float, tolerance: float) -> bool:
    # The slack keeps 0.33 · 3 = 0.99 inside a 1 % tolerance despite binary rounding.
    return abs(value - 1.0) <= tolerance + 1e-12


def _entry(value: Entry, row: int, column: int) -> float:
    try:
        number = float(Fraction(value.strip())) if isinstance(value, str) else float(value)
    except (ValueError, ZeroDivisionError, TypeError) as error:
        raise AHPError(f"cell ({row}, {column}) is {value!r}, not a number") from error
    if not np.isfinite(number) or number <= 0:
        raise AHPError(f"cell ({row}, {column}) is {value!r}; entries must be positive")
    return number
