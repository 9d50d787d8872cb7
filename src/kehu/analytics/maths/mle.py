"""Maximum-likelihood fitting shared by the BG/NBD and Gamma-Gamma models.

All their parameters are positive, so they are optimised on the log scale, θ = exp(φ), which
leaves the optimiser (L-BFGS-B) unconstrained but for wide bounds |φ| ≤ 20 that keep exp()
finite; the gradient follows by the chain rule ∂ℓ/∂φ = θ · ∂ℓ/∂θ.

Customers with identical summaries contribute identical terms, so rows are collapsed first and
each distinct row is weighted by its count. The objective is the weighted *mean* negative
log-likelihood, which keeps the optimiser's tolerances independent of the number of customers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl
from numpy.typing import NDArray
from scipy import optimize

from kehu.analytics.maths.errors import FitError

FloatArray = NDArray[np.float64]
# θ ↦ (log-likelihood of each row, its gradient with respect to θ as a (len(θ), rows) array)
RowLikelihood = Callable[[FloatArray], tuple[FloatArray, FloatArray]]

LOG_BOUND = 20.0


@dataclass(frozen=True)
class Fit:
    parameters: FloatArray
    log_likelihood: float  # summed over all customers, at the maximum
    iterations: int


def unique_rows(columns: dict[str, FloatArray]) -> tuple[dict[str, FloatArray], FloatArray]:
    """Distinct rows of equal-length columns, and how many times each occurs."""
    counted = pl.DataFrame(columns).group_by(list(columns)).len(name="_count")
    distinct = {name: counted[name].to_numpy().astype(np.float64) for name in columns}
    return distinct, counted["_count"].to_numpy().astype(np.float64)


_SETTLED_GRADIENT = 1e-6


def maximise_log_likelihood(
    row_likelihood: RowLikelihood, *, weights: FloatArray, initial: Sequence[float], model: str
) -> Fit:
    """Maximise Σ wᵢ ℓᵢ(θ) over θ > 0, starting from `initial`."""
    total = float(weights.sum())

    def objective(phi: FloatArray) -> tuple[float, FloatArray]:
        theta = np.exp(phi)
        values, gradient = row_likelihood(theta)
        return -float(weights @ values) / total, -(gradient @ weights) * theta / total

    result = optimize.minimize(
        objective,
        np.log(np.asarray(initial, dtype=np.float64)),
        jac=True,
        method="L-BFGS-B",
        bounds=[(-LOG_BOUND, LOG_BOUND)] * len(initial),
        options={"maxiter": 2000, "ftol": 1e-12, "gtol": 1e-8},
    )
    # L-BFGS-B can stop with an "abnormal" line search at the maximum itself, when no step
    # improves the likelihood within floating-point precision: a flat gradient says so.
    settled = result.success or float(np.max(np.abs(result.jac))) < _SETTLED_GRADIENT
    if not np.isfinite(result.fun) or not settled:
        raise FitError(f"{model}: the maximum-likelihood fit did not converge ({result.message})")
    if np.any(np.abs(result.x) >= LOG_BOUND - 1e-6):
        raise FitError(f"{model}: a parameter ran off to 0 or infinity; the data do not fit")
    return Fit(
        parameters=np.exp(result.x),
        log_likelihood=-float(result.fun) * total,
        iterations=int(result.nit),
    )
