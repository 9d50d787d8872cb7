"""Writing many leads and opportunities at once, with what became of them since (the demo
company's two years): the rows that lead_create, lead_follow_up and lead_set_status, or
opportunity_create and opportunity_move, would have left, with their follow-ups, stage
history and history records, a table at a time below the ORM (core.bulk). Each record is
put through the rules of those services here, so that none can skip them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from kehu.core.bulk import RowWriter
from kehu.core.history import (
    ChangeAction,
    actor_or_none,
    change_rows_write,
    creation_changes,
    diff,
)
from kehu.core.models import User
from kehu.core.records import fields_assign, not_assignable_message
from kehu.core.scopes import visible_users
from kehu.customers.models import Activity, Customer
from kehu.sales.models import Lead, LeadStatus, Opportunity, Stage, StageChange
from kehu.sales.services.leads import (
    LEAD_FIELDS,
    check_referral,
    lead_state,
    refuse_converted,
    status_set,
)
from kehu.sales.services.opportunities import (
    OPPORTUNITY_FIELDS,
    opportunity_state,
    stage_rules_apply,
)


@dataclass(frozen=True)
class FollowUp:
    """A follow-up logged on a lead, as lead_follow_up logs it."""

    at: datetime
    kind: str
    subject: str
    notes: str = ""


@dataclass(frozen=True)
class StatusMove:
    """A lead moved to another status, as lead_set_status moves it."""

    at: datetime
    status: str
    reason: str = ""


@dataclass
class NewLead:
    """A lead `actor` entered at `created_at` (its fields as lead_create takes them), and
    what they did with it since, in order."""

    actor: User | None
    created_at: datetime
    values: dict[str, Any]
    events: list[FollowUp | StatusMove] = field(default_factory=list)


@dataclass
class NewOpportunity:
    """An opportunity `actor` entered for `customer` (its fields as opportunity_create takes
    them, but the stage) and the stages it went through, each with when it got there: the
    first is where it began. A lost one says why."""

    actor: User | None
    customer: Customer
    values: dict[str, Any]
    path: list[tuple[datetime, Stage]]
    lost_reason: str = ""


def _row(instance: models.Model) -> dict[str, Any]:
    """A record's columns, as RowWriter writes them."""
    meta = instance._meta
    return {
        f.attname: getattr(instance, f.attname) for f in meta.concrete_fields if not f.primary_key
    }


def _check_values(instance: models.Model) -> None:
    """The checks of full_clean that ask nothing of the database: each field's value, and
    the model's own clean. The services' rules name the related records."""
    relations = [f.name for f in instance._meta.concrete_fields if f.is_relation]
    instance.clean_fields(exclude=relations)
    instance.clean()


class _Writer:
    """What both writers share: whom each actor may give work to, and history rows."""

    def __init__(self, model: type[models.Model]) -> None:
        self._type = ContentType.objects.get_for_model(model).pk
        self._assignable: dict[int, set[int]] = {}

    def check_owner(self, actor: User | None, owner: User | None) -> None:
        """core.records.check_assignable, asking once for each actor."""
        actor = actor_or_none(actor)
        if actor is None or owner is None:
            return
        if actor.pk not in self._assignable:
            self._assignable[actor.pk] = set(visible_users(actor).values_list("pk", flat=True))
        if owner.pk not in self._assignable[actor.pk]:
            raise ValidationError({"owner": not_assignable_message(owner)})

    def change(
        self,
        target: models.Model,
        *,
        actor: User | None,
        at: datetime,
        action: str,
        changes: dict[str, list[Any]],
        customer_id: int | None,
    ) -> dict[str, Any]:
        """The history row of one change, as core.history records it."""
        author = actor_or_none(actor)
        return {
            "target_type_id": self._type,
            "target_id": target.pk,
            "target_repr": str(target)[:255],
            "customer_id": customer_id,
            "actor_id": author.pk if author is not None else None,
            "action": action,
            "changes": changes,
            "at": at,
        }


