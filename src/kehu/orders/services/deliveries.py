"""Deliveries: shipments of an order's quantities and their arrival, which move the order to
shipped and delivered."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from kehu.core.history import ChangeAction, actor_or_none, change_record, record_update, snapshot
from kehu.core.models import User
from kehu.orders.models import Delivery, DeliveryLine, Order, OrderLine, OrderStatus
from kehu.orders.services._common import order_step


def shipped_by_line(order: Order) -> dict[int, Decimal]:
    """How much of each of the order's lines its deliveries have shipped so far."""
    return {
        row["order_line"]: row["qty"]
        for row in DeliveryLine.objects.filter(order_line__order=order)
        .values("order_line")
        .annotate(qty=Sum("quantity"))
    }


def _advance_by_deliveries(*, actor: User | None, order: Order) -> None:
    """Shipped once the deliveries cover every line; delivered once all of them arrived."""
    shipped = shipped_by_line(order)
    covered = all(shipped.get(line.pk, 0) >= line.quantity for line in order.lines.all())
    if not covered:
        return
    if order.can_ship:
        Order.objects.filter(pk=order.pk).update(status=OrderStatus.SHIPPED)
        order_step(actor=actor, order=order, to_status=OrderStatus.SHIPPED)
    arrived = not order.deliveries.filter(delivered_on__isnull=True).exists()
    if order.status == OrderStatus.SHIPPED and arrived:
        Order.objects.filter(pk=order.pk).update(status=OrderStatus.DELIVERED)
        order_step(actor=actor, order=order, to_status=OrderStatus.DELIVERED)


def plain(quantity: Decimal) -> str:
    """3.000 → "3", 2.500 → "2.5"."""
    return f"{quantity.normalize():f}"


def delivery_label(shipped_on: date, carrier: str, tracking_number: str) -> str:
    """A delivery as the order's history names it."""
    return f"{shipped_on.isoformat()} {carrier} {tracking_number}".strip()


def _quantities(raw: Mapping[int, Decimal | str]) -> tuple[dict[int, Decimal], list[str]]:
    problems: list[str] = []
    wanted: dict[int, Decimal] = {}
    for line_id, value in raw.items():
        if value in (None, ""):
            continue
        try:
            wanted[int(line_id)] = Decimal(str(value).replace(",", ""))
        except InvalidOperation:
            problems.append(_("“%(value)s” is not a quantity.") % {"value": value})
    return {k: v for k, v in wanted.items() if v != 0}, problems


def shipping_problems(
    wanted: Mapping[int, Decimal], lines: Mapping[int, OrderLine], already: Mapping[int, Decimal]
) -> list[str]:
    """What is wrong with shipping `wanted` (line id → quantity) of these lines, of which
    `already` has shipped."""
    problems = []
    for line_id, quantity in wanted.items():
        line = lines.get(line_id)
        if line is None:
            problems.append(_("Line %(id)s is not part of this order.") % {"id": line_id})
        elif quantity <= 0:
            problems.append(
                _("%(product)s: the quantity must be more than 0.") % {"product": line.product}
            )
        elif already.get(line_id, 0) + quantity > line.quantity:
            problems.append(
                _("%(product)s: only %(left)s of %(ordered)s are left to ship.")
                % {
                    "product": line.product,
                    "left": plain(line.quantity - already.get(line_id, 0)),
                    "ordered": plain(line.quantity),
                }
            )
    return problems


def refuse_shipping(order: Order) -> None:
    if not order.can_ship:
        raise ValidationError(
            {
                "order": _("An order that is %(s)s cannot be shipped.")
                % {"s": OrderStatus(order.status).label}
            }
        )


def check_arrival(shipped_on: date, delivered_on: date | None) -> None:
    if delivered_on is not None and delivered_on < shipped_on:
        raise ValidationError({"delivered_on": _("Delivery cannot come before shipping.")})


@transaction.atomic
def delivery_create(
    *,
    actor: User | None,
    order: Order,
    shipped_on: date,
    quantities: Mapping[int, Decimal | str],
    carrier: str = "",
    tracking_number: str = "",
    delivered_on: date | None = None,
) -> Delivery:
    """Record a shipment of `quantities` (order line id → quantity)."""
    current = Order.objects.select_for_update().get(pk=order.pk)
    refuse_shipping(current)
    check_arrival(shipped_on, delivered_on)
    lines = {line.pk: line for line in current.lines.select_related("product")}
    wanted, problems = _quantities(quantities)
    problems += shipping_problems(wanted, lines, shipped_by_line(current))
    if not wanted and not problems:
        problems.append(_("Ship at least one line."))
    if problems:
        raise ValidationError({"quantities": problems})
    delivery = Delivery(
        order=current,
        shipped_on=shipped_on,
        delivered_on=delivered_on,
        carrier=carrier,
        tracking_number=tracking_number,
        created_by=actor_or_none(actor),
    )
    delivery.full_clean()
    delivery.save()
    DeliveryLine.objects.bulk_create(
        DeliveryLine(delivery=delivery, order_line_id=k, quantity=v) for k, v in wanted.items()
    )
    change_record(
        actor=actor,
        target=current,
        action=ChangeAction.UPDATE,
        changes={"delivery": [None, delivery_label(shipped_on, carrier, tracking_number)]},
        customer_id=current.customer_id,
    )
    _advance_by_deliveries(actor=actor, order=current)
    return delivery


@transaction.atomic
def delivery_mark_delivered(
    *, actor: User | None, delivery: Delivery, delivered_on: date
) -> Delivery:
    order = Order.objects.select_for_update().get(pk=delivery.order_id)
    check_arrival(delivery.shipped_on, delivered_on)
    before = snapshot(delivery, ["delivered_on"])
    delivery.delivered_on = delivered_on
    delivery.save(update_fields=["delivered_on"])
    record_update(
        actor=actor,
        target=order,
        before=before,
        after=snapshot(delivery, ["delivered_on"]),
        customer_id=order.customer_id,
    )
    _advance_by_deliveries(actor=actor, order=order)
    return delivery
