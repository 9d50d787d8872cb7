"""ABC (Pareto) analysis: which customers make most of the sales.

Customers are ranked by sales s_i, largest first, ties by customer_id (as text). With S = Σ s
and C_i the cumulative sales down to and including customer i:

    share_i = s_i / S,   cumulative_share_i = C_i / S,   before_i = C_{i−1} / S.

* class A: before_i < a_cutoff (default 0.80) — the customers that make the first 80 % of
  sales, including the one whose sales cross 80 %;
* class B: a_cutoff ≤ before_i < b_cutoff (default 0.95) — the next 15 %;
* class C: the rest.

A customer whose preceding share lands exactly on a cut-off (within a relative 1e-9, so that
floating-point rounding of the running sum cannot decide) starts the next class.

The summary's `a_customer_share` is the share of customers in class A: the "20" of the 80/20
rule when a_cutoff is 0.80.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import polars as pl

from kehu.analytics.maths.rules import first_match
from kehu.analytics.maths.transactions import CUSTOMER, TransactionsError

CLASSES: Final = ("A", "B", "C")
ROUNDING: Final = 1e-9


@dataclass(frozen=True)
class AbcSummary:
    customers: int
    total_sales: float
    a_customer_share: float
    counts: dict[str, int]
    sales_shares: dict[str, float]


@dataclass(frozen=True)
class AbcResult:
    customers: pl.DataFrame  # customer_id, sales, share, cumulative_share, class
    summary: AbcSummary


def abc_analysis(
    transactions: pl.DataFrame, *, a_cutoff: float = 0.80, b_cutoff: float = 0.95
) -> AbcResult:
    """Classify customers A/B/C by their cumulative share of the sales in `transactions`."""
    if not 0 < a_cutoff < b_cutoff <= 1:
        raise ValueError("the cut-offs must satisfy 0 < a_cutoff < b_cutoff ≤ 1")
    sales = (
        transactions.lazy()
        .group_by(CUSTOMER)
        .agg(sales=pl.col("amount").sum())
        .sort(["sales", CUSTOMER], descending=[True, False])
        .collect()
    )
    total = float(sales["sales"].sum())
    if total <= 0:
        raise TransactionsError("total sales are zero, so there are no shares to rank")
    cumulative = pl.col("sales").cum_sum()
    before = cumulative.shift(1, fill_value=0.0) / total + ROUNDING
    abc = first_match([(before < a_cutoff, "A"), (before < b_cutoff, "B")], default="C")
    ranked = sales.select(
        CUSTOMER,
        "sales",
        share=pl.col("sales") / total,
        cumulative_share=cumulative / total,
        **{"class": abc},
    )
    per_class = ranked.group_by("class").agg(customers=pl.len(), sales=pl.col("sales").sum())
    counts = dict.fromkeys(CLASSES, 0) | dict(per_class.select("class", "customers").iter_rows())
    class_sales = dict(per_class.select("class", "sales").iter_rows())
    summary = AbcSummary(
        customers=ranked.height,
        total_sales=total,
        a_customer_share=counts["A"] / ranked.height,
        counts=counts,
        sales_shares={c: class_sales.get(c, 0.0) / total for c in CLASSES},
    )
    return AbcResult(customers=ranked, summary=summary)
