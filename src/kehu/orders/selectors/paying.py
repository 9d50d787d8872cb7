"""Reads of what customers paid and owe, for credit: the orders that are purchases, each
customer's paying record, and the company's credit policy."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import F, Min, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from kehu.core.models import User
from kehu.core.money import ZERO, cents
from kehu.orders.models import RECEIVABLE_STATUSES, CreditPolicy, Order, Payment
from kehu.orders.selectors import _MONEY, _outstanding, order_queryset


def purchase_orders(*, user: User | None = None) -> QuerySet[Order]:
    """The orders that are purchases: confirmed and not cancelled, whatever became of their
    delivery and payment since; all of them, or those `user` may see."""
    orders = Order.objects.all() if user is None else order_queryset(user=user)
    return orders.filter(status__in=RECEIVABLE_STATUSES)


@dataclass(frozen=True)
class PayingRecord:
    """How a customer has paid, as of a day: of the money that fell due before it, how much
    was paid by its due date; what is owed, and how much of that is past due, since when."""

    customer_id: int
    fell_due: Decimal
    paid_on_time: Decimal
    outstanding: Decimal
    overdue: Decimal
    oldest_due_date: date | None  # of an order still owing past its due date


def paying_records(*, today: date | None = None) -> list[PayingRecord]:
    """The paying record of every customer with a confirmed order, in two grouped queries.

    Past due means what the receivables ageing counts as overdue: owed after the due date.
    A payment is on time when received on or before its order's due date.
    """
    today = today or timezone.localdate()
    orders = purchase_orders()
    on_time = dict(
        Payment.objects.filter(
            order__in=orders,
            order__due_date__lt=today,
            received_on__lte=F("order__due_date"),
        )
        .values("order__customer")
        .annotate(amount=Sum("amount"))
        .values_list("order__customer", "amount")
    )
    outstanding = _outstanding()
    past_due = Q(due_date__lt=today, paid__lt=F("total"))
    totals = (
        orders.values("customer")
        .annotate(
            fell_due=Coalesce(
                Sum("total", filter=Q(due_date__lt=today)), Value(ZERO), output_field=_MONEY
            ),
            owed=Sum(outstanding, output_field=_MONEY),
            overdue=Coalesce(Sum(outstanding, filter=past_due), Value(ZERO), output_field=_MONEY),
            oldest_due_date=Min("due_date", filter=past_due),
        )
        .order_by("customer")
    )
    return [
        PayingRecord(
            customer_id=row["customer"],
            fell_due=cents(row["fell_due"]),
            paid_on_time=cents(on_time.get(row["customer"], ZERO)),
            outstanding=cents(row["owed"]),
            overdue=cents(row["overdue"]),
            oldest_due_date=row["oldest_due_date"],
        )
        for row in totals
    ]


def credit_policy() -> CreditPolicy:
    """The company's credit policy; the default (no check without a limit) until finance
    sets one."""
    return CreditPolicy.objects.filter(pk=1).first() or CreditPolicy(pk=1)
