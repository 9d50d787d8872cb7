"""BG/NBD: the published CDNOW estimates, its formulas, and the likelihood's gradient."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
import pytest
from scipy import optimize, special

from kehu.analytics.maths.bgnbd import BgNbdModel, _log_likelihood, fit_bgnbd
from kehu.analytics.maths.transactions import model_summary

# Fader, Hardie & Lee (2005a), section 4: the CDNOW sample, 39-week calibration period.
PUBLISHED = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
CALIBRATION_END = dt.date(1997, 9, 30)


@pytest.fixture(scope="module")
def weekly(cdnow_sample: pl.DataFrame) -> pl.DataFrame:
    return model_summary(cdnow_sample, calibration_end=CALIBRATION_END, time_unit="week")


@pytest.fixture(scope="module")
def model(weekly: pl.DataFrame) -> BgNbdModel:
    return fit_bgnbd(frequency=weekly["frequency"], recency=weekly["recency"], T=weekly["T"])


def published_model() -> BgNbdModel:
    return BgNbdModel(**PUBLISHED, log_likelihood=-9582.4, customers=2357)


def test_fit_reproduces_the_published_cdnow_parameters(model: BgNbdModel) -> None:
    for name, published in PUBLISHED.items():
        assert getattr(model, name) == pytest.approx(published, rel=0.01), name
    assert model.log_likelihood == pytest.approx(-9582.4, abs=0.1)
    assert model.customers == 2357


def test_days_instead_of_weeks_only_rescale_alpha(
    cdnow_sample: pl.DataFrame, model: BgNbdModel
) -> None:
    daily = model_summary(cdnow_sample, calibration_end=CALIBRATION_END, time_unit="day")

    in_days = fit_bgnbd(frequency=daily["frequency"], recency=daily["recency"], T=daily["T"])

    assert in_days.alpha == pytest.approx(7 * model.alpha, rel=1e-4)
    for name in ("r", "a", "b"):
        assert getattr(in_days, name) == pytest.approx(getattr(model, name), rel=1e-4)


def test_duplicated_customers_give_the_same_fit(weekly: pl.DataFrame, model: BgNbdModel) -> None:
    twice = pl.concat([weekly, weekly])

    refit = fit_bgnbd(frequency=twice["frequency"], recency=twice["recency"], T=twice["T"])

    assert refit.r == pytest.approx(model.r, rel=1e-5)
    assert refit.log_likelihood == pytest.approx(2 * model.log_likelihood, rel=1e-9)


def test_gradient_matches_finite_differences(weekly: pl.DataFrame) -> None:
    x, t_x, big_t = (weekly[c].to_numpy().astype(float) for c in ("frequency", "recency", "T"))

    def total(theta: np.ndarray) -> float:
        return float(_log_likelihood(theta, x, t_x, big_t)[0].sum())

    def gradient(theta: np.ndarray) -> np.ndarray:
        return np.asarray(_log_likelihood(theta, x, t_x, big_t)[1].sum(axis=1))

    for theta in ([0.243, 4.414, 0.793, 2.426], [1.5, 10.0, 2.0, 0.7]):
        error = optimize.check_grad(total, gradient, np.array(theta), epsilon=1e-7)
        assert error < 1e-3 * np.linalg.norm(gradient(np.array(theta)))


def test_expected_purchases_of_the_worked_example() -> None:
    # Fader, Hardie & Lee's Excel note: x = 2, t_x = 30.43, T = 38.86 expects 1.226 purchases
    # in the next 39 weeks.
    expected = published_model().expected_purchases(39, frequency=2, recency=30.43, T=38.86)

    assert expected[0] == pytest.approx(1.226, abs=0.001)


def test_new_customer_expectation_is_equation_9() -> None:
    model = published_model()
    r, alpha, a, b = model.r, model.alpha, model.a, model.b

    for t in (1.0, 39.0, 78.0):
        z = t / (alpha + t)
        direct = (a + b - 1) / (a - 1) * (1 - (1 - z) ** r * special.hyp2f1(r, b, a + b - 1, z))
        assert model.expected_purchases_new_customer(t) == pytest.approx(direct, rel=1e-10)


def test_probability_alive() -> None:
    model = published_model()

    alive = model.probability_alive(
        frequency=[0, 2, 2, 2], recency=[0.0, 38.0, 20.0, 5.0], T=[38.86] * 4
    )

    # No repeat purchase: the BG/NBD customer cannot have dropped out yet.
    assert alive[0] == 1.0
    # The longer since the last purchase, the less likely the customer is still there.
    assert alive[1] > alive[2] > alive[3] > 0


def test_heavy_buyers_stay_finite() -> None:
    # 400 repeat purchases in two years, the last one just now: about 4 a week.
    expected = published_model().expected_purchases(52, frequency=400, recency=103.9, T=104.0)

    assert np.isfinite(expected[0]) and expected[0] > 150


def test_rejects_inconsistent_summaries() -> None:
    with pytest.raises(ValueError, match="whole number"):
        fit_bgnbd(frequency=[1.5], recency=[1.0], T=[2.0])
    with pytest.raises(ValueError, match=r"recency must lie in \[0, T\]"):
        fit_bgnbd(frequency=[1], recency=[3.0], T=[2.0])
    with pytest.raises(ValueError, match="be 0 for customers with no repeats"):
        fit_bgnbd(frequency=[0], recency=[1.0], T=[2.0])
    with pytest.raises(ValueError, match="no customers"):
        fit_bgnbd(frequency=[], recency=[], T=[])
