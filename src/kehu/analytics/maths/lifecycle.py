"""Lifecycle stage and relationship level of each customer, read from their behaviour.

The stages follow the four-stage customer-relationship lifecycle (exploration → formation →
stability → decline; cf. Dwyer, Schurr & Oh 1987, "Developing buyer–seller relationships",
Journal of Marketing 51(2)); the levels follow the usual ladder from a transactional
relationship through preferred supplier and partnership to a strategic alliance. Both are rule
tables over `transactions.customer_history` (recency_days, tenure_days, frequency,
interval_mean_days, interval_trend_days), the spend trend and the customer's ABC class (its place
in the cumulative share of sales, see `pareto`). Thresholds live in `LifecycleRules`; the first
matching rule wins.

spend_trend = mean amount of the last ⌊n/2⌋ purchase days / mean of the first ⌊n/2⌋ − 1, over
the customer's n purchase days (null when n = 1 or the first half spent nothing). A customer's
purchase days are distinct dates, so the two halves are the days before and after the median
date, which needs no sorting.

Stage (code):

1. ``decline`` — the customer is overdue or fading:
   * two or more purchase days and recency_days > overdue_factor × interval_mean_days, or
   * one purchase day and recency_days > lapse_days, or
   * at least `settled_purchases` purchase days and either spend_trend ≤ decline_spend_trend
     (recent purchases much smaller) or interval_trend_days > slowing_share × interval_mean_days
     (gaps growing fast);
2. ``exploration`` — one purchase day, or tenure_days < exploration_days;
3. ``formation`` — fewer than `settled_purchases` purchase days, or tenure_days < settled_days;
4. ``stability`` — everyone else: settled, regular and not fading.

Relationship level (code):

1. ``strategic_alliance`` — class A, stage stability, tenure_days ≥ alliance_days and at least
   `alliance_purchases` purchase days;
2. ``partnership`` — class A and at least `partnership_purchases` purchase days;
3. ``preferred_supplier`` — at least `preferred_purchases` purchase days (the customer keeps
   coming back of their own accord);
4. ``transactional`` — everyone else.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Final

import polars as pl

from kehu.analytics.maths.pareto import abc_analysis
from kehu.analytics.maths.rules import first_match
from kehu.analytics.maths.transactions import CUSTOMER, customer_history, purchase_days

STAGES: Final = ("exploration", "formation", "stability", "decline")
LEVELS: Final = ("transactional", "preferred_supplier", "partnership", "strategic_alliance")


@dataclass(frozen=True)
class LifecycleRules:
    exploration_days: int = 90
    settled_purchases: int = 4
    settled_days: int = 365
    overdue_factor: float = 2.0
    lapse_days: int = 365
    decline_spend_trend: float = -0.3
    slowing_share: float = 0.5
    preferred_purchases: int = 3
    partnership_purchases: int = 6
    alliance_purchases: int = 12
    alliance_days: int = 730


DEFAULT_RULES: Final = LifecycleRules()


def lifecycle_stage(rules: LifecycleRules = DEFAULT_RULES) -> pl.Expr:
    """The stage code, as an expression over `customer_history` columns and spend_trend."""
    frequency, recency = pl.col("frequency"), pl.col("recency_days")
    interval = pl.col("interval_mean_days")
    settled = frequency >= rules.settled_purchases
    fading = (pl.col("spend_trend") <= rules.decline_spend_trend) | (
        pl.col("interval_trend_days") > rules.slowing_share * interval
    )
    decline = (
        ((frequency >= 2) & (recency > rules.overdue_factor * interval))
        | ((frequency == 1) & (recency > rules.lapse_days))
        | (settled & fading.fill_null(False))
    )
    return first_match(
        [
            (decline, "decline"),
            ((frequency == 1) | (pl.col("tenure_days") < rules.exploration_days), "exploration"),
            (~settled | (pl.col("tenure_days") < rules.settled_days), "formation"),
        ],
        default="stability",
    )


def relationship_level(rules: LifecycleRules = DEFAULT_RULES) -> pl.Expr:
    """The level code, over `customer_history` columns plus ``class`` and ``stage``."""
    frequency, class_a = pl.col("frequency"), pl.col("class") == "A"
    alliance = (
        class_a
        & (pl.col("stage") == "stability")
        & (pl.col("tenure_days") >= rules.alliance_days)
        & (frequency >= rules.alliance_purchases)
    )
    return first_match(
        [
            (alliance, "strategic_alliance"),
            (class_a & (frequency >= rules.partnership_purchases), "partnership"),
            (frequency >= rules.preferred_purchases, "preferred_supplier"),
        ],
        default="transactional",
    )


def spend_trends(transactions: pl.DataFrame, *, as_of: dt.date) -> pl.DataFrame:
    """customer_id and spend_trend up to `as_of` (module docstring)."""
    day = pl.col("date").cast(pl.Int32)
    middle = day.median()
    early = pl.col("amount").filter(day < middle).mean()
    late = pl.col("amount").filter(day > middle).mean()
    return (
        purchase_days(transactions, until=as_of)
        .group_by(CUSTOMER)
        .agg(spend_trend=pl.when((pl.len() >= 2) & (early > 0)).then(late / early - 1))
        .collect()
    )


def lifecycle_table(
    transactions: pl.DataFrame, *, as_of: dt.date, rules: LifecycleRules = DEFAULT_RULES
) -> pl.DataFrame:
    """customer_id, the behaviour the rules read, class, share, stage and level."""
    history = customer_history(transactions, as_of=as_of)
    classes = abc_analysis(transactions.filter(pl.col("date") <= as_of)).customers
    joined = history.join(spend_trends(transactions, as_of=as_of), on=CUSTOMER).join(
        classes.select(CUSTOMER, "share", "class"), on=CUSTOMER
    )
    return (
        joined.with_columns(stage=lifecycle_stage(rules))
        .with_columns(level=relationship_level(rules))
        .select(
            CUSTOMER,
            "frequency",
            "recency_days",
            "tenure_days",
            "interval_mean_days",
            "interval_trend_days",
            "spend_trend",
            "share",
            "class",
            "stage",
            "level",
        )
    )
