"""Writing a customer's contacts and follow-ups."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from kehu.core.history import actor_or_none, record_creation, record_deletion, recording_update
from kehu.core.locking import save_versioned
from kehu.core.models import User
from kehu.core.records import fields_assign
from kehu.customers import search_index
from kehu.customers.models import Activity, Contact, Customer
from kehu.customers.selectors import activities_about
from kehu.customers.services.customers import SEARCH_KEYS, search_pairs_refresh

CONTACT_FIELDS = ["name", "title", "phone", "email", "decision_role", "is_primary", "notes"]


def _only_one_primary(contact: Contact) -> None:
    if contact.is_primary:
        Contact.objects.filter(customer_id=contact.customer_id, is_primary=True).exclude(
            pk=contact.pk
        ).update(is_primary=False)


@transaction.atomic
def contact_create(*, actor: User | None, customer: Customer, **fields: Any) -> Contact:
    contact = Contact(customer=customer)
    fields_assign(contact, fields, CONTACT_FIELDS, actor=actor)
    contact.full_clean()
    contact.save()
    _only_one_primary(contact)
    search_pairs_refresh(customer.pk)
    search_index.refresh([customer.pk])
    record_creation(actor=actor, target=contact, fields=CONTACT_FIELDS, customer_id=customer.pk)
    return contact


@transaction.atomic
def contact_update(*, actor: User | None, contact: Contact, version: int, **fields: Any) -> Contact:
    old_name = contact.name
    with recording_update(
        actor=actor, target=contact, fields=CONTACT_FIELDS, customer_id=contact.customer_id
    ):
        fields_assign(contact, fields, CONTACT_FIELDS, actor=actor)
        contact.full_clean()
        save_versioned(contact, expected_version=version, fields=[*CONTACT_FIELDS, *SEARCH_KEYS])
        _only_one_primary(contact)
        if contact.name != old_name:
            search_pairs_refresh(contact.customer_id)
        search_index.refresh([contact.customer_id])
    return contact


@transaction.atomic
def contact_delete(*, actor: User | None, contact: Contact) -> None:
    record_deletion(
        actor=actor, target=contact, fields=CONTACT_FIELDS, customer_id=contact.customer_id
    )
    contact.delete()
    search_pairs_refresh(contact.customer_id)
    search_index.refresh([contact.customer_id])


@transaction.atomic
def activity_create(
    *,
    actor: User | None,
    customer: Customer | None = None,
    regarding: models.Model | None = None,
    kind: str,
    subject: str,
    at: datetime | None = None,
    notes: str = "",
) -> Activity:
    """Record a follow-up with a customer, or about another app's record (a lead) that has
    none yet; a customer's also keeps it out of the pool for another while."""
    activity = Activity(
        customer=customer,
        regarding=regarding,
        kind=kind,
        subject=subject,
        at=at or timezone.now(),
        notes=notes,
        author=actor_or_none(actor),
    )
    activity.full_clean()
    activity.save()
    if customer is not None:
        last_follow_up_move(customer_id=customer.pk, at=activity.at)
    return activity


def last_follow_up_move(*, customer_id: int, at: datetime) -> None:
    """A follow-up at `at` keeps the customer out of the pool until then at least."""
    Customer.objects.filter(pk=customer_id).filter(
        Q(last_activity_at__isnull=True) | Q(last_activity_at__lt=at)
    ).update(last_activity_at=at)


def activities_join_customer(*, record: models.Model, customer: Customer) -> None:
    """The follow-ups about `record` become the customer's too (a converted lead's)."""
    activities_about(record=record).update(customer=customer)
