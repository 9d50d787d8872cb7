"""The cards the service app adds to other apps' pages."""

from __future__ import annotations

from typing import Any

from kehu.core.pages import UserRequest
from kehu.core.registry import Panel
from kehu.customers.models import Customer
from kehu.service.selectors import customer_tickets


def _customer_tickets(request: UserRequest, *, customer: Customer) -> dict[str, Any]:
    return {"customer": customer, "tickets": customer_tickets(user=request.user, customer=customer)}


customer_service = Panel(
    "service/_customer_tickets.html", _customer_tickets, permission="service.view_ticket", order=30
)
