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
from kehu.orders import services as orders
from kehu.orders.models import Order, OrderStatus

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


@pytest.fixture
def finance(make_user: Callable[..., User]) -> User:
    return make_user("huangmin", "finance")


@pytest.fixture
def sell(db: Any) -> Callable[..., Order]:
    """An order of `amount` for `customer`, confirmed on `on` (its due date follows from the
    customer's payment terms), and then, by `to`, cancelled or delivered and completed; or
    left a draft."""
    product = orders.product_create(
        actor=None, sku="JY-500", name="特级酱油 500ml", unit="箱", list_price=Decimal("90.00")
    )

    def make(customer: Customer, amount: str, *, on: dt.date, to: str = "confirmed") -> Order:
        order = orders.order_create(
            actor=None,
            customer=customer,
            lines=[{"product": product, "quantity": "1", "unit_price": amount}],
        )
        if to == OrderStatus.DRAFT:
            return order
        order = orders.order_confirm(actor=None, order=order, today=on)
        if to == OrderStatus.CANCELLED:
            return orders.order_transition(actor=None, order=order, to_status=to)
        if to == OrderStatus.COMPLETED:
            line = order.lines.get()
            orders.delivery_create(
                actor=None, order=order, shipped_on=on, delivered_on=on, quantities={line.pk: "1"}
            )
            return orders.order_transition(actor=None, order=order, to_status=to)
        return order

    return make
