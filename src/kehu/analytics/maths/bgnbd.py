"""The BG/NBD model of repeat buying: how many purchases, and is the customer still there.

Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005a). "Counting your customers the easy way: An
alternative to the Pareto/NBD model". Marketing Science 24(2), 275–284.

While alive a customer buys as a Poisson process with rate λ ~ Gamma(r, α); after each
purchase they drop out with probability p ~ Beta(a, b). A customer is summarised by x repeat
purchases, the time t_x of the last one and the time T observed, all measured from the first
purchase (see `transactions.model_summary`). The likelihood of one customer (eq. 6) is

    L = B(a, b+x)/B(a, b) · Γ(r+x) α^r / (Γ(r) (α+T)^(r+x))
        + [x > 0] B(a+1, b+x−1)/B(a, b) · Γ(r+x) α^r / (Γ(r) (α+t_x)^(r+x)).

Writing D = ln a − ln(b+x−1) + (r+x) ln((α+T)/(α+t_x)) for the log-odds of the dropout
term against the alive term (D = −∞ when x = 0),

    ln L = ln Γ(r+x) − ln Γ(r) + r ln α + ln B(a, b+x) − ln B(a, b) − (r+x) ln(α+T)
           + ln(1 + e^D),

and the probability the customer is still alive at T (eq. 11) is P(alive) = 1 / (1 + e^D).

Expected purchases in the next t time units (eq. 10), with z = t / (α+T+t):

    E[Y(t) | x, t_x, T] = P(alive) · (a+b+x−1)/(a−1)
                          · [1 − (1−z)^(r+x) ₂F₁(r+x, b+x; a+b+x−1; z)].

Euler's transformation ₂F₁(a′, b′; c′; z) = (1−z)^(c′−a′−b′) ₂F₁(c′−a′, c′−b′; c′; z) turns the
bracket into 1 − (1−z)^(a−1) ₂F₁(a+b−1−r, a−1; a+b+x−1; z), which stays finite for customers
with hundreds of purchases where the original form overflows. With x = t_x = T = 0 the same
expression is the expected number of purchases of a new customer in (0, t] (eq. 9).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy import special

from kehu.analytics.maths.mle import FloatArray, maximise_log_likelihood, unique_rows


@dataclass(frozen=True)
class BgNbdModel:
    r: float
    alpha: float
    a: float
    b: float
    log_likelihood: float
    customers: int

    def probability_alive(
        self, *, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike
    ) -> FloatArray:
        x, t_x, big_t = _summary_arrays(frequency, recency, T)
        return special.expit(-_dropout_log_odds(self._theta, x, t_x, big_t))

    def expected_purchases(
        self, t: float, *, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike
    ) -> FloatArray:
        """Expected purchases in the `t` time units after T, given each customer's history."""
        x, t_x, big_t = _summary_arrays(frequency, recency, T)
        r, alpha, a, b = self._theta
        z = t / (alpha + big_t + t)
        bracket = 1.0 - (1.0 - z) ** (a - 1.0) * special.hyp2f1(
            a + b - 1.0 - r, a - 1.0, a + b + x - 1.0, z
        )
        alive = special.expit(-_dropout_log_odds(self._theta, x, t_x, big_t))
        return np.asarray(alive * (a + b + x - 1.0) / (a - 1.0) * bracket, dtype=np.float64)

    def expected_purchases_new_customer(self, t: float) -> float:
        """Expected purchases of a customer in the `t` time units after their first one."""
        return float(self.expected_purchases(t, frequency=0, recency=0.0, T=0.0)[0])

    @property
    def _theta(self) -> tuple[float, float, float, float]:
        return self.r, self.alpha, self.a, self.b


def fit_bgnbd(*, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike) -> BgNbdModel:
    """Maximum-likelihood BG/NBD parameters for customers summarised as (x, t_x, T)."""
    x, t_x, big_t = _summary_arrays(frequency, recency, T)
    rows, weights = unique_rows({"x": x, "t_x": t_x, "T": big_t})

    def likelihood(theta: FloatArray) -> tuple[FloatArray, FloatArray]:
        return _log_likelihood(theta, rows["x"], rows["t_x"], rows["T"])

    # α is a time scale, so it starts at the customers' typical observation time.
    initial = (1.0, max(float(np.mean(big_t)), 1.0), 1.0, 1.0)
    fit = maximise_log_likelihood(likelihood, weights=weights, initial=initial, model="BG/NBD")
    r, alpha, a, b = (float(value) for value in fit.parameters)
    return BgNbdModel(
        r=r, alpha=alpha, a=a, b=b, log_likelihood=fit.log_likelihood, customers=len(x)
    )


def _summary_arrays(
    frequency: ArrayLike, recency: ArrayLike, T: ArrayLike
) -> tuple[FloatArray, FloatArray, FloatArray]:
    x, t_x, big_t = np.broadcast_arrays(
        *(np.atleast_1d(np.asarray(v, dtype=np.float64)) for v in (frequency, recency, T))
    )
    if x.size == 0:
        raise ValueError("no customers to model")
    if np.any(x < 0) or np.any(x != np.floor(x)):
        raise ValueError("frequency must be a whole number of repeat purchases ≥ 0")
    if np.any(t_x < 0) or np.any(t_x > big_t) or np.any((x == 0) & (t_x != 0)):
        raise ValueError("recency must lie in [0, T], and be 0 for customers with no repeats")
    return x, t_x, big_t


def _dropout_log_odds(
    theta: tuple[float, ...] | FloatArray, x: FloatArray, t_x: FloatArray, big_t: FloatArray
) -> FloatArray:
    r, alpha, a, b = theta
    repeat = x > 0
    # b+x−1 and α+t_x only matter for repeat buyers; guard the others against log(≤0).
    b_x = np.where(repeat, b + x - 1.0, 1.0)
    log_odds = np.log(a) - np.log(b_x) + (r + x) * (np.log(alpha + big_t) - np.log(alpha + t_x))
    return np.where(repeat, log_odds, -np.inf)


def _log_likelihood(
    theta: FloatArray, x: FloatArray, t_x: FloatArray, big_t: FloatArray
) -> tuple[FloatArray, FloatArray]:
    r, alpha, a, b = theta
    log_odds = _dropout_log_odds(theta, x, t_x, big_t)
    dropout = special.expit(log_odds)  # share of the likelihood from "dropped out at t_x"
    alive = 1.0 - dropout
    log_t, log_tx = np.log(alpha + big_t), np.log(alpha + t_x)
    values = (
        special.gammaln(r + x)
        - special.gammaln(r)
        + r * np.log(alpha)
        + special.betaln(a, b + x)
        - special.betaln(a, b)
        - (r + x) * log_t
        + np.logaddexp(0.0, log_odds)
    )
    psi_ab, psi_abx = special.digamma(a + b), special.digamma(a + b + x)
    b_x = np.where(x > 0, b + x - 1.0, 1.0)
    gradient = np.stack(
        [
            special.digamma(r + x)
            - special.digamma(r)
            + np.log(alpha)
            - alive * log_t
            - dropout * log_tx,
            r / alpha - (r + x) * (alive / (alpha + big_t) + dropout / (alpha + t_x)),
            psi_ab - psi_abx + dropout / a,
            psi_ab - psi_abx - special.digamma(b) + special.digamma(b + x) - dropout / b_x,
        ]
    )
    return values, gradient
