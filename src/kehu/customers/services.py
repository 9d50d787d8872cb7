"""Every write to customers and contacts: validated, scoped, versioned and recorded in history."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kehu.core.history import (
    ChangeAction,
    change_record,
    creation_changes,
    deletion_changes,
    diff,
    snapshot,
)
from kehu.core.locking import save_versioned
from kehu.core.scopes import visible_users
from kehu.customers.models import Contact, Customer, Tag

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
CONTACT_FIELDS = ["name", "title", "phone", "email", "decision_role", "is_primary", "notes"]
_SEARCH_KEYS = ["name_pinyin", "name_initials"]


def _assign(instance: Any, fields: dict[str, Any], allowed: list[str]) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ValidationError({name: _("This field cannot be set.") for name in sorted(unknown)})
    for name, value in fields.items():
        setattr(instance, name, value)


def _check_owner(*, actor: Any, owner: Any) -> None:
    """One may only hand a customer to someone whose customers one can see oneself."""
    if owner is not None and not visible_users(actor).filter(pk=owner.pk).exists():
        raise ValidationError(
            {"owner": _("You cannot assign customers to %(user)s.") % {"user": owner}}
        )


def _tags_from_names(names: Iterable[str]) -> list[Tag]:
    cleaned = sorted({n.strip() for n in names if n and n.strip()})
    for name in cleaned:
        if len(name) > Tag._meta.get_field("name").max_length:  # type: ignore[operator]
            raise ValidationError({"tags": _("Tag “%(name)s” is too long.") % {"name": name}})
    return [Tag.objects.get_or_create(name=name)[0] for name in cleaned]


@transaction.atomic
def customer_create(*, actor: Any, tags: Iterable[str] = (), **fields: Any) -> Customer:
    customer = Customer(created_by=actor if getattr(actor, "pk", None) else None)
    fields.setdefault("owner", actor if getattr(actor, "pk", None) else None)
    _assign(customer, fields, CUSTOMER_FIELDS)
    _check_owner(actor=actor, owner=customer.owner)
    customer.full_clean()
    customer.save()
    customer.tags.set(_tags_from_names(tags))
    change_record(
        actor=actor,
        target=customer,
        action=ChangeAction.CREATE,
        changes=creation_changes(_customer_state(customer)),
        customer_id=customer.pk,
    )
    return customer


def _customer_state(customer: Customer) -> dict[str, Any]:
    return snapshot(customer, [*CUSTOMER_FIELDS, "tags"])


@transaction.atomic
def customer_update(
    *,
    actor: Any,
    customer: Customer,
    version: int,
    tags: Iterable[str] | None = None,
    **fields: Any,
) -> Customer:
    """Apply `fields` to a customer read at `version`; a stale version raises VersionConflict."""
    before = _customer_state(customer)
    previous_owner_id = customer.owner_id
    _assign(customer, fields, CUSTOMER_FIELDS)
    if customer.owner_id != previous_owner_id:
        _check_owner(actor=actor, owner=customer.owner)
    customer.full_clean()
    save_versioned(customer, expected_version=version, fields=[*CUSTOMER_FIELDS, *_SEARCH_KEYS])
    if tags is not None:
        customer.tags.set(_tags_from_names(tags))
    changes = diff(before, _customer_state(customer))
    if changes:
        change_record(
            actor=actor,
            target=customer,
            action=ChangeAction.UPDATE,
            changes=changes,
            customer_id=customer.pk,
        )
    return customer


@transaction.atomic
def customer_delete(*, actor: Any, customer: Customer) -> None:
    change_record(
        actor=actor,
        target=customer,
        action=ChangeAction.DELETE,
        changes=deletion_changes(_customer_state(customer)),
        customer_id=customer.pk,
    )
    customer.delete()


def _contact_state(contact: Contact) -> dict[str, Any]:
    return snapshot(contact, CONTACT_FIELDS)


def _only_one_primary(contact: Contact) -> None:
    if contact.is_primary:
        Contact.objects.filter(customer_id=contact.customer_id, is_primary=True).exclude(
            pk=contact.pk
        ).update(is_primary=False)


@transaction.atomic
def contact_create(*, actor: Any, customer: Customer, **fields: Any) -> Contact:
    contact = Contact(customer=customer)
    _assign(contact, fields, CONTACT_FIELDS)
    contact.full_clean()
    contact.save()
    _only_one_primary(contact)
    change_record(
        actor=actor,
        target=contact,
        action=ChangeAction.CREATE,
        changes=creation_changes(_contact_state(contact)),
        customer_id=customer.pk,
    )
    return contact


@transaction.atomic
def contact_update(*, actor: Any, contact: Contact, version: int, **fields: Any) -> Contact:
    before = _contact_state(contact)
    _assign(contact, fields, CONTACT_FIELDS)
    contact.full_clean()
    save_versioned(contact, expected_version=version, fields=[*CONTACT_FIELDS, *_SEARCH_KEYS])
    _only_one_primary(contact)
    changes = diff(before, _contact_state(contact))
    if changes:
        change_record(
            actor=actor,
            target=contact,
            action=ChangeAction.UPDATE,
            changes=changes,
            customer_id=contact.customer_id,
        )
    return contact


@transaction.atomic
def contact_delete(*, actor: Any, contact: Contact) -> None:
    change_record(
        actor=actor,
        target=contact,
        action=ChangeAction.DELETE,
        changes=deletion_changes(_contact_state(contact)),
        customer_id=contact.customer_id,
    )
    contact.delete()
