"""The Gamma-Gamma model of spend per purchase.

Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005b). "RFM and CLV: Using iso-value curves for
customer base analysis". Journal of Marketing Research 42(4), 415–430; the form used here is
Fader & Hardie (2013), "The Gamma-Gamma model of monetary value".

A customer's spends z_1 … z_x are Gamma(p, ν) with a customer-specific ν ~ Gamma(q, γ); γ is
the `v` of the published tables. Spend is assumed independent of purchase frequency. A customer
with x ≥ 1 repeat purchases of mean m_x contributes

    ln f(m_x | x) = ln Γ(px+q) − ln Γ(px) − ln Γ(q) + q ln γ + (px−1) ln m_x + px ln x
                    − (px+q) ln(γ + x m_x),

which is maximised over the customers with at least one repeat purchase and a positive mean
(mean of the repeat purchase days, the first purchase excluded; customers whose repeat
purchases were all free say nothing about a Gamma spend and are left out). The conditional
expected spend per purchase is

    E[M | x, m_x] = p (γ + x m_x) / (p x + q − 1),

a weighted average of the population mean p γ / (q − 1) and the customer's own mean m_x
(finite only when q > 1). For x = 0 it is the population mean.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy import special

from kehu.analytics.maths.errors import FitError
from kehu.analytics.maths.mle import FloatArray, maximise_log_likelihood, unique_rows


@dataclass(frozen=True)
class GammaGammaModel:
    p: float
    q: float
    v: float
    log_likelihood: float
    customers: int

    @property
    def population_mean_spend(self) -> float:
        self._require_finite_mean()
        return self.p * self.v / (self.q - 1.0)

    def expected_spend(self, *, frequency: ArrayLike, monetary_value: ArrayLike) -> FloatArray:
        """Expected spend per future purchase of each customer given their own history."""
        self._require_finite_mean()
        x = np.asarray(frequency, dtype=np.float64)
        m = np.where(x > 0, np.asarray(monetary_value, dtype=np.float64), 0.0)
        return np.asarray(self.p * (self.v + x * m) / (self.p * x + self.q - 1.0))

    def _require_finite_mean(self) -> None:
        if self.q <= 1:
            raise FitError("Gamma-Gamma: q ≤ 1, so the mean spend per purchase is infinite")


def fit_gamma_gamma(*, frequency: ArrayLike, monetary_value: ArrayLike) -> GammaGammaModel:
    """Maximum-likelihood Gamma-Gamma parameters from repeat purchases and their mean spend."""
    x_all = np.asarray(frequency, dtype=np.float64)
    m_all = np.asarray(monetary_value, dtype=np.float64)
    informative = (x_all > 0) & (m_all > 0)
    if informative.sum() < 2:
        raise FitError("Gamma-Gamma: fewer than two customers with paid repeat purchases")
    rows, weights = unique_rows({"x": x_all[informative], "m": m_all[informative]})
    x, m = rows["x"], rows["m"]
    log_x, log_m = np.log(x), np.log(m)

    def likelihood(theta: FloatArray) -> tuple[FloatArray, FloatArray]:
        p, q, v = theta
        px = p * x
        log_total = np.log(v + x * m)
        values = (
            special.gammaln(px + q)
            - special.gammaln(px)
            - special.gammaln(q)
            + q * np.log(v)
            + (px - 1.0) * log_m
            + px * log_x
            - (px + q) * log_total
        )
        psi_all = special.digamma(px + q)
        gradient = np.stack(
            [
                x * (psi_all - special.digamma(px) + log_m + log_x - log_total),
                psi_all - special.digamma(q) + np.log(v) - log_total,
                q / v - (px + q) / (v + x * m),
            ]
        )
        return values, gradient

    # Start from a shape of 1 per purchase (exponential spends), q = 2 and the γ that matches
    # the observed mean spend, p γ / (q − 1) = mean(m).
    mean_spend = float(np.average(m, weights=weights))
    fit = maximise_log_likelihood(
        likelihood, weights=weights, initial=(1.0, 2.0, mean_spend), model="Gamma-Gamma"
    )
    p, q, v = (float(value) for value in fit.parameters)
    return GammaGammaModel(
        p=p, q=q, v=v, log_likelihood=fit.log_likelihood, customers=int(informative.sum())
    )
