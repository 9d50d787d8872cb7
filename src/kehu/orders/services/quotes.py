"""Quotes: created with priced lines, revised into new versions, accepted into an order; the
open version's validity and notes edited in place."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kehu.core.exceptions import VersionConflict
from kehu.core.history import (
    actor_or_none,
    record_creation,
    record_update,
    recording_update,
    snapshot,
)
from kehu.core.locking import save_versioned
from kehu.core.models import User
from kehu.core.money import ZERO
from kehu.core.records import fields_assign
from kehu.customers.models import Customer
from kehu.orders.models import Order, Quote, QuoteLine, QuoteStatus
from kehu.orders.services._common import build_lines, check_opportunity

if TYPE_CHECKING:
    from kehu.sales.models import Opportunity

QUOTE_FIELDS = [
    "customer",
    "opportunity",
    "currency",
    "valid_until",
    "notes",
    "revision",
    "status",
    "total",
]
QUOTE_EDITABLE = ["valid_until", "notes"]


def _check_valid_until(valid_until: date | None) -> None:
    if valid_until is None:
        raise ValidationError({"valid_until": _("Say until when the quote is valid.")})


def _save_quote(
    *,
    actor: User | None,
    customer: Customer,
    valid_until: date,
    lines: Iterable[Mapping[str, Any]],
    notes: str,
    family: Quote | None,
    revision: int,
    opportunity: Opportunity | None,
) -> Quote:
    _check_valid_until(valid_until)
    check_opportunity(customer=customer, opportunity=opportunity)
    built = build_lines(
        QuoteLine, lines, actor=actor, customer=customer, currency=customer.currency
    )
    quote = Quote(
        family=family,
        revision=revision,
        customer=customer,
        opportunity=opportunity,
        currency=customer.currency,
        valid_until=valid_until,
        notes=notes,
        total=sum((line.line_total for line in built), start=ZERO),
        created_by=actor_or_none(actor),
    )
    quote.full_clean(exclude=["family"])
    quote.save()
    if family is None:
        quote.family = quote
        quote.save(update_fields=["family"])
    for line in built:
        line.quote = quote
    QuoteLine.objects.bulk_create(built)
    record_creation(actor=actor, target=quote, fields=QUOTE_FIELDS, customer_id=customer.pk)
    return quote


@transaction.atomic
def quote_create(
    *,
    actor: User | None,
    customer: Customer,
    valid_until: date,
    lines: Iterable[Mapping[str, Any]],
    notes: str = "",
    opportunity: Opportunity | None = None,
) -> Quote:
    """A first version; each line without a unit price starts from the customer's price."""
    return _save_quote(
        actor=actor,
        customer=customer,
        valid_until=valid_until,
        lines=lines,
        notes=notes,
        family=None,
        revision=1,
        opportunity=opportunity,
    )


@transaction.atomic
def quote_revise(
    *,
    actor: User | None,
    quote: Quote,
    valid_until: date,
    lines: Iterable[Mapping[str, Any]],
    notes: str = "",
) -> Quote:
    """Version n+1 of an open quote; the revised one stays readable, superseded."""
    superseded = Quote.objects.filter(pk=quote.pk, status=QuoteStatus.OPEN).update(
        status=QuoteStatus.SUPERSEDED
    )
    if not superseded:
        raise VersionConflict(
            message=_("Only the latest open version of a quote can be revised; this one is %(s)s.")
            % {"s": Quote.objects.get(pk=quote.pk).get_status_display()}
        )
    quote.status = QuoteStatus.SUPERSEDED
    return _save_quote(
        actor=actor,
        customer=quote.customer,
        valid_until=valid_until,
        lines=lines,
        notes=notes,
        family=quote.family,
        revision=quote.revision + 1,
        opportunity=quote.opportunity,
    )


@transaction.atomic
def quote_update(*, actor: User | None, quote: Quote, version: int, **fields: Any) -> Quote:
    """Change the validity or notes of an open quote read at `version`, in place.

    Its lines change only by revising it into a new version, which the customer can tell
    apart from the one they were sent. A stale version raises VersionConflict.
    """
    if "lines" in fields:
        raise ValidationError(
            {"lines": _("A quote's lines change by revising it into a new version (revise).")}
        )
    current = Quote.objects.select_for_update().get(pk=quote.pk)
    if not current.is_open:
        raise ValidationError(
            {
                "status": _(
                    "Only the latest open version of a quote can be changed; this one is %(s)s."
                )
                % {"s": current.get_status_display()}
            }
        )
    with recording_update(
        actor=actor, target=current, fields=QUOTE_EDITABLE, customer_id=current.customer_id
    ):
        fields_assign(current, fields, QUOTE_EDITABLE, actor=actor)
        _check_valid_until(current.valid_until)
        current.full_clean(exclude=["family"])
        save_versioned(current, expected_version=version, fields=QUOTE_EDITABLE)
    return current


@transaction.atomic
def quote_accept(*, actor: User | None, quote: Quote, today: date | None = None) -> Order:
    """Turn the latest, unexpired version into a draft order with the same lines."""
    from kehu.orders.services.orders import order_create

    today = today or timezone.localdate()
    current = Quote.objects.select_for_update().get(pk=quote.pk)
    if current.status == QuoteStatus.SUPERSEDED:
        raise ValidationError({"status": _("Only the latest version of a quote can be accepted.")})
    if current.status == QuoteStatus.ACCEPTED:
        raise VersionConflict(message=_("This quote has already been accepted."))
    if current.valid_until < today:
        raise ValidationError(
            {
                "valid_until": _("This quote expired on %(date)s and can no longer be accepted.")
                % {"date": current.valid_until.isoformat()}
            }
        )
    accepted = Quote.objects.filter(pk=quote.pk, status=QuoteStatus.OPEN).update(
        status=QuoteStatus.ACCEPTED
    )
    if not accepted:
        raise VersionConflict(message=_("This quote has already been accepted."))
    before = snapshot(current, ["status"])
    quote.status = QuoteStatus.ACCEPTED
    record_update(
        actor=actor,
        target=quote,
        before=before,
        after=snapshot(quote, ["status"]),
        customer_id=quote.customer_id,
    )
    rows = [
        {
            "product": line.product,
            "quantity": line.quantity,
            "unit_price": line.unit_price,
            "discount_percent": line.discount_percent,
        }
        for line in quote.lines.select_related("product")
    ]
    return order_create(
        actor=actor,
        customer=quote.customer,
        lines=rows,
        notes=quote.notes,
        quote=quote,
        opportunity=quote.opportunity,
    )
