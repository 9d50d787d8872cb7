"""Lifecycle stages and relationship levels from behaviour."""

from __future__ import annotations

import datetime as dt

import polars as pl

from kehu.analytics.maths.lifecycle import (
    LEVELS,
    STAGES,
    LifecycleRules,
    lifecycle_table,
    spend_trends,
)

from .conftest import Transactions

AS_OF = dt.date(2024, 12, 31)


def monthly(customer: str, first: dt.date, amounts: list[float]) -> list[tuple[str, str, float]]:
    """One purchase a month from `first`, with the given amounts."""
    days = pl.date_range(first, dt.date(2030, 1, 1), interval="1mo", eager=True)
    return [(customer, day.isoformat(), amount) for day, amount in zip(days, amounts, strict=False)]


def customers(transactions: Transactions) -> pl.DataFrame:
    log = transactions(
        ("newbie", "2024-12-01", 50),
        ("lapsed", "2023-06-01", 50),
        *monthly("growing", dt.date(2024, 9, 1), [50] * 4),
        *monthly("steady", dt.date(2022, 12, 15), [100] * 25),
        *[("overdue", day, 50) for day in ("2024-01-01", "2024-01-11", "2024-01-21", "2024-01-31")],
        *monthly("shrinking", dt.date(2024, 6, 20), [100, 100, 100, 20, 20, 20]),
    )
    return lifecycle_table(log, as_of=AS_OF)


def test_stages_and_levels_by_hand(transactions: Transactions) -> None:
    table = customers(transactions)

    assert dict(table.select("customer_id", "stage").iter_rows()) == {
        "newbie": "exploration",  # one purchase, a month ago
        "lapsed": "decline",  # one purchase, more than a year ago
        "growing": "formation",  # four monthly purchases, but only four months in
        "steady": "stability",  # two years of monthly purchases
        "overdue": "decline",  # bought every 10 days, silent for 11 months
        "shrinking": "decline",  # recent purchases a fifth of the earlier ones
    }
    # By sales: steady (2,500) and shrinking (360) make 80 % (class A); growing and overdue
    # (200 each) are B; the two one-time buyers are C.
    assert dict(table.select("customer_id", "class").iter_rows())["shrinking"] == "A"
    assert dict(table.select("customer_id", "level").iter_rows()) == {
        "newbie": "transactional",
        "lapsed": "transactional",
        "growing": "preferred_supplier",
        "steady": "strategic_alliance",
        "overdue": "preferred_supplier",
        "shrinking": "partnership",
    }


def test_rules_are_configurable(transactions: Transactions) -> None:
    log = transactions(("lapsed", "2023-06-01", 50))

    lenient = lifecycle_table(log, as_of=AS_OF, rules=LifecycleRules(lapse_days=1000))

    assert lenient["stage"].to_list() == ["exploration"]


def test_codes_are_the_documented_ones(transactions: Transactions) -> None:
    table = customers(transactions)

    assert STAGES == ("exploration", "formation", "stability", "decline")
    assert LEVELS == ("transactional", "preferred_supplier", "partnership", "strategic_alliance")
    assert set(table["stage"]) == set(STAGES)
    assert set(table["level"]) == set(LEVELS)


def test_spend_trend_compares_the_later_half_of_purchase_days_with_the_earlier(
    transactions: Transactions,
) -> None:
    log = transactions(
        ("even", "2024-01-01", 10), ("even", "2024-01-11", 30),
        ("even", "2024-01-31", 20), ("even", "2024-03-11", 5),
        ("odd", "2024-01-01", 10), ("odd", "2024-02-01", 99), ("odd", "2024-03-01", 15),
        ("once", "2024-01-01", 10),
        ("free", "2024-01-01", 0), ("free", "2024-02-01", 10),
    )  # fmt: skip

    trends = dict(spend_trends(log, as_of=AS_OF).iter_rows())

    assert trends["even"] == 12.5 / 20 - 1  # (20 + 5) / 2 against (10 + 30) / 2
    assert trends["odd"] == 15 / 10 - 1  # the middle day counts in neither half
    assert trends["once"] is None and trends["free"] is None
