"""Every write to leads: capture, assignment (by hand or round-robin), follow-up, status and
conversion into a customer, a contact and an opportunity."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kehu.core.exceptions import VersionConflict
from kehu.core.history import (
    ChangeAction,
    actor_or_none,
    change_record,
    creation_changes,
    record_update,
    snapshot,
)
from kehu.core.locking import save_versioned
from kehu.core.models import Change, Department, User
from kehu.customers import services as customer_services
from kehu.customers.dedup import DuplicateKeys, find_duplicates
from kehu.customers.models import Activity, Contact, Customer, CustomerKind
from kehu.sales.models import Lead, LeadStatus, Opportunity, TeamSettings
from kehu.sales.services._common import assign_fields, check_assignable
from kehu.sales.services.opportunities import opportunity_create

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
_STATE_FIELDS = [*LEAD_FIELDS, "status", "disqualified_reason"]
# Round-robin shares leads among a team's members who have this role.
SALES_ROLE = "sales"


def _state(lead: Lead) -> dict[str, Any]:
    return snapshot(lead, _STATE_FIELDS)


def _check_referral(lead: Lead) -> None:
    contact = lead.referred_by_contact
    if contact is None:
        return
    if lead.referred_by_customer is None:
        lead.referred_by_customer = contact.customer
    elif contact.customer_id != lead.referred_by_customer.pk:
        raise ValidationError(
            {"referred_by_contact": _("This contact belongs to another customer.")}
        )


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
def lead_create(*, actor: Any, team: Department | None = None, **fields: Any) -> Lead:
    """A new lead, owned by the given owner, else by the team member whose turn it is, else
    by whoever enters it."""
    if team is not None:
        fields["owner"] = team_next_assignee(department=team)
    fields.setdefault("owner", actor_or_none(actor))
    lead = Lead(created_by=actor_or_none(actor))
    assign_fields(lead, fields, LEAD_FIELDS)
    check_assignable(actor=actor, owner=lead.owner)
    _check_referral(lead)
    lead.full_clean()
    lead.assigned_at = timezone.now() if lead.owner_id else None
    lead.save()
    change_record(
        actor=actor,
        target=lead,
        action=ChangeAction.CREATE,
        changes=creation_changes(_state(lead)),
        customer_id=None,
    )
    return lead


def _check_open(lead: Lead) -> None:
    if lead.status == LeadStatus.CONVERTED:
        raise ValidationError(
            {
                "status": _("This lead was already converted to “%(customer)s”.")
                % {"customer": lead.customer}
            }
        )


@transaction.atomic
def lead_update(*, actor: Any, lead: Lead, version: int, **fields: Any) -> Lead:
    """Edit a lead read at `version`; a stale version raises VersionConflict."""
    before = _state(lead)
    previous_owner = lead.owner_id
    assign_fields(lead, fields, LEAD_FIELDS)
    if lead.owner_id != previous_owner:
        check_assignable(actor=actor, owner=lead.owner)
        lead.assigned_at = timezone.now() if lead.owner_id else None
    _check_referral(lead)
    lead.full_clean()
    save_versioned(lead, expected_version=version, fields=[*LEAD_FIELDS, "assigned_at"])
    record_update(
        actor=actor, target=lead, before=before, after=_state(lead), customer_id=lead.customer_id
    )
    return lead


@transaction.atomic
def lead_assign(
    *,
    actor: Any,
    lead: Lead,
    version: int,
    owner: User | None = None,
    team: Department | None = None,
) -> Lead:
    """Give a lead to `owner`, or to the next member of `team` in turn."""
    if (owner is None) == (team is None):
        raise ValidationError({"owner": _("Choose either a person or a team.")})
    _check_open(lead)
    chosen = owner if owner is not None else team_next_assignee(department=team)  # type: ignore[arg-type]
    return lead_update(actor=actor, lead=lead, version=version, owner=chosen)


@transaction.atomic
def lead_set_status(*, actor: Any, lead: Lead, version: int, status: str, reason: str = "") -> Lead:
    """Move a lead between new, contacted, qualified and disqualified (with a reason).
    Conversion has its own service."""
    _check_open(lead)
    if status == LeadStatus.CONVERTED or status not in LeadStatus.values:
        raise ValidationError({"status": _("Convert the lead to make it a customer.")})
    reason = reason.strip()
    if status == LeadStatus.DISQUALIFIED and not reason:
        raise ValidationError({"disqualified_reason": _("Say why the lead is disqualified.")})
    before = _state(lead)
    lead.status = status
    lead.disqualified_reason = reason if status == LeadStatus.DISQUALIFIED else ""
    save_versioned(lead, expected_version=version, fields=["status", "disqualified_reason"])
    record_update(
        actor=actor, target=lead, before=before, after=_state(lead), customer_id=lead.customer_id
    )
    return lead


@transaction.atomic
def lead_follow_up(
    *,
    actor: Any,
    lead: Lead,
    kind: str,
    subject: str,
    at: datetime | None = None,
    notes: str = "",
) -> Activity:
    """Log a follow-up on a lead; a new lead becomes contacted."""
    _check_open(lead)
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


@dataclass(frozen=True)
class Conversion:
    customer: Customer
    contact: Contact
    opportunity: Opportunity | None
    customer_created: bool


def _duplicate_error(duplicates: list[Customer]) -> ValidationError:
    names = "、".join(c.name for c in duplicates[:5])
    return ValidationError(
        {
            "customer": _(
                "A customer like this already exists: %(names)s. Link the lead to it, or "
                "confirm that it is a different customer."
            )
            % {"names": names}
        }
    )


def _new_customer(*, actor: Any, lead: Lead, business_mode: str = "") -> Customer:
    return customer_services.customer_create(
        actor=actor,
        name=lead.company or lead.person,
        kind=CustomerKind.COMPANY if lead.company else CustomerKind.INDIVIDUAL,
        phone=lead.phone,
        email=lead.email,
        province=lead.province,
        city=lead.city,
        district=lead.district,
        source_channel=lead.source.channel,
        business_mode=business_mode,
        owner=lead.owner or actor_or_none(actor),
        notes=lead.notes,
    )


def _lead_contact(*, actor: Any, lead: Lead, customer: Customer) -> Contact:
    """The lead's person on the customer: the contact of that name if there is one."""
    name = lead.person or lead.company
    existing = customer.contacts.filter(name=name).first()
    if existing is not None:
        return existing
    return customer_services.contact_create(
        actor=actor,
        customer=customer,
        name=name,
        phone=lead.phone,
        email=lead.email,
        is_primary=not customer.contacts.exists(),
    )


