"""The change history of customer-facing records: who changed what, when, old → new.

Every history row is written here, one at a time or in bulk, and each write announces the
rows it wrote with `changes_recorded`, so an app that learns from edits (analytics keeps
the stages a person set by hand) sees the bulk paths' rows as well as the single ones'.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import QuerySet
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext_lazy

from kehu.core.contact_details import email_mask, phone_display, phone_mask
from kehu.core.models import Change, ChangeAction, User
from kehu.core.roles import VIEW_CONTACT_DETAILS

# Sent with `changes`, the Change rows just written (in the writer's transaction).
changes_recorded = Signal()


def stored_value(field: Any, value: Any) -> Any:
    """How a field's value is kept in the history: raw codes for choices, names for related
    records, text for the rest but numbers, booleans and nothing."""
    if field.is_relation:
        return None if value is None else getattr(value, "display_name", None) or str(value)
    return value if value is None or isinstance(value, bool | int) else str(value)


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The JSON-storable value of each field of a record."""
    values: dict[str, Any] = {}
    for name in fields:
        field = instance._meta.get_field(name)
        if field.many_to_many:
            values[name] = (
                sorted(str(o) for o in getattr(instance, name).all()) if instance.pk else []
            )
        else:
            values[name] = stored_value(field, getattr(instance, name))
    return values


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}


def _filled(value: Any) -> bool:
    return value not in ("", None, [], False)


def creation_changes(state: dict[str, Any]) -> dict[str, list[Any]]:
    """A new record's filled-in fields, each as [None, value]."""
    return {k: [None, v] for k, v in state.items() if _filled(v)}


def deletion_changes(state: dict[str, Any]) -> dict[str, list[Any]]:
    """A removed record's filled-in fields, each as [value, None]."""
    return {k: [v, None] for k, v in state.items() if _filled(v)}


def _change(
    *,
    actor: User | None,
    target: models.Model,
    action: str,
    changes: dict[str, list[Any]],
    customer_id: int | None,
) -> Change:
    return Change(
        target_type=ContentType.objects.get_for_model(target),
        target_id=target.pk,
        target_repr=str(target)[:255],
        customer_id=customer_id,
        actor=actor_or_none(actor),
        action=action,
        changes=changes,
    )


def change_record(
    *,
    actor: User | None,
    target: models.Model,
    action: str,
    changes: dict[str, list[Any]],
    customer_id: int | None,
) -> Change:
    change = _change(
        actor=actor, target=target, action=action, changes=changes, customer_id=customer_id
    )
    change.save()
    changes_recorded.send(sender=Change, changes=[change])
    return change


def record_creation(
    *, actor: User | None, target: models.Model, fields: list[str], customer_id: int
) -> None:
    """History for a new record: its filled-in fields."""
    change_record(
        actor=actor,
        target=target,
        action=ChangeAction.CREATE,
        changes=creation_changes(snapshot(target, fields)),
        customer_id=customer_id,
    )


def record_deletion(
    *, actor: User | None, target: models.Model, fields: list[str], customer_id: int | None
) -> None:
    """History for a record about to be removed: its filled-in fields."""
    change_record(
        actor=actor,
        target=target,
        action=ChangeAction.DELETE,
        changes=deletion_changes(snapshot(target, fields)),
        customer_id=customer_id,
    )


@contextmanager
def recording_update(
    *, actor: User | None, target: models.Model, fields: list[str], customer_id: int | None
) -> Iterator[None]:
    """History for the edit the block makes to `target`: the `fields` it changed."""
    before = snapshot(target, fields)
    yield
    record_update(
        actor=actor,
        target=target,
        before=before,
        after=snapshot(target, fields),
        customer_id=customer_id,
    )


def record_update(
    *,
    actor: User | None,
    target: models.Model,
    before: dict[str, Any],
    after: dict[str, Any],
    customer_id: int | None,
    action: str = ChangeAction.UPDATE,
    notes: dict[str, list[Any]] | None = None,
) -> None:
    """History for an edit: the fields that changed (and why), or nothing when none did."""
    changes = diff(before, after)
    if changes:
        change_record(
            actor=actor,
            target=target,
            action=action,
            changes={**changes, **(notes or {})},
            customer_id=customer_id,
        )


def actor_or_none(actor: User | None) -> User | None:
    """The user to record as having acted: nobody for the command line's unsaved actor."""
    return actor if actor is not None and actor.pk else None


def actor_id(actor: User | None) -> int | None:
    """The id of the user to record as having acted (actor_or_none), for rows written below
    the ORM."""
    author = actor_or_none(actor)
    return author.pk if author is not None else None


