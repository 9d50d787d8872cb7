"""Every write to leads but their conversion: capture, assignment (by hand or round-robin),
follow-up and status."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kehu.core.history import (
    ChangeAction,
    actor_or_none,
    change_record,
    creation_changes,
    recording_update,
    snapshot,
)
from kehu.core.locking import save_versioned
from kehu.core.models import Department, User
from kehu.core.records import check_assignable, fields_assign
from kehu.customers import services as customer_services
from kehu.customers.models import Activity
from kehu.sales.models import Lead, LeadStatus, TeamSettings

LEAD_FIELDS = [
    "company",
    "person",
    "phone",
    "email",
    "province",
    "city",
    "district",
    "source",
    "campaign",
    "referred_by_customer",
    "referred_by_contact",
    "owner",
    "notes",
]
STATE_FIELDS = [*LEAD_FIELDS, "status", "disqualified_reason"]
# Round-robin shares leads among a team's members who have this role.
SALES_ROLE = "sales"


def lead_state(lead: Lead) -> dict[str, Any]:
    """The lead's fields as its history keeps them."""
    return snapshot(lead, STATE_FIELDS)


def check_referral(lead: Lead) -> None:
    """A referring contact names its customer; another customer's contact is refused."""
    contact = lead.referred_by_contact
    if contact is None:
        return
    if lead.referred_by_customer is None:
        lead.referred_by_customer = contact.customer
    elif contact.customer_id != lead.referred_by_customer.pk:
        raise ValidationError(
            {"referred_by_contact": _("This contact belongs to another customer.")}
        )


def refuse_converted(lead: Lead) -> None:
    if lead.is_converted:
        raise ValidationError(
            {
                "status": _("This lead was already converted to “%(customer)s”.")
                % {"customer": lead.customer}
            }
        )


def status_set(lead: Lead, *, status: str, reason: str = "") -> None:
    """Move a lead between new, contacted, qualified and disqualified (with a reason)."""
    refuse_converted(lead)
    if status == LeadStatus.CONVERTED or status not in LeadStatus.values:
        raise ValidationError({"status": _("Convert the lead to make it a customer.")})
    reason = reason.strip()
    if status == LeadStatus.DISQUALIFIED and not reason:
        raise ValidationError({"disqualified_reason": _("Say why the lead is disqualified.")})
    lead.status = status
    lead.disqualified_reason = reason if status == LeadStatus.DISQUALIFIED else ""


def team_members(department: Department) -> list[int]:
    """Ids of the active salespeople of a department and its sub-departments, in a fixed
    order: the round-robin order."""
    return list(
        User.objects.filter(
            is_active=True,
            role__code=SALES_ROLE,
            department__path__startswith=department.path,
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )


@transaction.atomic
def team_next_assignee(*, department: Department) -> User:
    """The team member whose turn it is, advancing the team's cursor.

    The cursor row is locked until the transaction ends, so two leads assigned at once go
    to two different people; the order is by user id and survives people joining and
    leaving (the next one after the last served, wrapping round).
    """
    TeamSettings.objects.get_or_create(department=department)
    settings = TeamSettings.objects.select_for_update().get(department=department)
    members = team_members(department)
    if not members:
        raise ValidationError(
            {"team": _("%(team)s has no active salespeople.") % {"team": department.name}}
        )
    cursor = settings.last_assigned_id
    chosen = next((pk for pk in members if cursor is None or pk > cursor), members[0])
    settings.last_assigned_id = chosen
    settings.save(update_fields=["last_assigned"])
    return User.objects.get(pk=chosen)


@transaction.atomic
def lead_create(*, actor: User | None, team: Department | None = None, **fields: Any) -> Lead:
    """A new lead, owned by the given owner, else by the team member whose turn it is, else
    by whoever enters it."""
    if team is not None:
        fields["owner"] = team_next_assignee(department=team)
    fields.setdefault("owner", actor_or_none(actor))
    lead = Lead(created_by=actor_or_none(actor))
    fields_assign(lead, fields, LEAD_FIELDS, actor=actor)
    check_assignable(actor=actor, owner=lead.owner)
    check_referral(lead)
    lead.full_clean()
    lead.assigned_at = timezone.now() if lead.owner_id else None
    lead.save()
    change_record(
        actor=actor,
        target=lead,
        action=ChangeAction.CREATE,
        changes=creation_changes(lead_state(lead)),
        customer_id=None,
    )
    return lead


@transaction.atomic
def lead_update(*, actor: User | None, lead: Lead, version: int, **fields: Any) -> Lead:
    """Edit a lead read at `version`; a stale version raises VersionConflict. A converted
    lead is kept as it was converted."""
    refuse_converted(lead)
    with recording_update(
        actor=actor, target=lead, fields=STATE_FIELDS, customer_id=lead.customer_id
    ):
        previous_owner = lead.owner_id
        fields_assign(lead, fields, LEAD_FIELDS, actor=actor)
        if lead.owner_id != previous_owner:
            check_assignable(actor=actor, owner=lead.owner)
            lead.assigned_at = timezone.now() if lead.owner_id else None
        check_referral(lead)
        lead.full_clean()
        save_versioned(lead, expected_version=version, fields=[*LEAD_FIELDS, "assigned_at"])
    return lead


@transaction.atomic
def lead_assign(
    *,
    actor: User | None,
    lead: Lead,
    version: int,
    owner: User | None = None,
    team: Department | None = None,
) -> Lead:
    """Give a lead to `owner`, or to the next member of `team` in turn."""
    if (owner is None) == (team is None):
        raise ValidationError({"owner": _("Choose either a person or a team.")})
    refuse_converted(lead)
    chosen = owner if team is None else team_next_assignee(department=team)
    return lead_update(actor=actor, lead=lead, version=version, owner=chosen)


@transaction.atomic
def lead_set_status(
    *, actor: User | None, lead: Lead, version: int, status: str, reason: str = ""
) -> Lead:
    """Move a lead between new, contacted, qualified and disqualified (with a reason).
    Conversion has its own service."""
    with recording_update(
        actor=actor, target=lead, fields=STATE_FIELDS, customer_id=lead.customer_id
    ):
        status_set(lead, status=status, reason=reason)
        save_versioned(lead, expected_version=version, fields=["status", "disqualified_reason"])
    return lead


@transaction.atomic
def lead_follow_up(
    *,
    actor: User | None,
    lead: Lead,
    kind: str,
    subject: str,
    at: datetime | None = None,
    notes: str = "",
) -> Activity:
    """Log a follow-up on a lead; a new lead becomes contacted."""
    refuse_converted(lead)
    activity = customer_services.activity_create(
        actor=actor, regarding=lead, kind=kind, subject=subject, at=at, notes=notes
    )
    Lead.objects.filter(pk=lead.pk).filter(
        Q(last_activity_at__isnull=True) | Q(last_activity_at__lt=activity.at)
    ).update(last_activity_at=activity.at)
    if lead.status == LeadStatus.NEW:
        lead_set_status(actor=actor, lead=lead, version=lead.version, status=LeadStatus.CONTACTED)
    lead.refresh_from_db()
    return activity
