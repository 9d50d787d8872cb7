"""Churn early warning: a model of "no purchase in the next h days" trained on the company's
own history, with each at-risk customer's reasons.

Features of a customer at a cutoff τ, from their purchase days up to τ
(`transactions.customer_history`): recency_days, frequency, monetary, interval_mean_days,
interval_trend_days and tenure_days, plus any extra numeric per-customer columns supplied
(complaints, satisfaction score, …). A one-time buyer has no interval yet: their
interval_mean_days is their tenure (the gap so far is at least that long) and their
interval_trend_days is 0. Extra features missing for a customer take the training median.

Label: churned(τ, h) = no purchase day in (τ, τ + h], for customers with a purchase on or
before τ.

Time-based holdout, with c the calibration end, h the outcome horizon and h′ the training
horizon (h′ = h unless given):

* train on features at τ₀ = c − h′ with labels churned(τ₀, h′), which only use purchases up to
  c, so nothing after the calibration end is seen;
* score every customer from features at c; when the data reach c + h, evaluate those scores
  against churned(c, h).

A shorter h′ is for histories no longer than the horizon (CDNOW's calibration period is 39
weeks, as is its outcome horizon, so τ₀ = c − h would leave nothing to learn from): the model
then ranks customers by the risk of an h′-day gap, which ranks well for h days too, but its
probabilities are of the h′-day event.

Model: logistic regression on standardised features, behaviour features taken as
sign(v)·ln(1 + |v|) first because counts, amounts and durations are heavy-tailed. It was
chosen over gradient boosting because its log-odds is a sum of per-feature terms, so each
customer's reasons are exact rather than approximated, and its probabilities are calibrated by
construction; on RFM-type features the two rank about equally well.

Reasons: customer i's contribution of feature j to the churn log-odds is β_j · z_ij, with z_ij
the standardised (transformed) value. The largest positive contributions are the reasons,
provided the value, rounded as it is shown, is on the same side of the typical one (and, for
the interval features, was observed rather than imputed; a growing gap must grow by at least a
day): `reason_is_telling`. Each is returned as data — a code such as
``recency_days_high``, the customer's raw value and the typical value (median among the
training customers who did buy again) — and rendered in English by
`churn_reasons.render_reason`.

Evaluation: ROC AUC; precision in the top decile (share of churners among the ⌈n/10⌉
customers with the highest predicted probability); a calibration table over ten equal-count
groups of predicted probability (mean predicted vs observed churn rate); and the BG/NBD
baseline, the AUC of −E[purchases in (c, c + h]] from a BG/NBD model fitted on the same history
up to c (in days).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Final

import numpy as np
import polars as pl
from numpy.typing import NDArray
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.preprocessing import StandardScaler

from kehu.analytics.maths.bgnbd import fit_bgnbd
from kehu.analytics.maths.churn_reasons import Reason, reason_is_telling
from kehu.analytics.maths.transactions import CUSTOMER, customer_history, model_summary

BEHAVIOUR: Final = (
    "recency_days",
    "frequency",
    "monetary",
    "interval_mean_days",
    "interval_trend_days",
    "tenure_days",
)

# Interval features of customers with too few purchases are imputed, not observed, so they
# are never given as reasons: the minimum number of purchase days for each.
OBSERVED_FROM: Final[dict[str, int]] = {"interval_mean_days": 2, "interval_trend_days": 3}


class ChurnError(ValueError):
    """The history cannot train or evaluate a churn model (the message says why)."""


@dataclass(frozen=True)
class CustomerRisk:
    customer_id: str
    probability: float
    reasons: list[Reason]


@dataclass(frozen=True)
class CalibrationBin:
    group: int  # 1 = lowest predicted probability
    customers: int
    mean_predicted: float
    observed_rate: float


@dataclass(frozen=True)
class ChurnEvaluation:
    auc: float
    precision_top_decile: float
    calibration: list[CalibrationBin]
    baseline_bgnbd_auc: float
    churn_rate: float
    customers: int


@dataclass(frozen=True)
class ChurnModel:
    features: tuple[str, ...]
    scaler: StandardScaler
    classifier: LogisticRegression
    fill_values: dict[str, float]  # medians for missing extra features
    typical: dict[str, float]  # medians among training customers who bought again
    trained_at: dt.date
    horizon_days: int
    customers: int

    def predict(self, features: pl.DataFrame) -> NDArray[np.float64]:
        """Probability of churn for each row of `churn_features` output."""
        return np.asarray(self.classifier.predict_proba(self._standardised(features))[:, 1])

    def reasons(self, features: pl.DataFrame, *, top: int = 3) -> list[list[Reason]]:
        """The features pushing each row's churn log-odds up the most, largest first."""
        z = self._standardised(features)
        contributions = z * self.classifier.coef_[0]
        raw = features.select(self.features).to_numpy()
        explained = []
        typical = np.array([self.typical[name] for name in self.features])
        minimum = np.array([OBSERVED_FROM.get(name, 0) for name in self.features])
        purchases = features["frequency"].to_numpy()
        for row_z, row_c, row_raw, n in zip(z, contributions, raw, purchases, strict=True):
            reasons = []
            for j in np.argsort(-row_c):
                code = f"{self.features[j]}_{'high' if row_z[j] > 0 else 'low'}"
                # A reason must raise the risk, be observed rather than imputed, and read true.
                if (
                    row_c[j] > 0
                    and n >= minimum[j]
                    and reason_is_telling(code, row_raw[j], typical[j])
                ):
                    reasons.append(
                        Reason(
                            code=code,
                            feature=self.features[j],
                            value=float(row_raw[j]),
                            typical=float(typical[j]),
                            contribution=float(row_c[j]),
                        )
                    )
            explained.append(reasons[:top])
        return explained

    def _standardised(self, features: pl.DataFrame) -> NDArray[np.float64]:
        filled = features.with_columns(
            pl.col(name).fill_null(value) for name, value in self.fill_values.items()
        )
        return np.asarray(self.scaler.transform(_design(filled, self.features)))


