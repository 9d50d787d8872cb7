"""Creating many customers at once (an import, the demo company): the rows customer_create
and contact_create would write, with their search keys and history, a table at a time below
the ORM (core.bulk). The callers check each row first (the import reports every problem by
row and column); the rules are applied here again, so that no row can skip them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from kehu.core.bulk import RowWriter
from kehu.core.history import (
    ChangeAction,
    Written,
    actor_id,
    actor_or_none,
    change_row,
    change_rows_write,
    creation_changes,
    stored_value,
)
from kehu.core.models import User
from kehu.core.records import Assignable, FieldsRefused, refused_fields, values_check
from kehu.customers import search_index
from kehu.customers.dedup import DuplicateKeys
from kehu.customers.models import Activity, Contact, Customer, Tag
from kehu.customers.services.contacts import CONTACT_FIELDS, last_follow_up_move
from kehu.customers.services.customers import CUSTOMER_FIELDS
from kehu.customers.text import joined_grams


@dataclass
class NewCustomer:
    """A customer to create: its fields (related records as records), tags, and the fields
    of its primary contact if it has one."""

    values: dict[str, Any]
    tags: list[str] = field(default_factory=list)
    contact: dict[str, Any] = field(default_factory=dict)
    # The names' search keys (Party.search_keys), when the caller has worked them out
    # already: an import does, in the process that reads its file.
    keys: dict[str, str] | None = None
    contact_keys: dict[str, str] | None = None
    # The key its duplicates are found by, likewise (an import's check worked it out).
    name_key: str | None = None

    def search_keys(self) -> dict[str, str]:
        return self.keys or Customer.search_keys(self.values["name"])

    def duplicate_name_key(self) -> str:
        return self.name_key or DuplicateKeys.of(name=self.values["name"]).name_key

    def contact_search_keys(self) -> dict[str, str]:
        return self.contact_keys or Contact.search_keys(self.contact["name"])


def _columns(model: type[models.Model], values: dict[str, Any]) -> dict[str, Any]:
    """Field values as the table's columns: a related record as its id."""
    columns = {}
    for name, value in values.items():
        model_field: Any = model._meta.get_field(name)
        if model_field.is_relation:
            columns[model_field.attname] = None if value is None else value.pk
        else:
            columns[name] = value
    return columns


def _default_state(model: type[models.Model], names: list[str]) -> dict[str, Any]:
    """A new record's history state before its row's values: each field's default."""
    fields: list[Any] = [model._meta.get_field(name) for name in names]
    return {f.name: stored_value(f, f.get_default()) for f in fields if not f.many_to_many}


