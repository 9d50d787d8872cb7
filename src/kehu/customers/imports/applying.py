"""Deciding each checked row against the customers there (create, update, skip) and
writing the batch."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kehu.core.bulk import RowWriter
from kehu.core.exceptions import VersionConflict
from kehu.core.history import ChangeAction, creation_changes, stored_value
from kehu.core.models import Change, User
from kehu.core.records import FieldsRefused
from kehu.customers import services
from kehu.customers.dedup import DuplicateKeys, find_duplicates
from kehu.customers.imports.checking import CheckedRow, RowChecker
from kehu.customers.imports.columns import CONTACT, TARGET_KEYS
from kehu.customers.models import (
    Contact,
    Customer,
    ImportJob,
    ImportProblem,
    OnDuplicate,
    Tag,
)
from kehu.customers.selectors import customer_queryset
from kehu.customers.text import joined_grams


class Superseded(Exception):
    """Another run of the same job moved it on; this one stops without touching it."""


class _SeenKeys:
    """Duplicate keys of the rows a dry run has let through, 8 bytes each, so that checking a
    million rows stays small: recent ones in a set, older ones folded into a sorted array."""

    _FOLD_AT = 65_536

    def __init__(self) -> None:
        self._old = np.empty(0, dtype=np.int64)
        self._recent: set[int] = set()

    def __contains__(self, key: str) -> bool:
        digest = hash(key)
        if digest in self._recent:
            return True
        at = int(np.searchsorted(self._old, digest))
        return at < len(self._old) and int(self._old[at]) == digest

    def add(self, key: str) -> None:
        self._recent.add(hash(key))
        if len(self._recent) >= self._FOLD_AT:
            recent = np.fromiter(self._recent, dtype=np.int64, count=len(self._recent))
            self._old = np.union1d(self._old, recent)
            self._recent.clear()


def _key_strings(keys: DuplicateKeys) -> list[str]:
    return [
        f"{kind}:{value}"
        for kind, value in (("n", keys.name_key), ("p", keys.phone), ("e", keys.email))
        if value
    ]


@dataclass
class _Decision:
    row: CheckedRow
    action: str  # "create", "update", "skip" or "fail"
    target: Customer | None = None


def _columns(model: type[models.Model], values: dict[str, Any]) -> dict[str, Any]:
    """Field values as the table's columns: a related record as its id."""
    columns = {}
    for name, value in values.items():
        field: Any = model._meta.get_field(name)
        if field.is_relation:
            columns[field.attname] = None if value is None else value.pk
        else:
            columns[name] = value
    return columns


def _default_state(model: type[models.Model], names: list[str]) -> dict[str, Any]:
    """A new record's history state before its row's values: each field's default."""
    fields: list[Any] = [model._meta.get_field(name) for name in names]
    return {f.name: stored_value(f, f.get_default()) for f in fields if not f.many_to_many}