@dataclass(frozen=True)
class ChurnReport:
    model: ChurnModel
    evaluation: ChurnEvaluation | None  # None when the data end before c + h
    at_risk: list[CustomerRisk]


def churn_features(
    transactions: pl.DataFrame, *, cutoff: dt.date, extra: pl.DataFrame | None = None
) -> pl.DataFrame:
    """customer_id and the model's features at `cutoff` (module docstring)."""
    history = customer_history(transactions, as_of=cutoff)
    features = history.select(
        CUSTOMER,
        pl.col("recency_days").cast(pl.Float64),
        pl.col("frequency").cast(pl.Float64),
        "monetary",
        pl.col("interval_mean_days").fill_null(pl.col("tenure_days").cast(pl.Float64)),
        pl.col("interval_trend_days").fill_null(0.0),
        pl.col("tenure_days").cast(pl.Float64),
    )
    if extra is None:
        return features
    return features.join(_numeric_extra(extra), on=CUSTOMER, how="left", maintain_order="left")


def churn_labels(transactions: pl.DataFrame, *, cutoff: dt.date, horizon_days: int) -> pl.DataFrame:
    """customer_id, churned: no purchase in (cutoff, cutoff + horizon] for each customer."""
    known = transactions.filter(pl.col("date") <= cutoff).select(CUSTOMER).unique()
    window_end = cutoff + dt.timedelta(days=horizon_days)
    returned = (
        transactions.filter(pl.col("date").is_between(cutoff, window_end, closed="right"))
        .select(CUSTOMER)
        .unique()
        .with_columns(churned=pl.lit(False))
    )
    return known.join(returned, on=CUSTOMER, how="left").select(
        CUSTOMER, pl.col("churned").fill_null(True)
    )


def train_churn_model(
    transactions: pl.DataFrame,
    *,
    cutoff: dt.date,
    horizon_days: int,
    extra: pl.DataFrame | None = None,
) -> ChurnModel:
    """Fit the model on features at `cutoff` and churn in the `horizon_days` after it."""
    features = churn_features(transactions, cutoff=cutoff, extra=extra)
    labels = churn_labels(transactions, cutoff=cutoff, horizon_days=horizon_days)
    data = features.join(labels, on=CUSTOMER)
    churned = data["churned"].to_numpy()
    if churned.all() or not churned.any():
        outcome = "none" if churned.all() else "all"
        raise ChurnError(
            f"{outcome} of the {data.height} customers known on {cutoff.isoformat()} bought "
            f"again within {horizon_days} days, so there is nothing to learn; use a later "
            "calibration end or another training horizon"
        )
    names = tuple(c for c in features.columns if c != CUSTOMER)
    extra_names = [name for name in names if name not in BEHAVIOUR]
    fill_values = {name: _median(data, name) for name in extra_names}
    data = data.with_columns(pl.col(name).fill_null(v) for name, v in fill_values.items())
    design = _design(data, names)
    scaler = StandardScaler().fit(design)
    classifier = LogisticRegression(max_iter=1000).fit(scaler.transform(design), churned)
    stayed = data.filter(~pl.col("churned"))
    return ChurnModel(
        features=names,
        scaler=scaler,
        classifier=classifier,
        fill_values=fill_values,
        typical={name: _median(stayed, name) for name in names},
        trained_at=cutoff,
        horizon_days=horizon_days,
        customers=data.height,
    )


