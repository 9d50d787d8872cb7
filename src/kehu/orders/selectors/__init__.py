"""Reads of the orders app. Quotes, orders, payments and approvals are visible exactly when
their customer is (each model's `visibility`): every queryset of them here is read through
`visible_to(user)`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TypedDict

from django.db.models import (
    DecimalField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, TruncMonth

from kehu.core.models import User
from kehu.core.money import ZERO, cents
from kehu.customers.models import Customer, CustomerKind
from kehu.customers.selectors import customer_queryset
from kehu.orders.models import (
    DEFAULT_PAYMENT_TERMS_DAYS,
    RECEIVABLE_STATUSES,
    ApprovalStatus,
    CreditApproval,
    CustomerGroup,
    Delivery,
    GroupMembership,
    Order,
    OrderLine,
    OrderStatusChange,
    Payment,
    PriceListItem,
    Product,
    Quote,
    QuoteLine,
)

_MONEY = DecimalField(max_digits=16, decimal_places=2)


def _outstanding() -> ExpressionWrapper:
    return ExpressionWrapper(F("total") - F("paid"), output_field=_MONEY)


def product_list(*, active_only: bool = False, search: str = "") -> QuerySet[Product]:
    products = Product.objects.all()
    if active_only:
        products = products.filter(is_active=True)
    if search.strip():
        products = products.filter(Q(sku__icontains=search) | Q(name__icontains=search))
    return products


def products_by_id(ids: Iterable[str | int]) -> dict[int, Product]:
    return Product.objects.in_bulk(ids)


def customer_group_list() -> QuerySet[CustomerGroup]:
    return CustomerGroup.objects.all()


def group_members(*, user: User, group: CustomerGroup) -> QuerySet[Customer]:
    """The customers of the group that `user` may see, by name."""
    return customer_queryset(user=user).filter(group_membership__group=group).order_by("name")


def group_prices(*, group: CustomerGroup) -> list[tuple[Product, Decimal | None]]:
    """Each product on sale with the group's price for it, None where it has none."""
    prices = dict(group.prices.values_list("product_id", "price"))
    return [(product, prices.get(product.pk)) for product in product_list(active_only=True)]


@dataclass(frozen=True)
class BuyingTerms:
    """What a customer's orders start from: its group's payment terms and prices."""

    payment_terms_days: int = DEFAULT_PAYMENT_TERMS_DAYS
    prices: Mapping[int, Decimal] = field(default_factory=dict)

    def price(self, product: Product) -> Decimal:
        return self.prices.get(product.pk, product.list_price)


def buying_terms() -> dict[int, BuyingTerms]:
    """The terms of every customer in a group, by customer id, read at once (for many
    orders at a time); a customer in no group buys on `BuyingTerms()`."""
    prices: dict[int, dict[int, Decimal]] = {}
    for group_id, product_id, price in PriceListItem.objects.values_list(
        "group_id", "product_id", "price"
    ):
        prices.setdefault(group_id, {})[product_id] = price
    memberships = GroupMembership.objects.values_list(
        "customer_id", "group_id", "group__payment_terms_days"
    )
    return {
        customer_id: BuyingTerms(terms, prices.get(group_id, {}))
        for customer_id, group_id, terms in memberships
    }


def quote_queryset(*, user: User) -> QuerySet[Quote]:
    """The quotes of the customers `user` may see."""
    return Quote.objects.select_related("customer", "created_by").visible_to(user)


def quote_list(*, user: User, status: str = "") -> QuerySet[Quote]:
    quotes = quote_queryset(user=user)
    return quotes.filter(status=status) if status else quotes


def quote_versions(*, quote: Quote) -> QuerySet[Quote]:
    return Quote.objects.filter(family_id=quote.family_id).order_by("-revision")


def quote_order(*, quote: Quote) -> Order | None:
    """The order the quote was accepted into, if it was."""
    return Order.objects.filter(quote=quote).first()


def document_lines(document: Quote | Order) -> QuerySet[QuoteLine] | QuerySet[OrderLine]:
    """A quote's or an order's lines with their products, in their order."""
    return document.lines.select_related("product")


