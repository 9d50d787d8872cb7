"""Orders: creation and editing, the credit check and its approvals, confirmation, the status
timeline, custom-product specifications and deliveries."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from kehu.core.exceptions import VersionConflict
from kehu.core.history import (
    ChangeAction,
    actor_or_none,
    change_record,
    record_creation,
    record_update,
    snapshot,
)
from kehu.core.locking import save_versioned
from kehu.customers.models import Customer, CustomerKind
from kehu.orders.exceptions import CreditBlocked, CreditCheck
from kehu.orders.models import (
    ZERO,
    ApprovalStatus,
    CreditApproval,
    Delivery,
    DeliveryLine,
    Order,
    OrderLine,
    OrderStatus,
    OrderStatusChange,
    Quote,
)
from kehu.orders.selectors import open_amount
from kehu.orders.services._common import (
    assign,
    build_lines,
    check_opportunity,
    decimal_or_raw,
)
from kehu.orders.services.products import payment_terms_for

APPROVE_CREDIT = "orders.approve_credit"
ORDER_FIELDS = [
    "customer",
    "dealer",
    "opportunity",
    "currency",
    "total",
    "payment_terms_days",
    "notes",
    "status",
]

# Where each status may go by hand. Shipped and delivered follow from the deliveries, and
# confirmation goes through the credit check.
MANUAL_TRANSITIONS: dict[str, set[str]] = {
    OrderStatus.DRAFT: {OrderStatus.CONFIRMED, OrderStatus.CANCELLED},
    OrderStatus.CONFIRMED: {OrderStatus.IN_PRODUCTION, OrderStatus.CANCELLED},
    OrderStatus.IN_PRODUCTION: {OrderStatus.CANCELLED},
    OrderStatus.DELIVERED: {OrderStatus.COMPLETED},
}
SHIPPABLE = [OrderStatus.CONFIRMED, OrderStatus.IN_PRODUCTION]
SPECS_EDITABLE = [OrderStatus.DRAFT, OrderStatus.CONFIRMED, OrderStatus.IN_PRODUCTION]
# What an edit may change besides the lines; once confirmed, the notes alone.
ORDER_EDITABLE = ["dealer", "opportunity", "notes"]
DRAFT_ONLY = ["dealer", "opportunity"]


def _check_dealer(*, customer: Customer, dealer: Customer | None) -> None:
    if dealer is None:
        return
    if dealer.kind != CustomerKind.DEALER:
        raise ValidationError({"dealer": _("%(name)s is not a dealer.") % {"name": dealer}})
    if dealer.pk == customer.pk:
        raise ValidationError({"dealer": _("A customer cannot be its own dealer.")})


@transaction.atomic
def order_create(
    *,
    actor: Any,
    customer: Customer,
    lines: Iterable[Mapping[str, Any]],
    dealer: Customer | None = None,
    notes: str = "",
    quote: Quote | None = None,
    opportunity: Any = None,
) -> Order:
    """A draft order in the customer's currency, on the customer's group's payment terms.

    Lines may carry `specs`, the custom-product attributes (name → value).
    """
    if dealer is None and customer.dealer_id:
        dealer = customer.dealer
    _check_dealer(customer=customer, dealer=dealer)
    check_opportunity(customer=customer, opportunity=opportunity)
    built = _order_lines(lines, customer=customer, currency=customer.currency)
    order = Order(
        customer=customer,
        dealer=dealer,
        quote=quote,
        opportunity=opportunity,
        currency=customer.currency,
        payment_terms_days=payment_terms_for(customer),
        notes=notes,
        total=sum((line.line_total for line in built), start=ZERO),
        created_by=actor_or_none(actor),
    )
    order.full_clean()
    order.save()
    for line in built:
        line.order = order
    OrderLine.objects.bulk_create(built)
    OrderStatusChange.objects.create(
        order=order, from_status="", to_status=OrderStatus.DRAFT, actor=actor_or_none(actor)
    )
    record_creation(actor=actor, target=order, fields=ORDER_FIELDS, customer_id=customer.pk)
    return order


def _order_lines(
    rows: Iterable[Mapping[str, Any]], *, customer: Customer, currency: str
) -> list[OrderLine]:
    built = build_lines(
        OrderLine, rows, customer=customer, currency=currency, extra_fields=["specs"]
    )
    for line in built:
        line.specs = _clean_specs(line.specs)
    return built


def _refuse_after_draft(order: Order, names: Iterable[str]) -> None:
    problems = {
        name: _(
            "The %(field)s of an order cannot change once it is %(status)s; only its notes can."
        )
        % {"field": _field_label(name), "status": OrderStatus(order.status).label}
        for name in names
    }
    if problems:
        raise ValidationError(problems)


def _field_label(name: str) -> str:
    if name == "lines":
        return str(OrderLine._meta.verbose_name_plural)
    return str(getattr(Order._meta.get_field(name), "verbose_name", name))


@transaction.atomic
def order_update(*, actor: Any, order: Order, version: int, **fields: Any) -> Order:
    """Edit an order read at `version`; a stale version raises VersionConflict.

    A draft may change its dealer, opportunity, notes and `lines` (all replaced, priced and
    checked as on creation, each with its own specs; the total follows). Once confirmed only
    the notes may change, and a cancelled order not at all. The customer never changes.
    """
    current = Order.objects.select_for_update().select_related("customer").get(pk=order.pk)
    customer = fields.pop("customer", current.customer)
    if customer.pk != current.customer_id:
        raise ValidationError(
            {"customer": _("An order's customer cannot change; cancel it and enter a new one.")}
        )
    if current.status == OrderStatus.CANCELLED:
        raise ValidationError({"order": _("A cancelled order cannot be changed.")})
    rows = fields.pop("lines", None)
    old_lines = list(current.lines.select_related("product"))
    before = {**snapshot(current, [*ORDER_EDITABLE, "total"]), "lines": _line_state(old_lines)}
    if current.status != OrderStatus.DRAFT:
        changed = ["lines"] if rows is not None and not _same_lines(old_lines, rows) else []
        changed += [n for n in DRAFT_ONLY if n in fields and fields[n] != getattr(current, n)]
        _refuse_after_draft(current, changed)
        rows = None
    assign(current, fields, ORDER_EDITABLE)
    if "dealer" in fields:
        _check_dealer(customer=customer, dealer=current.dealer)
    if "opportunity" in fields:
        check_opportunity(customer=customer, opportunity=current.opportunity)
    built = None
    if rows is not None:
        built = _order_lines(rows, customer=customer, currency=current.currency)
        current.total = sum((line.line_total for line in built), start=ZERO)
    current.full_clean()
    save_versioned(current, expected_version=version, fields=[*ORDER_EDITABLE, "total"])
    if built is not None:
        current.lines.all().delete()
        for line in built:
            line.order = current
        OrderLine.objects.bulk_create(built)
    after = {
        **snapshot(current, [*ORDER_EDITABLE, "total"]),
        "lines": before["lines"] if built is None else _line_state(built),
    }
    record_update(
        actor=actor, target=current, before=before, after=after, customer_id=current.customer_id
    )
    return current


def _same_lines(lines: list[OrderLine], rows: Iterable[Mapping[str, Any]]) -> bool:
    """Whether `rows` describe exactly these lines, so sending them back changes nothing."""
    wanted = [
        (
            row.get("product"),
            decimal_or_raw(row.get("quantity")),
            decimal_or_raw(row.get("unit_price")),
            decimal_or_raw(row.get("discount_percent") or ZERO),
            dict(row.get("specs") or {}),
        )
        for row in rows
    ]
    return wanted == [
        (line.product, line.quantity, line.unit_price, line.discount_percent, line.specs)
        for line in lines
    ]


def _line_state(lines: Iterable[OrderLine]) -> list[str]:
    """The lines as the history keeps them: one readable text each."""
    return [
        f"{line.product.sku} × {line.quantity.normalize():f} × {line.unit_price:.2f}"
        + (f" −{line.discount_percent.normalize():f}%" if line.discount_percent else "")
        + "".join(f" {name}: {value}" for name, value in line.specs.items())
        for line in lines
    ]


def _clean_specs(specs: Any) -> dict[str, str]:
    if specs in (None, ""):
        return {}
    if not isinstance(specs, dict):
        raise ValidationError({"specs": _("Specifications are pairs of a name and a value.")})
    cleaned = {str(k).strip(): str(v).strip() for k, v in specs.items() if str(k).strip()}
    if any(len(k) > 100 or len(v) > 500 for k, v in cleaned.items()):
        raise ValidationError(
            {"specs": _("A specification name has at most 100 characters, a value 500.")}
        )
    return cleaned


@transaction.atomic
def order_line_set_specs(*, actor: Any, line: OrderLine, specs: Mapping[str, Any]) -> OrderLine:
    """Replace a line's specifications while the order has not shipped."""
    order = Order.objects.select_for_update().get(pk=line.order_id)
    if order.status not in SPECS_EDITABLE:
        raise ValidationError(
            {"specs": _("Specifications cannot change once the order has shipped.")}
        )
    before = {"specs": line.specs}
    line.specs = _clean_specs(dict(specs))
    line.save(update_fields=["specs"])
    record_update(
        actor=actor,
        target=order,
        before={f"{line.product.sku} specs": before["specs"]},
        after={f"{line.product.sku} specs": line.specs},
        customer_id=order.customer_id,
    )
    return line


