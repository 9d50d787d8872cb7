"""Two years of orders for the demo company: its catalogue, price lists, dealers, and about
20,000 orders with their deliveries and payments.

The catalogue, customer groups, prices, dealers and their end customers go through the
services. So do a handful of documents, so those paths run on every load: a quote revised
and accepted into an order that needs a credit approval, is approved by finance, confirmed,
shipped and partly paid; and a few orders left waiting for a credit approval.

The bulk of the orders is described as what happened to each, at its time (entered,
confirmed, made, shipped, delivered, completed or cancelled, paid), and written by the
orders' bulk service, which applies the live services' rules and keeps the totals,
payments, due dates, timelines and history as they would have.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any, Final

from django.utils import timezone

from kehu.core.money import cents
from kehu.customers.models import Customer, CustomerKind
from kehu.demo.orders.catalogue import catalogue_load, dealers_load, groups_load
from kehu.demo.orders.history import bulk_orders_write, buyers_of
from kehu.demo.organisation import Team
from kehu.orders import services
from kehu.orders.models import Order, OrderStatus, Payment, Product

SEED: Final = 20261124


@dataclass
class Loaded:
    products: int = 0
    dealers: int = 0
    orders: int = 0
    payments: int = 0


def _through_services(rng: random.Random, team: Team, products: dict[str, Product]) -> None:
    """The paths a user takes, run for real: a quote revised and accepted into an order over
    the dealer's credit limit, approved by finance, confirmed, shipped and partly paid; and
    a few orders of customers near their limit left waiting for finance."""
    finance = next(
        u for u in team.users if u.has_perm(services.APPROVE_CREDIT) and not u.is_superuser
    )
    dealer = Customer.objects.filter(kind=CustomerKind.DEALER).order_by("pk").first()
    assert dealer is not None and dealer.owner is not None
    seller = dealer.owner
    today = timezone.localdate()
    rows: list[dict[str, Any]] = [
        {"product": products["LH-001"], "quantity": 1500},
        {"product": products["TW-006"], "quantity": 2000},
        {"product": products["LY-002"], "quantity": 3000},
    ]
    quote = services.quote_create(
        actor=seller,
        customer=dealer,
        valid_until=today + timedelta(days=15),
        lines=rows,
        notes="春节备货专项报价",
    )
    revised = services.quote_revise(
        actor=seller,
        quote=quote,
        valid_until=today + timedelta(days=20),
        lines=[{**row, "discount_percent": Decimal("3")} for row in rows],
        notes="春节备货专项报价（量大再让3%）",
    )
    order = services.quote_accept(actor=seller, quote=revised)
    if not services.credit_check(order=order).within_limit:
        approval = services.credit_approval_request(
            actor=seller, order=order, reason="春节旺季备货，客户历年回款及时"
        )
        services.credit_approval_decide(
            actor=finance, approval=approval, approve=True, note="同意，节后30天内回款"
        )
    order = services.order_confirm(actor=seller, order=order)
    order = services.order_transition(
        actor=seller, order=order, to_status=OrderStatus.IN_PRODUCTION
    )
    services.delivery_create(
        actor=seller,
        order=order,
        shipped_on=today,
        quantities={line.pk: line.quantity for line in order.lines.all()},
        carrier="德邦物流",
        tracking_number=f"DPK{rng.randrange(10**11, 10**12)}",
    )
    services.payment_create(
        actor=finance,
        order=order,
        amount=cents(order.total * Decimal("0.3")),
        received_on=today,
        reference="预付款30%",
    )
    _awaiting_approval(rng, products)


def _awaiting_approval(rng: random.Random, products: dict[str, Product]) -> None:
    """Group orders of gift boxes that take customers over their credit limits."""
    gift_box = products["LH-001"]
    customers = (
        Customer.objects.filter(
            kind=CustomerKind.COMPANY, owner__isnull=False, credit_limit__gt=0, dealer__isnull=True
        )
        .select_related("owner")
        .order_by("pk")[:4]
    )
    for customer in customers:
        room = (customer.credit_limit or Decimal(0)) - services.open_receivables(customer.pk)
        # The lowest group price is 80 % of the list price: this many always go over.
        quantity = max(0, int(room / (gift_box.list_price * Decimal("0.8")))) + rng.randrange(
            20, 200
        )
        order = services.order_create(
            actor=customer.owner,
            customer=customer,
            lines=[{"product": gift_box, "quantity": quantity}],
            notes="春节员工福利团购",
        )
        services.credit_approval_request(
            actor=customer.owner, order=order, reason="年节团购，客户承诺节后结清"
        )


def orders_load(*, team: Team) -> Loaded:
    """The catalogue, price lists and dealers, two years of orders, then the service paths."""
    rng = random.Random(SEED)
    products = catalogue_load(team.admin)
    customers = list(Customer.objects.select_related("owner").order_by("pk"))
    dealers = dealers_load(rng, team, customers)
    groups_load(team.admin, products, customers, dealers)
    customers = list(Customer.objects.select_related("owner", "dealer").order_by("pk"))
    buyers, weights = buyers_of(rng, customers, timezone.localdate())
    on_sale = [p for p in products.values() if p.is_active]
    bulk_orders_write(rng, buyers, weights, on_sale, products["LH-003"], team.finance)
    _through_services(rng, team, products)
    return Loaded(
        products=len(products),
        dealers=len(dealers),
        orders=Order.objects.count(),
        payments=Payment.objects.count(),
    )
