"""Two years of orders written a table at a time, in the states the services leave them:
totals, payments, due dates, timelines, deliveries and history records."""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, Final

from django.contrib.contenttypes.models import ContentType
from django.core.management.color import no_style
from django.db import connection, models
from django.db.models import Max
from django.utils import timezone

from kehu.analytics.demo import season
from kehu.core.bulk import RowWriter
from kehu.core.models import Change, ChangeAction, User
from kehu.customers.models import Customer, CustomerKind
from kehu.orders.models import (
    Delivery,
    DeliveryLine,
    GroupMembership,
    Order,
    OrderLine,
    OrderStatus,
    OrderStatusChange,
    Payment,
    PaymentMethod,
    PriceListItem,
    Product,
)
from kehu.orders.services._common import line_total

ORDER_COUNT: Final = 20_000
HISTORY_DAYS: Final = 730
CARRIERS: Final = [
    ("顺丰速运", "SF"),
    ("德邦物流", "DPK"),
    ("中通快运", "ZTO"),
    ("京东物流", "JDL"),
]
# specifications of a custom gift box, the values to pick from
GIFT_BOX_SPECS: Final = {
    "包装": ["红色烫金礼盒", "牛皮纸环保礼盒", "木质礼盒"],
    "LOGO": ["印客户企业LOGO", "烫金企业名称", "无"],
    "内容": ["酱油+醋+蚝油", "坚果6种", "大米+菜籽油", "牛肉干+麻花"],
    "贺卡": ["新春快乐", "中秋快乐", "感谢合作"],
}
CANCEL_REASONS: Final = ["客户取消采购计划", "重复下单", "价格未谈妥", ""]
PAYMENT_METHODS: Final = [
    PaymentMethod.BANK_TRANSFER,
    PaymentMethod.ACCEPTANCE_BILL,
    PaymentMethod.WECHAT,
    PaymentMethod.ALIPAY,
    PaymentMethod.CASH,
]
PAYMENT_WEIGHTS: Final = [70, 12, 8, 6, 4]
# the chance that a customer of each paying habit leaves an order (partly) unpaid
HABITS: Final = {"prompt": 0.72, "late": 0.22, "bad": 0.06}


@dataclass
class _Buyer:
    customer: Customer
    terms: int
    prices: dict[int, Decimal]
    habit: str
    size: float
    actor: User | None


@contextmanager
def dated(*dated_models: type[models.Model]) -> Iterator[None]:
    """Let bulk_create keep the dates given to the rows of `dated_models`.

    Django stamps auto_now(_add) fields with the present moment, but the demo's history has
    its own dates. The loader runs alone, before anything is served, so the stamping is
    switched off for its inserts only and restored whatever happens.
    """
    stamped = [
        f
        for model in dated_models
        for f in model._meta.concrete_fields
        if isinstance(f, models.DateField) and (f.auto_now or f.auto_now_add)
    ]
    saved = [(f, f.auto_now, f.auto_now_add) for f in stamped]
    for f in stamped:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


def working_hour(day: date, rng: random.Random) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(rng.randrange(8, 19), rng.randrange(60))))


def working_hour_after(start: datetime, rng: random.Random, least: int, most: int) -> datetime:
    """Some working hour `least` to `most` - 1 days after `start`, and after it."""
    at = working_hour(start.date() + timedelta(days=rng.randrange(least, most)), rng)
    return at if at > start else start + timedelta(minutes=rng.randrange(20, 120))


