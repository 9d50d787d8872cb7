"""The cards the privacy app adds to the customer page: the consent ledger, and the
administrators' data-subject actions (export, erasure request)."""

from __future__ import annotations

from typing import Any

from kehu.core.pages import UserRequest
from kehu.core.registry import Panel
from kehu.customers.models import Customer
from kehu.privacy.models import EXPORT
from kehu.privacy.views.consents import consents_context


def _consents(request: UserRequest, *, customer: Customer) -> dict[str, Any]:
    return consents_context(customer)


def _subject(request: UserRequest, *, customer: Customer) -> dict[str, Any]:
    return {"customer": customer}


customer_consents = Panel(
    "privacy/_consents_panel.html", _consents, permission="privacy.view_consent", order=30
)
customer_subject = Panel("privacy/_subject_panel.html", _subject, permission=EXPORT, order=40)
