"""Payments received against orders, and their corrections: never more than the order owes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from kehu.core.history import ChangeAction, actor_or_none, change_record, record_update, snapshot
from kehu.core.locking import save_versioned
from kehu.core.money import money_text
from kehu.orders.models import RECEIVABLE_STATUSES, Order, OrderStatus, Payment, PaymentMethod
from kehu.orders.services._common import assign

PAYMENT_FIELDS = ["received_on", "amount", "method", "reference"]


def _pay(*, actor: Any, order: Order, amount: Decimal) -> bool:
    """Move the order's paid amount by `amount` unless that would pay more than its total.

    The condition in the UPDATE keeps two payments recorded at once from together paying
    too much.
    """
    applied = Order.objects.filter(pk=order.pk, paid__lte=F("total") - amount).update(
        paid=F("paid") + amount
    )
    if not applied:
        return False
    change_record(
        actor=actor,
        target=order,
        action=ChangeAction.UPDATE,
        changes={"paid": [str(order.paid), str(order.paid + amount)]},
        customer_id=order.customer_id,
    )
    return True


@transaction.atomic
def payment_create(
    *,
    actor: Any,
    order: Order,
    amount: Decimal,
    received_on: date,
    method: str = PaymentMethod.BANK_TRANSFER,
    reference: str = "",
) -> Payment:
    current = Order.objects.select_for_update().get(pk=order.pk)
    if current.status not in RECEIVABLE_STATUSES:
        raise ValidationError(
            {
                "order": _("An order that is %(s)s takes no payments.")
                % {"s": OrderStatus(current.status).label}
            }
        )
    payment = Payment(
        order=current,
        amount=amount,
        received_on=received_on,
        method=method,
        reference=reference,
        recorded_by=actor_or_none(actor),
    )
    payment.full_clean()
    if not _pay(actor=actor, order=current, amount=amount):
        raise ValidationError(
            {
                "amount": _("%(amount)s is more than the %(owed)s %(currency)s still owed.")
                % {
                    "amount": money_text(amount),
                    "owed": money_text(current.outstanding),
                    "currency": current.currency,
                }
            }
        )
    payment.save()
    order.paid = current.paid + amount
    return payment


@transaction.atomic
def payment_update(*, actor: Any, payment: Payment, version: int, **fields: Any) -> Payment:
    """Correct a payment read at `version`: its date, method, reference or amount.

    A new amount moves the order's paid amount by the difference, and may not take it past
    the order's total. A stale version raises VersionConflict.
    """
    order = Order.objects.select_for_update().get(pk=payment.order_id)
    current = Payment.objects.get(pk=payment.pk)
    before = snapshot(current, PAYMENT_FIELDS)
    assign(current, fields, PAYMENT_FIELDS)
    current.full_clean()
    save_versioned(current, expected_version=version, fields=PAYMENT_FIELDS)
    difference = Decimal(current.amount) - Decimal(before["amount"])
    if difference and not _pay(actor=actor, order=order, amount=difference):
        raise ValidationError(
            {
                "amount": _(
                    "%(amount)s would pay %(more)s more, but only %(owed)s %(currency)s "
                    "is still owed."
                )
                % {
                    "amount": money_text(current.amount),
                    "more": money_text(difference),
                    "owed": money_text(order.outstanding),
                    "currency": order.currency,
                }
            }
        )
    record_update(
        actor=actor,
        target=current,
        before=before,
        after=snapshot(current, PAYMENT_FIELDS),
        customer_id=order.customer_id,
    )
    return current
