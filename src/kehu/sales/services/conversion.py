"""Converting a lead into a customer, a contact and an opportunity."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kehu.core.exceptions import VersionConflict
from kehu.core.history import actor_or_none, record_update
from kehu.core.locking import save_versioned
from kehu.core.models import Change, User
from kehu.customers import services as customer_services
from kehu.customers.dedup import candidates_as_seen, duplicates_of
from kehu.customers.models import Contact, Customer, CustomerKind
from kehu.sales.models import Lead, LeadStatus, Opportunity
from kehu.sales.services.leads import lead_state, refuse_converted
from kehu.sales.services.opportunities import opportunity_create

# What a conversion makes beyond the lead, and the permission each needs.
ADD_CUSTOMER = "customers.add_customer"
ADD_OPPORTUNITY = "sales.add_opportunity"


@dataclass(frozen=True)
class Conversion:
    customer: Customer
    contact: Contact
    opportunity: Opportunity | None
    customer_created: bool


def _duplicate_error(duplicates: list[Customer], actor: User | None) -> ValidationError:
    seen = candidates_as_seen(duplicates, user=actor)
    names = [str(c.name) for c in seen if c.visible][:5]
    hidden = sum(not c.visible for c in seen)
    if hidden:
        names.append(_("%(count)d you cannot see") % {"count": hidden})
    return ValidationError(
        {
            "customer": _(
                "A customer like this already exists: %(names)s. Link the lead to it, or "
                "confirm that it is a different customer."
            )
            % {"names": "、".join(names)}
        }
    )


def _check_allowed(actor: User | None, *, new_customer: bool, opportunity: bool) -> None:
    """A conversion makes a customer and an opportunity as their own pages would: the actor
    needs the permission to add each that it makes (Kehu itself may make both)."""
    if actor is None:
        return
    if new_customer and not actor.has_perm(ADD_CUSTOMER):
        raise PermissionDenied(_("Your role may not add customers: link the lead to one."))
    if opportunity and not actor.has_perm(ADD_OPPORTUNITY):
        raise PermissionDenied(_("Your role may not add opportunities."))


def _new_customer(*, actor: User | None, lead: Lead, business_mode: str = "") -> Customer:
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


def _lead_contact(*, actor: User | None, lead: Lead, customer: Customer) -> Contact:
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
    actor: User | None,
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
    _check_allowed(actor, new_customer=customer is None, opportunity=opportunity is not None)
    # Locks the lead row alone: a second conversion waits here, then finds it converted.
    current = (
        Lead.objects.select_for_update(of=("self",))
        .select_related("source", "owner")
        .get(pk=lead.pk)
    )
    refuse_converted(current)
    if current.status == LeadStatus.DISQUALIFIED:
        raise ValidationError({"status": _("A disqualified lead cannot be converted.")})
    if current.version != version:
        raise VersionConflict(current.version)
    created = customer is None
    if customer is None:
        duplicates = duplicates_of(
            name=current.company or current.person, phone=current.phone, email=current.email
        )
        if duplicates and not allow_duplicate:
            raise _duplicate_error(duplicates, actor)
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
    before = lead_state(current)
    current.status = LeadStatus.CONVERTED
    current.customer, current.contact = customer, contact
    current.converted_at = timezone.now()
    save_versioned(
        current,
        expected_version=version,
        fields=["status", "customer", "contact", "converted_at"],
    )
    # The lead's history joins the customer's timeline, as its follow-ups do.
    Change.objects.filter(
        target_type=ContentType.objects.get_for_model(Lead), target_id=current.pk
    ).update(customer_id=customer.pk)
    record_update(
        actor=actor,
        target=current,
        before=before,
        after=lead_state(current),
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
