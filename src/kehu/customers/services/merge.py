"""Merging duplicates: one customer keeps everyone's contacts, follow-ups, tags, history and
the records other apps keep about either."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kehu.core.history import ChangeAction, change_record, diff
from kehu.core.locking import save_versioned
from kehu.core.models import Change, User
from kehu.core.records import refused_fields
from kehu.core.registry import customer_references
from kehu.customers import search_index
from kehu.customers.models import Contact, Customer
from kehu.customers.services.customers import (
    CUSTOMER_FIELDS,
    CUSTOMER_WRITTEN,
    customer_state,
    search_pairs_refresh,
)

_MERGE_FILLS = [f for f in CUSTOMER_FIELDS if f not in {"name", "kind", "owner", "currency"}]


def _move_references(other: Customer, survivor: Customer) -> None:
    """Point whatever refers to `other` at `survivor`: every foreign key to customers that an
    app declared (its `customer_references`), this app's own among them."""
    if survivor.dealer_id == other.pk:
        # An end customer merged with its own dealer cannot become its own dealer.
        Customer.objects.filter(pk=survivor.pk).update(dealer=None)
    for field in customer_references():
        model: Any = field.model
        if field.one_to_one and model._base_manager.filter(**{field.name: survivor}).exists():
            continue  # the survivor keeps its own; the other's goes with the other
        model._base_manager.filter(**{field.name: other}).update(**{field.name: survivor})


@transaction.atomic
def customer_merge(*, actor: User | None, survivor: Customer, other: Customer) -> Customer:
    """Fold `other` into `survivor`: contacts, follow-ups, tags, history and every record of
    other apps that refers to it move over, blank fields of the survivor take the other's
    values, and the other customer is removed."""
    if survivor.pk == other.pk:
        raise ValidationError({"other_id": _("A customer cannot be merged with itself.")})
    before = customer_state(survivor)
    fills = {
        name: getattr(other, name)
        for name in _MERGE_FILLS
        if getattr(survivor, name) in ("", None) and getattr(other, name) not in ("", None)
    }
    # Credit terms the actor may not set stay the survivor's own.
    for name in refused_fields(actor=actor, model=Customer, values=fills, current=survivor):
        del fills[name]
    for name, value in fills.items():
        setattr(survivor, name, value)
    survivor.last_activity_at = max(
        (t for t in (survivor.last_activity_at, other.last_activity_at) if t), default=None
    )
    survivor.full_clean()
    save_versioned(
        survivor,
        expected_version=survivor.version,
        fields=[*CUSTOMER_WRITTEN, "last_activity_at"],
    )
    Contact.objects.filter(customer=other).update(customer=survivor, is_primary=False)
    search_pairs_refresh(survivor.pk)
    survivor.tags.add(*other.tags.all())
    Change.objects.filter(customer_id=other.pk).update(customer_id=survivor.pk)
    _move_references(other, survivor)
    changes = diff(before, customer_state(survivor))
    changes["merged_from"] = [None, f"{other.name} (#{other.pk})"]
    change_record(
        actor=actor,
        target=survivor,
        action=ChangeAction.MERGE,
        changes=changes,
        customer_id=survivor.pk,
    )
    other_id = other.pk
    other.delete()
    search_index.refresh([survivor.pk, other_id])
    return survivor
