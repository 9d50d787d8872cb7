"""Sales targets for a salesperson or a team, per month, quarter or year."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kehu.core.history import actor_or_none
from kehu.core.locking import save_versioned
from kehu.core.models import User
from kehu.core.records import check_assignable, fields_assign
from kehu.sales.models import PeriodKind, SalesTarget, visible_teams
from kehu.sales.periods import period_containing

TARGET_FIELDS = ["user", "department", "period", "period_start", "amount", "currency"]


def _check_target(actor: User | None, target: SalesTarget) -> None:
    """A target is for a person or a team the actor sees, and for a whole period."""
    if (target.user_id is None) == (target.department_id is None):
        raise ValidationError({"user": _("Set the target for either a salesperson or a team.")})
    check_assignable(actor=actor, owner=target.user, field="user")
    team = target.department
    if (
        actor is not None
        and team is not None
        and not visible_teams(actor).filter(pk=team.pk).exists()
    ):
        raise ValidationError({"department": _("You cannot set targets for this team.")})
    aligned = target.period not in PeriodKind.values or not target.period_start
    if not aligned and period_containing(target.period, target.period_start) != target.period_start:
        raise ValidationError(
            {"period_start": _("A period starts on the first day of its month, quarter or year.")}
        )


@transaction.atomic
def target_create(*, actor: User | None, **fields: Any) -> SalesTarget:
    target = SalesTarget(created_by=actor_or_none(actor))
    fields_assign(target, fields, TARGET_FIELDS, actor=actor)
    _check_target(actor, target)
    target.full_clean()
    target.save()
    return target


@transaction.atomic
def target_update(
    *, actor: User | None, target: SalesTarget, version: int, **fields: Any
) -> SalesTarget:
    """Change a target read at `version`; a stale version raises VersionConflict."""
    fields_assign(target, fields, TARGET_FIELDS, actor=actor)
    _check_target(actor, target)
    target.full_clean()
    save_versioned(target, expected_version=version, fields=TARGET_FIELDS)
    return target


@transaction.atomic
def target_delete(*, actor: User | None, target: SalesTarget) -> None:
    target.delete()
