"""Orders that happened in the past, written many at a time (the demo company's two years of
trade): for each, the rows that order_create, order_confirm, order_transition,
delivery_create, delivery_mark_delivered and payment_create would have written had they
run at the times given, under the same rules, a table at a time below the ORM (core.bulk).

Each order is replayed event by event in the order of their times: a move by hand must be
one its status allows, a shipment must fit what is left to ship, a payment what is still
owed; shipped and delivered follow from the deliveries as they do live. The credit check is
not replayed: the limits are today's, the history is the past's. Nothing may have happened
after now.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kehu.core.bulk import RowWriter
from kehu.core.history import (
    ChangeAction,
    actor_id,
    change_row,
    change_rows_write,
    creation_changes,
    snapshot,
)
from kehu.core.models import User
from kehu.core.money import ZERO, money_text
from kehu.orders.models import (
    MANUAL_TRANSITIONS,
    Delivery,
    DeliveryLine,
    Order,
    OrderLine,
    OrderStatus,
    OrderStatusChange,
    Payment,
)
from kehu.orders.selectors import BuyingTerms, buying_terms
from kehu.orders.services._common import (
    ADD_PAYMENT,
    line_problems,
    line_total,
    product_problems,
    status_changes,
)
from kehu.orders.services.deliveries import delivery_label, shipping_problems
from kehu.orders.services.orders import ORDER_FIELDS, check_dealer, clean_specs
from kehu.orders.services.past import PastDelivery, PastMove, PastOrder, PastPayment
from kehu.orders.services.payments import paid_changes

# The kinds of event, in the order they happen when they happen at the same time.
_MOVED, _SHIPPED, _ARRIVED, _PAID = range(4)
# The order's columns as the replay leaves them.
_ORDER_COLUMNS = [
    *("customer_id", "dealer_id", "status", "currency", "total", "paid"),
    *("payment_terms_days", "confirmed_on", "due_date"),
]


def _local_date(at: datetime) -> date:
    return timezone.localtime(at).date()


class _Tables:
    """The new rows of every table, and the ids reserved for those that others point at."""

    def __init__(self, past: Sequence[PastOrder]) -> None:
        self.now = timezone.now()
        self.terms = buying_terms()
        self.rows: dict[type[models.Model], list[dict[str, Any]]] = {
            model: []
            for model in (Order, OrderLine, OrderStatusChange, Delivery, DeliveryLine, Payment)
        }
        self.ids = {
            model: iter(RowWriter(model).reserve_ids(count))
            for model, count in (
                (Order, len(past)),
                (OrderLine, sum(len(p.lines) for p in past)),
                (Delivery, sum(len(p.deliveries) for p in past)),
            )
        }
        self.changes: list[dict[str, Any]] = []
        self.recorders: dict[int | None, bool] = {}

    def add(self, model: type[models.Model], row: dict[str, Any]) -> int:
        """Add a row; its id if it is one of a table others point at."""
        self.rows[model].append(row)
        if model not in self.ids:
            return 0
        row["id"] = next(self.ids[model])
        return int(row["id"])

    def may_record_payments(self, actor: User | None) -> bool:
        key = actor_id(actor)
        if key not in self.recorders:
            self.recorders[key] = actor is None or actor.has_perm(ADD_PAYMENT)
        return self.recorders[key]

    def write(self) -> None:
        for model, rows in self.rows.items():
            writer = RowWriter(model)
            ids = (
                [row.pop("id") for row in rows]
                if model in self.ids
                else writer.reserve_ids(len(rows))
            )
            writer.write(ids, rows)
        change_rows_write(self.changes)


class _Replay:
    """One order replayed: its rows and history, each step checked as the live service
    checks it."""

    def __init__(self, tables: _Tables, past: PastOrder, number: int) -> None:
        self.tables, self.past, self.number = tables, past, number
        customer = past.customer
        self.terms = tables.terms.get(customer.pk, BuyingTerms())
        self.order = Order(
            customer=customer,
            dealer=customer.dealer if customer.dealer_id else None,
            currency=customer.currency,
            payment_terms_days=self.terms.payment_terms_days,
            # As the database hands them to payment_create: with their cents.
            paid=ZERO,
            status="",
        )
        self.lines: dict[int, OrderLine] = {}
        self.shipped: dict[int, Decimal] = {}
        self.in_transit: set[int] = set()
        self.updated_at = past.created_at

    def refuse(self, *problems: str) -> ValidationError:
        message = _("Order %(n)d: %(problem)s")
        return ValidationError(
            {"orders": [message % {"n": self.number, "problem": p} for p in problems]}
        )

    def run(self) -> None:
        order, past = self.order, self.past
        check_dealer(customer=order.customer, dealer=order.dealer)
        row: dict[str, Any] = {}
        order.pk = self.tables.add(Order, row)
        self._lines()
        self.step(past.created_at, OrderStatus.DRAFT)
        self.history(past.created_at, creation_changes(snapshot(order, ORDER_FIELDS)), create=True)
        events = sorted(self._events(), key=lambda e: e[:3])
        if max([past.created_at, *(e[0] for e in events)]) > self.tables.now:
            raise self.refuse(_("Nothing can have happened after now."))
        for at, kind, index, event in events:
            self.updated_at = max(self.updated_at, at)
            if isinstance(event, PastMove):
                self.move(event)
            elif isinstance(event, PastPayment):
                self.pay(event)
            elif kind == _SHIPPED:
                self.ship(index, event)
            else:
                self.arrive(index, at)
        row.update(
            {name: getattr(order, name) for name in _ORDER_COLUMNS},
            created_by_id=actor_id(past.actor),
            created_at=past.created_at,
            updated_at=self.updated_at,
        )

    def _events(self) -> Iterator[tuple[datetime, int, int, PastMove | PastDelivery | PastPayment]]:
        """Every event: its time, its kind (which goes first of two at the same time), its
        place among those of its kind, and itself."""
        for index, move in enumerate(self.past.moves):
            yield move.at, _MOVED, index, move
        for index, delivery in enumerate(self.past.deliveries):
            yield delivery.at, _SHIPPED, index, delivery
            if delivery.arrived_at is not None:
                yield delivery.arrived_at, _ARRIVED, index, delivery
        for index, payment in enumerate(self.past.payments):
            yield payment.at, _PAID, index, payment

    def _lines(self) -> None:
        problems: list[str] = []
        for position, past in enumerate(self.past.lines, start=1):
            price = self.terms.price(past.product) if past.unit_price is None else past.unit_price
            problems += product_problems(position, past.product, self.order.currency)
            line = OrderLine(
                order=self.order,
                product=past.product,
                quantity=past.quantity,
                unit_price=price,
                discount_percent=past.discount_percent,
                position=position,
                specs=clean_specs(dict(past.specs)),
            )
            try:
                # The product is checked above, the specs by clean_specs; position and total
                # are set here.
                line.clean_fields(exclude=["order", "product", "line_total", "position", "specs"])
            except ValidationError as error:
                problems += line_problems(position, OrderLine, error)
                continue
            line.line_total = line_total(line.quantity, line.unit_price, line.discount_percent)
            self.lines[position] = line
        if not self.past.lines:
            problems.append(_("Add at least one line."))
        if problems:
            raise self.refuse(*problems)
        for line in self.lines.values():
            line.pk = self.tables.add(
                OrderLine,
                {
                    "order_id": self.order.pk,
                    "product_id": line.product_id,
                    "quantity": line.quantity,
                    "unit_price": line.unit_price,
                    "discount_percent": line.discount_percent,
                    "line_total": line.line_total,
                    "position": line.position,
                    "specs": line.specs,
                },
            )
        self.order.total = sum((line.line_total for line in self.lines.values()), start=ZERO)

    def history(
        self,
        at: datetime,
        changes: dict[str, Any],
        *,
        create: bool = False,
        actor: User | None = None,
    ) -> None:
        self.tables.changes.append(
            change_row(
                actor=actor or self.past.actor,
                target=self.order,
                action=ChangeAction.CREATE if create else ChangeAction.UPDATE,
                changes=changes,
                customer_id=self.order.customer_id,
                at=at,
            )
        )

    def step(self, at: datetime, to_status: str, note: str = "") -> None:
        """As order_step: the timeline's row, and the history's unless the order is new."""
        order = self.order
        self.tables.add(
            OrderStatusChange,
            {
                "order_id": order.pk,
                "from_status": order.status,
                "to_status": to_status,
                "actor_id": actor_id(self.past.actor),
                "at": at,
                "note": note,
            },
        )
        if order.status:
            self.history(at, status_changes(order, to_status, note))
        order.status = to_status

    def move(self, move: PastMove) -> None:
        order = self.order
        if move.to_status not in MANUAL_TRANSITIONS.get(order.status, set()):
            raise self.refuse(
                _("An order that is %(current)s cannot become %(target)s.")
                % {
                    "current": OrderStatus(order.status).label,
                    "target": OrderStatus(move.to_status).label,
                }
            )
        if move.to_status == OrderStatus.CANCELLED and order.paid > 0:
            raise self.refuse(_("An order with payments cannot be cancelled; refund them first."))
        if move.to_status == OrderStatus.CONFIRMED:
            order.confirmed_on = _local_date(move.at)
            order.due_date = order.confirmed_on + timedelta(days=order.payment_terms_days)
        self.step(move.at, move.to_status, move.note)

    def ship(self, index: int, delivery: PastDelivery) -> None:
        if not self.order.can_ship:
            raise self.refuse(
                _("An order that is %(s)s cannot be shipped.")
                % {"s": OrderStatus(self.order.status).label}
            )
        unknown = [p for p in delivery.quantities if p not in self.lines]
        wanted = {self.lines[p].pk: q for p, q in delivery.quantities.items() if p in self.lines}
        by_id = {line.pk: line for line in self.lines.values()}
        problems = [
            _("Line %(id)s is not part of this order.") % {"id": p} for p in unknown
        ] + shipping_problems(wanted, by_id, self.shipped)
        shipped_on = _local_date(delivery.at)
        arrived_on = _local_date(delivery.arrived_at) if delivery.arrived_at else None
        if not wanted:
            problems.append(_("Ship at least one line."))
        if arrived_on is not None and arrived_on < shipped_on:
            problems.append(_("Delivery cannot come before shipping."))
        if problems:
            raise self.refuse(*problems)
        pk = self.tables.add(
            Delivery,
            {
                "order_id": self.order.pk,
                "shipped_on": shipped_on,
                "delivered_on": arrived_on,
                "carrier": delivery.carrier,
                "tracking_number": delivery.tracking_number,
                "created_by_id": actor_id(self.past.actor),
                "created_at": delivery.at,
            },
        )
        for line_id, quantity in wanted.items():
            self.tables.add(
                DeliveryLine, {"delivery_id": pk, "order_line_id": line_id, "quantity": quantity}
            )
            self.shipped[line_id] = self.shipped.get(line_id, ZERO) + quantity
        self.in_transit.add(index)
        label = delivery_label(shipped_on, delivery.carrier, delivery.tracking_number)
        self.history(delivery.at, {"delivery": [None, label]})
        self.advance(delivery.at)

    def arrive(self, index: int, at: datetime) -> None:
        """As delivery_mark_delivered."""
        self.in_transit.discard(index)
        self.history(at, {"delivered_on": [None, _local_date(at).isoformat()]})
        self.advance(at)

    def advance(self, at: datetime) -> None:
        """Shipped once the deliveries cover every line; delivered once all of them arrived."""
        lines = self.lines.values()
        if not all(self.shipped.get(line.pk, ZERO) >= line.quantity for line in lines):
            return
        if self.order.can_ship:
            self.step(at, OrderStatus.SHIPPED)
        if self.order.status == OrderStatus.SHIPPED and not self.in_transit:
            self.step(at, OrderStatus.DELIVERED)

    def pay(self, past: PastPayment) -> None:
        """As payment_create."""
        order = self.order
        if not order.is_receivable:
            raise self.refuse(
                _("An order that is %(s)s takes no payments.")
                % {"s": OrderStatus(order.status).label}
            )
        if not self.tables.may_record_payments(past.actor):
            raise self.refuse(_("Only finance may record and correct payments."))
        payment = Payment(
            received_on=_local_date(past.at),
            amount=past.amount,
            method=past.method,
            reference=past.reference,
        )
        try:
            payment.clean_fields(exclude=["order", "recorded_by"])
        except ValidationError as error:
            raise self.refuse(*error.messages) from error
        if past.amount > order.outstanding:
            raise self.refuse(
                _("%(amount)s is more than the %(owed)s %(currency)s still owed.")
                % {
                    "amount": money_text(past.amount),
                    "owed": money_text(order.outstanding),
                    "currency": order.currency,
                }
            )
        self.tables.add(
            Payment,
            {
                "order_id": order.pk,
                "received_on": payment.received_on,
                "amount": payment.amount,
                "method": payment.method,
                "reference": payment.reference,
                "recorded_by_id": actor_id(past.actor),
                "created_at": past.at,
            },
        )
        self.history(past.at, paid_changes(order.paid, past.amount), actor=past.actor)
        order.paid += past.amount


@transaction.atomic
def orders_write_past(*, orders: Sequence[PastOrder]) -> list[int]:
    """Write orders that happened in the past with all that followed them; their ids, in
    the order given. One that breaks a rule stops them all, naming it by its number."""
    tables = _Tables(orders)
    for number, past in enumerate(orders, start=1):
        _Replay(tables, past, number).run()
    ids = [row["id"] for row in tables.rows[Order]]
    tables.write()
    return ids