@transaction.atomic
def lead_convert(
    *,
    actor: Any,
    lead: Lead,
    version: int,
    customer: Customer | None = None,
    allow_duplicate: bool = False,
    opportunity: dict[str, Any] | None = None,
) -> Conversion:
    """Turn a lead into a customer (or link it to `customer`, an existing one) with a contact
    and, given its fields, an opportunity. All of it or nothing.

    Without `customer`, the duplicate check runs first: a lead that looks like an existing
    customer is refused unless `allow_duplicate` says it is a different one. The lead's
    follow-ups and history join the customer's timeline.
    """
    # Locks the lead row alone: a second conversion waits here, then finds it converted.
    current = (
        Lead.objects.select_for_update(of=("self",))
        .select_related("source", "owner")
        .get(pk=lead.pk)
    )
    _check_open(current)
    if current.status == LeadStatus.DISQUALIFIED:
        raise ValidationError({"status": _("A disqualified lead cannot be converted.")})
    if current.version != version:
        raise VersionConflict(current.version)
    created = customer is None
    if customer is None:
        keys = DuplicateKeys.of(
            name=current.company or current.person, phone=current.phone, email=current.email
        )
        duplicates = find_duplicates([keys])[0]
        if duplicates and not allow_duplicate:
            raise _duplicate_error(duplicates)
        mode = (opportunity or {}).get("business_mode", "")
        customer = _new_customer(actor=actor, lead=current, business_mode=mode)
    elif not customer.source_channel:
        customer = customer_services.customer_update(
            actor=actor,
            customer=customer,
            version=customer.version,
            source_channel=current.source.channel,
        )
    contact = _lead_contact(actor=actor, lead=current, customer=customer)
    deal = None
    if opportunity is not None:
        opportunity.setdefault("owner", customer.owner or current.owner)
        deal = opportunity_create(actor=actor, customer=customer, lead=current, **opportunity)
    _move_follow_ups(lead=current, customer=customer)
    before = _state(current)
    current.status = LeadStatus.CONVERTED
    current.customer, current.contact = customer, contact
    current.converted_at = timezone.now()
    save_versioned(
        current,
        expected_version=version,
        fields=["status", "customer", "contact", "converted_at"],
    )
    Change.objects.filter(
        target_type=ContentType.objects.get_for_model(Lead), target_id=current.pk
    ).update(customer_id=customer.pk)
    record_update(
        actor=actor,
        target=current,
        before=before,
        after=_state(current),
        customer_id=customer.pk,
        notes={"customer": [None, customer.name]},
    )
    lead.refresh_from_db()
    customer.refresh_from_db()
    return Conversion(customer, contact, deal, created)


def _move_follow_ups(*, lead: Lead, customer: Customer) -> None:
    """The lead's follow-ups join the customer's timeline (they stay on the lead too)."""
    customer_services.activities_join_customer(record=lead, customer=customer)
    if lead.last_activity_at is not None:
        Customer.objects.filter(pk=customer.pk).filter(
            Q(last_activity_at__isnull=True) | Q(last_activity_at__lt=lead.last_activity_at)
        ).update(last_activity_at=lead.last_activity_at)
