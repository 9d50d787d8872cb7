"""What every sales write shares: field assignment, owner checks and history records."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

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
