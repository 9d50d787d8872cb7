"""Churn early warning: labels, features, evaluation figures, reasons, and CDNOW."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
import pytest

from kehu.analytics.maths.churn import (
    ChurnError,
    ChurnReport,
    calibration_table,
    churn_features,
    churn_labels,
    churn_report,
    precision_at_top,
)
from kehu.analytics.maths.churn_reasons import PHRASES, Reason, reason_is_telling, render_reason
from kehu.analytics.maths.transactions import validate_transactions

from .conftest import Transactions

CDNOW_CALIBRATION_END = dt.date(1997, 9, 30)
THIRTY_NINE_WEEKS = 273


def test_labels_say_who_did_not_buy_within_the_horizon(transactions: Transactions) -> None:
    log = transactions(
        ("back", "2024-01-10", 1), ("back", "2024-02-09", 1),  # 30 days later: within
        ("late", "2024-01-10", 1), ("late", "2024-02-10", 1),  # 31 days later: too late
        ("gone", "2024-01-02", 1),
        ("new", "2024-01-20", 1),  # first purchase after the cutoff: not yet a customer
    )  # fmt: skip

    labels = churn_labels(log, cutoff=dt.date(2024, 1, 10), horizon_days=30)

    assert labels.sort("customer_id").rows() == [("back", False), ("gone", True), ("late", True)]


def test_features_at_a_cutoff(transactions: Transactions) -> None:
    log = transactions(
        ("a", "2024-01-01", 10), ("a", "2024-01-11", 20), ("a", "2024-01-31", 30),
        ("b", "2024-01-21", 5),
    )  # fmt: skip
    extra = pl.DataFrame({"customer_id": ["a"], "complaints": [2]})

    features = churn_features(log, cutoff=dt.date(2024, 2, 10), extra=extra)

    assert features.to_dicts() == [
        {
            "customer_id": "a",
            "recency_days": 10.0,
            "frequency": 3.0,
            "monetary": 60.0,
            "interval_mean_days": 15.0,
            "interval_trend_days": 10.0,
            "tenure_days": 40.0,
            "complaints": 2.0,
        },
        {
            # A one-time buyer has waited 20 days so far, and shows no trend yet.
            "customer_id": "b",
            "recency_days": 20.0,
            "frequency": 1.0,
            "monetary": 5.0,
            "interval_mean_days": 20.0,
            "interval_trend_days": 0.0,
            "tenure_days": 20.0,
            "complaints": None,
        },
    ]


def test_precision_at_the_top_decile() -> None:
    outcome = np.array([True, False, True, False] + [False] * 16)
    score = np.linspace(1.0, 0.0, 20)

    # The top 10 % are the first two rows: one churner in two.
    assert precision_at_top(outcome, score, 0.10) == 0.5
    assert precision_at_top(outcome, score, 0.15) == pytest.approx(2 / 3)


def test_calibration_table_compares_predicted_and_observed_rates() -> None:
    predicted = np.array([0.1, 0.2, 0.8, 0.9])
    outcome = np.array([False, True, True, True])

    groups = calibration_table(outcome, predicted, groups=2)

    assert [(g.group, g.customers) for g in groups] == [(1, 2), (2, 2)]
    assert groups[0].mean_predicted == pytest.approx(0.15) and groups[0].observed_rate == 0.5
    assert groups[1].mean_predicted == pytest.approx(0.85) and groups[1].observed_rate == 1.0


def synthetic_log(customers: int = 400, seed: int = 3) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Customers buying every 2–6 weeks for a year; those with complaints stop sooner."""
    rng = np.random.default_rng(seed)
    start = dt.date(2023, 1, 1)
    rows: list[tuple[str, dt.date, float]] = []
    complaints = rng.poisson(1.0, customers)
    for number in range(customers):
        gap = int(rng.integers(14, 43))
        stop = int(rng.exponential(900 / (1 + 3 * complaints[number])))
        day = int(rng.integers(0, 60))
        while day <= min(stop, 540):
            rows.append((f"c{number}", start + dt.timedelta(days=day), float(rng.lognormal(3, 1))))
            day += gap + int(rng.integers(-5, 6))
    customer_ids, dates, amounts = zip(*rows, strict=True)
    log = validate_transactions(
        pl.DataFrame({"customer_id": customer_ids, "date": dates, "amount": amounts})
    )
    extra = pl.DataFrame(
        {"customer_id": [f"c{n}" for n in range(customers)], "complaints": complaints}
    )
    return log, extra


@pytest.fixture(scope="module")
def synthetic_report() -> ChurnReport:
    log, extra = synthetic_log()
    return churn_report(
        log, calibration_end=dt.date(2024, 1, 31), horizon_days=90, extra=extra, threshold=0.5
    )


def test_extra_features_join_the_model_and_the_reasons(synthetic_report: ChurnReport) -> None:
    model = synthetic_report.model
    coefficients = dict(zip(model.features, model.classifier.coef_[0], strict=True))

    assert model.features[-1] == "complaints"
    assert coefficients["complaints"] > 0  # more complaints, more churn
    codes = {reason.code for risk in synthetic_report.at_risk for reason in risk.reasons}
    assert "complaints_high" in codes


