"""Gamma-Gamma spend model: the published CDNOW estimates and the conditional expectation."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
import pytest

from kehu.analytics.maths.errors import FitError
from kehu.analytics.maths.gamma_gamma import GammaGammaModel, fit_gamma_gamma
from kehu.analytics.maths.transactions import model_summary

# Fader & Hardie (2013), "The Gamma-Gamma model of monetary value": the 946 CDNOW sample
# customers with a repeat purchase in the 39-week calibration period.
PUBLISHED = {"p": 6.25, "q": 3.74, "v": 15.44}


@pytest.fixture(scope="module")
def summary(cdnow_sample: pl.DataFrame) -> pl.DataFrame:
    return model_summary(cdnow_sample, calibration_end=dt.date(1997, 9, 30))


def test_fit_reproduces_the_published_cdnow_parameters(summary: pl.DataFrame) -> None:
    model = fit_gamma_gamma(
        frequency=summary["frequency"], monetary_value=summary["monetary_value"]
    )

    for name, published in PUBLISHED.items():
        assert getattr(model, name) == pytest.approx(published, rel=0.01), name
    assert model.customers == 946


def test_the_published_figures_need_the_mean_of_repeat_purchase_days(
    summary: pl.DataFrame,
) -> None:
    # The 946 repeat customers spend $35.08 per repeat purchase day on average.
    repeaters = summary.filter(pl.col("frequency") > 0)

    assert repeaters.height == 946
    assert repeaters["monetary_value"].mean() == pytest.approx(35.078, abs=0.001)


def test_expected_spend_shrinks_the_customer_mean_towards_the_population_mean() -> None:
    model = GammaGammaModel(p=6.0, q=4.0, v=15.0, log_likelihood=0.0, customers=0)
    population = 6.0 * 15.0 / 3.0  # p v / (q − 1) = 30

    spend = model.expected_spend(
        frequency=[0, 1, 10, 10_000], monetary_value=[99.0, 60.0, 60.0, 60.0]
    )

    assert model.population_mean_spend == population
    assert spend[0] == population  # nothing known about the customer's own spend
    # x = 1: weight p x / (p x + q − 1) = 6/9 on the customer's 60, 3/9 on the population's 30.
    assert spend[1] == pytest.approx(6 / 9 * 60 + 3 / 9 * 30)
    assert population < spend[1] < spend[2] < spend[3] < 60
    assert spend[3] == pytest.approx(60, rel=1e-3)


def test_customers_without_paid_repeats_are_left_out_of_the_fit() -> None:
    rng = np.random.default_rng(7)
    frequency = rng.integers(1, 6, 400)
    spend = rng.gamma(6.0, 1 / rng.gamma(4.0, 1 / 15.0, 400))
    with_noise = fit_gamma_gamma(
        frequency=np.concatenate([frequency, [0, 0, 3]]),
        monetary_value=np.concatenate([spend, [0.0, 12.0, 0.0]]),
    )
    clean = fit_gamma_gamma(frequency=frequency, monetary_value=spend)

    assert with_noise.customers == clean.customers == 400
    assert (with_noise.p, with_noise.q, with_noise.v) == pytest.approx((clean.p, clean.q, clean.v))


def test_an_infinite_mean_spend_is_refused() -> None:
    model = GammaGammaModel(p=2.0, q=0.9, v=10.0, log_likelihood=0.0, customers=0)

    with pytest.raises(FitError, match="q ≤ 1"):
        model.expected_spend(frequency=[1], monetary_value=[10.0])


def test_too_few_repeat_customers_is_an_error() -> None:
    with pytest.raises(FitError, match="fewer than two customers"):
        fit_gamma_gamma(frequency=[0, 0, 2], monetary_value=[0.0, 0.0, 10.0])
