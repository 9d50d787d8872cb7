"""Two years of orders for the demo company: its catalogue, price lists, dealers, and about
20,000 orders with their deliveries and payments.

The catalogue, customer groups, prices, dealers and their end customers go through the
services. So do a handful of documents, so those paths run on every load: a quote revised
and accepted into an order that needs a credit approval, is approved by finance, confirmed,
shipped and partly paid; and a few orders left waiting for a credit approval.

The bulk of the orders is written with bulk_create, in the states the services would have
left them in: totals from the line totals, paid amounts from the payments, confirmation and
due dates from the payment terms, a status timeline row and a history record for every step
(creation, each status move, each delivery and its arrival, each payment), deliveries that
cover every line of a shipped order, no payment beyond what an order owes.
"""

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
from kehu.customers import services as customer_services
from kehu.customers.models import BusinessMode, Customer, CustomerKind, Industry
from kehu.demo.organisation import Team
from kehu.orders import services
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
    Unit,
)
from kehu.orders.services._common import line_total

SEED: Final = 20261124
ORDER_COUNT: Final = 20_000
HISTORY_DAYS: Final = 730

# sku, name, unit, list price
CATALOGUE: Final = [
    ("TW-001", "特级生抽酱油 500ml×12", Unit.BOX, "96.00"),
    ("TW-002", "老抽王酱油 500ml×12", Unit.BOX, "88.00"),
    ("TW-003", "山西老陈醋 420ml×12", Unit.BOX, "72.00"),
    ("TW-004", "鲜味蚝油 700g×12", Unit.BOX, "118.00"),
    ("TW-005", "鸡精调味料 1kg", Unit.BAG, "28.50"),
    ("TW-006", "牛油火锅底料 400g×20", Unit.BOX, "156.00"),
    ("TW-007", "红油辣椒油 250ml", Unit.BOTTLE, "16.80"),
    ("TW-008", "陕西油泼辣子 200g×24", Unit.BOX, "132.00"),
    ("SD-001", "猪肉白菜水饺 1kg", Unit.BAG, "26.00"),
    ("SD-002", "三鲜水饺 1kg", Unit.BAG, "32.00"),
    ("SD-003", "黑芝麻汤圆 500g", Unit.BAG, "14.50"),
    ("SD-004", "原味手抓饼 900g×10", Unit.BOX, "118.00"),
    ("SD-005", "鲜肉大包 1.2kg×8", Unit.BOX, "145.00"),
    ("SD-006", "冷冻薯条", Unit.KILOGRAM, "11.80"),
    ("YL-001", "天然矿泉水 550ml×24", Unit.BOX, "28.00"),
    ("YL-002", "凉茶植物饮料 310ml×24", Unit.BOX, "72.00"),
    ("YL-003", "核桃乳 240ml×20", Unit.BOX, "68.00"),
    ("YL-004", "苹果醋饮料 280ml×15", Unit.BOX, "66.00"),
    ("YL-005", "NFC鲜榨橙汁 1L", Unit.BOTTLE, "19.90"),
    ("LY-001", "五常大米 5kg", Unit.BAG, "58.00"),
    ("LY-002", "压榨菜籽油 5L", Unit.BOTTLE, "89.00"),
    ("LY-003", "鸡蛋挂面 1kg×10", Unit.BOX, "52.00"),
    ("LY-004", "特一级小麦粉", Unit.TONNE, "3980.00"),
    ("XX-001", "五香牛肉干 200g", Unit.BAG, "39.80"),
    ("XX-002", "每日坚果 25g×30", Unit.BOX, "98.00"),
    ("XX-003", "手工麻花 500g×10", Unit.BOX, "85.00"),
    ("LH-001", "春节年货礼盒", Unit.SET, "198.00"),
    ("LH-002", "中秋月饼礼盒", Unit.SET, "168.00"),
    ("LH-003", "企业定制礼盒", Unit.SET, "258.00"),
    ("LH-004", "调味品精选礼盒", Unit.SET, "128.00"),
    ("LH-005", "坚果炒货礼盒", Unit.SET, "158.00"),
]
RETIRED_SKU: Final = "YL-004"
# name, payment terms (days), price as a share of the list price
GROUPS: Final = [
    ("经销商", 60, Decimal("0.80")),
    ("连锁商超", 45, Decimal("0.88")),
    ("餐饮客户", 30, Decimal("0.93")),
]
# name, province, city, district, credit limit
DEALERS: Final = [
    ("西安秦丰食品经销有限公司", "陕西省", "西安市", "雁塔区", 800_000),
    ("哈尔滨北国粮油商贸有限公司", "黑龙江省", "哈尔滨市", "南岗区", 600_000),
    ("广州粤通食品贸易有限公司", "广东省", "广州市", "白云区", 1_000_000),
    ("北京京味源商贸有限公司", "北京市", "北京市", "丰台区", 500_000),
]
END_CUSTOMERS_PER_DEALER: Final = 10
# the trades that buy food and consumer goods to sell or serve
FOOD_TRADES: Final = [Industry.FOOD, Industry.CONSUMER_GOODS, Industry.RETAIL, Industry.CATERING]
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
class Loaded:
    products: int = 0
    dealers: int = 0
    orders: int = 0
    payments: int = 0


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


