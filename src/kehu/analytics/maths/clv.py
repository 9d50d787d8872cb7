"""Customer lifetime value over a horizon, from the BG/NBD and Gamma-Gamma models.

With E[Y_i(t)] the BG/NBD expected purchases of customer i in the t time units after the end
of calibration (`bgnbd`), E[M_i] the Gamma-Gamma expected spend per purchase (`gamma_gamma`),
a horizon of H time units, a discount rate d per time unit and a profit margin μ,

    CLV_i = μ · E[M_i] · Σ_{k=1..H} (E[Y_i(k)] − E[Y_i(k−1)]) / (1 + d)^k,

that is, the purchases expected in period k (the difference of the cumulative expectation)
are discounted as if made at the end of that period. The rate is per time unit: 0.01 per week
is about 68 % a year, so pass the weekly equivalent of an annual rate ((1 + annual)^(1/52) − 1)
when thinking in years. With μ = 1 the value is revenue, not profit.

Spend is assumed independent of the purchase process (the Gamma-Gamma assumption), which is
what lets the two expectations be multiplied (Fader, Hardie & Lee 2005b).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import polars as pl

from kehu.analytics.maths.bgnbd import BgNbdModel, fit_bgnbd
from kehu.analytics.maths.gamma_gamma import GammaGammaModel, fit_gamma_gamma
from kehu.analytics.maths.transactions import TimeUnit, model_summary

HISTORY = ["frequency", "recency", "T"]


@dataclass(frozen=True)
class ClvResult:
    bgnbd: BgNbdModel
    gamma_gamma: GammaGammaModel
    # customer_id, frequency, recency, T, monetary_value, probability_alive,
    # expected_purchases, expected_spend, clv
    customers: pl.DataFrame


def lifetime_value(
    transactions: pl.DataFrame,
    *,
    calibration_end: dt.date,
    time_unit: TimeUnit = "week",
    horizon: int = 52,
    discount_rate: float = 0.01,
    margin: float = 1.0,
) -> ClvResult:
    """Fit both models on the purchases up to `calibration_end` and value every customer."""
    summary = model_summary(transactions, calibration_end=calibration_end, time_unit=time_unit)
    bgnbd = fit_bgnbd(frequency=summary["frequency"], recency=summary["recency"], T=summary["T"])
    gamma_gamma = fit_gamma_gamma(
        frequency=summary["frequency"], monetary_value=summary["monetary_value"]
    )
    customers = customer_values(
        summary,
        bgnbd=bgnbd,
        gamma_gamma=gamma_gamma,
        horizon=horizon,
        discount_rate=discount_rate,
        margin=margin,
    )
    return ClvResult(bgnbd=bgnbd, gamma_gamma=gamma_gamma, customers=customers)


def customer_values(
    summary: pl.DataFrame,
    *,
    bgnbd: BgNbdModel,
    gamma_gamma: GammaGammaModel,
    horizon: int,
    discount_rate: float,
    margin: float = 1.0,
) -> pl.DataFrame:
    """Expected purchases, P(alive), expected spend and CLV for each row of a model summary."""
    if horizon < 1:
        raise ValueError("the horizon must be at least one time unit")
    if discount_rate < 0:
        raise ValueError("the discount rate cannot be negative")
    # Expected purchases depend only on (x, t_x, T), shared by many customers.
    histories = summary.select(HISTORY).unique()
    history = {name: histories[name].to_numpy() for name in HISTORY}
    previous = np.zeros(histories.height)
    discounted = np.zeros(histories.height)
    for period in range(1, horizon + 1):
        cumulative = bgnbd.expected_purchases(period, **history)
        discounted += (cumulative - previous) / (1.0 + discount_rate) ** period
        previous = cumulative
    histories = histories.with_columns(
        probability_alive=bgnbd.probability_alive(**history),
        expected_purchases=previous,
        discounted_purchases=discounted,
    )
    valued = summary.join(histories, on=HISTORY, how="left", maintain_order="left")
    spend = gamma_gamma.expected_spend(
        frequency=valued["frequency"], monetary_value=valued["monetary_value"]
    )
    return valued.with_columns(
        expected_spend=spend,
        clv=margin * spend * valued["discounted_purchases"].to_numpy(),
    ).drop("discounted_purchases")
