"""ABC (Pareto) classes of customers by share of sales."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kehu.analytics.maths.pareto import abc_analysis
from kehu.analytics.maths.transactions import TransactionsError

from .conftest import Transactions


def test_five_customers_by_hand(transactions: Transactions) -> None:
    log = transactions(
        ("e", "2024-01-01", 5),
        ("a", "2024-01-01", 30),
        ("a", "2024-02-01", 20),
        ("d", "2024-01-01", 10),
        ("c", "2024-01-01", 10),
        ("b", "2024-01-01", 25),
    )

    result = abc_analysis(log)

    # a and b make 75 %; c (tied with d, first by id) crosses 80 % and is in A; d reaches 95 %.
    table = result.customers
    assert table.select("customer_id", "sales", "class").rows() == [
        ("a", 50.0, "A"),
        ("b", 25.0, "A"),
        ("c", 10.0, "A"),
        ("d", 10.0, "B"),
        ("e", 5.0, "C"),
    ]
    assert table["share"].to_list() == pytest.approx([0.50, 0.25, 0.10, 0.10, 0.05])
    assert table["cumulative_share"].to_list() == pytest.approx([0.50, 0.75, 0.85, 0.95, 1.0])
    assert table.columns == [
        "customer_id",
        "sales",
        "share",
        "cumulative_share",
        "class",
    ]
    summary = result.summary
    assert summary.counts == {"A": 3, "B": 1, "C": 1}
    assert summary.a_customer_share == pytest.approx(0.6)
    assert summary.sales_shares == pytest.approx({"A": 0.85, "B": 0.10, "C": 0.05})
    assert summary.total_sales == 100


def test_a_customer_starting_exactly_at_the_cutoff_is_in_the_next_class(
    transactions: Transactions,
) -> None:
    log = transactions(("x", "2024-01-01", 0.4), ("y", "2024-01-01", 0.4), ("z", "2024-01-01", 0.2))

    classes = abc_analysis(log).customers["class"].to_list()

    assert classes == ["A", "A", "B"]


def test_cutoffs_are_configurable(transactions: Transactions) -> None:
    log = transactions(*[(name, "2024-01-01", 25) for name in "abcd"])

    classes = abc_analysis(log, a_cutoff=0.5, b_cutoff=0.75).customers["class"].to_list()

    assert classes == ["A", "A", "B", "C"]


def test_rejects_cutoffs_out_of_order_and_zero_sales(transactions: Transactions) -> None:
    log = transactions(("a", "2024-01-01", 0), ("b", "2024-01-01", 0))

    with pytest.raises(ValueError, match="0 < a_cutoff < b_cutoff"):
        abc_analysis(log, a_cutoff=0.9, b_cutoff=0.8)
    with pytest.raises(TransactionsError, match="total sales are zero"):
        abc_analysis(log)


@given(
    st.lists(
        st.floats(min_value=0, max_value=1e7, allow_subnormal=False), min_size=1, max_size=50
    ).filter(lambda sales: sum(sales) > 0)
)
def test_shares_sum_to_one_and_classes_follow_the_ranking(sales: list[float]) -> None:
    log = pl.DataFrame(
        {
            "customer_id": [f"c{i:02d}" for i in range(len(sales))],
            "date": [dt.date(2024, 1, 1)] * len(sales),
            "amount": sales,
        }
    )

    result = abc_analysis(log)
    table = result.customers

    assert table["share"].sum() == pytest.approx(1.0)
    assert table["cumulative_share"][-1] == pytest.approx(1.0)
    assert (table["cumulative_share"].diff().drop_nulls() >= 0).all()
    assert table["sales"].to_list() == sorted(table["sales"].to_list(), reverse=True)
    classes = table["class"].to_list()
    assert classes == sorted(classes)  # all A, then all B, then all C
    a_rows = table.filter(pl.col("class") == "A")
    # Class A reaches 80 % of sales, and would not without its last customer.
    assert a_rows["cumulative_share"][-1] >= 0.8 - 1e-9
    assert a_rows["cumulative_share"][-1] - a_rows["share"][-1] < 0.8
    assert sum(result.summary.counts.values()) == len(sales)
