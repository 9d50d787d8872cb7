"""Reads of the orders app. Quotes, orders, payments and approvals are visible exactly when
their customer is: every queryset here filters through the customers' selector."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import (
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from kehu.core.models import User
from kehu.customers.models import Customer, CustomerKind
from kehu.customers.selectors import customer_queryset
from kehu.orders.models import (
    RECEIVABLE_STATUSES,
    ZERO,
    CreditApproval,
    CustomerGroup,
    Order,
    Payment,
    Product,
    Quote,
)

_MONEY = DecimalField(max_digits=16, decimal_places=2)
_CENT = Decimal("0.01")


def _outstanding() -> ExpressionWrapper:
    return ExpressionWrapper(F("total") - F("paid"), output_field=_MONEY)


def _cents(value: Any) -> Decimal:
    # SQLite hands sums back without their scale; money always shows two decimals.
    return Decimal(value).quantize(_CENT)


def product_list(*, active_only: bool = False, search: str = "") -> QuerySet[Product]:
    products = Product.objects.all()
    if active_only:
        products = products.filter(is_active=True)
    if search.strip():
        products = products.filter(Q(sku__icontains=search) | Q(name__icontains=search))
    return products


def product_get(*, pk: Any) -> Product:
    product = Product.objects.filter(pk=pk).first()
    if product is None:
        raise Http404(_("No such product."))
    return product


def customer_group_list() -> QuerySet[CustomerGroup]:
    return CustomerGroup.objects.all()


def customer_group_get(*, pk: Any) -> CustomerGroup:
    group = CustomerGroup.objects.filter(pk=pk).first()
    if group is None:
        raise Http404(_("No such customer group."))
    return group


def quote_queryset(*, user: Any) -> QuerySet[Quote]:
    """The quotes of the customers `user` may see."""
    return Quote.objects.select_related("customer", "created_by").visible_to(user)


def quote_get(*, user: Any, pk: Any) -> Quote:
    quote = quote_queryset(user=user).filter(pk=pk).first()
    if quote is None:
        raise Http404(_("No such quote."))
    return quote


def quote_versions(*, quote: Quote) -> QuerySet[Quote]:
    return Quote.objects.filter(family_id=quote.family_id).order_by("-revision")


def order_queryset(*, user: Any) -> QuerySet[Order]:
    """The orders of the customers `user` may see."""
    # The customers' scope on the order's own copy of their owner, which spares the join.
    return Order.objects.select_related("customer", "customer__owner", "dealer").visible_to(user)


def order_get(*, user: Any, pk: Any) -> Order:
    order = order_queryset(user=user).filter(pk=pk).first()
    if order is None:
        raise Http404(_("No such order."))
    return order


def order_list(*, user: Any, status: str = "", customer: Any = None) -> QuerySet[Order]:
    orders = order_queryset(user=user)
    if status:
        orders = orders.filter(status=status)
    if customer:
        orders = orders.filter(customer_id=customer)
    return orders


def payment_queryset(*, user: Any) -> QuerySet[Payment]:
    return Payment.objects.select_related("order", "order__customer", "recorded_by").visible_to(
        user
    )


def credit_approval_queryset(*, user: Any) -> QuerySet[CreditApproval]:
    return CreditApproval.objects.select_related(
        "order", "order__customer", "requested_by", "decided_by"
    ).visible_to(user)


def credit_approval_get(*, user: Any, pk: Any) -> CreditApproval:
    approval = credit_approval_queryset(user=user).filter(pk=pk).first()
    if approval is None:
        raise Http404(_("No such credit approval."))
    return approval


# Receivables ----------------------------------------------------------------------------

BUCKETS = ["not_due", "d0_30", "d31_60", "d61_90", "d90_plus"]


@dataclass(frozen=True)
class AgeingRow:
    key: Any
    label: str
    not_due: Decimal
    d0_30: Decimal
    d31_60: Decimal
    d61_90: Decimal
    d90_plus: Decimal
    total: Decimal
    overdue_orders: int


def receivable_orders(*, user: Any) -> QuerySet[Order]:
    """Confirmed orders of visible customers that still owe money."""
    return order_queryset(user=user).filter(status__in=RECEIVABLE_STATUSES, paid__lt=F("total"))


def _ageing_sums(today: date) -> dict[str, Any]:
    """Outstanding amount per ageing bucket (by days past the due date), in all, and the
    number of overdue orders."""
    outstanding = _outstanding()

    def days_ago(n: int) -> date:
        return today - timedelta(days=n)

    buckets = {
        "not_due": Q(due_date__gte=today),
        "d0_30": Q(due_date__lt=today, due_date__gte=days_ago(30)),
        "d31_60": Q(due_date__lt=days_ago(30), due_date__gte=days_ago(60)),
        "d61_90": Q(due_date__lt=days_ago(60), due_date__gte=days_ago(90)),
        "d90_plus": Q(due_date__lt=days_ago(90)),
    }
    sums: dict[str, Any] = {
        name: Coalesce(Sum(outstanding, filter=condition), Value(ZERO), output_field=_MONEY)
        for name, condition in buckets.items()
    }
    # Not named "total": that would hide the order's own total from the expressions after it.
    sums["outstanding"] = Sum(outstanding, output_field=_MONEY)
    sums["overdue_orders"] = Count("pk", filter=Q(due_date__lt=today))
    return sums


def _row(values: dict[str, Any], key: Any, label: str) -> AgeingRow:
    amounts: dict[str, Any] = {name: _cents(values[name] or 0) for name in BUCKETS}
    return AgeingRow(
        key=key,
        label=label,
        **amounts,
        total=_cents(values["outstanding"] or 0),
        overdue_orders=int(values["overdue_orders"] or 0),
    )


@dataclass(frozen=True)
class Ageing:
    rows: list[AgeingRow]
    totals: AgeingRow
    row_count: int  # customers (or salespeople) owing, on every page


def receivables_ageing(
    *,
    user: Any,
    by: str = "customer",
    today: date | None = None,
    limit: int = 50,
    offset: int = 0,
) -> Ageing:
    """Ageing buckets per customer (or per salesperson: `by="owner"`), largest balances first,
    `limit` rows from `offset`, and the totals of all, with the number of overdue orders in
    each.

    Four queries whatever the number of orders. Nearly every customer owing is a group of
    its own, and each sum costs the database something per group: the page's rows are
    chosen by their balance alone, and only they are split into buckets.
    """
    today = today or timezone.localdate()
    sums = _ageing_sums(today)
    orders = receivable_orders(user=user)
    # A customer's orders all carry its owner, so grouping by both is grouping by customer,
    # in the order of the index the orders are read from.
    grouping = ["customer_owner"] if by == "owner" else ["customer_owner", "customer"]
    key = grouping[-1]
    largest = list(
        orders.values(*grouping)
        .annotate(outstanding=sums["outstanding"])
        .order_by("-outstanding", key)
        .values_list(key, flat=True)[offset : offset + limit]
    )
    picked = Q(**{f"{key}__in": [pk for pk in largest if pk is not None]})
    if None in largest:  # the pool's customers, owned by nobody
        picked |= Q(**{f"{key}__isnull": True})
    split = {values[key]: values for values in orders.filter(picked).values(key).annotate(**sums)}
    if by == "owner":
        names = {u.pk: u.display_name for u in User.objects.filter(pk__in=largest)}
    else:
        names = dict(Customer.objects.filter(pk__in=largest).values_list("pk", "name"))
    rows = [_row(split[pk], pk, names.get(pk) or _("Pool")) for pk in largest]
    totals = orders.aggregate(**sums, row_count=Count(key, distinct=True))
    return Ageing(rows, _row(totals, None, _("Total")), totals["row_count"])


def overdue_orders(*, user: Any, today: date | None = None) -> QuerySet[Order]:
    today = today or timezone.localdate()
    return receivable_orders(user=user).filter(due_date__lt=today).order_by("due_date", "pk")


# Dealers --------------------------------------------------------------------------------


def dealer_get(*, user: Any, pk: Any) -> Customer:
    dealer = customer_queryset(user=user).filter(pk=pk, kind=CustomerKind.DEALER).first()
    if dealer is None:
        raise Http404(_("No such dealer."))
    return dealer


def dealer_orders(*, user: Any, dealer: Customer) -> QuerySet[Order]:
    return order_queryset(user=user).filter(dealer=dealer)


def dealer_sales_by_month(*, user: Any, dealer: Customer) -> list[Any]:
    """Confirmed sales through the dealer per month of confirmation, oldest first."""
    return list(
        dealer_orders(user=user, dealer=dealer)
        .filter(status__in=RECEIVABLE_STATUSES)
        .annotate(month=TruncMonth("confirmed_on"))
        .values("month")
        .annotate(total=Sum("total"))
        .order_by("month")
    )


def open_amount(orders: QuerySet[Order]) -> Decimal:
    """What the confirmed ones of `orders` still owe, in all."""
    result = orders.filter(status__in=RECEIVABLE_STATUSES).aggregate(
        open=Coalesce(Sum(_outstanding()), Value(ZERO), output_field=_MONEY)
    )
    return _cents(result["open"])


def dealer_open_receivables(*, user: Any, dealer: Customer) -> Decimal:
    return open_amount(dealer_orders(user=user, dealer=dealer))


def customer_recent_orders(*, user: Any, customer: Customer, limit: int = 5) -> list[Order]:
    return list(order_list(user=user, customer=customer.pk)[:limit])
