"""Customer-relationship KPIs by calendar month, from the purchase log.

Purchases are purchase days (a customer's transactions on one day count once). The months run
from the month of the first purchase to the month of the data end E: the day the log is
complete up to (`as_of`, today for a live log; by default the last purchase day). With an
inactivity window of W days (default 180):

* active_customers(m): customers with at least one purchase in m.
* new_customers(m): customers whose first purchase is in m.
* new_customer_growth_rate(m) = (new(m) − new(m−1)) / new(m−1); null for the first month or
  when new(m−1) = 0. The month of E is partial unless E is its last day (`partial_through` is
  then E): its new customers are compared with those of the same days of m−1 (up to E's day
  of the month), like with like, not with the whole of m−1.
* churned_customers(m): churn events in m. A purchase on day d followed by no purchase in
  (d, d+W] is a churn event on day d+W, counted in the month of d+W and only when d+W ≤ E
  (the window must have closed within the data). A customer who comes back later can churn
  again.
* reactivated_customers(m): purchases in m that come after a churn event (more than W days after
  the previous purchase day).
* customers_at_start(m): customers alive on the first day of m = all first purchases and
  reactivations before m minus all churn events before m.
* churn_rate(m) = churned(m) / customers_at_start(m);  retention_rate(m) = 1 − churn_rate(m)
  (null when no customer was alive at the start). Because W ≥ 31 days, everyone who churns in m
  was alive at its start, so the rate lies in [0, 1].
* repeat_purchase_rate(m): among customers with a first purchase up to the end of m, the share
  with at least two purchase days up to the end of m;  one_time_share(m) = 1 − that.

Optional figures supplied per month as `MonthlyInputs` (null where a month has no data):
lead_conversion_rate = converted leads / leads, satisfaction_rate = satisfied responses /
survey responses, complaint_resolution_hours = the mean resolution time as given.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

import polars as pl

from kehu.analytics.maths.transactions import CUSTOMER, purchase_days

MIN_INACTIVITY_DAYS = 31


@dataclass(frozen=True)
class MonthlyInputs:
    """Per-month figures from outside the purchase log, keyed by month as "YYYY-MM"."""

    leads: Mapping[str, int] = field(default_factory=dict)
    converted_leads: Mapping[str, int] = field(default_factory=dict)
    survey_responses: Mapping[str, int] = field(default_factory=dict)
    satisfied_responses: Mapping[str, int] = field(default_factory=dict)
    complaint_resolution_hours: Mapping[str, float] = field(default_factory=dict)


def monthly_kpis(
    transactions: pl.DataFrame,
    *,
    inactivity_days: int = 180,
    inputs: MonthlyInputs | None = None,
    as_of: dt.date | None = None,
) -> pl.DataFrame:
    """One row per month with the KPIs defined in the module docstring."""
    if inactivity_days < MIN_INACTIVITY_DAYS:
        raise ValueError(
            f"the inactivity window must be at least {MIN_INACTIVITY_DAYS} days, so that a "
            "customer cannot join and churn within one month"
        )
    window = pl.duration(days=inactivity_days)
    last: dt.date = transactions["date"].max()  # type: ignore[assignment]
    end = max(as_of or last, last)
    end_month = end.replace(day=1)
    partial = end.day < calendar.monthrange(end.year, end.month)[1]
    # One sort by customer and date lets every row see its neighbours without a window
    # function, which is what keeps this fast on tens of millions of purchases.
    customer, date = pl.col(CUSTOMER), pl.col("date")
    same_before = (customer == customer.shift(1)).fill_null(False)
    same_after = (customer == customer.shift(-1)).fill_null(False)
    same_two_before = (customer == customer.shift(2)).fill_null(False)
    previous = pl.when(same_before).then(date.shift(1))
    following = pl.when(same_after).then(date.shift(-1))
    lapse = date + window
    events = (
        purchase_days(transactions)
        .sort(CUSTOMER, "date")
        .select(
            month=_month(date),
            new_month=~(same_before & (_month(date) == _month(date.shift(1)))),
            first=~same_before,
            # For comparing a partial last month with the same days of the month before.
            first_by_day=~same_before & (date.dt.day() <= end.day),
            second=same_before & ~same_two_before,
            reactivated=date > previous + window,
            churn_month=pl.when((following.is_null() | (following > lapse)) & (lapse <= end)).then(
                _month(lapse)
            ),
        )
        .collect()
    )
    by_month = (
        events.lazy()
        .group_by("month")
        .agg(
            active_customers=pl.col("new_month").sum(),
            new_customers=pl.col("first").sum(),
            new_by_day=pl.col("first_by_day").sum(),
            reactivated=pl.col("reactivated").sum(),
            second_purchases=pl.col("second").sum(),
        )
    )
    churns = (
        events.lazy()
        .filter(pl.col("churn_month").is_not_null())
        .group_by(month=pl.col("churn_month"))
        .agg(churned_customers=pl.len())
    )
    first_month: dt.date = events["month"].min()  # type: ignore[assignment]
    table = (
        pl.LazyFrame({"month": pl.date_range(first_month, end_month, interval="1mo", eager=True)})
        .join(by_month, on="month", how="left", maintain_order="left")
        .join(churns, on="month", how="left", maintain_order="left")
        # Signed counts: the differences below must not wrap around.
        .with_columns(pl.exclude("month").fill_null(0).cast(pl.Int64))
        .collect()
    )

    started = (pl.col("new_customers") + pl.col("reactivated")).cum_sum()
    alive_at_start = (started - pl.col("churned_customers").cum_sum()).shift(1, fill_value=0)
    ever = pl.col("new_customers").cum_sum()
    is_partial = (pl.col("month") == end_month) & partial
    previous_new = (
        pl.when(is_partial)
        .then(pl.col("new_by_day").shift(1))
        .otherwise(pl.col("new_customers").shift(1))
    )
    table = table.with_columns(
        partial_through=pl.when(is_partial).then(pl.lit(end)),
        new_customer_growth_rate=pl.when(previous_new > 0).then(
            (pl.col("new_customers") - previous_new) / previous_new
        ),
        reactivated_customers=pl.col("reactivated"),
        customers_at_start=alive_at_start,
        repeat_purchase_rate=pl.col("second_purchases").cum_sum() / ever,
    ).with_columns(
        churn_rate=_ratio(pl.col("churned_customers"), pl.col("customers_at_start")),
        one_time_share=1 - pl.col("repeat_purchase_rate"),
    )
    table = table.with_columns(retention_rate=1 - pl.col("churn_rate"))
    return _with_inputs(table, inputs or MonthlyInputs()).select(
        pl.col("month").dt.strftime("%Y-%m"),
        pl.col("partial_through").dt.strftime("%Y-%m-%d"),
        "active_customers",
        "new_customers",
        "new_customer_growth_rate",
        "churned_customers",
        "reactivated_customers",
        "customers_at_start",
        "churn_rate",
        "retention_rate",
        "repeat_purchase_rate",
        "one_time_share",
        "lead_conversion_rate",
        "satisfaction_rate",
        "complaint_resolution_hours",
    )


def _month(date: pl.Expr) -> pl.Expr:
    return date.dt.truncate("1mo")


def _ratio(numerator: pl.Expr, denominator: pl.Expr) -> pl.Expr:
    return pl.when(denominator > 0).then(numerator / denominator)


def _with_inputs(table: pl.DataFrame, inputs: MonthlyInputs) -> pl.DataFrame:
    def column(values: Mapping[str, float]) -> pl.Expr:
        mapping = {key: float(value) for key, value in values.items()}
        return (
            pl.col("month")
            .dt.strftime("%Y-%m")
            .replace_strict(mapping, default=None, return_dtype=pl.Float64)
        )

    return table.with_columns(
        lead_conversion_rate=_ratio(column(inputs.converted_leads), column(inputs.leads)),
        satisfaction_rate=_ratio(
            column(inputs.satisfied_responses), column(inputs.survey_responses)
        ),
        complaint_resolution_hours=column(inputs.complaint_resolution_hours),
    )
