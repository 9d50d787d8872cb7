"""`{% customer_orders customer %}`: the latest orders of a customer on the customer page;
`|money`: a Decimal with two decimals and grouping."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django import template

from kehu.customers.models import Customer
from kehu.orders.amounts import money_text
from kehu.orders.selectors import customer_recent_orders

register = template.Library()


@register.filter
def money(value: Decimal | None) -> str:
    if value is None:
        return "—"
    return money_text(value)


@register.filter
def days_before(day: date, today: date) -> int:
    return (today - day).days


@register.inclusion_tag("orders/_customer_orders.html", takes_context=True)
def customer_orders(context: template.Context, customer: Customer) -> dict[str, Any]:
    """The card for a customer the page has already been allowed to show."""
    perms = context.get("perms")
    user = getattr(context.get("request"), "user", None)
    allowed = perms is not None and "orders.view_order" in perms and user is not None
    return {
        "allowed": allowed,
        "customer": customer,
        "orders": customer_recent_orders(user=user, customer=customer) if allowed else [],
        "perms": perms,
    }