def buyers_of(rng: random.Random, customers: list[Customer]) -> tuple[list[_Buyer], list[float]]:
    """Every customer as a buyer with its terms, prices and paying habit, and how often each
    orders: dealers most, end customers of dealers and companies less, individuals least."""
    groups = dict(GroupMembership.objects.values_list("customer_id", "group_id"))
    terms = dict(GroupMembership.objects.values_list("customer_id", "group__payment_terms_days"))
    prices: dict[int, dict[int, Decimal]] = {}
    for group_id, product_id, price in PriceListItem.objects.values_list(
        "group_id", "product_id", "price"
    ):
        prices.setdefault(group_id, {})[product_id] = price
    buyers, weights = [], []
    for customer in customers:
        if customer.kind == CustomerKind.DEALER:
            weight, size = 8.0, 40_000.0
        elif customer.kind == CustomerKind.INDIVIDUAL:
            weight, size = 0.3, 600.0
        else:
            weight, size = (4.0 if customer.dealer_id else 2.0), 6_000.0
        if customer.owner_id is None:
            weight *= 0.2
        habit = rng.choices(list(HABITS), weights=list(HABITS.values()))[0]
        if customer.kind == CustomerKind.DEALER and habit == "bad":
            # A dealer that stops paying loses its credit; the demo's dealers are trusted.
            habit = "late"
        buyers.append(
            _Buyer(
                customer=customer,
                terms=terms.get(customer.pk, 30),
                prices=prices.get(groups.get(customer.pk, 0), {}),
                habit=habit,
                size=size * rng.lognormvariate(0, 0.5),
                actor=customer.owner,
            )
        )
        weights.append(weight)
    return buyers, weights


def _order_days(rng: random.Random, today: date) -> list[date]:
    """ORDER_COUNT order days over two years, busiest before the Spring Festival and
    growing a little from year to year."""
    days = [today - timedelta(days=n) for n in range(HISTORY_DAYS, -1, -1)]
    weights = [season(d) * (0.8 + 0.4 * i / HISTORY_DAYS) for i, d in enumerate(days)]
    return sorted(rng.choices(days, weights=weights, k=ORDER_COUNT))


class Table:
    """Rows of one table, their primary keys given here, written at the end with
    core.bulk's writer (COPY or executemany, values prepared as the ORM prepares them);
    the table's id sequence is then moved past the new rows.

    bulk_create spends most of its time building a model instance per row: the half a
    million rows of two years of orders would take it a minute.
    """

    def __init__(self, model: type[models.Model], columns: list[str]) -> None:
        self.model = model
        fields: list[Any] = [model._meta.get_field(name) for name in columns]
        self.columns = [field.attname for field in fields]
        self.rows: list[tuple[Any, ...]] = []
        last = model._base_manager.aggregate(last=Max("pk"))["last"]
        self.next_pk: int = (last or 0) + 1

    def reserve(self) -> int:
        pk = self.next_pk
        self.next_pk += 1
        return pk

    def add(self, *values: Any, pk: int | None = None) -> int:
        pk = pk or self.reserve()
        self.rows.append((pk, *values))
        return pk

    def write(self) -> None:
        RowWriter(self.model).write(
            [row[0] for row in self.rows],
            (dict(zip(self.columns, row[1:], strict=True)) for row in self.rows),
        )
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), [self.model]):
                cursor.execute(statement)


class _Tables:
    def __init__(self) -> None:
        self.orders = Table(
            Order,
            [
                "customer",
                "dealer",
                "status",
                "currency",
                "total",
                "paid",
                "payment_terms_days",
                "confirmed_on",
                "due_date",
                "notes",
                "created_by",
                "created_at",
                "updated_at",
                "version",
            ],
        )
        self.lines = Table(
            OrderLine,
            [
                "order",
                "product",
                "quantity",
                "unit_price",
                "discount_percent",
                "line_total",
                "position",
                "specs",
            ],
        )
        self.steps = Table(
            OrderStatusChange, ["order", "from_status", "to_status", "actor", "at", "note"]
        )
        self.deliveries = Table(
            Delivery,
            [
                "order",
                "shipped_on",
                "delivered_on",
                "carrier",
                "tracking_number",
                "created_by",
                "created_at",
            ],
        )
        self.delivery_lines = Table(DeliveryLine, ["delivery", "order_line", "quantity"])
        self.payments = Table(
            Payment,
            ["order", "received_on", "amount", "method", "reference", "recorded_by", "created_at"],
        )
        self.changes = Table(
            Change,
            [
                "target_type",
                "target_id",
                "target_repr",
                "customer_id",
                "actor",
                "at",
                "action",
                "changes",
            ],
        )
        self.order_type = ContentType.objects.get_for_model(Order).pk

    def write(self) -> None:
        for table in vars(self).values():
            if isinstance(table, Table):
                table.write()


@dataclass
class _Line:
    pk: int
    quantity: Decimal
    total: Decimal


