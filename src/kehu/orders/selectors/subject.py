"""What a data-subject export tells of a customer's orders: which, when, for how much."""

from __future__ import annotations

from typing import Any

from kehu.orders.models import Order


def orders_summary(customer_id: int) -> list[dict[str, Any]]:
    """The customer's orders, oldest first: number, status, dates and total; no lines."""
    return [
        {
            "id": order.pk,
            "number": order.number,
            "status": order.status,
            "created_at": order.created_at,
            "confirmed_on": order.confirmed_on,
            "total": order.total,
            "currency": order.currency,
        }
        for order in Order.objects.filter(customer_id=customer_id).order_by("created_at", "pk")
    ]
