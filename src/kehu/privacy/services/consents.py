"""Writes to the consent ledger: granting and withdrawing, each in the customer's history."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kehu.core.history import actor_or_none, change_record
from kehu.core.models import User
from kehu.customers.models import Contact, Customer
from kehu.privacy.models import Consent, PrivacyAction


@transaction.atomic
def consent_grant(
    *,
    actor: User | None,
    customer: Customer,
    contact: Contact | None = None,
    purpose: str,
    channel: str,
    wording_version: str,
) -> Consent:
    """Record that the customer (or its contact) agreed to `purpose`, through `channel`, on
    the wording of `wording_version`."""
    if contact is not None and contact.customer_id != customer.pk:
        raise ValidationError({"contact": _("This contact belongs to another customer.")})
    consent = Consent(
        customer=customer,
        contact=contact,
        purpose=purpose,
        channel=channel,
        wording_version=wording_version.strip(),
        granted_by=actor_or_none(actor),
    )
    consent.full_clean(exclude=["customer", "contact", "granted_by"])
    try:
        with transaction.atomic():
            consent.save()
    except IntegrityError:
        raise ValidationError(
            {"purpose": _("This person has already consented to this purpose.")}
        ) from None
    change_record(
        actor=actor,
        target=consent,
        action=PrivacyAction.CONSENT_GRANT,
        changes={
            "purpose": [None, consent.purpose],
            "channel": [None, consent.channel],
            "wording_version": [None, consent.wording_version],
        },
        customer_id=customer.pk,
    )
    return consent


@transaction.atomic
def consent_withdraw(*, actor: User | None, consent: Consent) -> Consent:
    """End a standing consent; the row stays, so the grant is still on the ledger."""
    if not consent.is_standing:
        raise ValidationError({"consent": _("This consent has already been withdrawn.")})
    consent.withdrawn_at = timezone.now()
    consent.withdrawn_by = actor_or_none(actor)
    consent.save(update_fields=["withdrawn_at", "withdrawn_by"])
    change_record(
        actor=actor,
        target=consent,
        action=PrivacyAction.CONSENT_WITHDRAW,
        changes={"purpose": [consent.purpose, None]},
        customer_id=consent.customer_id,
    )
    return consent
