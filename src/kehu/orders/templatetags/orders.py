"""`|money`: a Decimal with two decimals and grouping; `|days_before`."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django import template

from kehu.core.money import money_text

register = template.Library()


@register.filter
def money(value: Decimal | None) -> str:
    if value is None:
        return "—"
    return money_text(value)


@register.filter
def days_before(day: date, today: date) -> int:
    return (today - day).days
