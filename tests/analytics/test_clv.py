"""Customer lifetime value: discounting and the CDNOW end-to-end run."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from kehu.analytics.maths.bgnbd import BgNbdModel
from kehu.analytics.maths.clv import customer_values, lifetime_value
from kehu.analytics.maths.gamma_gamma import GammaGammaModel

BGNBD = BgNbdModel(r=0.243, alpha=4.414, a=0.793, b=2.426, log_likelihood=0.0, customers=0)
GAMMA_GAMMA = GammaGammaModel(p=6.25, q=3.74, v=15.44, log_likelihood=0.0, customers=0)
SUMMARY = pl.DataFrame(
    {
        "customer_id": ["a", "b", "c"],
        "frequency": [0, 2, 7],
        "recency": [0.0, 30.43, 35.0],
        "T": [38.86, 38.86, 38.86],
        "monetary_value": [0.0, 40.0, 25.0],
    }
)


def values(**options: float) -> pl.DataFrame:
    return customer_values(SUMMARY, bgnbd=BGNBD, gamma_gamma=GAMMA_GAMMA, **options)  # type: ignore[arg-type]


def test_undiscounted_value_is_spend_times_expected_purchases() -> None:
    table = values(horizon=52, discount_rate=0.0, margin=0.3)

    expected = BGNBD.expected_purchases(
        52, frequency=SUMMARY["frequency"], recency=SUMMARY["recency"], T=SUMMARY["T"]
    )
    spend = GAMMA_GAMMA.expected_spend(
        frequency=SUMMARY["frequency"], monetary_value=SUMMARY["monetary_value"]
    )
    assert table["expected_purchases"].to_list() == pytest.approx(list(expected))
    assert table["expected_spend"].to_list() == pytest.approx(list(spend))
    assert table["clv"].to_list() == pytest.approx(list(0.3 * spend * expected))


def test_one_period_is_discounted_once() -> None:
    table = values(horizon=1, discount_rate=0.05)

    assert table["clv"].to_list() == pytest.approx(
        list(table["expected_spend"] * table["expected_purchases"] / 1.05)
    )


def test_each_period_is_discounted_by_its_own_factor() -> None:
    d = 0.02
    by_hand = 0.0
    previous = 0.0
    for k in (1, 2, 3):
        cumulative = BGNBD.expected_purchases(k, frequency=7, recency=35.0, T=38.86)[0]
        by_hand += (cumulative - previous) / (1 + d) ** k
        previous = cumulative
    spend = GAMMA_GAMMA.expected_spend(frequency=[7], monetary_value=[25.0])[0]

    table = values(horizon=3, discount_rate=d)

    assert table.filter(pl.col("customer_id") == "c")["clv"][0] == pytest.approx(spend * by_hand)
    assert (table["clv"] < values(horizon=3, discount_rate=0.0)["clv"]).all()


def test_rejects_a_horizon_below_one_and_negative_discounting() -> None:
    with pytest.raises(ValueError, match="horizon"):
        values(horizon=0, discount_rate=0.01)
    with pytest.raises(ValueError, match="discount rate"):
        values(horizon=5, discount_rate=-0.01)


def test_lifetime_value_of_the_cdnow_sample(cdnow_sample: pl.DataFrame) -> None:
    result = lifetime_value(cdnow_sample, calibration_end=dt.date(1997, 9, 30), horizon=39)

    assert result.bgnbd.r == pytest.approx(0.243, rel=0.01)
    assert result.gamma_gamma.p == pytest.approx(6.25, rel=0.01)
    customers = result.customers
    assert customers.height == 2357 and customers["customer_id"].is_unique().all()
    assert customers.columns == [
        "customer_id", "frequency", "recency", "T", "monetary_value",
        "probability_alive", "expected_purchases", "expected_spend", "clv",
    ]  # fmt: skip
    assert (customers["clv"] >= 0).all()
    assert customers["probability_alive"].is_between(0, 1).all()
    # Customers with the same history are valued the same.
    first_day = customers.filter(pl.col("T") == pl.col("T").max(), pl.col("recency") == 0)
    assert first_day["clv"].n_unique() == 1
