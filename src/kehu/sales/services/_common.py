"""What every sales write shares: field assignment, owner checks and history records."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from kehu.core.history import ChangeAction, change_record, diff
from kehu.core.scopes import visible_users


def assign_fields(instance: Any, fields: dict[str, Any], allowed: list[str]) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ValidationError({name: _("This field cannot be set.") for name in sorted(unknown)})
    for name, value in fields.items():
        setattr(instance, name, value)


def check_assignable(*, actor: Any, owner: Any, field: str = "owner") -> None:
    """One may only give work to someone whose records one can see oneself; Kehu itself (no
    actor: scheduled work, the command line) may give it to anyone."""
    if actor is None or owner is None:
        return
    if not visible_users(actor).filter(pk=owner.pk).exists():
        raise ValidationError(
            {field: _("You cannot assign this to %(user)s.") % {"user": owner.display_name}}
        )


def record_update(
    *,
    actor: Any,
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


def actor_or_none(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None