def test_at_risk_customers_come_riskiest_first_with_their_reasons(
    synthetic_report: ChurnReport,
) -> None:
    at_risk = synthetic_report.at_risk
    probabilities = [risk.probability for risk in at_risk]

    assert at_risk and min(probabilities) >= 0.5
    assert probabilities == sorted(probabilities, reverse=True)
    for risk in at_risk:
        assert 0 < len(risk.reasons) <= 3
        contributions = [reason.contribution for reason in risk.reasons]
        assert contributions == sorted(contributions, reverse=True) and contributions[-1] > 0
        for reason in risk.reasons:
            assert (
                reason.code
                == f"{reason.feature}_{'high' if reason.value > reason.typical else 'low'}"
            )
            assert reason_is_telling(reason.code, reason.value, reason.typical)


@pytest.mark.parametrize(
    ("code", "value", "typical", "telling"),
    [
        ("recency_days_high", 210.0, 45.0, True),
        ("recency_days_high", 45.4, 45.0, False),  # "45 days (typical: 45)"
        ("frequency_low", 1.0, 1.2, False),  # "1 purchase day (typical: 1)"
        ("frequency_low", 1.0, 3.0, True),
        ("interval_trend_days_high", 0.4, 0.0, False),  # "growing by 0 days (typical: 0)"
        ("interval_trend_days_high", -2.0, -6.0, False),  # shrinking gaps do not grow
        ("interval_trend_days_high", 5.0, 0.0, True),
        ("monetary_low", 99.99, 100.0, True),  # money is shown to the cent
        ("monetary_low", 99.999, 100.0, False),
    ],
)
def test_a_reason_is_given_only_when_it_reads_true(
    code: str, value: float, typical: float, telling: bool
) -> None:
    assert reason_is_telling(code, value, typical) is telling


def test_reasons_render_as_english() -> None:
    recency = Reason("recency_days_high", "recency_days", 210.0, 45.0, 1.2)
    complaints = Reason("complaints_high", "complaints", 4.0, 1.0, 0.8)

    assert render_reason(recency) == "no purchase for 210 days (typical: 45)"
    assert render_reason(complaints) == "complaints higher than usual: 4 (typical: 1)"
    assert all(code.rsplit("_", 1)[1] in ("high", "low") for code in PHRASES)


def test_evaluation_needs_the_whole_horizon_after_the_calibration_end() -> None:
    log, _extra = synthetic_log(customers=150)
    data_end: dt.date = log["date"].max()  # type: ignore[assignment]

    report = churn_report(log, calibration_end=data_end - dt.timedelta(days=30), horizon_days=90)

    assert report.evaluation is None and report.at_risk


def test_training_before_the_first_purchase_is_refused(cdnow_sample: pl.DataFrame) -> None:
    with pytest.raises(ChurnError, match="use a shorter training horizon"):
        churn_report(
            cdnow_sample, calibration_end=CDNOW_CALIBRATION_END, horizon_days=THIRTY_NINE_WEEKS
        )


def test_a_training_window_with_one_outcome_is_refused(transactions: Transactions) -> None:
    log = transactions(("a", "2024-01-01", 1), ("b", "2024-01-02", 1), ("a", "2024-03-01", 1))

    # Nobody bought between 2024-02-05 and 2024-02-15.
    with pytest.raises(ChurnError, match=r"none of the 2 customers .* nothing to learn"):
        churn_report(log, calibration_end=dt.date(2024, 2, 15), horizon_days=10)


def test_extra_features_may_not_shadow_behaviour(transactions: Transactions) -> None:
    log = transactions(("a", "2024-01-01", 1))

    with pytest.raises(ChurnError, match="may not reuse the names frequency"):
        churn_features(
            log,
            cutoff=dt.date(2024, 2, 1),
            extra=pl.DataFrame({"customer_id": ["a"], "frequency": [3]}),
        )


def assert_sensible(report: ChurnReport) -> None:
    evaluation = report.evaluation
    assert evaluation is not None
    # Both rank churners above buyers far better than chance on CDNOW.
    assert 0.7 < evaluation.auc < 0.95
    assert 0.7 < evaluation.baseline_bgnbd_auc < 0.95
    assert evaluation.precision_top_decile > evaluation.churn_rate
    assert sum(group.customers for group in evaluation.calibration) == evaluation.customers
    assert len(evaluation.calibration) == 10
    observed = [group.observed_rate for group in evaluation.calibration]
    assert observed[-1] > observed[0]  # the riskiest tenth churns more than the safest


def test_cdnow_sample_model_and_bgnbd_baseline(cdnow_sample: pl.DataFrame) -> None:
    # The 39-week calibration period is as long as the outcome horizon, so the model is
    # trained on 13-week churn at 1997-07-01 (see the module docstring).
    report = churn_report(
        cdnow_sample,
        calibration_end=CDNOW_CALIBRATION_END,
        horizon_days=THIRTY_NINE_WEEKS,
        train_horizon_days=91,
    )

    assert report.model.trained_at == dt.date(1997, 7, 1)
    assert report.evaluation is not None and report.evaluation.customers == 2357
    assert_sensible(report)


def test_cdnow_master_model_and_bgnbd_baseline(cdnow_master: pl.DataFrame) -> None:
    report = churn_report(
        cdnow_master,
        calibration_end=CDNOW_CALIBRATION_END,
        horizon_days=THIRTY_NINE_WEEKS,
        train_horizon_days=91,
    )

    assert report.evaluation is not None and report.evaluation.customers == 23570
    assert_sensible(report)
