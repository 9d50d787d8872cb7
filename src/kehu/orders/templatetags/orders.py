"""`|money`: a Decimal with two decimals and grouping; `|days_before`; `|badge`: the colour of
a status's badge."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django import template

from kehu.core.money import money_text
from kehu.orders.models import ApprovalStatus, OrderStatus, QuoteStatus

register = template.Library()

# Done or accepted is green, stopped red, superseded or not yet begun grey, waiting yellow;
# an order on its way is blue.
_BADGES: dict[str, str] = {
    OrderStatus.DRAFT: "bg-secondary-lt",
    OrderStatus.CONFIRMED: "bg-blue-lt",
    OrderStatus.COMPLETED: "bg-green-lt",
    OrderStatus.CANCELLED: "bg-red-lt",
    QuoteStatus.OPEN: "bg-blue-lt",
    QuoteStatus.SUPERSEDED: "bg-secondary-lt",
    QuoteStatus.ACCEPTED: "bg-green-lt",
    ApprovalStatus.PENDING: "bg-yellow-lt",
    ApprovalStatus.APPROVED: "bg-green-lt",
    ApprovalStatus.REJECTED: "bg-red-lt",
}


@register.filter
def money(value: Decimal | None) -> str:
    if value is None:
        return "—"
    return money_text(value)


@register.filter
def days_before(day: date, today: date) -> int:
    return (today - day).days


@register.filter
def badge(status: str) -> str:
    """The badge class of an order's, a quote's or a credit approval's status."""
    return _BADGES.get(status, "bg-azure-lt")