class _BulkOrder:
    """One order and what happened to it until `now`: each step takes a believable while,
    and the steps that would come after `now` have not happened. Every step adds the rows
    the services would write for it."""

    def __init__(self, tables: _Tables, buyer: _Buyer, now: datetime) -> None:
        self.tables, self.buyer, self.now = tables, buyer, now
        self.pk = tables.orders.reserve()
        self.number = Order(pk=self.pk).number
        self.status = ""
        self.paid = Decimal("0.00")
        self.actor = buyer.customer.owner_id

    def history(self, at: datetime, changes: dict[str, list[Any]], action: str) -> None:
        self.tables.changes.add(
            self.tables.order_type,
            self.pk,
            self.number,
            self.buyer.customer.pk,
            self.actor,
            at,
            action,
            changes,
        )

    def step(self, at: datetime, to_status: str, note: str = "") -> bool:
        if at > self.now:
            return False
        self.tables.steps.add(self.pk, self.status, to_status, self.actor, at, note)
        if self.status:
            reason = {"reason": [None, note]} if note else {}
            self.history(at, {"status": [self.status, to_status], **reason}, ChangeAction.UPDATE)
        self.status = to_status
        self.last = at
        return True

    def run(
        self, rng: random.Random, day: date, products: list[Product], gift_box: Product
    ) -> None:
        customer = self.buyer.customer
        lines = self.add_lines(rng, products, gift_box)
        total = sum((line.total for line in lines), start=Decimal("0"))
        # An order of today entered later in the working day than now is entered now.
        created = min(working_hour(day, rng), self.now)
        self.step(created, OrderStatus.DRAFT)
        dealer = customer.dealer.name if customer.dealer else None
        created_changes = {
            "customer": [None, customer.name],
            "dealer": [None, dealer] if dealer else None,
            "currency": [None, customer.currency],
            "total": [None, str(total)],
            "payment_terms_days": [None, self.buyer.terms],
            "status": [None, OrderStatus.DRAFT.value],
        }
        self.history(created, {k: v for k, v in created_changes.items() if v}, ChangeAction.CREATE)
        confirmed_on = due_date = None
        if rng.random() < 0.015:
            self.step(
                working_hour_after(created, rng, 0, 3),
                OrderStatus.CANCELLED,
                rng.choice(CANCEL_REASONS),
            )
        else:
            confirmed = working_hour_after(created, rng, 0, 2)
            if self.step(confirmed, OrderStatus.CONFIRMED):
                confirmed_on = confirmed.date()
                due_date = confirmed_on + timedelta(days=self.buyer.terms)
                self.fulfil(rng, confirmed, lines)
                self.pay(rng, total, confirmed_on)
        self.tables.orders.add(
            customer.pk,
            customer.dealer_id,
            self.status,
            customer.currency,
            total,
            self.paid,
            self.buyer.terms,
            confirmed_on,
            due_date,
            "",
            self.actor,
            created,
            self.last,
            1,
            pk=self.pk,
        )

    def add_lines(
        self, rng: random.Random, products: list[Product], gift_box: Product
    ) -> list[_Line]:
        chosen = rng.sample(products, k=rng.choice([1, 1, 2, 2, 3, 4]))
        budget = self.buyer.size * rng.lognormvariate(0, 0.35)
        lines = []
        for position, product in enumerate(chosen, start=1):
            price = self.buyer.prices.get(product.pk, product.list_price)
            quantity = Decimal(max(1, round(budget / len(chosen) / float(price))))
            discount = Decimal(rng.choice([0, 0, 0, 0, 2, 5]))
            specs: dict[str, str] = {}
            if product.pk == gift_box.pk or (product.sku.startswith("LH") and rng.random() < 0.1):
                specs = {name: rng.choice(values) for name, values in GIFT_BOX_SPECS.items()}
            total = line_total(quantity, price, discount)
            pk = self.tables.lines.add(
                self.pk, product.pk, quantity, price, discount, total, position, specs
            )
            lines.append(_Line(pk, quantity, total))
        return lines

    def fulfil(self, rng: random.Random, confirmed: datetime, lines: list[_Line]) -> None:
        """Perhaps made to order first; then one shipment of everything, or now and then
        the first lines ahead of the rest; delivered, and completed some days later."""
        ready = confirmed
        if rng.random() < 0.4:
            ready = working_hour_after(confirmed, rng, 0, 3)
            if not self.step(ready, OrderStatus.IN_PRODUCTION):
                return
        parts = [lines]
        if len(lines) > 1 and rng.random() < 0.15:
            cut = rng.randrange(1, len(lines))
            parts = [lines[:cut], lines[cut:]]
        shipped = ready
        arrivals = []
        for part in parts:
            shipped = working_hour_after(shipped, rng, 0, 4)
            if shipped > self.now:
                return
            arrived: datetime | None = working_hour_after(shipped, rng, 1, 5)
            if arrived is not None and arrived > self.now:
                arrived = None
            carrier, prefix = rng.choice(CARRIERS)
            tracking = f"{prefix}{rng.randrange(10**11, 10**12)}"
            shipped_on = shipped.date()
            delivered_on = arrived.date() if arrived else None
            delivery = self.tables.deliveries.add(
                self.pk, shipped_on, delivered_on, carrier, tracking, self.actor, shipped
            )
            for line in part:
                self.tables.delivery_lines.add(delivery, line.pk, line.quantity)
            label = f"{shipped_on.isoformat()} {carrier} {tracking}"
            self.history(shipped, {"delivery": [None, label]}, ChangeAction.UPDATE)
            if arrived is not None:
                self.history(
                    arrived, {"delivered_on": [None, str(delivered_on)]}, ChangeAction.UPDATE
                )
            arrivals.append(arrived)
        self.step(shipped, OrderStatus.SHIPPED)
        if all(arrivals):
            last = max(a for a in arrivals if a)
            if self.step(last, OrderStatus.DELIVERED):
                self.step(
                    working_hour_after(last, rng, 1, 10),
                    OrderStatus.COMPLETED,
                )

    def pay(self, rng: random.Random, total: Decimal, confirmed_on: date) -> None:
        """Paid on time, late, or (by a bad payer) partly or never; in one go or two."""
        habit, terms = self.buyer.habit, self.buyer.terms
        # Older debts were collected in the end: what is still owed is from the last months.
        recent = (self.now.date() - confirmed_on).days < 300
        if recent and habit == "bad" and rng.random() < 0.4:
            share = rng.choice([Decimal("0"), Decimal("0"), Decimal("0.3"), Decimal("0.5")])
        elif recent and habit == "late" and rng.random() < 0.04:
            share = Decimal("0.5")
        else:
            share = Decimal("1")
        owed = (total * share).quantize(Decimal("0.01"))
        if owed <= 0:
            return
        offset = (
            rng.randrange(0, terms + 1) if habit == "prompt" else terms + rng.randrange(-10, 75)
        )
        first_day = confirmed_on + timedelta(days=max(0, offset))
        instalments = [(first_day, owed)]
        if rng.random() < 0.18 and owed > 100:
            part = (owed * Decimal(rng.choice(["0.3", "0.5", "0.6"]))).quantize(Decimal("0.01"))
            instalments = [
                (first_day, part),
                (first_day + timedelta(days=rng.randrange(10, 50)), owed - part),
            ]
        for received_on, amount in instalments:
            received = working_hour(received_on, rng)
            if received > self.now:
                return
            method = rng.choices(PAYMENT_METHODS, weights=PAYMENT_WEIGHTS)[0]
            by_bank = method in (PaymentMethod.BANK_TRANSFER, PaymentMethod.ACCEPTANCE_BILL)
            reference = f"HK{received_on:%Y%m%d}{rng.randrange(10**4, 10**5)}" if by_bank else ""
            self.tables.payments.add(
                self.pk, received_on, amount, method, reference, self.actor, received
            )
            paid = self.paid + amount
            self.history(received, {"paid": [str(self.paid), str(paid)]}, ChangeAction.UPDATE)
            self.paid = paid
            self.last = max(self.last, received)


def bulk_orders_write(
    rng: random.Random,
    buyers: list[_Buyer],
    weights: list[float],
    products: list[Product],
    gift_box: Product,
) -> None:
    now = timezone.now()
    tables = _Tables()
    days = _order_days(rng, timezone.localdate())
    for buyer, day in zip(rng.choices(buyers, weights=weights, k=len(days)), days, strict=True):
        _BulkOrder(tables, buyer, now).run(rng, day, products, gift_box)
    tables.write()