def churn_report(
    transactions: pl.DataFrame,
    *,
    calibration_end: dt.date,
    horizon_days: int,
    train_horizon_days: int | None = None,
    extra: pl.DataFrame | None = None,
    threshold: float = 0.5,
    top_reasons: int = 3,
) -> ChurnReport:
    """Train, score every customer at `calibration_end`, and evaluate when the data allow."""
    if horizon_days < 1 or (train_horizon_days is not None and train_horizon_days < 1):
        raise ChurnError("horizons must be at least one day")
    train_horizon = train_horizon_days or horizon_days
    first_purchase: dt.date = transactions["date"].min()  # type: ignore[assignment]
    if first_purchase > calibration_end - dt.timedelta(days=train_horizon):
        raise ChurnError(
            f"training needs purchases before {calibration_end.isoformat()} minus the "
            f"{train_horizon}-day training horizon, but the first purchase is on "
            f"{first_purchase.isoformat()}; use a shorter training horizon"
        )
    model = train_churn_model(
        transactions,
        cutoff=calibration_end - dt.timedelta(days=train_horizon),
        horizon_days=train_horizon,
        extra=extra,
    )
    features = churn_features(transactions, cutoff=calibration_end, extra=extra)
    probability = model.predict(features)
    risky = np.flatnonzero(probability >= threshold)
    risky = risky[np.argsort(-probability[risky], kind="stable")]
    reasons = model.reasons(features[risky], top=top_reasons)
    at_risk = [
        CustomerRisk(customer_id=customer, probability=float(p), reasons=why)
        for customer, p, why in zip(
            features[CUSTOMER].gather(risky), probability[risky], reasons, strict=True
        )
    ]
    data_end: dt.date = transactions["date"].max()  # type: ignore[assignment]
    evaluation = None
    if data_end >= calibration_end + dt.timedelta(days=horizon_days):
        evaluation = _evaluate(
            transactions,
            scored=features.select(CUSTOMER).with_columns(probability=probability),
            calibration_end=calibration_end,
            horizon_days=horizon_days,
        )
    return ChurnReport(model=model, evaluation=evaluation, at_risk=at_risk)


def precision_at_top(outcome: NDArray[np.bool_], score: NDArray[np.float64], share: float) -> float:
    """Share of positives among the ⌈share · n⌉ highest scores (earlier rows win ties)."""
    top = math.ceil(share * len(score))
    return float(outcome[np.argsort(-score, kind="stable")[:top]].mean())


def calibration_table(
    outcome: NDArray[np.bool_], predicted: NDArray[np.float64], *, groups: int = 10
) -> list[CalibrationBin]:
    """Mean predicted probability vs observed rate in equal-count groups of prediction."""
    order = np.argsort(predicted, kind="stable")
    return [
        CalibrationBin(
            group=number,
            customers=len(members),
            mean_predicted=float(predicted[members].mean()),
            observed_rate=float(outcome[members].mean()),
        )
        for number, members in enumerate(np.array_split(order, groups), start=1)
        if len(members)
    ]


def _evaluate(
    transactions: pl.DataFrame, *, scored: pl.DataFrame, calibration_end: dt.date, horizon_days: int
) -> ChurnEvaluation:
    labels = churn_labels(transactions, cutoff=calibration_end, horizon_days=horizon_days)
    summary = model_summary(transactions, calibration_end=calibration_end, time_unit="day")
    bgnbd = fit_bgnbd(frequency=summary["frequency"], recency=summary["recency"], T=summary["T"])
    expected = summary.select(CUSTOMER).with_columns(
        expected=bgnbd.expected_purchases(
            horizon_days,
            frequency=summary["frequency"],
            recency=summary["recency"],
            T=summary["T"],
        )
    )
    data = scored.join(labels, on=CUSTOMER).join(expected, on=CUSTOMER)
    outcome = data["churned"].to_numpy()
    if outcome.all() or not outcome.any():
        raise ChurnError("every customer had the same outcome, so the model cannot be evaluated")
    probability = data["probability"].to_numpy()
    return ChurnEvaluation(
        auc=float(roc_auc_score(outcome, probability)),
        precision_top_decile=precision_at_top(outcome, probability, 0.10),
        calibration=calibration_table(outcome, probability),
        baseline_bgnbd_auc=float(roc_auc_score(outcome, -data["expected"].to_numpy())),
        churn_rate=float(outcome.mean()),
        customers=data.height,
    )


def _design(features: pl.DataFrame, names: tuple[str, ...]) -> NDArray[np.float64]:
    def column(name: str) -> pl.Expr:
        value = pl.col(name).cast(pl.Float64)
        return value.sign() * value.abs().log1p() if name in BEHAVIOUR else value

    return features.select(column(name) for name in names).to_numpy()


def _median(frame: pl.DataFrame, name: str) -> float:
    value: float | None = frame.select(pl.col(name).cast(pl.Float64).median()).item()
    return 0.0 if value is None else value


def _numeric_extra(extra: pl.DataFrame) -> pl.DataFrame:
    if CUSTOMER not in extra.columns:
        raise ChurnError(f"the extra features need a {CUSTOMER!r} column")
    others = [c for c in extra.columns if c != CUSTOMER]
    clash = sorted(set(others) & set(BEHAVIOUR))
    if clash:
        raise ChurnError(f"extra features may not reuse the names {', '.join(clash)}")
    try:
        return extra.select(
            pl.col(CUSTOMER).cast(pl.String), *(pl.col(c).cast(pl.Float64) for c in others)
        )
    except pl.exceptions.InvalidOperationError as error:
        raise ChurnError(f"extra features must be numeric: {error}") from error
