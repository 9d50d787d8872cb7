"""Payments received against orders: never more than the order still owes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from kehu.core.history import ChangeAction, actor_or_none, change_record
from kehu.orders.models import RECEIVABLE_STATUSES, Order, OrderStatus, Payment, PaymentMethod


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
    # The condition keeps two payments recorded at once from together paying too much.
    applied = Order.objects.filter(pk=current.pk, paid__lte=F("total") - amount).update(
        paid=F("paid") + amount
    )
    if not applied:
        raise ValidationError(
            {
                "amount": _("%(amount)s is more than the %(owed)s %(currency)s still owed.")
                % {
                    "amount": number_format(amount, 2, force_grouping=True),
                    "owed": number_format(current.outstanding, 2, force_grouping=True),
                    "currency": current.currency,
                }
            }
        )
    payment.save()
    change_record(
        actor=actor,
        target=current,
        action=ChangeAction.UPDATE,
        changes={"paid": [str(current.paid), str(current.paid + amount)]},
        customer_id=current.customer_id,
    )
    order.paid = current.paid + amount
    return payment