def order_queryset(*, user: User) -> QuerySet[Order]:
    """The orders of the customers `user` may see."""
    # The customers' scope on the order's own copy of their owner, which spares the join.
    return Order.objects.select_related("customer", "customer__owner", "dealer").visible_to(user)


def order_list(
    *, user: User, status: str = "", customer: Customer | None = None
) -> QuerySet[Order]:
    orders = order_queryset(user=user)
    if status:
        orders = orders.filter(status=status)
    if customer is not None:
        orders = orders.filter(customer=customer)
    return orders


def order_line_queryset(*, user: User) -> QuerySet[OrderLine]:
    return OrderLine.objects.select_related("product").visible_to(user)


def order_lines_shipped(*, order: Order) -> list[OrderLine]:
    """The order's lines, each with `shipped`: how much of it its deliveries carried."""
    lines = list(order.lines.select_related("product").prefetch_related("delivery_lines"))
    for line in lines:
        line.shipped = sum((d.quantity for d in line.delivery_lines.all()), start=ZERO)  # type: ignore[attr-defined]
    return lines


def order_timeline(*, order: Order) -> QuerySet[OrderStatusChange]:
    return order.status_changes.select_related("actor")


def order_deliveries(*, order: Order, with_products: bool = True) -> QuerySet[Delivery]:
    """The order's deliveries with their lines (and the products of those, to show them)."""
    return order.deliveries.prefetch_related(
        "lines__order_line__product" if with_products else "lines"
    )


def order_payments(*, order: Order) -> QuerySet[Payment]:
    return order.payments.select_related("recorded_by")


def order_approvals(*, order: Order) -> QuerySet[CreditApproval]:
    """The order's credit approvals, the latest first."""
    return order.credit_approvals.select_related("requested_by", "decided_by")


def payment_queryset(*, user: User) -> QuerySet[Payment]:
    return Payment.objects.select_related("order", "order__customer", "recorded_by").visible_to(
        user
    )


def credit_approval_queryset(*, user: User) -> QuerySet[CreditApproval]:
    return CreditApproval.objects.select_related(
        "order", "order__customer", "requested_by", "decided_by"
    ).visible_to(user)


def credit_approvals_pending(*, user: User) -> QuerySet[CreditApproval]:
    return credit_approval_queryset(user=user).filter(status=ApprovalStatus.PENDING)


def credit_approvals_decided(*, user: User, limit: int = 50) -> QuerySet[CreditApproval]:
    return credit_approval_queryset(user=user).exclude(status=ApprovalStatus.PENDING)[:limit]


# Dealers --------------------------------------------------------------------------------


def dealer_queryset(*, user: User) -> QuerySet[Customer]:
    """The dealers `user` may see."""
    return customer_queryset(user=user).filter(kind=CustomerKind.DEALER)


def dealer_end_customers(*, user: User, dealer: Customer, limit: int = 200) -> QuerySet[Customer]:
    """The visible customers who buy through the dealer, by name."""
    return customer_queryset(user=user).filter(dealer=dealer).order_by("name")[:limit]


def dealer_orders(*, user: User, dealer: Customer) -> QuerySet[Order]:
    return order_queryset(user=user).filter(dealer=dealer)


class MonthSales(TypedDict):
    month: date | None
    total: Decimal


def dealer_sales_by_month(*, user: User, dealer: Customer) -> list[MonthSales]:
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
    return cents(result["open"])


def dealer_open_receivables(*, user: User, dealer: Customer) -> Decimal:
    return open_amount(dealer_orders(user=user, dealer=dealer))


def customer_recent_orders(*, user: User, customer: Customer, limit: int = 5) -> list[Order]:
    return list(order_list(user=user, customer=customer)[:limit])


# Read from the summaries; the module reads the helpers above.
from kehu.orders.selectors.receivables import (  # noqa: E402
    BUCKETS,
    Ageing,
    AgeingRow,
    overdue_orders,
    receivable_orders,
    receivables_ageing,
)

__all__ = [
    "BUCKETS",
    "Ageing",
    "AgeingRow",
    "overdue_orders",
    "receivable_orders",
    "receivables_ageing",
]