class CustomerWriter:
    """Writes batches of new customers for one actor; made once per import, as it reads
    what every batch shares (content types, defaults, the owners the actor may assign)."""

    def __init__(self, *, actor: User | None, default_owner: User | None) -> None:
        self.actor = actor
        self.creator = actor_or_none(actor)
        self.default_owner = default_owner
        self.customers = RowWriter(Customer)
        self.contacts = RowWriter(Contact)
        fields: dict[type[Customer | Contact], list[str]] = {
            Customer: CUSTOMER_FIELDS,
            Contact: CONTACT_FIELDS,
        }
        self._defaults = {model: _default_state(model, names) for model, names in fields.items()}
        self._type_ids = {model: ContentType.objects.get_for_model(model).pk for model in fields}
        self._assignable = Assignable()

    def _check(self, values: dict[str, Any]) -> None:
        refused = refused_fields(actor=self.actor, model=Customer, values=values)
        if refused:
            raise FieldsRefused(refused)
        self._assignable.check(actor=self.creator, owner=values["owner"])

    def _creation(
        self,
        model: type[Customer | Contact],
        pk: int,
        customer_id: int,
        values: dict[str, Any],
        *,
        tags: list[str] | None = None,
    ) -> dict[str, Any]:
        """The history row customer_create or contact_create writes for a new record."""
        defaults = self._defaults[model]
        state = {
            **defaults,
            **{
                name: stored_value(model._meta.get_field(name), value)
                for name, value in values.items()
                if name in defaults
            },
        }
        if tags is not None:
            state["tags"] = tags
        return change_row(
            actor=self.creator,
            target=Written(self._type_ids[model], pk, values["name"]),
            action=ChangeAction.CREATE,
            changes=creation_changes(state),
            customer_id=customer_id,
        )

    def _customer_row(
        self, values: dict[str, Any], new: NewCustomer, now: datetime, *, contact_pairs: str
    ) -> dict[str, Any]:
        keys = new.search_keys()
        return {
            **_columns(Customer, values),
            **keys,
            # As services.search_pairs keeps them: the pairs of its contact's name too.
            "name_grams": joined_grams(keys["name_grams"], contact_pairs),
            "name_key": new.duplicate_name_key(),
            "created_by_id": actor_id(self.creator),
            "owner_since": now if values["owner"] is not None else None,
        }

    @transaction.atomic
    def create(self, new: Sequence[NewCustomer]) -> list[int]:
        """Write the customers, their tags and contacts, and their history; their ids."""
        if not new:
            return []
        now = timezone.now()
        customers = [{"owner": self.default_owner, **n.values} for n in new]
        for values in customers:
            self._check(values)
        customer_ids = self.customers.reserve_ids(len(new))
        contacts = [
            (customer_id, n.contact, n.contact_search_keys())
            for customer_id, n in zip(customer_ids, new, strict=True)
            if n.contact
        ]
        contact_pairs = {customer_id: keys["name_grams"] for customer_id, _, keys in contacts}
        self.customers.write(
            customer_ids,
            (
                self._customer_row(values, n, now, contact_pairs=contact_pairs.get(customer_id, ""))
                for customer_id, values, n in zip(customer_ids, customers, new, strict=True)
            ),
        )
        tag_ids = _tag_ids({name for n in new for name in n.tags})
        through: Any = Customer.tags.through
        through.objects.bulk_create(
            through(customer_id=customer_id, tag_id=tag_ids[name])
            for customer_id, n in zip(customer_ids, new, strict=True)
            for name in n.tags
        )
        contact_ids = self.contacts.reserve_ids(len(contacts))
        self.contacts.write(
            contact_ids,
            (
                {
                    **_columns(Contact, values),
                    **keys,
                    "customer_id": customer_id,
                    "is_primary": True,
                }
                for customer_id, values, keys in contacts
            ),
        )
        change_rows_write(
            [
                *(
                    self._creation(Customer, customer_id, customer_id, values, tags=n.tags)
                    for customer_id, values, n in zip(customer_ids, customers, new, strict=True)
                ),
                *(
                    self._creation(Contact, contact_id, customer_id, {**values, "is_primary": True})
                    for contact_id, (customer_id, values, _) in zip(
                        contact_ids, contacts, strict=True
                    )
                ),
            ]
        )
        # The one place a batch of new customers enters the SQLite search index.
        search_index.refresh(customer_ids, new=True)
        return customer_ids


def activities_write(activities: Sequence[Activity]) -> list[int]:
    """Write many follow-ups at once (a lead's past ones, say): each checked as
    activity_create checks it, and each customer's last follow-up moved on."""
    for activity in activities:
        values_check(activity)
    ids = RowWriter(Activity).write_records(activities)
    latest: dict[int, datetime] = {}
    for activity in activities:
        if activity.customer_id is not None:
            seen = latest.get(activity.customer_id, activity.at)
            latest[activity.customer_id] = max(seen, activity.at)
    for customer_id, at in latest.items():
        last_follow_up_move(customer_id=customer_id, at=at)
    return ids


def _tag_ids(names: set[str]) -> dict[str, int]:
    existing = dict(Tag.objects.filter(name__in=names).values_list("name", "pk"))
    missing = names - existing.keys()
    if missing:
        Tag.objects.bulk_create([Tag(name=name) for name in missing], ignore_conflicts=True)
        existing.update(Tag.objects.filter(name__in=missing).values_list("name", "pk"))
    return existing
