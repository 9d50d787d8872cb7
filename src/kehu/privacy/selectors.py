"""Reads of the privacy app: the consent ledger, erasure requests and the access audit."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from kehu.core.models import User
from kehu.customers.models import Contact, Customer
from kehu.privacy.models import AccessEvent, Consent, ErasureRequest


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


def consent_queryset(*, user: User) -> QuerySet[Consent]:
    """The consents of the customers `user` may see."""
    return Consent.objects.visible_to(user).select_related("granted_by", "withdrawn_by")


def erasure_requests() -> QuerySet[ErasureRequest]:
    """Every erasure request, newest first; only administrators read them."""
    return ErasureRequest.objects.select_related("customer", "requested_by", "executed_by")


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def access_events(
    *,
    user: User | None = None,
    customer_id: int | None = None,
    kind: str = "",
    since: date | None = None,
    until: date | None = None,
) -> QuerySet[AccessEvent]:
    """The access audit, newest first, narrowed to whoever read, whose data, what kind of
    read, and the days from `since` to `until`, both included."""
    events = AccessEvent.objects.select_related("user")
    if user is not None:
        events = events.filter(user=user)
    if customer_id is not None:
        events = events.filter(customer_id=customer_id)
    if kind:
        events = events.filter(kind=kind)
    if since is not None:
        events = events.filter(at__gte=_day_start(since))
    if until is not None:
        events = events.filter(at__lt=_day_start(until + timedelta(days=1)))
    return events


def customer_names(ids: Iterable[int | None]) -> dict[int, str]:
    """The names of the customers of these ids that still exist."""
    wanted = {pk for pk in ids if pk is not None}
    return dict(Customer.objects.filter(pk__in=wanted).values_list("pk", "name"))
