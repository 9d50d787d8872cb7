"""`|percent`: 0.123 → 12.3%; `{% analytics_limit name %}`: a setting as the pages quote it."""

from __future__ import annotations

from django import template
from django.utils.formats import number_format

from kehu.analytics.maths.ahp import CONSISTENCY_LIMIT
from kehu.analytics.maths.parameters import ANNUAL_DISCOUNT_RATE, CHURN_HORIZON_DAYS

register = template.Library()


@register.filter
def percent(value: float | None, places: int = 1) -> str:
    if value is None:
        return "—"
    return f"{number_format(100 * value, decimal_pos=places, use_l10n=True)}%"


@register.simple_tag
def analytics_limit(name: str) -> str:
    """A setting of the analytics as the pages quote it, so their texts follow the code."""
    limits = {
        "churn_days": f"{CHURN_HORIZON_DAYS}",
        "discount_percent": f"{ANNUAL_DISCOUNT_RATE:.0%}",
        "consistency": f"{CONSISTENCY_LIMIT:.2f}",
    }
    return limits[name]
