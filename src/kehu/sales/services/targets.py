"""Sales targets for a salesperson or a team, per month, quarter or year."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kehu.core.history import actor_or_none
from kehu.core.locking import save_versioned
from kehu.core.scopes import visible_users
from kehu.sales.models import PeriodKind, SalesTarget
from kehu.sales.periods import period_containing
from kehu.sales.selectors import team_visible
from kehu.sales.services._common import assign_fields

TARGET_FIELDS = ["user", "department", "period", "period_start", "amount", "currency"]


def _check_target(actor: Any, target: SalesTarget) -> None:
    if (target.user_id is None) == (target.department_id is None):
        raise ValidationError({"user": _("Set the target for either a salesperson or a team.")})
    person = target.user
    if (
        actor is not None
        and person is not None
        and not visible_users(actor).filter(pk=person.pk).exists()
    ):
        raise ValidationError({"user": _("You cannot set targets for this person.")})
    team = target.department
    if actor is not None and team is not None and not team_visible(user=actor, department=team):
        raise ValidationError({"department": _("You cannot set targets for this team.")})
    aligned = target.period not in PeriodKind.values or not target.period_start
    if not aligned and period_containing(target.period, target.period_start) != target.period_start:
        raise ValidationError(
            {"period_start": _("A period starts on the first day of its month, quarter or year.")}
        )


@transaction.atomic
def target_save(
    *, actor: Any, target: SalesTarget | None = None, version: int | None = None, **fields: Any
) -> SalesTarget:
    """Create a target, or change one read at `version`."""
    creating = target is None
    target = target or SalesTarget(created_by=actor_or_none(actor))
    assign_fields(target, fields, TARGET_FIELDS)
    _check_target(actor, target)
    target.full_clean()
    if creating:
        target.save()
    else:
        save_versioned(target, expected_version=version or 0, fields=TARGET_FIELDS)
    return target


@transaction.atomic
def target_delete(*, actor: Any, target: SalesTarget) -> None:
    target.delete()
