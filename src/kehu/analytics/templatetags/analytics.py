"""`{% customer_value customer %}`: the customer value card; `|percent`: 0.123 → 12.3%."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.formats import number_format

from kehu.analytics.ahp import CONSISTENCY_LIMIT
from kehu.analytics.labels import reason_text
from kehu.analytics.scores import ANNUAL_DISCOUNT_RATE, CHURN_HORIZON_DAYS
from kehu.analytics.selectors import customer_score
from kehu.customers.models import Customer

register = template.Library()


@register.filter
def percent(value: float | None, places: int = 1) -> str:
    if value is None:
        return "—"
    return f"{number_format(100 * value, decimal_pos=places, use_l10n=True)}%"


@register.inclusion_tag("analytics/_customer_value.html", takes_context=True)
def customer_value(context: template.Context, customer: Customer) -> dict[str, Any]:
    """The card for a customer the page has already been allowed to show."""
    perms = context.get("perms")
    allowed = perms is not None and "analytics.view_customerscore" in perms
    score = customer_score(customer=customer) if allowed else None
    return {
        "allowed": allowed,
        "score": score,
        "top_reason": reason_text(score.churn_reasons[0]) if score and score.churn_reasons else "",
        "customer": customer,
    }


@register.simple_tag
def analytics_limit(name: str) -> str:
    """A setting of the analytics as the pages quote it, so their texts follow the code."""
    limits = {
        "churn_days": f"{CHURN_HORIZON_DAYS}",
        "discount_percent": f"{ANNUAL_DISCOUNT_RATE:.0%}",
        "consistency": f"{CONSISTENCY_LIMIT:.2f}",
    }
    return limits[name]
