"""Reads of the consent ledger."""

from __future__ import annotations

from django.db.models import QuerySet

from kehu.customers.models import Contact, Customer
from kehu.privacy.models import Consent


def consent_may_use(*, customer: Customer, contact: Contact | None = None, purpose: str) -> bool:
    """May Kehu use this person's data for `purpose` now: is a consent standing?"""
    return Consent.objects.filter(
        customer=customer, contact=contact, purpose=purpose, withdrawn_at__isnull=True
    ).exists()


def consent_ledger(*, customer: Customer) -> QuerySet[Consent]:
    """Every consent of the customer and its contacts, withdrawn ones included, newest first."""
    return Consent.objects.filter(customer=customer).select_related(
        "contact", "granted_by", "withdrawn_by"
    )
