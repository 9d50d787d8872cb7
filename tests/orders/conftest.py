"""A sales team with finance, two products, and helpers that build quotes and orders through
the real services."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from kehu.customers.models import Customer
from kehu.orders import services
from kehu.orders.models import Order, Product, Quote


@pytest.fixture
def team(make_user: Any) -> dict[str, Any]:
    manager = make_user("liming", "sales_manager")
    return {
        "manager": manager,
        "alice": make_user("alice", manager=manager),
        "bob": make_user("bob", manager=manager),
        "finance": make_user("huangmin", "finance"),
        "admin": make_user("admin", "admin"),
    }


@pytest.fixture
def products(db: Any) -> dict[str, Product]:
    return {
        "valve": services.product_create(
            actor=None, sku="VX-100", name="不锈钢阀门", unit="个", list_price=Decimal("250.00")
        ),
        "pipe": services.product_create(
            actor=None, sku="PP-20", name="PPR管材", unit="米", list_price=Decimal("12.50")
        ),
    }


def in_days(days: int) -> date:
    return timezone.localdate() + timedelta(days=days)


@pytest.fixture
def make_quote(products: dict[str, Product]) -> Callable[..., Quote]:
    def make(owner: Any, customer: Customer, lines: list[dict[str, Any]] | None = None) -> Quote:
        return services.quote_create(
            actor=owner,
            customer=customer,
            valid_until=in_days(30),
            lines=lines
            or [
                {"product": products["valve"], "quantity": "10", "discount_percent": "10"},
                {"product": products["pipe"], "quantity": "100"},
            ],
        )

    return make


@pytest.fixture
def make_order(products: dict[str, Product]) -> Callable[..., Order]:
    """A draft order for `amount`: one valve line at that unit price."""

    def make(owner: Any, customer: Customer, amount: str = "1000.00", **kwargs: Any) -> Order:
        return services.order_create(
            actor=owner,
            customer=customer,
            lines=[{"product": products["valve"], "quantity": "1", "unit_price": amount}],
            **kwargs,
        )

    return make


@pytest.fixture
def confirmed_order(make_order: Callable[..., Order]) -> Callable[..., Order]:
    def make(owner: Any, customer: Customer, amount: str = "1000.00", **kwargs: Any) -> Order:
        order = make_order(owner, customer, amount, **kwargs)
        return services.order_confirm(actor=owner, order=order)

    return make
