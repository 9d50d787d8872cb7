"""Reading, validating and summarising transaction logs."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import polars as pl
import pytest

from kehu.analytics.maths.transactions import (
    CUSTOMER,
    TransactionsError,
    customer_history,
    history_joined,
    model_summary,
    parse_date,
    purchase_days,
    read_transactions,
)

from .conftest import CDNOW, Transactions


def read(text: str, **columns: str) -> pl.DataFrame:
    return read_transactions(io.BytesIO(text.encode()), **columns)


def test_reads_typed_columns_in_file_order() -> None:
    frame = read("customer_id,date,amount,quantity\n7,2024-03-01,12.50,1\n3,20240215, 4 ,2\n")

    assert frame.schema == pl.Schema(
        {"customer_id": pl.String, "date": pl.Date, "amount": pl.Float64}
    )
    assert frame.rows() == [("7", dt.date(2024, 3, 1), 12.5), ("3", dt.date(2024, 2, 15), 4.0)]


def test_column_names_are_configurable() -> None:
    frame = read(
        "client,day,total\nc1,2024-01-02,3\n",
        customer_col="client",
        date_col="day",
        amount_col="total",
    )

    assert frame.row(0) == ("c1", dt.date(2024, 1, 2), 3.0)


def test_zero_amounts_are_allowed() -> None:
    assert read("customer_id,date,amount\n1,2024-01-01,0\n")["amount"].to_list() == [0.0]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "client,date,total\n1,2024-01-01,3\n",
            "missing columns 'customer_id', 'amount'; the columns are: 'client', 'date', 'total'",
        ),
        (
            "customer_id,date,amount\n1,2024-01-01,3\n2,2024-02-30,4\n",
            "column 'date', row 2: '2024-02-30' is not a date (expected YYYY-MM-DD or YYYYMMDD)",
        ),
        (
            "customer_id,date,amount\n1,01/02/2024,3\n",
            "column 'date', row 1: '01/02/2024' is not a date",
        ),
        (
            "customer_id,date,amount\n1,2024-01-01,3\n1,2024-01-02,-5\n2,2024-01-03,-1\n",
            "column 'amount', row 2: '-5' is negative (1 more rows like it)",
        ),
        (
            "customer_id,date,amount\n1,2024-01-01,ten\n",
            "column 'amount', row 1: 'ten' is not a number",
        ),
        ("customer_id,date,amount\n1,2024-01-01,\n", "column 'amount', row 1: '' is not a number"),
        (
            "customer_id,date,amount\n1,2024-01-01,inf\n",
            "column 'amount', row 1: 'inf' is not a finite number",
        ),
        ("customer_id,date,amount\n,2024-01-01,1\n", "column 'customer_id', row 1: '' is empty"),
        ("customer_id,date,amount\n", "there are no transactions"),
        ("", "the transactions file is empty"),
    ],
)
def test_bad_input_names_the_problem_column_and_row(text: str, message: str) -> None:
    with pytest.raises(TransactionsError, match="^" + re.escape(message)):
        read(text)


def test_transactions_error_is_a_value_error() -> None:
    assert issubclass(TransactionsError, ValueError)


def test_a_missing_file_raises_file_not_found_naming_it(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError) as raised:
        read_transactions(tmp_path / "absent.csv")
    assert raised.value.filename == str(tmp_path / "absent.csv")


def test_parse_date_accepts_both_forms_and_rejects_others() -> None:
    assert parse_date("2024-02-29") == parse_date("20240229") == dt.date(2024, 2, 29)
    with pytest.raises(ValueError, match="not a date"):
        parse_date("2023-02-29")


def test_same_day_transactions_merge_into_one_purchase_day(transactions: Transactions) -> None:
    log = transactions(("a", "2024-01-01", 10), ("a", "2024-01-01", 5), ("a", "2024-01-03", 1))

    assert purchase_days(log).sort("date").collect().rows() == [
        ("a", dt.date(2024, 1, 1), 15.0),
        ("a", dt.date(2024, 1, 3), 1.0),
    ]


def test_customer_history_by_hand(transactions: Transactions) -> None:
    # Customer a buys on days 0, 10, 30 and 70 (gaps 10, 20, 40).
    log = transactions(
        ("a", "2024-01-01", 10),
        ("a", "2024-01-11", 30),
        ("a", "2024-01-31", 20),
        ("a", "2024-03-11", 5),
        ("b", "2024-03-01", 8),
        ("b", "2024-04-01", 99),  # after the as-of date: ignored
    )

    history = customer_history(log, as_of=dt.date(2024, 3, 21))
    a, b = history.to_dicts()

    assert a["frequency"] == 4 and a["monetary"] == 65 and a["monetary_mean"] == 16.25
    assert a["recency_days"] == 10 and a["tenure_days"] == 80
    assert a["interval_mean_days"] == pytest.approx(70 / 3)
    # Least-squares slope of gaps (10, 20, 40) on (1, 2, 3) is 15 days per purchase.
    assert a["interval_trend_days"] == pytest.approx(15)
    assert b["frequency"] == 1 and b["monetary"] == 8 and b["recency_days"] == 20
    assert b["interval_mean_days"] is None and b["interval_trend_days"] is None


def test_model_summary_by_hand(transactions: Transactions) -> None:
    log = transactions(
        ("a", "2024-01-01", 10),
        ("a", "2024-01-01", 2),  # same day: part of the first purchase
        ("a", "2024-01-15", 30),
        ("a", "2024-01-29", 20),
        ("b", "2024-01-08", 8),
        ("c", "2024-02-20", 5),  # after calibration: not a customer yet
    )

    summary = model_summary(log, calibration_end=dt.date(2024, 2, 12), time_unit="week")

    assert summary.to_dicts() == [
        {"customer_id": "a", "frequency": 2, "recency": 4.0, "T": 6.0, "monetary_value": 25.0},
        {"customer_id": "b", "frequency": 0, "recency": 0.0, "T": 5.0, "monetary_value": 0.0},
    ]
    in_days = model_summary(log, calibration_end=dt.date(2024, 2, 12), time_unit="day")
    assert in_days["T"].to_list() == [42.0, 35.0]


def test_model_summary_reproduces_the_published_cdnow_summary(
    cdnow_sample: pl.DataFrame, published_summary: pl.DataFrame
) -> None:
    summary = model_summary(cdnow_sample, calibration_end=dt.date(1997, 9, 30))
    # The published IDs number customers by first purchase, then by master id.
    first = cdnow_sample.group_by("customer_id").agg(pl.col("date").min().alias("first"))
    ours = (
        summary.join(first, on="customer_id")
        .sort("first", pl.col("customer_id").cast(pl.Int64))
        .select("frequency", pl.col("recency").round(2), pl.col("T").round(2))
    )

    assert ours.height == published_summary.height == 2357
    assert ours.equals(published_summary.select("frequency", "recency", "T"))


def test_cdnow_sample_copy_has_the_documented_shape() -> None:
    sample = read_transactions(CDNOW / "cdnow_sample.csv")

    assert sample.height == 6919 and sample["customer_id"].n_unique() == 2357


def test_imported_history_joins_the_orders_before_each_customers_first_order() -> None:
    orders = read("customer_id,date,amount\nA,2025-03-01,100\nA,2025-04-01,50\n")
    imported = read(
        "customer_id,date,amount\n"
        "A,2024-12-01,70\n"  # before A's first order: counted
        "A,2025-03-01,100\n"  # A's first order, recorded by both systems: once
        "A,2025-03-20,30\n"  # after it: the orders are the record
        "B,2025-05-01,20\n"  # no orders: the whole history
    )

    joined = history_joined(orders=orders, imported=imported).sort(CUSTOMER, "date")

    assert joined.rows() == [
        ("A", dt.date(2024, 12, 1), 70.0),
        ("A", dt.date(2025, 3, 1), 100.0),
        ("A", dt.date(2025, 4, 1), 50.0),
        ("B", dt.date(2025, 5, 1), 20.0),
    ]
