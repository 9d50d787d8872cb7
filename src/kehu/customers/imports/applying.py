"""Deciding each checked row against the customers there (create, update, skip) and
writing the batch."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kehu.core.exceptions import VersionConflict
from kehu.core.models import User
from kehu.core.records import FieldsRefused
from kehu.customers import services
from kehu.customers.dedup import DuplicateKeys, duplicate_ids, find_duplicates
from kehu.customers.imports.checking import CheckedRow, RowChecker
from kehu.customers.imports.columns import CONTACT, TARGET_KEYS
from kehu.customers.models import (
    Customer,
    ImportJob,
    ImportProblem,
    OnDuplicate,
)
from kehu.customers.selectors import customer_queryset


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
        self.writer = services.CustomerWriter(actor=actor, default_owner=self.default_owner)

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
        keys = [r.duplicate_keys for r in rows]
        valid = [i for i, r in enumerate(rows) if not r.problems]
        matches: dict[int, list[Any]] = {}
        if policy != OnDuplicate.CREATE and valid:
            # Skipping a row needs only to know that a duplicate is there; updating, which.
            lookup = find_duplicates if policy == OnDuplicate.UPDATE else duplicate_ids
            matches = dict(zip(valid, lookup([keys[i] for i in valid]), strict=True))
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

    def _visible_ids(self, matches: dict[int, list[Any]]) -> set[int]:
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

    def prepare(self, row: CheckedRow) -> None:
        """Work out the rows a checked row is written as if it turns out new (the batch's
        decisions say which are): a run's reading process does, for the rows with no
        problems, while this one writes the batch before."""
        if not row.problems and not self.job.dry_run:
            new = services.NewCustomer(row.values, row.tags, row.contact)
            row.prepared = self.writer.prepare(new, name_key=row.duplicate_keys.name_key)

    def _create(self, decisions: list[_Decision]) -> None:
        prepared = [d.row.prepared for d in decisions]
        assert all(p is not None for p in prepared), "a run prepares the rows it may create"
        self.writer.create([p for p in prepared if p is not None])

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
