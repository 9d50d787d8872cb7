"""Receivables and their ageing, read from the summaries the database keeps as orders are
written (models.receivables): their cost follows the number of salespeople and due dates,
and the page's rows, not the number of open orders."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from kehu.core.models import User
from kehu.core.money import cents
from kehu.orders.models import RECEIVABLE_STATUSES, CustomerBalance, Order, ReceivableDay
from kehu.orders.selectors import _outstanding, order_queryset

BUCKETS = ["not_due", "d0_30", "d31_60", "d61_90", "d90_plus"]
_HUNDRED = Decimal(100)


@dataclass(frozen=True)
class AgeingRow:
    key: int | None
    label: str
    not_due: Decimal
    d0_30: Decimal
    d31_60: Decimal
    d61_90: Decimal
    d90_plus: Decimal
    total: Decimal
    overdue_orders: int


@dataclass(frozen=True)
class Ageing:
    rows: list[AgeingRow]
    totals: AgeingRow
    row_count: int  # customers (or salespeople) owing, on every page


def receivable_orders(*, user: User) -> QuerySet[Order]:
    """Confirmed orders of visible customers that still owe money."""
    return order_queryset(user=user).filter(status__in=RECEIVABLE_STATUSES, paid__lt=F("total"))


def _bucket_conditions(today: date) -> dict[str, Q]:
    """Each ageing bucket's due dates: by days past due on `today`."""

    def days_ago(n: int) -> date:
        return today - timedelta(days=n)

    return {
        "not_due": Q(due_date__gte=today),
        "d0_30": Q(due_date__lt=today, due_date__gte=days_ago(30)),
        "d31_60": Q(due_date__lt=days_ago(30), due_date__gte=days_ago(60)),
        "d61_90": Q(due_date__lt=days_ago(60), due_date__gte=days_ago(90)),
        "d90_plus": Q(due_date__lt=days_ago(90)),
    }


def _sums(today: date, *, amount: Any, orders: Any) -> dict[str, Any]:
    """The buckets' sums of `amount`, the whole `outstanding`, and the `overdue_orders`
    (`orders` counts or sums them), over rows that carry a due date."""
    sums: dict[str, Any] = {
        name: Sum(amount, filter=condition) for name, condition in _bucket_conditions(today).items()
    }
    sums["outstanding"] = Sum(amount)
    sums["overdue_orders"] = orders(filter=Q(due_date__lt=today))
    return sums


def _row(values: Mapping[str, Any], key: int | None, label: str, *, in_cents: bool) -> AgeingRow:
    def money(name: str) -> Decimal:
        value = values.get(name) or 0
        return cents(Decimal(value) / _HUNDRED if in_cents else value)

    amounts: dict[str, Any] = {name: money(name) for name in BUCKETS}
    return AgeingRow(
        key=key,
        label=label,
        **amounts,
        total=money("outstanding"),
        overdue_orders=int(values.get("overdue_orders") or 0),
    )


def receivables_ageing(
    *,
    user: User,
    by: str = "customer",
    today: date | None = None,
    limit: int = 50,
    offset: int = 0,
) -> Ageing:
    """Ageing buckets per customer (or per salesperson: `by="owner"`), largest balances first,
    `limit` rows from `offset`, and the totals of all, with the number of overdue orders in
    each.

    The totals and the salespeople's rows come from the sums per salesperson and due date;
    the customers are ranked by their balances' index, and only the page's customers' orders
    are read, to split them into buckets.
    """
    today = today or timezone.localdate()
    days = ReceivableDay.objects.visible_to(user)
    day_sums = _sums(today, amount=F("outstanding_cents"), orders=lambda **kw: Sum("orders", **kw))
    totals = days.aggregate(**day_sums)
    if by == "owner":
        per_owner = list(
            days.values("owner")
            .annotate(**day_sums)
            .order_by(F("outstanding").desc(), "owner")[offset : offset + limit]
        )
        names = {
            u.pk: u.display_name
            for u in User.objects.filter(pk__in=[v["owner"] for v in per_owner])
        }
        rows = [
            _row(v, v["owner"], names.get(v["owner"]) or _("Pool"), in_cents=True)
            for v in per_owner
        ]
        count = days.exclude(owner=None).aggregate(n=Count("owner", distinct=True))["n"]
    else:
        balances = CustomerBalance.objects.visible_to(user)
        largest = list(
            balances.order_by("-outstanding_cents", "customer").values_list("customer", flat=True)[
                offset : offset + limit
            ]
        )
        split: dict[int, dict[str, Any]] = {
            v["customer"]: dict(v)
            for v in receivable_orders(user=user)
            .filter(customer__in=largest)
            .order_by()
            .values("customer", "customer__name")
            .annotate(**_sums(today, amount=_outstanding(), orders=lambda **kw: Count("pk", **kw)))
        }
        # A customer paid up since its balance was read has no row left to split.
        found = [split.get(pk, {}) for pk in largest]
        rows = [
            _row(values, pk, values.get("customer__name", ""), in_cents=False)
            for pk, values in zip(largest, found, strict=True)
        ]
        count = balances.count()
    return Ageing(rows, _row(totals, None, _("Total"), in_cents=True), count)


def overdue_orders(*, user: User, today: date | None = None) -> QuerySet[Order]:
    today = today or timezone.localdate()
    return receivable_orders(user=user).filter(due_date__lt=today).order_by("due_date", "pk")
