"""Actions to keep customers at risk of churning: given, changed, done, removed.

Whoever may see a customer may give it an action, for someone whose work they see (a
salesperson for herself, a manager for the team). Changing an action, marking it done
included, is for its assignee and for those who see the assignee's work: a salesperson marks
her own actions done, a manager those of the team.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kehu.analytics.models import ChurnAction, CustomerScore
from kehu.analytics.selectors.churn_actions import churn_action_changeable
from kehu.core.history import (
    actor_or_none,
    record_creation,
    record_deletion,
    recording_update,
)
from kehu.core.locking import save_versioned
from kehu.core.models import User
from kehu.core.records import FieldsRefused, check_assignable, fields_assign
from kehu.customers.models import Customer

CHURN_ACTION_FIELDS = ["assignee", "description", "due_date"]
# What the history keeps of an action: its fields, whom it is for, and when it was done.
_HISTORY = ["customer", *CHURN_ACTION_FIELDS, "done_at"]
_WRITTEN = [*CHURN_ACTION_FIELDS, "done_at"]


def _check_customer(actor: User | None, customer: Customer) -> None:
    if actor is not None and not Customer.objects.visible_to(actor).filter(pk=customer.pk).exists():
        raise ValidationError({"customer": _("You may not give actions for this customer.")})


def _check_may_change(actor: User | None, action: ChurnAction, fields: list[str]) -> None:
    """Refuse the change of `fields` by someone who is not the assignee and does not see the
    assignee's work."""
    if actor is not None and not churn_action_changeable(user=actor, action=action):
        reason = _("Only %(user)s or their manager may change this action.") % {
            "user": action.assignee.display_name
        }
        raise FieldsRefused(dict.fromkeys(fields or ["assignee"], reason))


def _mark(action: ChurnAction, done: bool | None) -> None:
    """Done now if newly done, not done if undone; the first moment it was done is kept."""
    if done is None:
        return
    if done and action.done_at is None:
        action.done_at = timezone.now()
    elif not done:
        action.done_at = None


def _current_risk(customer: Customer) -> float | None:
    return (
        CustomerScore.objects.filter(run__is_current=True, customer=customer)
        .values_list("churn_probability", flat=True)
        .first()
    )


@transaction.atomic
def churn_action_create(
    *, actor: User | None, customer: Customer, done: bool = False, **fields: Any
) -> ChurnAction:
    """Give `customer` an action, by default for its owner (or the actor, when it has none)."""
    _check_customer(actor, customer)
    fields.setdefault("assignee", customer.owner or actor_or_none(actor))
    action = ChurnAction(
        customer=customer,
        created_by=actor_or_none(actor),
        churn_probability=_current_risk(customer),
    )
    fields_assign(action, fields, CHURN_ACTION_FIELDS, actor=actor)
    check_assignable(actor=actor, owner=action.assignee, field="assignee")
    _mark(action, done)
    action.full_clean()
    action.save()
    record_creation(actor=actor, target=action, fields=_HISTORY, customer_id=customer.pk)
    return action


@transaction.atomic
def churn_action_update(
    *,
    actor: User | None,
    churn_action: ChurnAction,
    version: int,
    done: bool | None = None,
    **fields: Any,
) -> ChurnAction:
    """Change an action read at `version`, or mark it done (or not); a stale version raises
    VersionConflict and changes nothing."""
    action = churn_action
    _check_may_change(actor, action, [*fields, *(["done"] if done is not None else [])])
    previous_assignee = action.assignee_id
    with recording_update(
        actor=actor, target=action, fields=_HISTORY, customer_id=action.customer_id
    ):
        fields_assign(action, fields, CHURN_ACTION_FIELDS, actor=actor)
        if action.assignee_id != previous_assignee:
            check_assignable(actor=actor, owner=action.assignee, field="assignee")
        _mark(action, done)
        action.full_clean()
        save_versioned(action, expected_version=version, fields=_WRITTEN)
    return action


@transaction.atomic
def churn_action_delete(*, actor: User | None, churn_action: ChurnAction) -> None:
    _check_may_change(actor, churn_action, [])
    record_deletion(
        actor=actor, target=churn_action, fields=_HISTORY, customer_id=churn_action.customer_id
    )
    churn_action.delete()
