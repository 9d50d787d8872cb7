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
from kehu.core.models import User
from kehu.core.money import money_text
from kehu.core.records import fields_assign
from kehu.orders.models import Order, OrderStatus, Payment, PaymentMethod
from kehu.orders.services._common import ADD_PAYMENT, require_permission

PAYMENT_FIELDS = ["received_on", "amount", "method", "reference"]


def _require_finance(actor: User | None) -> None:
    # Payments are the books: whoever records them keeps them, whichever path they take.
    require_permission(actor, ADD_PAYMENT, _("Only finance may record and correct payments."))


def paid_changes(paid: Decimal, amount: Decimal) -> dict[str, list[Any]]:
    """What the order's history keeps of a payment of `amount` on top of `paid`."""
    return {"paid": [str(paid), str(paid + amount)]}


def _pay(*, actor: User | None, order: Order, amount: Decimal) -> bool:
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
        changes=paid_changes(order.paid, amount),
        customer_id=order.customer_id,
    )
    return True


@transaction.atomic
def payment_create(
    *,
    actor: User | None,
    order: Order,
    amount: Decimal,
    received_on: date,
    method: str = PaymentMethod.BANK_TRANSFER,
    reference: str = "",
) -> Payment:
    _require_finance(actor)
    current = Order.objects.select_for_update().get(pk=order.pk)
    if not current.is_receivable:
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
def payment_update(*, actor: User | None, payment: Payment, version: int, **fields: Any) -> Payment:
    """Correct a payment read at `version`: its date, method, reference or amount.

    A new amount moves the order's paid amount by the difference, and may not take it past
    the order's total. A stale version raises VersionConflict.
    """
    _require_finance(actor)
    order = Order.objects.select_for_update().get(pk=payment.order_id)
    current = Payment.objects.get(pk=payment.pk)
    before = snapshot(current, PAYMENT_FIELDS)
    fields_assign(current, fields, PAYMENT_FIELDS, actor=actor)
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
