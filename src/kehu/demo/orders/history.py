"""Two years of orders for the demo company: who buys how often and how much, and what then
happened to each order, written through the orders' bulk service (orders_write_past), which
keeps totals, payments, due dates, timelines, deliveries and history as the live services
do."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Final

from django.utils import timezone

from kehu.analytics.demo import Lifetime, lifetime, season
from kehu.core.models import User
from kehu.core.money import cents
from kehu.customers.models import Customer, CustomerKind
from kehu.orders import services
from kehu.orders.models import OrderStatus, PaymentMethod, Product
from kehu.orders.selectors import BuyingTerms, buying_terms
from kehu.orders.services import PastDelivery, PastLine, PastMove, PastOrder, PastPayment

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
    terms: BuyingTerms
    habit: str
    size: float
    life: Lifetime  # when they buy: a dealer from first to last, others as customers do


def working_hour(day: date, rng: random.Random) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(rng.randrange(8, 19), rng.randrange(60))))


def working_hour_after(start: datetime, rng: random.Random, least: int, most: int) -> datetime:
    """Some working hour `least` to `most` - 1 days after `start`, and after it."""
    at = working_hour(start.date() + timedelta(days=rng.randrange(least, most)), rng)
    return at if at > start else start + timedelta(minutes=rng.randrange(20, 120))


def buyers_of(
    rng: random.Random, customers: list[Customer], today: date
) -> tuple[list[_Buyer], list[float]]:
    """Every customer as a buyer with its terms, prices, paying habit and lifetime, and how
    often each orders while active: dealers most, end customers of dealers and companies
    less, individuals least."""
    terms = buying_terms()
    first_day = today - timedelta(days=HISTORY_DAYS)
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
        life = lifetime(rng, first_day=first_day, end=today)
        if customer.kind == CustomerKind.DEALER:
            life = Lifetime("loyal", life.monthly, first_day, today)
        buyers.append(
            _Buyer(
                customer=customer,
                terms=terms.get(customer.pk, BuyingTerms()),
                habit=habit,
                size=size * rng.lognormvariate(0, 0.5),
                life=life,
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


class _History:
    """One order and what happened to it until `now`: each step takes a believable while,
    and the steps that would come after `now` have not happened."""

    def __init__(self, rng: random.Random, buyer: _Buyer, now: datetime, finance: User) -> None:
        self.rng, self.buyer, self.now, self.finance = rng, buyer, now, finance
        self.moves: list[PastMove] = []
        self.deliveries: list[PastDelivery] = []
        self.payments: list[PastPayment] = []

    def move(self, at: datetime, to_status: str, note: str = "") -> bool:
        if at > self.now:
            return False
        self.moves.append(PastMove(at, to_status, note))
        return True

    def order(self, day: date, products: list[Product], gift_box: Product) -> PastOrder:
        rng = self.rng
        lines = self.lines(products, gift_box)
        price = self.buyer.terms.price
        total = sum(
            (services.line_total(x.quantity, price(x.product), x.discount_percent) for x in lines),
            start=Decimal("0"),
        )
        # An order of today entered later in the working day than now is entered now.
        created = min(working_hour(day, rng), self.now)
        if rng.random() < 0.015:
            self.move(
                working_hour_after(created, rng, 0, 3),
                OrderStatus.CANCELLED,
                rng.choice(CANCEL_REASONS),
            )
        else:
            confirmed = working_hour_after(created, rng, 0, 2)
            if self.move(confirmed, OrderStatus.CONFIRMED):
                self.fulfil(confirmed, lines)
                self.pay(total, confirmed)
        customer = self.buyer.customer
        return PastOrder(
            customer=customer,
            actor=customer.owner,
            created_at=created,
            lines=lines,
            moves=self.moves,
            deliveries=self.deliveries,
            payments=self.payments,
        )

    def lines(self, products: list[Product], gift_box: Product) -> list[PastLine]:
        rng = self.rng
        chosen = rng.sample(products, k=rng.choice([1, 1, 2, 2, 3, 4]))
        budget = self.buyer.size * rng.lognormvariate(0, 0.35)
        lines = []
        for product in chosen:
            price = self.buyer.terms.price(product)
            quantity = Decimal(max(1, round(budget / len(chosen) / float(price))))
            discount = Decimal(rng.choice([0, 0, 0, 0, 2, 5]))
            specs: dict[str, str] = {}
            if product.pk == gift_box.pk or (product.sku.startswith("LH") and rng.random() < 0.1):
                specs = {name: rng.choice(values) for name, values in GIFT_BOX_SPECS.items()}
            lines.append(PastLine(product, quantity, discount, specs=specs))
        return lines

    def fulfil(self, confirmed: datetime, lines: list[PastLine]) -> None:
        """Perhaps made to order first; then one shipment of everything, or now and then
        the first lines ahead of the rest; delivered, and completed some days later."""
        rng = self.rng
        ready = confirmed
        if rng.random() < 0.4:
            ready = working_hour_after(confirmed, rng, 0, 3)
            if not self.move(ready, OrderStatus.IN_PRODUCTION):
                return
        quantities = {position: line.quantity for position, line in enumerate(lines, start=1)}
        positions = list(quantities)
        parts = [positions]
        if len(lines) > 1 and rng.random() < 0.15:
            cut = rng.randrange(1, len(lines))
            parts = [positions[:cut], positions[cut:]]
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
            self.deliveries.append(
                PastDelivery(
                    at=shipped,
                    quantities={position: quantities[position] for position in part},
                    carrier=carrier,
                    tracking_number=f"{prefix}{rng.randrange(10**11, 10**12)}",
                    arrived_at=arrived,
                )
            )
            arrivals.append(arrived)
        if all(arrivals):
            last = max(a for a in arrivals if a)
            self.move(working_hour_after(last, rng, 1, 10), OrderStatus.COMPLETED)

    def pay(self, total: Decimal, confirmed: datetime) -> None:
        """Paid on time, late, or (by a bad payer) partly or never; in one go or two."""
        rng = self.rng
        habit, terms = self.buyer.habit, self.buyer.terms.payment_terms_days
        confirmed_on = timezone.localtime(confirmed).date()
        # Older debts were collected in the end: what is still owed is from the last months.
        recent = (self.now.date() - confirmed_on).days < 300
        if recent and habit == "bad" and rng.random() < 0.4:
            share = rng.choice([Decimal("0"), Decimal("0"), Decimal("0.3"), Decimal("0.5")])
        elif recent and habit == "late" and rng.random() < 0.04:
            share = Decimal("0.5")
        else:
            share = Decimal("1")
        owed = cents(total * share)
        if owed <= 0:
            return
        offset = (
            rng.randrange(0, terms + 1) if habit == "prompt" else terms + rng.randrange(-10, 75)
        )
        first_day = confirmed_on + timedelta(days=max(0, offset))
        instalments = [(first_day, owed)]
        if rng.random() < 0.18 and owed > 100:
            part = cents(owed * Decimal(rng.choice(["0.3", "0.5", "0.6"])))
            instalments = [
                (first_day, part),
                (first_day + timedelta(days=rng.randrange(10, 50)), owed - part),
            ]
        after = confirmed
        for received_on, amount in instalments:
            # Paid the day it was confirmed, it was paid after the confirmation.
            received = max(working_hour(received_on, rng), after + timedelta(minutes=5))
            if received > self.now:
                return
            method = rng.choices(PAYMENT_METHODS, weights=PAYMENT_WEIGHTS)[0]
            by_bank = method in (PaymentMethod.BANK_TRANSFER, PaymentMethod.ACCEPTANCE_BILL)
            reference = f"HK{received_on:%Y%m%d}{rng.randrange(10**4, 10**5)}" if by_bank else ""
            self.payments.append(PastPayment(received, amount, method, reference, self.finance))
            after = received


def bulk_orders_write(
    rng: random.Random,
    buyers: list[_Buyer],
    weights: list[float],
    products: list[Product],
    gift_box: Product,
    finance: User,
) -> None:
    """ORDER_COUNT orders of the last two years, by the customers' salespeople, paid to
    finance."""
    now, today = timezone.now(), timezone.localdate()
    past = [
        _History(rng, buyer, now, finance).order(day, products, gift_box)
        for day, buyer in _buyers_by_day(rng, buyers, weights, _order_days(rng, today))
    ]
    services.orders_write_past(orders=past)


def _buyers_by_day(
    rng: random.Random, buyers: list[_Buyer], weights: list[float], days: list[date]
) -> list[tuple[date, _Buyer]]:
    """Who placed the order of each day: one of the buyers active then, by their weights."""
    placed: list[tuple[date, _Buyer]] = []
    for day, orders in sorted(Counter(days).items()):
        active = [
            (buyer, weight)
            for buyer, weight in zip(buyers, weights, strict=True)
            if buyer.life.joined <= day <= buyer.life.last
        ]
        chosen = rng.choices([b for b, _w in active], weights=[w for _b, w in active], k=orders)
        placed.extend((day, buyer) for buyer in chosen)
    return placed
