"""Every customer's scores as of a date, from the purchase log: the analyses composed.

RFM and segment, ABC class and share of sales, lifecycle stage and relationship level, BG/NBD +
Gamma-Gamma lifetime value, churn probability with reasons, and the scorecard. Like the
modules it composes it is free of Django; `kehu.analytics.services.scores_recompute` feeds
it and stores the result. A model that cannot be fitted on the data (too little history, no
repeat buyers) leaves its columns null and says why in `details`, instead of failing the
whole run.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

import polars as pl

from kehu.analytics.maths.churn import ChurnError, churn_features, churn_report
from kehu.analytics.maths.clv import lifetime_value
from kehu.analytics.maths.errors import FitError
from kehu.analytics.maths.lifecycle import lifecycle_table
from kehu.analytics.maths.parameters import (
    ANNUAL_DISCOUNT_RATE,
    CHURN_HORIZON_DAYS,
    CHURN_THRESHOLD,
    CLV_HORIZON_WEEKS,
    TOP_REASONS,
    WEEKLY_DISCOUNT_RATE,
)
from kehu.analytics.maths.rfm import rfm_table
from kehu.analytics.maths.scorecard import Scorecard, score_customers
from kehu.analytics.maths.transactions import CUSTOMER


@dataclass(frozen=True)
class ScoresResult:
    # customer_id, recency_days, frequency, monetary, r, f, m, segment, share, class, stage,
    # level, expected_purchases, probability_alive, clv, churn_probability, score, grade
    customers: pl.DataFrame
    reasons: dict[str, list[dict[str, Any]]]  # churn reasons of the at-risk customers
    details: dict[str, Any]  # JSON: fitted parameters, churn evaluation, skipped parts


def customer_scores(
    transactions: pl.DataFrame,
    *,
    as_of: dt.date,
    scorecard: Scorecard,
    extra: pl.DataFrame | None = None,
) -> ScoresResult:
    """Score every customer with a purchase on or before `as_of`. `extra` holds more
    per-customer columns the scorecard may read (customer_id and the columns: how they pay,
    say); a customer without a row there has them unknown."""
    log = transactions.filter(pl.col("date") <= as_of)
    rfm = rfm_table(log, as_of=as_of)
    lifecycle = lifecycle_table(log, as_of=as_of).select(
        CUSTOMER, "tenure_days", "spend_trend", "share", "class", "stage", "level"
    )
    clv, clv_details = _lifetime_values(log, as_of=as_of)
    churn, reasons, churn_details = _churn_risks(log, as_of=as_of)
    customers = (
        rfm.join(lifecycle, on=CUSTOMER)
        .join(clv, on=CUSTOMER, how="left")
        .join(churn, on=CUSTOMER, how="left")
    )
    if extra is not None:
        customers = customers.join(extra, on=CUSTOMER, how="left")
    # Indicators whose data Kehu does not hold yet (margins, surveys) score a neutral 50 for
    # everyone, as a missing value does.
    indicators = {i.column for c in scorecard.criteria for i in c.indicators}
    absent = sorted(indicators - set(customers.columns))
    data = customers.with_columns(pl.lit(None, dtype=pl.Float64).alias(name) for name in absent)
    scored = score_customers(data, scorecard).select(CUSTOMER, "score", "grade")
    # A model evaluated at extreme fitted parameters can give NaN for a customer (the
    # hypergeometric term of E[Y(t)] overflows); an unknown value is stored as unknown.
    customers = customers.join(scored, on=CUSTOMER).with_columns(pl.col(pl.Float64).fill_nan(None))
    return ScoresResult(
        customers=customers.sort(CUSTOMER),
        reasons=reasons,
        details={"clv": clv_details, "churn": churn_details, "indicators_without_data": absent},
    )


def _lifetime_values(log: pl.DataFrame, *, as_of: dt.date) -> tuple[pl.DataFrame, dict[str, Any]]:
    try:
        result = lifetime_value(
            log,
            calibration_end=as_of,
            time_unit="week",
            horizon=CLV_HORIZON_WEEKS,
            discount_rate=WEEKLY_DISCOUNT_RATE,
        )
    except (FitError, ValueError) as error:
        empty = pl.DataFrame(
            schema={
                CUSTOMER: pl.String,
                "expected_purchases": pl.Float64,
                "probability_alive": pl.Float64,
                "clv": pl.Float64,
            }
        )
        return empty, {"fitted": False, "problem": str(error)}
    values = result.customers.select(CUSTOMER, "expected_purchases", "probability_alive", "clv")
    return values, {
        "fitted": True,
        "horizon_weeks": CLV_HORIZON_WEEKS,
        "annual_discount_rate": ANNUAL_DISCOUNT_RATE,
        "bgnbd": asdict(result.bgnbd),
        "gamma_gamma": asdict(result.gamma_gamma),
    }


def _churn_risks(
    log: pl.DataFrame, *, as_of: dt.date
) -> tuple[pl.DataFrame, dict[str, list[dict[str, Any]]], dict[str, Any]]:
    empty = pl.DataFrame(schema={CUSTOMER: pl.String, "churn_probability": pl.Float64})
    try:
        report = churn_report(
            log,
            calibration_end=as_of,
            horizon_days=CHURN_HORIZON_DAYS,
            threshold=CHURN_THRESHOLD,
            top_reasons=TOP_REASONS,
        )
    except (ChurnError, FitError) as error:
        return empty, {}, {"trained": False, "problem": str(error)}
    features = churn_features(log, cutoff=as_of)
    probabilities = features.select(CUSTOMER).with_columns(
        churn_probability=report.model.predict(features)
    )
    reasons = {
        risk.customer_id: [asdict(reason) for reason in risk.reasons] for risk in report.at_risk
    }
    return (
        probabilities,
        reasons,
        {
            "trained": True,
            "horizon_days": CHURN_HORIZON_DAYS,
            "threshold": CHURN_THRESHOLD,
            "trained_at": report.model.trained_at.isoformat(),
            "training_customers": report.model.customers,
            "backtest": _churn_backtest(log, as_of=as_of),
        },
    )


def _churn_backtest(log: pl.DataFrame, *, as_of: dt.date) -> dict[str, Any] | None:
    """The evaluation standard: the same model, scored one horizon before the last purchase,
    against what the customers then did."""
    last_purchase: dt.date = log["date"].max()  # type: ignore[assignment]
    calibration_end = min(as_of, last_purchase) - dt.timedelta(days=CHURN_HORIZON_DAYS)
    try:
        report = churn_report(log, calibration_end=calibration_end, horizon_days=CHURN_HORIZON_DAYS)
    except (ChurnError, FitError, ValueError):
        return None
    evaluation = report.evaluation
    if evaluation is None:
        return None
    return {
        "calibration_end": calibration_end.isoformat(),
        "auc": evaluation.auc,
        "baseline_bgnbd_auc": evaluation.baseline_bgnbd_auc,
        "precision_top_decile": evaluation.precision_top_decile,
        "churn_rate": evaluation.churn_rate,
        "customers": evaluation.customers,
    }
