"""RFM analysis: recency, frequency and monetary value, their 1–5 scores and named segments.

As of a date τ, over the purchase days up to τ (see `transactions.customer_history`):

* recency_days = τ − last purchase day;  frequency = number of distinct purchase days
* monetary = total amount;  monetary_mean = monetary / frequency

Scores are quintiles where 5 is best for all three: a *small* recency, a large frequency and a
large monetary value score high. For a metric oriented so that larger is better, a customer's
score is

    score = 1 + ⌊5 · w / n⌋,   w = number of customers with a strictly worse value,

over the n customers (monetary compared at 6 decimals, so that float rounding in sums cannot
split equal spend). Without ties this splits the customers, ranked from worst to best, into
five groups of equal size (±1). Tied customers always share a score, the one of the first
position of their block: equal behaviour never gets different scores, so no arbitrary key such
as the customer id decides a score. When many customers tie at the worst value (typically the
one-time buyers' frequency of 1) they all score 1 and some higher scores stay empty.

A segment is read from r and the sum f + m (2–10) in `SEGMENT_RULES`; the rules do not overlap
and cover all 45 (r, f + m) cells. The names follow the widely used RFM segment set.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Final

import polars as pl

from kehu.analytics.maths.rules import first_match
from kehu.analytics.maths.transactions import CUSTOMER, customer_history


@dataclass(frozen=True)
class SegmentRule:
    segment: str
    r: tuple[int, int]  # inclusive range of the recency score
    fm: tuple[int, int]  # inclusive range of f + m


SEGMENT_RULES: Final[tuple[SegmentRule, ...]] = (
    SegmentRule("champions", r=(4, 5), fm=(9, 10)),
    SegmentRule("loyal", r=(3, 5), fm=(7, 8)),
    SegmentRule("loyal", r=(3, 3), fm=(9, 10)),
    SegmentRule("potential_loyalists", r=(4, 5), fm=(5, 6)),
    SegmentRule("new", r=(5, 5), fm=(2, 3)),
    SegmentRule("promising", r=(5, 5), fm=(4, 4)),
    SegmentRule("promising", r=(4, 4), fm=(2, 4)),
    SegmentRule("need_attention", r=(3, 3), fm=(4, 6)),
    SegmentRule("hibernating", r=(3, 3), fm=(2, 3)),
    SegmentRule("hibernating", r=(2, 2), fm=(2, 4)),
    SegmentRule("at_risk", r=(1, 2), fm=(5, 8)),
    SegmentRule("cannot_lose", r=(1, 2), fm=(9, 10)),
    SegmentRule("lost", r=(1, 1), fm=(2, 4)),
)

SEGMENTS: Final = tuple(dict.fromkeys(rule.segment for rule in SEGMENT_RULES))


def quintile_score(metric: pl.Expr, *, higher_is_better: bool = True) -> pl.Expr:
    """1–5 score of a metric over all rows (rule in the module docstring)."""
    goodness = metric if higher_is_better else -metric
    worse = goodness.rank("min") - 1
    return (worse * 5 // pl.len() + 1).cast(pl.Int8)


def segment_of(r: pl.Expr, fm: pl.Expr) -> pl.Expr:
    """The segment named by `SEGMENT_RULES` for a recency score and an f + m sum."""
    return first_match(
        (r.is_between(*rule.r) & fm.is_between(*rule.fm), rule.segment) for rule in SEGMENT_RULES
    )


def rfm_table(transactions: pl.DataFrame, *, as_of: dt.date) -> pl.DataFrame:
    """customer_id, recency_days, frequency, monetary, monetary_mean, r, f, m, segment."""
    history = customer_history(transactions, as_of=as_of)
    scored = history.select(
        CUSTOMER,
        "recency_days",
        "frequency",
        "monetary",
        "monetary_mean",
        r=quintile_score(pl.col("recency_days"), higher_is_better=False),
        f=quintile_score(pl.col("frequency")),
        # Sums of the same amounts taken in another order can differ in the last bit; rounding
        # keeps equal spend tied, whatever order a parallel group-by added it in.
        m=quintile_score(pl.col("monetary").round(6)),
    )
    return scored.with_columns(segment=segment_of(pl.col("r"), pl.col("f") + pl.col("m")))
