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

from django.db import transaction
from django.utils import timezone

from kehu.core.bulk import RowWriter
from kehu.core.history import (
    ChangeAction,
    actor_or_none,
    change_row,
    change_rows_write,
    creation_changes,
    diff,
)
from kehu.core.models import User
from kehu.core.records import Assignable, fields_assign, values_check
from kehu.customers.models import Activity, Customer
from kehu.customers.services import activities_write
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


class LeadWriter:
    """Writes batches of leads with their follow-ups and history."""

    def __init__(self) -> None:
        self.assignable = Assignable()
        self.leads = RowWriter(Lead)

    def _lead(self, new: NewLead) -> Lead:
        """The lead as lead_create leaves it."""
        author = actor_or_none(new.actor)
        lead = Lead(created_by=author, created_at=new.created_at, updated_at=new.created_at)
        fields_assign(lead, {"owner": author, **new.values}, LEAD_FIELDS, actor=new.actor)
        self.assignable.check(actor=actor_or_none(new.actor), owner=lead.owner)
        check_referral(lead)
        values_check(lead)
        lead.assigned_at = new.created_at if lead.owner_id else None
        return lead

    def _worked(self, new: NewLead, lead: Lead) -> tuple[list[dict[str, Any]], list[Activity]]:
        """Apply the lead's events as the services would: its history rows and follow-ups."""
        changes = [
            change_row(
                target=lead,
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
                values_check(activity)
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
                    change_row(
                        target=lead,
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
        self.leads.write(ids, [self.leads.row(lead) for lead in leads])
        activities_write(follow_ups)
        change_rows_write(changes)
        return ids


class OpportunityWriter:
    """Writes batches of opportunities with their stage history and history."""

    def __init__(self) -> None:
        self.assignable = Assignable()
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
        self.assignable.check(actor=actor_or_none(new.actor), owner=opportunity.owner)
        values_check(opportunity)
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
            change_row(
                target=opportunity,
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
        self.opportunities.write(ids, [self.opportunities.row(o) for o, _, _ in walked])
        self.stage_changes.write_records([change for _, moves, _ in walked for change in moves])
        change_rows_write([row for _, _, rows in walked for row in rows])
        return ids