class _Tables:
    """Where a batch of new customers is written, and the history rows that record them."""

    def __init__(self) -> None:
        self.customers = RowWriter(Customer)
        self.contacts = RowWriter(Contact)
        self.changes = RowWriter(Change)
        models_fields: dict[type[Customer | Contact], list[str]] = {
            Customer: services.CUSTOMER_FIELDS,
            Contact: services.CONTACT_FIELDS,
        }
        self._defaults = {
            model: _default_state(model, fields) for model, fields in models_fields.items()
        }
        self._types = {
            model: ContentType.objects.get_for_model(model).pk for model in models_fields
        }

    def creation(
        self,
        model: type[Customer | Contact],
        pk: int,
        customer_id: int,
        values: dict[str, Any],
        actor: User | None,
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
        return {
            "target_type_id": self._types[model],
            "target_id": pk,
            "target_repr": values["name"][:255],
            "customer_id": customer_id,
            "actor_id": actor.pk if actor is not None else None,
            "action": ChangeAction.CREATE,
            "changes": creation_changes(state),
        }


class Run:
    """One pass over a job's rows: checking them, and unless it is a dry run, applying them."""

    def __init__(self, job: ImportJob, checker: RowChecker, actor: User) -> None:
        self.job = job
        self.checker = checker
        self.actor = actor
        self.creator = actor if actor.pk else None
        self.default_owner = job.owner or self.creator
        # A dry run writes nothing, so it remembers which rows it would have created; a real
        # import finds them in the database instead.
        self.seen: _SeenKeys | None = _SeenKeys() if job.dry_run else None
        self.visible = customer_queryset(user=actor)
        self.tables = _Tables()

    def batch(self, rows: list[CheckedRow], *, start: int, end: int) -> None:
        """Decide and apply rows start+1 … end of the file. A real import commits up to the
        first row that repeats one earlier in the batch, then looks again from there, so the
        earlier row is in the database when its duplicate is decided."""
        while True:
            with transaction.atomic():
                self._claim(start)
                decisions, stop = self._decide(rows)
                cut = end if stop is None else rows[stop].position - 1
                self._apply(decisions, rows_done=cut)
            if stop is None:
                return
            rows, start = rows[stop:], cut

    def _claim(self, start: int) -> None:
        current = (
            ImportJob.objects.select_for_update()
            .filter(pk=self.job.pk)
            .values_list("rows_done", "dry_run")
            .first()
        )
        if current != (start, self.job.dry_run):
            raise Superseded

    def _decide(self, rows: list[CheckedRow]) -> tuple[list[_Decision], int | None]:
        policy = self.job.on_duplicate
        keys = [
            DuplicateKeys.of(
                name=r.values.get("name", ""),
                phone=r.values.get("phone", ""),
                email=r.values.get("email", ""),
            )
            for r in rows
        ]
        valid = [i for i, r in enumerate(rows) if not r.problems]
        matches: dict[int, list[Customer]] = {}
        if policy != OnDuplicate.CREATE and valid:
            found = find_duplicates([keys[i] for i in valid])
            matches = dict(zip(valid, found, strict=True))
        visible_ids = self._visible_ids(matches)
        pending: set[str] | _SeenKeys = self.seen if self.seen is not None else set()
        decisions: list[_Decision] = []
        for i, row in enumerate(rows):
            earlier = any(k in pending for k in _key_strings(keys[i]))
            existing = matches.get(i, [])
            if row.problems:
                decisions.append(_Decision(row, "fail"))
            elif policy == OnDuplicate.SKIP and (existing or earlier):
                decisions.append(_Decision(row, "skip"))
            elif policy == OnDuplicate.UPDATE and earlier and self.seen is None:
                return decisions, i
            elif policy == OnDuplicate.UPDATE and (existing or earlier):
                decisions.append(self._update_decision(row, existing, visible_ids))
            else:
                self.checker.base_problems(row, None)
                decisions.append(_Decision(row, "fail" if row.problems else "create"))
            if decisions[-1].action == "create" and policy != OnDuplicate.CREATE:
                for key in _key_strings(keys[i]):
                    pending.add(key)
        return decisions, None

    def _visible_ids(self, matches: dict[int, list[Customer]]) -> set[int]:
        if self.job.on_duplicate != OnDuplicate.UPDATE:
            return set()
        ids = {c.pk for found in matches.values() for c in found}
        return set(self.visible.filter(pk__in=ids).values_list("pk", flat=True)) if ids else set()

    def _update_decision(
        self, row: CheckedRow, existing: list[Customer], visible_ids: set[int]
    ) -> _Decision:
        if len(existing) > 1:
            names = "、".join(c.name for c in existing[:5])
            message = _(
                "The row matches %(count)d existing customers (%(names)s); update them one by one."
            ) % {"count": len(existing), "names": names}
            self.checker.problem(row, "name", row.values["name"], message)
        elif existing and existing[0].pk not in visible_ids:
            message = _(
                "A customer with the same name, phone or e-mail exists outside your data "
                "scope; it was not updated."
            )
            self.checker.problem(row, "name", row.values["name"], message)
        target = existing[0] if existing else None
        if not row.problems:
            self.checker.base_problems(row, target)
        return _Decision(row, "fail" if row.problems else "update", target)

    def _apply(self, decisions: list[_Decision], *, rows_done: int) -> None:
        if not self.job.dry_run:
            self._create([d for d in decisions if d.action == "create"])
            for decision in decisions:
                if decision.action == "update" and not self._update(decision):
                    decision.action = "fail"
        counts = Counter(d.action for d in decisions)
        problems = [p for d in decisions for p in d.row.problems.values()]
        for problem in problems:
            problem.job = self.job
        ImportProblem.objects.bulk_create(problems)
        job = self.job
        job.rows_done = rows_done
        job.created_count += counts["create"]
        job.updated_count += counts["update"]
        job.skipped_count += counts["skip"]
        job.failed_count += counts["fail"]
        job.moved_at = timezone.now()
        job.save(
            update_fields=[
                "moved_at",
                "rows_done",
                "created_count",
                "updated_count",
                "skipped_count",
                "failed_count",
            ]
        )

    def _create(self, decisions: list[_Decision]) -> None:
        """Write the new customers, their tags and contacts, and what customer_create and
        contact_create would have recorded in the history, a table at a time."""
        if not decisions:
            return
        now = timezone.now()
        customer_ids = self.tables.customers.reserve_ids(len(decisions))
        customers = [{"owner": self.default_owner, **d.row.values} for d in decisions]
        contacts = [
            (customer_id, d.row.contact, Customer.search_keys(d.row.contact["name"]))
            for customer_id, d in zip(customer_ids, decisions, strict=True)
            if d.row.contact
        ]
        contact_pairs = {customer_id: keys["name_grams"] for customer_id, _, keys in contacts}
        self.tables.customers.write(
            customer_ids,
            (
                self._customer_row(values, now, contact_pairs=contact_pairs.get(customer_id, ""))
                for customer_id, values in zip(customer_ids, customers, strict=True)
            ),
        )
        tag_ids = _tag_ids({name for d in decisions for name in d.row.tags})
        through: Any = Customer.tags.through
        through.objects.bulk_create(
            through(customer_id=customer_id, tag_id=tag_ids[name])
            for customer_id, d in zip(customer_ids, decisions, strict=True)
            for name in d.row.tags
        )
        contact_ids = self.tables.contacts.reserve_ids(len(contacts))
        self.tables.contacts.write(
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
        changes = [
            *(
                self.tables.creation(
                    Customer, customer_id, customer_id, values, self.creator, tags=d.row.tags
                )
                for customer_id, values, d in zip(customer_ids, customers, decisions, strict=True)
            ),
            *(
                self.tables.creation(
                    Contact, contact_id, customer_id, {**values, "is_primary": True}, self.creator
                )
                for contact_id, (customer_id, values, _) in zip(contact_ids, contacts, strict=True)
            ),
        ]
        self.tables.changes.write(self.tables.changes.reserve_ids(len(changes)), changes)

    def _customer_row(
        self, values: dict[str, Any], now: datetime, *, contact_pairs: str
    ) -> dict[str, Any]:
        keys = Customer.search_keys(values["name"])
        return {
            **_columns(Customer, values),
            **keys,
            # As services._search_pairs keeps them: the pairs of its contact's name too.
            "name_grams": joined_grams(keys["name_grams"], contact_pairs),
            "name_key": DuplicateKeys.of(name=values["name"]).name_key,
            "created_by_id": self.creator.pk if self.creator is not None else None,
            "owner_since": now if values["owner"] is not None else None,
        }

    def _update(self, decision: _Decision) -> bool:
        """Apply the row's filled-in cells to its customer through the services, all or
        nothing; on failure the row gets its problems."""
        customer, row = decision.target, decision.row
        assert customer is not None, "a real import decides updates against the database"
        # The file's tags join those the customer has; its other filled-in cells replace.
        tags = (
            sorted({*customer.tags.values_list("name", flat=True), *row.tags}) if row.tags else None
        )
        prefix, given = "", row.values
        try:
            with transaction.atomic():
                services.customer_update(
                    actor=self.actor,
                    customer=customer,
                    version=customer.version,
                    tags=tags,
                    **row.values,
                )
                prefix, given = CONTACT, row.contact
                name = row.contact.get("name")
                if name and not customer.contacts.filter(name=name).exists():
                    services.contact_create(actor=self.actor, customer=customer, **row.contact)
        except FieldsRefused as refused:
            for name, message in refused.fields.items():
                self.checker.problem(row, name, row.values.get(name), message)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                key = prefix + name if prefix + name in TARGET_KEYS else "name"
                self.checker.problem(row, key, given.get(name), " ".join(messages))
        except VersionConflict as conflict:
            self.checker.problem(row, "name", row.values["name"], str(conflict))
        else:
            return True
        # The service assigned the row's values before refusing them; a later row that
        # matches the same customer must start from what is stored.
        customer.refresh_from_db()
        return False


def _tag_ids(names: set[str]) -> dict[str, int]:
    existing = dict(Tag.objects.filter(name__in=names).values_list("name", "pk"))
    missing = names - existing.keys()
    if missing:
        Tag.objects.bulk_create([Tag(name=name) for name in missing], ignore_conflicts=True)
        existing.update(Tag.objects.filter(name__in=missing).values_list("name", "pk"))
    return existing
