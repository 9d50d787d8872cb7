"""The cards the orders app adds to other apps' pages."""

from __future__ import annotations

from typing import Any

from kehu.core.pages import UserRequest
from kehu.core.registry import Panel
from kehu.customers.models import Customer
from kehu.orders.selectors import customer_recent_orders


def _customer_orders(request: UserRequest, *, customer: Customer) -> dict[str, Any]:
    return {
        "customer": customer,
        "orders": customer_recent_orders(user=request.user, customer=customer),
    }


customer_orders = Panel(
    "orders/_customer_orders.html", _customer_orders, permission="orders.view_order", order=20
)
