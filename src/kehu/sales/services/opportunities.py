"""Every write to opportunities: creation, edits and moves through the pipeline's stages."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kehu.core.history import (
    ChangeAction,
    actor_or_none,
    change_record,
    creation_changes,
    record_update,
    snapshot,
)
from kehu.core.locking import save_versioned
from kehu.core.models import User
from kehu.core.records import check_assignable, fields_assign
from kehu.customers.models import Customer
from kehu.sales.models import Lead, Opportunity, Stage, StageChange

OPPORTUNITY_FIELDS = [
    "name",
    "owner",
    "business_mode",
    "stage",
    "amount",
    "currency",
    "expected_close_date",
    "competitors",
    "lost_reason",
    "notes",
]
_WRITTEN = [*OPPORTUNITY_FIELDS, "closed_on"]


def opportunity_state(opportunity: Opportunity) -> dict[str, Any]:
    """The opportunity's fields as its history keeps them."""
    return snapshot(opportunity, [*OPPORTUNITY_FIELDS, "customer"])


def first_stage(business_mode: str) -> Stage | None:
    return (
        Stage.objects.filter(business_mode=business_mode, is_won=False, is_lost=False)
        .order_by("order", "pk")
        .first()
    )


def stage_rules_apply(opportunity: Opportunity, *, previous: Stage | None, today: date) -> None:
    """A stage of the opportunity's own business mode; a reason when it is lost; the close
    date set on winning or losing (to `today`) and cleared on reopening."""
    stage = opportunity.stage
    if stage.business_mode != opportunity.business_mode:
        raise ValidationError(
            {"stage": _("This stage belongs to another business mode's pipeline.")}
        )
    opportunity.lost_reason = opportunity.lost_reason.strip()
    if stage.is_lost and not opportunity.lost_reason:
        raise ValidationError({"lost_reason": _("Say why the opportunity was lost.")})
    if not stage.is_lost:
        opportunity.lost_reason = ""
    if stage.is_closed and (previous is None or not previous.is_closed or previous != stage):
        opportunity.closed_on = today
    elif not stage.is_closed:
        opportunity.closed_on = None


@transaction.atomic
def opportunity_create(
    *, actor: User | None, customer: Customer, lead: Lead | None = None, **fields: Any
) -> Opportunity:
    fields.setdefault("owner", customer.owner or actor_or_none(actor))
    fields.setdefault("business_mode", customer.business_mode)
    if fields.get("stage") is None and fields.get("business_mode"):
        fields["stage"] = first_stage(fields["business_mode"])
    opportunity = Opportunity(customer=customer, lead=lead, created_by=actor_or_none(actor))
    fields_assign(opportunity, fields, OPPORTUNITY_FIELDS, actor=actor)
    check_assignable(actor=actor, owner=opportunity.owner)
    opportunity.full_clean(exclude=["lead"])
    stage_rules_apply(opportunity, previous=None, today=timezone.localdate())
    opportunity.save()
    StageChange.objects.create(
        opportunity=opportunity,
        from_stage=None,
        to_stage=opportunity.stage,
        actor=actor_or_none(actor),
    )
    change_record(
        actor=actor,
        target=opportunity,
        action=ChangeAction.CREATE,
        changes=creation_changes(opportunity_state(opportunity)),
        customer_id=customer.pk,
    )
    return opportunity


@transaction.atomic
def opportunity_update(
    *, actor: User | None, opportunity: Opportunity, version: int, **fields: Any
) -> Opportunity:
    """Edit an opportunity read at `version` (its stage too); a stale version raises
    VersionConflict and changes nothing."""
    before = opportunity_state(opportunity)
    previous_stage = opportunity.stage
    previous_owner = opportunity.owner_id
    fields_assign(opportunity, fields, OPPORTUNITY_FIELDS, actor=actor)
    if opportunity.owner_id != previous_owner:
        check_assignable(actor=actor, owner=opportunity.owner)
    opportunity.full_clean(exclude=["lead"])
    stage_rules_apply(opportunity, previous=previous_stage, today=timezone.localdate())
    save_versioned(opportunity, expected_version=version, fields=_WRITTEN)
    if opportunity.stage_id != previous_stage.pk:
        StageChange.objects.create(
            opportunity=opportunity,
            from_stage=previous_stage,
            to_stage=opportunity.stage,
            actor=actor_or_none(actor),
        )
    record_update(
        actor=actor,
        target=opportunity,
        before=before,
        after=opportunity_state(opportunity),
        customer_id=opportunity.customer_id,
    )
    return opportunity


def opportunity_move(
    *,
    actor: User | None,
    opportunity: Opportunity,
    stage: Stage,
    version: int,
    lost_reason: str = "",
) -> Opportunity:
    """Move an opportunity to another stage of its pipeline (a lost one needs a reason)."""
    fields: dict[str, Any] = {"stage": stage}
    if stage.is_lost:
        fields["lost_reason"] = lost_reason
    return opportunity_update(actor=actor, opportunity=opportunity, version=version, **fields)
