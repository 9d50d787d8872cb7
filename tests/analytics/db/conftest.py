"""Fixtures for the analytics' database layer: customers with a small, hand-checked history."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from kehu.analytics.models import Purchase
from kehu.core.models import User
from kehu.customers.models import Customer

AS_OF = dt.date(2024, 12, 31)

# name: [(date, amount)]. Expected figures as of AS_OF are worked out in test_scores.py.
HISTORIES: dict[str, list[tuple[str, str]]] = {
    "c1": [("2024-10-01", "100"), ("2024-11-01", "100"), ("2024-12-01", "100")],
    "c2": [("2024-06-30", "1000")],
    "c3": [("2024-12-30", "50"), ("2024-12-30", "25")],
    "c4": [("2023-01-01", "10"), ("2024-01-01", "10")],
    "c5": [
        ("2023-07-01", "500"),
        ("2024-01-01", "500"),
        ("2024-07-01", "500"),
        ("2024-12-31", "500"),
    ],
}


def purchases_add(customer: Customer, history: list[tuple[str, str]]) -> None:
    Purchase.objects.bulk_create(
        Purchase(customer=customer, date=dt.date.fromisoformat(day), amount=Decimal(amount))
        for day, amount in history
    )


@pytest.fixture
def hand_set(make_user: Callable[..., User], make_customer: Callable[..., Customer]) -> Any:
    """Five customers of one salesperson with the purchases of HISTORIES."""
    owner = make_user("wangwu")
    customers = {name: make_customer(owner, name=f"客户{name}") for name in HISTORIES}
    for name, history in HISTORIES.items():
        purchases_add(customers[name], history)
    return customers
