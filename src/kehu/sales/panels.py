"""The cards sales adds to the home page: the open pipeline weighted by probability, leads
waiting too long for a follow-up (a manager sees the team's), and deals closing soon, with
those past their expected close date apart, as overdue."""

from __future__ import annotations

from typing import Any

from kehu.core.pages import UserRequest
from kehu.core.registry import Panel
from kehu.sales import selectors

CLOSING_DAYS = 30


def _pipeline(request: UserRequest) -> dict[str, Any]:
    return {"pipeline": selectors.weighted_pipeline(user=request.user)}


def _overdue_leads(request: UserRequest) -> dict[str, Any]:
    return {"overdue_leads": list(selectors.overdue_leads(user=request.user)[:20])}


def _closing(request: UserRequest) -> dict[str, Any]:
    return {
        "closing": list(selectors.closing_soon(user=request.user, days=CLOSING_DAYS)[:20]),
        "overdue": list(selectors.closing_overdue(user=request.user)[:20]),
        "closing_days": CLOSING_DAYS,
    }


weighted_pipeline = Panel(
    "sales/_panel_pipeline.html", _pipeline, permission="sales.view_opportunity", order=10
)
overdue_leads = Panel(
    "sales/_panel_overdue_leads.html", _overdue_leads, permission="sales.view_lead", order=20
)
closing_soon = Panel(
    "sales/_panel_closing.html", _closing, permission="sales.view_opportunity", order=30
)