# Credit ---------------------------------------------------------------------------------


def open_receivables(customer_id: int) -> Decimal:
    return open_amount(Order.objects.filter(customer_id=customer_id))


def credit_check(*, order: Order) -> CreditCheck:
    customer = order.customer
    return CreditCheck(
        customer=customer.name,
        currency=customer.currency,
        credit_limit=customer.credit_limit,
        open_receivables=open_receivables(customer.pk),
        amount=order.total,
    )


def _approved_for(order: Order) -> bool:
    return order.credit_approvals.filter(
        status=ApprovalStatus.APPROVED, amount__gte=order.total
    ).exists()


def _step(*, actor: Any, order: Order, to_status: str, note: str = "") -> None:
    OrderStatusChange.objects.create(
        order=order,
        from_status=order.status,
        to_status=to_status,
        actor=actor_or_none(actor),
        note=note,
    )
    change_record(
        actor=actor,
        target=order,
        action=ChangeAction.UPDATE,
        changes={"status": [order.status, to_status], **({"reason": [None, note]} if note else {})},
        customer_id=order.customer_id,
    )
    order.status = to_status


def _refuse_move(order: Order, to_status: str) -> None:
    raise ValidationError(
        {
            "status": _("An order that is %(current)s cannot become %(target)s.")
            % {
                "current": OrderStatus(order.status).label,
                "target": OrderStatus(to_status).label,
            }
        }
    )