def change_records_bulk(
    *,
    actor: User | None,
    action: str,
    entries: Iterable[tuple[models.Model, dict[str, list[Any]], int]],
) -> None:
    """Record many changes in one insert: (target, changes, customer id) each."""
    written = Change.objects.bulk_create(
        [
            _change(actor=actor, target=t, action=action, changes=c, customer_id=customer_id)
            for t, c, customer_id in entries
        ],
        batch_size=1000,
    )
    changes_recorded.send(sender=Change, changes=written)


@dataclass(frozen=True)
class Written:
    """A record written below the ORM, as its history names it: making a model instance for
    each of an import's rows only to name it cost a tenth of the import, and looking its
    content type up for each a twentieth."""

    type_id: int  # its model's content type
    pk: int
    name: str

    def __str__(self) -> str:
        return self.name


def change_row(
    *,
    actor: User | None,
    target: models.Model | Written,
    action: str,
    changes: dict[str, list[Any]],
    customer_id: int | None,
    at: datetime | None = None,
) -> dict[str, Any]:
    """One change as Change's columns, for change_rows_write: `at` a past moment's, or now."""
    return {
        "target_type_id": (
            target.type_id
            if isinstance(target, Written)
            else ContentType.objects.get_for_model(target).pk
        ),
        "target_id": target.pk,
        "target_repr": str(target)[:255],
        "customer_id": customer_id,
        "actor_id": actor_id(actor),
        "action": action,
        "changes": changes,
        "at": at or timezone.now(),
    }


def change_rows_write(rows: Sequence[Mapping[str, Any]]) -> None:
    """Record changes given as Change's columns (change_row), below the ORM (core.bulk):
    for imports of many thousand rows."""
    from kehu.core.bulk import RowWriter

    writer = RowWriter(Change)
    writer.write(writer.reserve_ids(len(rows)), rows)
    changes_recorded.send(sender=Change, changes=[Change(**row) for row in rows])


# Names of what a change records beyond the target's own fields (why something happened);
# a model adds its own in `history_labels` (an order notes its deliveries' dates and its
# credit approvals).
_NOTE_LABELS = {
    "reason": gettext_lazy("reason"),
    "merged_from": gettext_lazy("merged from"),
}


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    old: str
    new: str


def coded(code: str, **values: Any) -> dict[str, Any]:
    """A note Kehu itself writes (a sweep's reason), kept as a code and its values so that
    each reader reads it in their own language: the target's model names the wording in
    `history_messages`."""
    return {"code": code, **values}


def _display(
    field: models.Field[Any, Any] | None,
    value: Any,
    reveal: bool,
    messages: Mapping[str, Any] | None = None,
) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, dict) and messages and value.get("code") in messages:
        return str(messages[value["code"]]) % value
    if field is not None and field.name == "phone":
        return phone_display(value) if reveal else phone_mask(value)
    if field is not None and field.name == "email":
        return str(value) if reveal else email_mask(value)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if field is not None and getattr(field, "choices", None):
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "✓" if value else "✗"
    return str(value)


def _label(field: Any) -> Any:
    """A field's name for people; for the records that belong to the target (an order's
    lines, say), the plural name of those records."""
    if field is None:
        return None
    if field.auto_created and field.is_relation:
        return field.related_model._meta.verbose_name_plural
    return getattr(field, "verbose_name", None)


def history_entries(
    changes: QuerySet[Change], *, reader: User
) -> list[tuple[Change, list[FieldChange]]]:
    """Changes with their lines, as `reader` may see them (masked contact details)."""
    reveal = reader.has_perm(VIEW_CONTACT_DETAILS)
    return [(change, change_lines(change, reveal_contact_details=reveal)) for change in changes]


def change_lines(change: Change, *, reveal_contact_details: bool) -> list[FieldChange]:
    """Each field of a change with its translated label and displayable old and new values.

    Phone numbers and e-mail addresses are masked unless the reader may see them in full.
    """
    model = change.target_type.model_class()
    notes = {**_NOTE_LABELS, **getattr(model, "history_labels", {})}
    wording = getattr(model, "history_messages", {})
    lines = []
    for name, (old, new) in change.changes.items():
        field: Any = None
        if model is not None:
            try:
                field = model._meta.get_field(name)
            except FieldDoesNotExist:
                field = None
        label = str(_label(field) or notes.get(name, name))
        shown = [_display(field, value, reveal_contact_details, wording) for value in (old, new)]
        lines.append(FieldChange(name, label, *shown))
    return lines


__all__ = [
    "ChangeAction",
    "FieldChange",
    "Written",
    "actor_id",
    "actor_or_none",
    "change_lines",
    "change_record",
    "change_records_bulk",
    "change_row",
    "change_rows_write",
    "changes_recorded",
    "coded",
    "creation_changes",
    "deletion_changes",
    "diff",
    "history_entries",
    "record_creation",
    "record_deletion",
    "record_update",
    "recording_update",
    "snapshot",
]