class LeadWriter(_Writer):
    """Writes batches of leads with their follow-ups and history."""

    def __init__(self) -> None:
        super().__init__(Lead)
        self.leads = RowWriter(Lead)
        self.follow_ups = RowWriter(Activity)

    def _lead(self, new: NewLead) -> Lead:
        """The lead as lead_create leaves it."""
        author = actor_or_none(new.actor)
        lead = Lead(created_by=author, created_at=new.created_at, updated_at=new.created_at)
        fields_assign(lead, {"owner": author, **new.values}, LEAD_FIELDS, actor=new.actor)
        self.check_owner(new.actor, lead.owner)
        check_referral(lead)
        _check_values(lead)
        lead.assigned_at = new.created_at if lead.owner_id else None
        return lead

    def _worked(self, new: NewLead, lead: Lead) -> tuple[list[dict[str, Any]], list[Activity]]:
        """Apply the lead's events as the services would: its history rows and follow-ups."""
        changes = [
            self.change(
                lead,
                actor=new.actor,
                at=new.created_at,
                action=ChangeAction.CREATE,
                changes=creation_changes(lead_state(lead)),
                customer_id=None,
            )
        ]
        follow_ups = []
        for event in new.events:
            before = lead_state(lead)
            if isinstance(event, FollowUp):
                refuse_converted(lead)
                activity = Activity(
                    regarding=lead,
                    kind=event.kind,
                    subject=event.subject,
                    at=event.at,
                    notes=event.notes,
                    author=actor_or_none(new.actor),
                    created_at=event.at,
                )
                _check_values(activity)
                follow_ups.append(activity)
                lead.last_activity_at = max(lead.last_activity_at or event.at, event.at)
                if lead.status != LeadStatus.NEW:
                    continue
                status_set(lead, status=LeadStatus.CONTACTED)
            else:
                status_set(lead, status=event.status, reason=event.reason)
            lead.version += 1
            lead.updated_at = event.at
            moved = diff(before, lead_state(lead))
            if moved:
                changes.append(
                    self.change(
                        lead,
                        actor=new.actor,
                        at=event.at,
                        action=ChangeAction.UPDATE,
                        changes=moved,
                        customer_id=None,
                    )
                )
        return changes, follow_ups

    @transaction.atomic
    def create(self, new: Sequence[NewLead]) -> list[int]:
        """Write the leads, their follow-ups and their history; the leads' ids, in order."""
        leads = [self._lead(n) for n in new]
        ids = self.leads.reserve_ids(len(leads))
        changes: list[dict[str, Any]] = []
        follow_ups: list[Activity] = []
        for pk, lead, worked in zip(ids, leads, new, strict=True):
            lead.pk = pk
            lead_changes, lead_follow_ups = self._worked(worked, lead)
            changes += lead_changes
            follow_ups += lead_follow_ups
        self.leads.write(ids, [_row(lead) for lead in leads])
        self.follow_ups.write(
            self.follow_ups.reserve_ids(len(follow_ups)), [_row(a) for a in follow_ups]
        )
        change_rows_write(changes)
        return ids


class OpportunityWriter(_Writer):
    """Writes batches of opportunities with their stage history and history."""

    def __init__(self) -> None:
        super().__init__(Opportunity)
        self.opportunities = RowWriter(Opportunity)
        self.stage_changes = RowWriter(StageChange)

    def _walked(
        self, new: NewOpportunity, pk: int
    ) -> tuple[Opportunity, list[StageChange], list[dict[str, Any]]]:
        """The opportunity as opportunity_create leaves it, moved along its path as
        opportunity_move moves it: with its stage changes and history rows."""
        (begun, first), *moves = new.path
        author = actor_or_none(new.actor)
        opportunity = Opportunity(
            pk=pk, customer=new.customer, created_by=author, created_at=begun, updated_at=begun
        )
        values = {
            "owner": new.customer.owner or author,
            "business_mode": new.customer.business_mode,
            **new.values,
            "stage": first,
        }
        fields_assign(opportunity, values, OPPORTUNITY_FIELDS, actor=new.actor)
        self.check_owner(new.actor, opportunity.owner)
        _check_values(opportunity)
        stage_rules_apply(opportunity, previous=None, today=timezone.localdate(begun))
        stage_changes = [
            StageChange(opportunity=opportunity, to_stage=first, at=begun, actor=author)
        ]
        history = [(begun, ChangeAction.CREATE, creation_changes(opportunity_state(opportunity)))]
        for at, stage in moves:
            before, previous = opportunity_state(opportunity), opportunity.stage
            opportunity.stage = stage
            if stage.is_lost:
                opportunity.lost_reason = new.lost_reason
            stage_rules_apply(opportunity, previous=previous, today=timezone.localdate(at))
            opportunity.version += 1
            opportunity.updated_at = at
            stage_changes.append(
                StageChange(
                    opportunity=opportunity,
                    from_stage=previous,
                    to_stage=stage,
                    at=at,
                    actor=author,
                )
            )
            history.append((at, ChangeAction.UPDATE, diff(before, opportunity_state(opportunity))))
        changes = [
            self.change(
                opportunity,
                actor=new.actor,
                at=at,
                action=action,
                changes=changed,
                customer_id=new.customer.pk,
            )
            for at, action, changed in history
            if changed
        ]
        return opportunity, stage_changes, changes

    @transaction.atomic
    def create(self, new: Sequence[NewOpportunity]) -> list[int]:
        """Write the opportunities, their stage history and their history; their ids."""
        ids = self.opportunities.reserve_ids(len(new))
        walked = [self._walked(n, pk) for n, pk in zip(new, ids, strict=True)]
        self.opportunities.write(ids, [_row(opportunity) for opportunity, _, _ in walked])
        stage_changes = [change for _, moves, _ in walked for change in moves]
        self.stage_changes.write(
            self.stage_changes.reserve_ids(len(stage_changes)), [_row(s) for s in stage_changes]
        )
        change_rows_write([row for _, _, rows in walked for row in rows])
        return ids
