"""The demo company's purchases from before Kehu, and its scores computed from them and its orders.

The demo company has entered its orders in Kehu for two years (kehu.demo.orders); its
earlier system's sales records of the two years before are imported as purchases, as a
company starting on Kehu would import them. Customers differ the way real ones do: loyal
regulars, occasional buyers, one-time buyers, customers who stopped, newcomers, and some whose
orders are fading. Food and consumer goods sell most in the weeks before the Spring Festival
(春节) and least just after it.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from django.db.models import Min
from django.utils import timezone

from kehu.analytics.models import Purchase
from kehu.analytics.services import scores_recompute
from kehu.customers.models import Customer, CustomerKind
from kehu.orders.selectors.paying import purchase_orders

SEED: Final = 20261123
HISTORY_DAYS: Final = 730
# Spring Festival (Chinese New Year's day) in the years a demo may cover.
SPRING_FESTIVALS: Final = [
    dt.date(2023, 1, 22),
    dt.date(2024, 2, 10),
    dt.date(2025, 1, 29),
    dt.date(2026, 2, 17),
    dt.date(2027, 2, 6),
    dt.date(2028, 1, 26),
    dt.date(2029, 2, 13),
    dt.date(2030, 2, 3),
]
# behaviour: (share of customers, purchases a month while active)
BEHAVIOURS: Final = {
    "loyal": (0.22, (1.5, 4.0)),
    "regular": (0.25, (0.4, 1.2)),
    "one_time": (0.18, (0.0, 0.0)),
    "churned": (0.17, (0.6, 2.5)),
    "new": (0.10, (0.8, 2.5)),
    "fading": (0.08, (1.0, 3.0)),
}


def season(day: dt.date) -> float:
    """How much busier than usual a day is: stocking up in the five weeks before the Spring
    Festival, a quiet fortnight after it."""
    for festival in SPRING_FESTIVALS:
        days_before = (festival - day).days
        if 0 < days_before <= 35:
            return 2.5
        if -14 <= days_before <= 0:
            return 0.3
    return 1.0


def _purchase_days(
    rng: random.Random, *, start: dt.date, end: dt.date, monthly: float, fading: bool
) -> list[dt.date]:
    days = []
    for offset in range((end - start).days + 1):
        day = start + dt.timedelta(days=offset)
        rate = monthly / 30 * season(day)
        if fading:
            # Orders thin out over the customer's time: a quarter of the rate by the end.
            rate *= 1 - 0.75 * offset / max(1, (end - start).days)
        if rng.random() < rate:
            days.append(day)
    return days or [start]


@dataclass(frozen=True)
class Lifetime:
    """How a customer buys over a span of days: their behaviour (a key of BEHAVIOURS),
    purchases a month while active, and the days they start and stop buying."""

    behaviour: str
    monthly: float
    joined: dt.date
    last: dt.date


def lifetime(rng: random.Random, *, first_day: dt.date, end: dt.date) -> Lifetime:
    """A customer's lifetime within `first_day` to `end`: joining in the first 60 % of it
    (newcomers in its last months), and stopping half a year to a year before its end for
    those who stopped."""
    names, weights = zip(
        *((name, share) for name, (share, _rate) in BEHAVIOURS.items()), strict=True
    )
    behaviour = rng.choices(names, weights=weights)[0]
    monthly = rng.uniform(*BEHAVIOURS[behaviour][1])
    span = (end - first_day).days
    joined = first_day + dt.timedelta(days=rng.randrange(0, max(1, span * 3 // 5)))
    last = end
    if behaviour == "new":
        joined = end - dt.timedelta(days=rng.randrange(20, 120))
    elif behaviour == "churned":
        last = end - dt.timedelta(days=rng.randrange(200, 420))
        joined = min(joined, last - dt.timedelta(days=90))
    elif behaviour == "one_time":
        joined = last = first_day + dt.timedelta(days=rng.randrange(0, span))
    return Lifetime(behaviour, monthly, joined, last)


def analytics_demo_load(customers: Iterable[Customer], *, today: dt.date | None = None) -> int:
    """Give each customer a purchase history of the two years before the first order entered
    in Kehu, then score everyone as of `today`."""
    rng = random.Random(SEED)
    today = today or timezone.localdate()
    first_order = purchase_orders().aggregate(first=Min("confirmed_on"))["first"]
    end = (first_order or today) - dt.timedelta(days=1)
    first_day = end - dt.timedelta(days=HISTORY_DAYS)
    purchases = []
    for customer in customers:
        life = lifetime(rng, first_day=first_day, end=end)
        days = _purchase_days(
            rng,
            start=life.joined,
            end=life.last,
            monthly=life.monthly,
            fading=life.behaviour == "fading",
        )
        # Companies buy in larger lots than individuals; each customer has a usual size.
        usual = rng.lognormvariate(
            math.log(8_000 if customer.kind == CustomerKind.COMPANY else 600), 0.8
        )
        for day in days:
            amount = usual * rng.lognormvariate(0, 0.35) * (1.3 if season(day) > 1 else 1.0)
            purchases.append(
                Purchase(
                    customer=customer,
                    date=day,
                    amount=Decimal(f"{amount:.2f}"),
                    source="demo",
                )
            )
    Purchase.objects.bulk_create(purchases, batch_size=2_000)
    scores_recompute(as_of=today)
    return len(purchases)
