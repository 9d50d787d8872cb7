"""Writing customers: creation, edits and deletion, validated, scoped, versioned and recorded
in history; and the character pairs that find a customer by its contacts' names too."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kehu.core.history import (
    actor_or_none,
    record_creation,
    record_deletion,
    recording_update,
    snapshot,
)
from kehu.core.locking import save_versioned
from kehu.core.models import User
from kehu.core.records import check_assignable, delete_unreferenced, fields_assign
from kehu.core.scopes import scoped
from kehu.customers import search_index
from kehu.customers.models import Contact, Customer, CustomerKind, Tag
from kehu.customers.text import joined_grams, name_grams

CUSTOMER_FIELDS = [
    "name",
    "kind",
    "phone",
    "email",
    "province",
    "city",
    "district",
    "address",
    "industry",
    "business_mode",
    "source_channel",
    "dealer",
    "owner",
    "credit_rating",
    "credit_limit",
    "currency",
    "annual_revenue",
    "employee_count",
    "tax_id",
    "relationship_level",
    "lifecycle_stage",
    "notes",
]
SEARCH_KEYS = ["name_pinyin", "name_initials", "name_grams"]
CUSTOMER_WRITTEN = [*CUSTOMER_FIELDS, *SEARCH_KEYS, "name_key", "owner_since"]


def check_dealer(*, actor: User | None, customer: Customer) -> None:
    """An end customer's dealer is a customer of kind dealer that the actor may see."""
    dealer = customer.dealer
    if dealer is None:
        return
    if dealer.kind != CustomerKind.DEALER or dealer.pk == customer.pk:
        raise ValidationError({"dealer": _("%(name)s is not a dealer.") % {"name": dealer}})
    if actor is not None and not scoped(Customer.objects.filter(pk=dealer.pk), actor).exists():
        raise ValidationError({"dealer": _("You cannot see this dealer.")})


def tags_from_names(names: Iterable[str]) -> list[Tag]:
    cleaned = sorted({n.strip() for n in names if n and n.strip()})
    for name in cleaned:
        if len(name) > Tag._meta.get_field("name").max_length:  # type: ignore[operator]
            raise ValidationError({"tags": _("Tag “%(name)s” is too long.") % {"name": name}})
    return [Tag.objects.get_or_create(name=name)[0] for name in cleaned]


# The customer's fields as its history keeps them.
CUSTOMER_HISTORY = [*CUSTOMER_FIELDS, "tags"]


def customer_state(customer: Customer) -> dict[str, Any]:
    return snapshot(customer, CUSTOMER_HISTORY)


@transaction.atomic
def customer_create(*, actor: User | None, tags: Iterable[str] = (), **fields: Any) -> Customer:
    customer = Customer(created_by=actor_or_none(actor))
    fields.setdefault("owner", actor_or_none(actor))
    fields_assign(customer, fields, CUSTOMER_FIELDS, actor=actor)
    check_assignable(actor=actor, owner=customer.owner)
    check_dealer(actor=actor, customer=customer)
    customer.full_clean()
    customer.owner_since = timezone.now() if customer.owner_id else None
    customer.save()
    customer.tags.set(tags_from_names(tags))
    search_index.refresh([customer.pk])
    record_creation(actor=actor, target=customer, fields=CUSTOMER_HISTORY, customer_id=customer.pk)
    return customer


@transaction.atomic
def customer_update(
    *,
    actor: User | None,
    customer: Customer,
    version: int,
    tags: Iterable[str] | None = None,
    **fields: Any,
) -> Customer:
    """Apply `fields` to a customer read at `version`; a stale version raises VersionConflict."""
    with recording_update(
        actor=actor, target=customer, fields=CUSTOMER_HISTORY, customer_id=customer.pk
    ):
        previous_owner_id = customer.owner_id
        fields_assign(customer, fields, CUSTOMER_FIELDS, actor=actor)
        if customer.owner_id != previous_owner_id:
            check_assignable(actor=actor, owner=customer.owner)
            customer.owner_since = timezone.now() if customer.owner_id else None
        if "dealer" in fields:
            check_dealer(actor=actor, customer=customer)
        customer.full_clean()
        locked(customer.pk).values_list("pk").get()
        customer.name_grams = search_pairs(customer.pk, customer.name, customer.name_initials)
        save_versioned(customer, expected_version=version, fields=CUSTOMER_WRITTEN)
        search_index.refresh([customer.pk])
        if tags is not None:
            customer.tags.set(tags_from_names(tags))
    return customer


@transaction.atomic
def customer_delete(*, actor: User | None, customer: Customer) -> None:
    """Delete the customer, unless orders or quotes rest on it (StillReferenced)."""
    record_deletion(actor=actor, target=customer, fields=CUSTOMER_HISTORY, customer_id=customer.pk)
    customer_id = customer.pk
    delete_unreferenced(customer)
    search_index.refresh([customer_id])


def locked(customer_id: int) -> QuerySet[Customer]:
    """The customer's row, locked until the transaction ends. Its pairs are computed under
    this lock, by a customer's save and by a change to its contacts alike, so neither can
    overwrite the other's with pairs that miss its change."""
    return Customer.objects.select_for_update().filter(pk=customer_id)


def search_pairs(customer_id: int, name: str, initials: str) -> str:
    """A customer is found by its contacts' names as well as its own, and a two-character
    search is answered from its pairs alone (see selectors.customer_search): they hold
    those of its name and initials and all of its contacts'. Read with the customer
    `locked`."""
    contacts = Contact.objects.filter(customer_id=customer_id).values_list("name_grams", flat=True)
    return joined_grams(name_grams(name, initials), *contacts)


def search_pairs_refresh(customer_id: int) -> None:
    """Store the customer's pairs after its contacts changed."""
    name, initials = locked(customer_id).values_list("name", "name_initials").get()
    pairs = search_pairs(customer_id, name, initials)
    Customer.objects.filter(pk=customer_id).update(name_grams=pairs)
