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


@dataclass
class PreparedCustomer:
    """A new customer's rows as they will be written, but for their ids and the time of
    writing (CustomerWriter.prepare)."""

    values: dict[str, Any]  # its fields, with the owner it gets
    tags: list[str]
    customer: dict[str, Any]  # the customer's columns
    history: dict[str, list[Any]]  # what its creation records
    # Its primary contact's columns and what the contact's creation records.
    contact: tuple[dict[str, Any], dict[str, list[Any]]] | None = None


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

    def _history(
        self, model: type[Customer | Contact], values: dict[str, Any], tags: list[str] | None
    ) -> dict[str, list[Any]]:
        """What customer_create or contact_create records of a new record."""
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
        return creation_changes(state)

    def prepare(self, new: NewCustomer, *, name_key: str | None = None) -> PreparedCustomer:
        """The rows `new` will be written as. Nothing here reads the database, so an import
        prepares its rows in the process that reads its file, while this one writes; its
        check has worked out the duplicate `name_key` already."""
        values = {"owner": self.default_owner, **new.values}
        keys = Customer.search_keys(values["name"])
        prepared = PreparedCustomer(
            values=values,
            tags=new.tags,
            customer={
                **_columns(Customer, values),
                **keys,
                "name_key": name_key or DuplicateKeys.of(name=values["name"]).name_key,
                "created_by_id": actor_id(self.creator),
            },
            history=self._history(Customer, values, new.tags),
        )
        if new.contact:
            contact = {**new.contact, "is_primary": True}
            contact_keys = Contact.search_keys(contact["name"])
            prepared.contact = (
                {**_columns(Contact, contact), **contact_keys},
                self._history(Contact, contact, None),
            )
            # As services.search_pairs keeps them: the pairs of its contact's name too.
            prepared.customer["name_grams"] = joined_grams(
                keys["name_grams"], contact_keys["name_grams"]
            )
        return prepared

    def _change(
        self,
        model: type[Customer | Contact],
        pk: int,
        customer_id: int,
        name: str,
        history: dict[str, list[Any]],
    ) -> dict[str, Any]:
        return change_row(
            actor=self.creator,
            target=Written(self._type_ids[model], pk, name),
            action=ChangeAction.CREATE,
            changes=history,
            customer_id=customer_id,
        )

    @transaction.atomic
    def create(self, customers: Sequence[PreparedCustomer]) -> list[int]:
        """Write the customers, their tags and contacts, and their history; their ids."""
        if not customers:
            return []
        now = timezone.now()
        for prepared in customers:
            self._check(prepared.values)
        customer_ids = self.customers.reserve_ids(len(customers))
        self.customers.write(
            customer_ids,
            (
                {**c.customer, "owner_since": now if c.values["owner"] is not None else None}
                for c in customers
            ),
        )
        tag_ids = _tag_ids({name for c in customers for name in c.tags})
        through: Any = Customer.tags.through
        through.objects.bulk_create(
            through(customer_id=customer_id, tag_id=tag_ids[name])
            for customer_id, c in zip(customer_ids, customers, strict=True)
            for name in c.tags
        )
        contacts = [
            (customer_id, *c.contact)
            for customer_id, c in zip(customer_ids, customers, strict=True)
            if c.contact is not None
        ]
        contact_ids = self.contacts.reserve_ids(len(contacts))
        self.contacts.write(
            contact_ids,
            ({**columns, "customer_id": customer_id} for customer_id, columns, _ in contacts),
        )
        change_rows_write(
            [
                *(
                    self._change(Customer, customer_id, customer_id, c.values["name"], c.history)
                    for customer_id, c in zip(customer_ids, customers, strict=True)
                ),
                *(
                    self._change(Contact, contact_id, customer_id, columns["name"], history)
                    for contact_id, (customer_id, columns, history) in zip(
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