@transaction.atomic
def order_confirm(*, actor: Any, order: Order, today: date | None = None) -> Order:
    """Confirm a draft order after the credit check; the receivable falls due after the
    payment terms.

    Over the limit, only an approved credit request covering the order's amount lets it
    through (CreditBlocked otherwise). Of two people confirming at once exactly one wins; the
    other gets VersionConflict.
    """
    # Confirmations of one customer's orders queue here, so two orders cannot both slip
    # under the same credit limit.
    Customer.objects.select_for_update().filter(pk=order.customer_id).first()
    current = Order.objects.select_for_update().select_related("customer").get(pk=order.pk)
    if current.status != OrderStatus.DRAFT:
        if current.status == OrderStatus.CONFIRMED:
            raise VersionConflict(message=_("Someone else confirmed this order first."))
        _refuse_move(current, OrderStatus.CONFIRMED)
    check = credit_check(order=current)
    if not check.within_limit and not _approved_for(current):
        raise CreditBlocked(check)
    confirmed_on = today or timezone.localdate()
    due_date = confirmed_on + timedelta(days=current.payment_terms_days)
    won = Order.objects.filter(pk=current.pk, status=OrderStatus.DRAFT).update(
        status=OrderStatus.CONFIRMED,
        confirmed_on=confirmed_on,
        due_date=due_date,
        updated_at=timezone.now(),
    )
    if not won:
        raise VersionConflict(message=_("Someone else confirmed this order first."))
    _step(actor=actor, order=current, to_status=OrderStatus.CONFIRMED)
    current.confirmed_on, current.due_date = confirmed_on, due_date
    return current


