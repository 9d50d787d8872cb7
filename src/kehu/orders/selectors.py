"""Reads of the orders app. Quotes, orders, payments and approvals are visible exactly when
their customer is: every queryset here filters through the customers' selector."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import (
    Case,
    DecimalField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
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


def _of_visible_customers(queryset: QuerySet[Any], user: Any, path: str = "customer") -> Any:
    visible = customer_queryset(user=user)
    # Someone who sees every customer needs no filter: joining a million customers only to
    # keep them all would cost more than the rest of the query.
    if not visible.query.has_filters():
        return queryset
    return queryset.filter(**{f"{path}__in": visible})


def quote_queryset(*, user: Any) -> QuerySet[Quote]:
    """The quotes of the customers `user` may see."""
    return _of_visible_customers(Quote.objects.select_related("customer", "created_by"), user)


def quote_get(*, user: Any, pk: Any) -> Quote:
    quote = quote_queryset(user=user).filter(pk=pk).first()
    if quote is None:
        raise Http404(_("No such quote."))
    return quote


def quote_versions(*, quote: Quote) -> QuerySet[Quote]:
    return Quote.objects.filter(family_id=quote.family_id).order_by("-revision")


def order_queryset(*, user: Any) -> QuerySet[Order]:
    """The orders of the customers `user` may see."""
    return _of_visible_customers(
        Order.objects.select_related("customer", "customer__owner", "dealer"), user
    )


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
    return _of_visible_customers(
        Payment.objects.select_related("order", "order__customer", "recorded_by"),
        user,
        "order__customer",
    )


def credit_approval_queryset(*, user: Any) -> QuerySet[CreditApproval]:
    return _of_visible_customers(
        CreditApproval.objects.select_related(
            "order", "order__customer", "requested_by", "decided_by"
        ),
        user,
        "order__customer",
    )


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


def receivable_orders(*, user: Any) -> QuerySet[Order]:
    """Confirmed orders of visible customers that still owe money."""
    return order_queryset(user=user).filter(status__in=RECEIVABLE_STATUSES, paid__lt=F("total"))


def _bucket_sums(today: date) -> dict[str, Any]:
    """Sum of outstanding amounts per ageing bucket, by days past the due date."""
    outstanding = ExpressionWrapper(F("total") - F("paid"), output_field=_MONEY)

    def bucket(condition: Q) -> Any:
        return Coalesce(
            Sum(Case(When(condition, then=outstanding), default=Value(ZERO), output_field=_MONEY)),
            Value(ZERO),
            output_field=_MONEY,
        )

    def days_ago(n: int) -> date:
        return today - timedelta(days=n)

    return {
        "not_due": bucket(Q(due_date__gte=today)),
        "d0_30": bucket(Q(due_date__lt=today, due_date__gte=days_ago(30))),
        "d31_60": bucket(Q(due_date__lt=days_ago(30), due_date__gte=days_ago(60))),
        "d61_90": bucket(Q(due_date__lt=days_ago(60), due_date__gte=days_ago(90))),
        "d90_plus": bucket(Q(due_date__lt=days_ago(90))),
        "total": Coalesce(Sum(outstanding), Value(ZERO), output_field=_MONEY),
    }


def _row(values: dict[str, Any], key: Any, label: str) -> AgeingRow:
    return AgeingRow(key, label, *(_cents(values[b]) for b in [*BUCKETS, "total"]))


def receivables_ageing(
    *, user: Any, by: str = "customer", today: date | None = None, limit: int = 200
) -> tuple[list[AgeingRow], AgeingRow]:
    """Ageing buckets per customer (or per salesperson: `by="owner"`) and their totals.

    Two GROUP BY queries over the open orders whatever their number, and one more for the
    names of the `limit` largest balances shown.
    """
    today = today or timezone.localdate()
    sums = _bucket_sums(today)
    orders = receivable_orders(user=user)
    key = "customer__owner" if by == "owner" else "customer"
    grouped = list(orders.values(key).annotate(**sums).order_by("-total", key)[:limit])
    ids = [values[key] for values in grouped]
    if by == "owner":
        names = {u.pk: u.display_name for u in User.objects.filter(pk__in=ids)}
    else:
        names = dict(Customer.objects.filter(pk__in=ids).values_list("pk", "name"))
    rows = [_row(v, v[key], names.get(v[key]) or _("Pool")) for v in grouped]
    totals = _row(orders.aggregate(**sums), None, _("Total"))
    return rows, totals


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


def dealer_open_receivables(*, user: Any, dealer: Customer) -> Decimal:
    outstanding = ExpressionWrapper(F("total") - F("paid"), output_field=_MONEY)
    result = (
        dealer_orders(user=user, dealer=dealer)
        .filter(status__in=RECEIVABLE_STATUSES)
        .aggregate(open=Coalesce(Sum(outstanding), Value(ZERO), output_field=_MONEY))
    )
    return _cents(result["open"])


def customer_recent_orders(*, user: Any, customer: Customer, limit: int = 5) -> list[Order]:
    return list(order_list(user=user, customer=customer.pk)[:limit])
