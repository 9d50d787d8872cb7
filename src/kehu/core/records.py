"""What every service does to write a record: set the fields it was given, refusing those the
record does not take and those the actor's role may not change.

A model names its restricted fields in `restricted_fields` (field → the permission needed to
change it). The rule is applied here, where every service assigns fields, so that a form, the
API, an import and a bulk edit cannot differ: a form shows such a field read-only, but it is
this check that refuses the change.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from kehu.core.exceptions import Refused
from kehu.core.models import User, Versioned
from kehu.core.scopes import visible_users
from kehu.core.text import without_bidi_controls


class FieldsRefused(PermissionDenied):
    """The actor may not change these fields: field → why, in the reader's language."""

    def __init__(self, fields: Mapping[str, str]) -> None:
        super().__init__(" ".join(fields.values()))
        self.fields = dict(fields)


class StillReferenced(Refused):
    """A record others still rest on through a protected relation (a customer's orders)."""


def delete_unreferenced(record: models.Model) -> None:
    """Delete `record`, or refuse, naming what still rests on it: a customer with orders is
    kept, and the user is told why instead of meeting a server error."""
    try:
        with transaction.atomic():
            record.delete()
    except (models.ProtectedError, models.RestrictedError) as error:
        blocking = (
            error.protected_objects
            if isinstance(error, models.ProtectedError)
            else error.restricted_objects
        )
        counts: dict[str, int] = {}
        for other in blocking:
            kind = str(other._meta.verbose_name_plural)
            counts[kind] = counts.get(kind, 0) + 1
        raise StillReferenced(
            _("“%(record)s” cannot be deleted while these rest on it: %(kinds)s.")
            % {
                "record": record,
                "kinds": _(", ").join(f"{kind} ({n})" for kind, n in sorted(counts.items())),
            }
        ) from None


# What a service raises to refuse a write: a field's validation, a field the role may not
# change, or a business rule (core.exceptions.Refused: a stale version, a credit block).
REFUSALS = (ValidationError, FieldsRefused, Refused)


def restricted_fields(model: type[models.Model] | models.Model) -> Mapping[str, str]:
    """The model's fields that need a permission to change: field → permission."""
    return getattr(model, "restricted_fields", {})


def _same(field: Any, new: Any, old: Any) -> bool:
    try:
        return bool(field.to_python(new) == field.to_python(old))
    except ValidationError:
        return False


def refused_fields(
    *,
    actor: User | None,
    model: type[models.Model],
    values: Mapping[str, Any],
    current: models.Model | None = None,
) -> dict[str, str]:
    """The fields among `values` that would change the record (`current`, or a new one) and
    that `actor` may not change, each with the reason. Kehu itself (no actor) may change all.
    """
    restricted = restricted_fields(model)
    if actor is None or not restricted:
        return {}
    refused = {}
    for name, value in values.items():
        permission = restricted.get(name)
        if permission is None or actor.has_perm(permission):
            continue
        field: Any = model._meta.get_field(name)
        old = field.get_default() if current is None else getattr(current, name)
        if not _same(field, value, old):
            refused[name] = _("Your role may not change the %(field)s.") % {
                "field": field.verbose_name
            }
    return refused


def fields_assign(
    instance: models.Model,
    fields: Mapping[str, Any],
    allowed: Iterable[str],
    *,
    actor: User | None,
) -> None:
    """Set `fields` on `instance`: only those in `allowed`, and only those `actor` may change.

    Nothing is set when any is refused, so a refused write leaves the record as it was read.
    """
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ValidationError({name: _("This field cannot be set.") for name in sorted(unknown)})
    refused = refused_fields(
        actor=actor,
        model=type(instance),
        values=fields,
        current=instance if instance.pk else None,
    )
    if refused:
        raise FieldsRefused(refused)
    for name, value in fields.items():
        setattr(instance, name, without_bidi_controls(value) if isinstance(value, str) else value)


def check_assignable(*, actor: User | None, owner: User | None, field: str = "owner") -> None:
    """One may only give a record to someone whose records one can see oneself; Kehu itself
    (no actor: scheduled work, the command line) may give it to anyone."""
    if actor is None or owner is None:
        return
    if not visible_users(actor).filter(pk=owner.pk).exists():
        raise ValidationError({field: not_assignable_message(owner)})


class Assignable:
    """check_assignable for writes of many records: whom each actor may give work to is
    asked of the database once per actor."""

    def __init__(self) -> None:
        self._seen: dict[int, set[int]] = {}

    def check(self, *, actor: User | None, owner: User | None, field: str = "owner") -> None:
        if actor is None or not actor.pk or owner is None:
            return
        if actor.pk not in self._seen:
            self._seen[actor.pk] = set(visible_users(actor).values_list("pk", flat=True))
        if owner.pk not in self._seen[actor.pk]:
            raise ValidationError({field: not_assignable_message(owner)})


def values_check(instance: models.Model) -> None:
    """The checks of full_clean that ask nothing of the database: each field's value and
    the model's own clean. For writes of many records, whose services check the related
    records themselves."""
    relations = [f.name for f in instance._meta.concrete_fields if f.is_relation]
    instance.clean_fields(exclude=relations)
    instance.clean()


def not_assignable_message(owner: User) -> str:
    return _("You cannot assign this to %(user)s.") % {"user": owner.display_name}


@dataclass(frozen=True)
class Writes:
    """The services that create, update and delete one kind of record, for the kernel's
    bases (a viewset, a record form) to call. Each takes the actor, and an update or delete
    the record under the name `record` (the model's name unless given: customer=…), with the
    version read where the record keeps one."""

    create: Callable[..., Any] | None = None
    update: Callable[..., Any] | None = None
    delete: Callable[..., Any] | None = None
    record: str | None = None

    @classmethod
    def named(cls, services: ModuleType, record: str) -> Writes:
        """The record's services by their names: `<record>_create`, `_update`, `_delete`,
        each given the record as `record`."""
        create, update, delete = (
            getattr(services, f"{record}_{verb}", None) for verb in ("create", "update", "delete")
        )
        return cls(create, update, delete, record=record)

    def _named(self, record: models.Model) -> dict[str, models.Model]:
        return {self.record or str(record._meta.model_name): record}

    def write(
        self,
        *,
        actor: User | None,
        record: models.Model | None,
        data: Mapping[str, Any],
        version: int | None = None,
    ) -> Any:
        """Create a record (`record` None) or update `record` read at `version`."""
        if record is None:
            assert self.create is not None, "no service creates this record"
            return self.create(actor=actor, **data)
        assert self.update is not None, "no service updates this record"
        read = {"version": version} if isinstance(record, Versioned) else {}
        return self.update(actor=actor, **self._named(record), **read, **data)

    def remove(self, *, actor: User | None, record: models.Model) -> None:
        assert self.delete is not None, "no service deletes this record"
        self.delete(actor=actor, **self._named(record))