@transaction.atomic
def order_transition(*, actor: Any, order: Order, to_status: str, note: str = "") -> Order:
    """Move an order along its allowed path by hand."""
    if to_status not in OrderStatus.values:
        raise ValidationError({"status": _("Unknown status “%(s)s”.") % {"s": to_status}})
    if to_status == OrderStatus.CONFIRMED:
        return order_confirm(actor=actor, order=order)
    current = Order.objects.select_for_update().get(pk=order.pk)
    if to_status not in MANUAL_TRANSITIONS.get(current.status, set()):
        _refuse_move(current, to_status)
    if to_status == OrderStatus.CANCELLED and current.paid > 0:
        raise ValidationError(
            {"status": _("An order with payments cannot be cancelled; refund them first.")}
        )
    Order.objects.filter(pk=current.pk).update(status=to_status, updated_at=timezone.now())
    _step(actor=actor, order=current, to_status=to_status, note=note)
    return current


# Credit approvals -----------------------------------------------------------------------


@transaction.atomic
def credit_approval_request(*, actor: Any, order: Order, reason: str) -> CreditApproval:
    """Ask finance to let a draft order over the credit limit be confirmed."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why this order should be allowed.")})
    current = Order.objects.select_for_update().select_related("customer").get(pk=order.pk)
    if current.status != OrderStatus.DRAFT:
        raise ValidationError({"order": _("Only a draft order needs a credit approval.")})
    check = credit_check(order=current)
    if check.within_limit:
        raise ValidationError(
            {"order": _("This order is within the credit limit: no approval is needed.")}
        )
    if current.credit_approvals.filter(status=ApprovalStatus.PENDING).exists():
        raise ValidationError({"order": _("An approval for this order is already pending.")})
    approval = CreditApproval.objects.create(
        order=current,
        amount=check.amount,
        open_receivables=check.open_receivables,
        credit_limit=check.credit_limit,
        reason=reason,
        requested_by=actor_or_none(actor),
    )
    change_record(
        actor=actor,
        target=current,
        action=ChangeAction.UPDATE,
        changes={"credit_approval": [None, ApprovalStatus.PENDING.value], "reason": [None, reason]},
        customer_id=current.customer_id,
    )
    return approval


@transaction.atomic
def credit_approval_decide(
    *, actor: Any, approval: CreditApproval, approve: bool, note: str = ""
) -> CreditApproval:
    """Finance approves or rejects a pending request; a rejection says why."""
    if not actor.has_perm(APPROVE_CREDIT):
        raise PermissionDenied(_("Only finance may decide on credit approvals."))
    note = note.strip()
    if not approve and not note:
        raise ValidationError({"decision_note": _("Say why the request is rejected.")})
    status = ApprovalStatus.APPROVED if approve else ApprovalStatus.REJECTED
    now = timezone.now()
    decided = CreditApproval.objects.filter(pk=approval.pk, status=ApprovalStatus.PENDING).update(
        status=status, decided_by=actor, decided_at=now, decision_note=note
    )
    if not decided:
        raise VersionConflict(message=_("This request has already been decided."))
    approval.refresh_from_db()
    change_record(
        actor=actor,
        target=approval.order,
        action=ChangeAction.UPDATE,
        changes={
            "credit_approval": [ApprovalStatus.PENDING.value, status.value],
            **({"reason": [None, note]} if note else {}),
        },
        customer_id=approval.order.customer_id,
    )
    return approval


# Deliveries -----------------------------------------------------------------------------


def _shipped_by_line(order: Order) -> dict[int, Decimal]:
    """How much of each of the order's lines its deliveries have shipped so far."""
    return {
        row["order_line"]: row["qty"]
        for row in DeliveryLine.objects.filter(order_line__order=order)
        .values("order_line")
        .annotate(qty=Sum("quantity"))
    }