def _at(day: date, rng: random.Random) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(rng.randrange(8, 19), rng.randrange(60))))


def _after(start: datetime, rng: random.Random, least: int, most: int) -> datetime:
    """Some working hour `least` to `most` - 1 days after `start`, and after it."""
    at = _at(start.date() + timedelta(days=rng.randrange(least, most)), rng)
    return at if at > start else start + timedelta(minutes=rng.randrange(20, 120))


def _catalogue(actor: User) -> dict[str, Product]:
    products = {}
    for sku, name, unit, price in CATALOGUE:
        products[sku] = services.product_create(
            actor=actor, sku=sku, name=name, unit=unit, list_price=Decimal(price)
        )
    retired = products[RETIRED_SKU]
    products[RETIRED_SKU] = services.product_update(
        actor=actor, product=retired, version=retired.version, is_active=False
    )
    return products


def _dealers(rng: random.Random, team: Team, customers: list[Customer]) -> list[Customer]:
    """The dealers, each with end customers of its province who buy through it."""
    dealers = []
    taken: set[int] = set()
    for name, province, city, district, limit in DEALERS:
        owner = rng.choice(team.salespeople)
        dealer = customer_services.customer_create(
            actor=owner,
            owner=owner,
            name=name,
            kind=CustomerKind.DEALER,
            phone=f"029{rng.randrange(10**8):08d}",
            province=province,
            city=city,
            district=district,
            address=f"物流园区{rng.randrange(1, 30)}号库",
            industry=Industry.FOOD,
            business_mode=BusinessMode.CONSUMER_GOODS,
            credit_rating="A",
            credit_limit=Decimal(limit),
            tags=["经销商"],
        )
        dealers.append(dealer)
        nearby = [
            c
            for c in customers
            if c.province == province
            and c.kind == CustomerKind.COMPANY
            and c.owner_id is not None
            and c.pk not in taken
        ]
        nearby.sort(key=lambda c: c.industry not in FOOD_TRADES)
        for end_customer in nearby[:END_CUSTOMERS_PER_DEALER]:
            taken.add(end_customer.pk)
            customer_services.customer_update(
                actor=team.admin,
                customer=end_customer,
                version=end_customer.version,
                dealer=dealer,
            )
    return dealers


def _groups(
    actor: User, products: dict[str, Product], customers: list[Customer], dealers: list[Customer]
) -> None:
    """Dealers, supermarket chains and caterers buy at their group's prices and terms."""
    industries = {"连锁商超": Industry.RETAIL, "餐饮客户": Industry.CATERING}
    for name, terms, share in GROUPS:
        group = services.customer_group_save(actor=actor, name=name, payment_terms_days=terms)
        for product in products.values():
            price = (product.list_price * share).quantize(Decimal("0.1"))
            services.price_set(actor=actor, group=group, product=product, price=price)
        members = (
            dealers
            if name == "经销商"
            else [c for c in customers if c.industry == industries[name] and not c.dealer_id]
        )
        for customer in members:
            services.customer_group_add(actor=actor, group=group, customer=customer)


def _buyers(rng: random.Random, customers: list[Customer]) -> tuple[list[_Buyer], list[float]]:
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
        created = _at(day, rng)
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
                _after(created, rng, 0, 3),
                OrderStatus.CANCELLED,
                rng.choice(CANCEL_REASONS),
            )
        else:
            confirmed = _after(created, rng, 0, 2)
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
            ready = _after(confirmed, rng, 0, 3)
            if not self.step(ready, OrderStatus.IN_PRODUCTION):
                return
        parts = [lines]
        if len(lines) > 1 and rng.random() < 0.15:
            cut = rng.randrange(1, len(lines))
            parts = [lines[:cut], lines[cut:]]
        shipped = ready
        arrivals = []
        for part in parts:
            shipped = _after(shipped, rng, 0, 4)
            if shipped > self.now:
                return
            arrived: datetime | None = _after(shipped, rng, 1, 5)
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
                    _after(last, rng, 1, 10),
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
            received = _at(received_on, rng)
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


def _bulk_orders(
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
        amount=(order.total * Decimal("0.3")).quantize(Decimal("0.01")),
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
        room = customer.credit_limit - services.open_receivables(customer.pk)
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
    products = _catalogue(team.admin)
    customers = list(Customer.objects.select_related("owner").order_by("pk"))
    dealers = _dealers(rng, team, customers)
    _groups(team.admin, products, customers, dealers)
    customers = list(Customer.objects.select_related("owner", "dealer").order_by("pk"))
    buyers, weights = _buyers(rng, customers)
    on_sale = [p for p in products.values() if p.is_active]
    _bulk_orders(rng, buyers, weights, on_sale, products["LH-003"])
    _through_services(rng, team, products)
    return Loaded(
        products=len(products),
        dealers=len(dealers),
        orders=Order.objects.count(),
        payments=Payment.objects.count(),
    )
