"""Monthly relationship KPIs on a tiny log checked by hand."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from kehu.analytics.maths.kpi import MonthlyInputs, monthly_kpis

from .conftest import Transactions


@pytest.fixture
def log(transactions: Transactions) -> pl.DataFrame:
    # With a 60-day window: a churns on 2024-03-20 (60 days after 01-20) and returns on 09-01;
    # c churns on 2024-04-30 and b on 2024-05-14; after 09-01 the data end, so a's second
    # window never closes.
    return transactions(
        ("a", "2024-01-05", 10),
        ("a", "2024-01-20", 5),
        ("b", "2024-02-01", 20),
        ("b", "2024-03-15", 1),
        ("c", "2024-03-01", 3),
        ("a", "2024-09-01", 4),
    )


def test_months_by_hand(log: pl.DataFrame) -> None:
    table = monthly_kpis(log, inactivity_days=60)

    assert table["month"].to_list() == [f"2024-{m:02d}" for m in range(1, 10)]
    columns = [
        "active_customers", "new_customers", "churned_customers", "reactivated_customers",
        "customers_at_start",
    ]  # fmt: skip
    assert table.select(columns).rows() == [
        (1, 1, 0, 0, 0),  # January: a joins
        (1, 1, 0, 0, 1),  # February: b joins
        (2, 1, 1, 0, 2),  # March: c joins, a churns (window closed 03-20)
        (0, 0, 1, 0, 2),  # April: c churns (04-30)
        (0, 0, 1, 0, 1),  # May: b churns (05-14)
        (0, 0, 0, 0, 0),
        (0, 0, 0, 0, 0),
        (0, 0, 0, 0, 0),
        (1, 0, 0, 1, 0),  # September: a comes back
    ]
    assert table["new_customer_growth_rate"].to_list()[:4] == [None, 0.0, 0.0, -1.0]
    assert table["churn_rate"].to_list() == [None, 0.0, 0.5, 0.5, 1.0, None, None, None, None]
    assert table["retention_rate"].to_list()[:5] == [None, 1.0, 0.5, 0.5, 0.0]
    # a has two purchase days from January; b from March; c never.
    assert table["repeat_purchase_rate"].to_list()[:3] == pytest.approx([1.0, 0.5, 2 / 3])
    assert table["one_time_share"].to_list()[2] == pytest.approx(1 / 3)


def test_a_partial_month_is_marked_and_compared_with_the_same_days(
    transactions: Transactions,
) -> None:
    # Known up to 10 March: February had three new customers, two of them by the 10th; March
    # has two so far.
    log = transactions(
        ("a", "2024-02-02", 1),
        ("b", "2024-02-05", 1),
        ("c", "2024-02-20", 1),
        ("d", "2024-03-01", 1),
        ("e", "2024-03-09", 1),
    )

    table = monthly_kpis(log, inactivity_days=60, as_of=dt.date(2024, 3, 10))

    assert table["month"].to_list() == ["2024-02", "2024-03"]
    assert table["partial_through"].to_list() == [None, "2024-03-10"]
    assert table["new_customers"].to_list() == [3, 2]
    # Not (2 − 3) / 3: March's first ten days against February's first ten.
    assert table["new_customer_growth_rate"].to_list() == [None, 0.0]


def test_the_month_of_the_data_end_counts_even_without_purchases(
    transactions: Transactions,
) -> None:
    log = transactions(("a", "2024-01-05", 1), ("b", "2024-01-31", 1))

    still_january = monthly_kpis(log, inactivity_days=60, as_of=dt.date(2024, 1, 31))
    early_february = monthly_kpis(log, inactivity_days=60, as_of=dt.date(2024, 2, 3))

    assert still_january["partial_through"].to_list() == [None]
    assert early_february["month"].to_list() == ["2024-01", "2024-02"]
    assert early_february["partial_through"].to_list() == [None, "2024-02-03"]
    # Nobody new by 3 February, as nobody by 3 January: no growth to report, rather than −100%.
    assert early_february["new_customer_growth_rate"].to_list() == [None, None]


def test_optional_inputs_are_null_when_absent(log: pl.DataFrame) -> None:
    inputs = MonthlyInputs(
        leads={"2024-01": 10, "2024-02": 0},
        converted_leads={"2024-01": 3, "2024-02": 0},
        survey_responses={"2024-03": 4},
        satisfied_responses={"2024-03": 3},
        complaint_resolution_hours={"2024-09": 5.5},
    )

    table = monthly_kpis(log, inactivity_days=60, inputs=inputs)

    assert table["lead_conversion_rate"].to_list()[:3] == [0.3, None, None]
    assert table["satisfaction_rate"].to_list()[2] == 0.75
    assert table["complaint_resolution_hours"].to_list()[-1] == 5.5
    assert table["complaint_resolution_hours"].null_count() == 8


def test_without_inputs_those_columns_are_null(log: pl.DataFrame) -> None:
    table = monthly_kpis(log, inactivity_days=60)

    for column in ("lead_conversion_rate", "satisfaction_rate", "complaint_resolution_hours"):
        assert table[column].null_count() == table.height


def test_window_shorter_than_a_month_is_refused(log: pl.DataFrame) -> None:
    with pytest.raises(ValueError, match="at least 31 days"):
        monthly_kpis(log, inactivity_days=30)


def test_default_window_on_cdnow(cdnow_sample: pl.DataFrame) -> None:
    table = monthly_kpis(cdnow_sample)

    assert table.height == 18  # January 1997 to June 1998
    assert table["new_customers"].sum() == 2357
    assert table["new_customers"].to_list()[3:] == [0] * 15  # the cohort joined in Q1 1997
    # The first 180-day windows close on 1997-06-30, for the customers of New Year's Day.
    assert table["churned_customers"].to_list()[:5] == [0] * 5
    assert table["churned_customers"][5] > 0
    churn = table["churn_rate"].drop_nulls()
    assert ((churn >= 0) & (churn <= 1)).all()