def _advance_by_deliveries(*, actor: Any, order: Order) -> None:
    """Shipped once the deliveries cover every line; delivered once all of them arrived."""
    shipped = _shipped_by_line(order)
    covered = all(shipped.get(line.pk, 0) >= line.quantity for line in order.lines.all())
    if not covered:
        return
    if order.status in SHIPPABLE:
        Order.objects.filter(pk=order.pk).update(status=OrderStatus.SHIPPED)
        _step(actor=actor, order=order, to_status=OrderStatus.SHIPPED)
    arrived = not order.deliveries.filter(delivered_on__isnull=True).exists()
    if order.status == OrderStatus.SHIPPED and arrived:
        Order.objects.filter(pk=order.pk).update(status=OrderStatus.DELIVERED)
        _step(actor=actor, order=order, to_status=OrderStatus.DELIVERED)


def _plain(quantity: Decimal) -> str:
    """3.000 → "3", 2.500 → "2.5"."""
    return f"{quantity.normalize():f}"


@transaction.atomic
def delivery_create(
    *,
    actor: Any,
    order: Order,
    shipped_on: date,
    quantities: Mapping[int, Decimal | str],
    carrier: str = "",
    tracking_number: str = "",
    delivered_on: date | None = None,
) -> Delivery:
    """Record a shipment of `quantities` (order line id → quantity)."""
    current = Order.objects.select_for_update().get(pk=order.pk)
    if current.status not in SHIPPABLE:
        raise ValidationError(
            {
                "order": _("An order that is %(s)s cannot be shipped.")
                % {"s": OrderStatus(current.status).label}
            }
        )
    if delivered_on is not None and delivered_on < shipped_on:
        raise ValidationError({"delivered_on": _("Delivery cannot come before shipping.")})
    lines = {line.pk: line for line in current.lines.select_related("product")}
    already = _shipped_by_line(current)
    problems: list[str] = []
    wanted: dict[int, Decimal] = {}
    for line_id, raw in quantities.items():
        if raw in (None, ""):
            continue
        try:
            wanted[int(line_id)] = Decimal(str(raw).replace(",", ""))
        except InvalidOperation:
            problems.append(_("“%(value)s” is not a quantity.") % {"value": raw})
    wanted = {k: v for k, v in wanted.items() if v != 0}
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
                    "left": _plain(line.quantity - already.get(line_id, 0)),
                    "ordered": _plain(line.quantity),
                }
            )
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
        changes={
            "delivery": [None, f"{shipped_on.isoformat()} {carrier} {tracking_number}".strip()]
        },
        customer_id=current.customer_id,
    )
    _advance_by_deliveries(actor=actor, order=current)
    return delivery


@transaction.atomic
def delivery_mark_delivered(*, actor: Any, delivery: Delivery, delivered_on: date) -> Delivery:
    order = Order.objects.select_for_update().get(pk=delivery.order_id)
    if delivered_on < delivery.shipped_on:
        raise ValidationError({"delivered_on": _("Delivery cannot come before shipping.")})
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
