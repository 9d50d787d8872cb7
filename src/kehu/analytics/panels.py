"""The cards analytics adds to other apps' pages."""

from __future__ import annotations

from typing import Any

from kehu.analytics.labels import reason_texts
from kehu.analytics.selectors import customer_score
from kehu.analytics.selectors.churn_actions import customer_churn_actions
from kehu.core.pages import UserRequest
from kehu.core.registry import Panel
from kehu.customers.models import Customer


def _customer_value(request: UserRequest, *, customer: Customer) -> dict[str, Any]:
    score = customer_score(user=request.user, customer=customer)
    reasons = reason_texts(score.churn_reasons) if score else []
    return {
        "score": score,
        "top_reason": reasons[0] if reasons else "",
        "customer": customer,
    }


customer_value = Panel(
    "analytics/_customer_value.html",
    _customer_value,
    permission="analytics.view_customerscore",
    order=10,
)


def _churn_actions(request: UserRequest, *, customer: Customer) -> dict[str, Any]:
    score = customer_score(user=request.user, customer=customer)
    return {
        "rows": customer_churn_actions(user=request.user, customer=customer),
        "at_risk": score is not None and score.at_risk,
        "customer": customer,
    }


churn_actions = Panel(
    "analytics/_churn_actions.html",
    _churn_actions,
    permission="analytics.view_churnaction",
    order=11,
)
