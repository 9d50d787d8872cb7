"""What happened to an order in the past, as orders_write_past takes it: its lines, the moves
made by hand, its deliveries and their arrival, and its payments, each at its time."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from kehu.core.models import User
from kehu.core.money import ZERO
from kehu.customers.models import Customer
from kehu.orders.models import Product


@dataclass(frozen=True)
class PastLine:
    """A line as order_create takes it; without a unit price, the customer's price."""

    product: Product
    quantity: Decimal
    discount_percent: Decimal = ZERO
    unit_price: Decimal | None = None
    specs: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class PastMove:
    """A move by hand: confirmed, in production, cancelled (with why) or completed."""

    at: datetime
    to_status: str
    note: str = ""


@dataclass(frozen=True)
class PastDelivery:
    """A shipment of `quantities` (line position, from 1 → quantity), and its arrival."""

    at: datetime
    quantities: Mapping[int, Decimal]
    carrier: str = ""
    tracking_number: str = ""
    arrived_at: datetime | None = None


@dataclass(frozen=True)
class PastPayment:
    at: datetime
    amount: Decimal
    method: str
    reference: str = ""
    actor: User | None = None


@dataclass
class PastOrder:
    """An order `actor` entered for `customer` at `created_at`, and what followed."""

    customer: Customer
    actor: User | None
    created_at: datetime
    lines: Sequence[PastLine]
    moves: Sequence[PastMove] = ()
    deliveries: Sequence[PastDelivery] = ()
    payments: Sequence[PastPayment] = ()
