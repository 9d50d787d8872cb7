"""Orders: creation and editing, custom-product specifications, confirmation after the credit
check, and the moves along the status path made by hand."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kehu.core.exceptions import Refused, VersionConflict
from kehu.core.history import actor_or_none, record_creation, record_update, snapshot
from kehu.core.locking import save_versioned
from kehu.core.models import User
from kehu.core.money import ZERO
from kehu.core.records import fields_assign
from kehu.customers.models import Customer, CustomerKind
from kehu.orders.exceptions import CreditBlocked
from kehu.orders.models import (
    MANUAL_TRANSITIONS,
    Order,
    OrderLine,
    OrderStatus,
    OrderStatusChange,
    Quote,
)
from kehu.orders.services._common import (
    build_lines,
    check_opportunity,
    decimal_or_raw,
    order_step,
)
from kehu.orders.services.credit import approved_for, credit_check
from kehu.orders.services.products import payment_terms_for

if TYPE_CHECKING:
    from kehu.sales.models import Opportunity

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
# What an edit may change besides the lines; once confirmed, the notes alone.
ORDER_EDITABLE = ["dealer", "opportunity", "notes"]
DRAFT_ONLY = ["dealer", "opportunity"]


def check_dealer(*, customer: Customer, dealer: Customer | None) -> None:
    if dealer is None:
        return
    if dealer.kind != CustomerKind.DEALER:
        raise ValidationError({"dealer": _("%(name)s is not a dealer.") % {"name": dealer}})
    if dealer.pk == customer.pk:
        raise ValidationError({"dealer": _("A customer cannot be its own dealer.")})


@transaction.atomic
def order_create(
    *,
    actor: User | None,
    customer: Customer,
    lines: Iterable[Mapping[str, Any]],
    dealer: Customer | None = None,
    notes: str = "",
    quote: Quote | None = None,
    opportunity: Opportunity | None = None,
) -> Order:
    """A draft order in the customer's currency, on the customer's group's payment terms.

    Lines may carry `specs`, the custom-product attributes (name → value).
    """
    if dealer is None and customer.dealer_id:
        dealer = customer.dealer
    check_dealer(customer=customer, dealer=dealer)
    check_opportunity(customer=customer, opportunity=opportunity)
    built = order_lines(lines, actor=actor, customer=customer, currency=customer.currency)
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


def order_lines(
    rows: Iterable[Mapping[str, Any]], *, actor: User | None, customer: Customer, currency: str
) -> list[OrderLine]:
    built = build_lines(
        OrderLine,
        rows,
        actor=actor,
        customer=customer,
        currency=currency,
        extra_fields=["specs"],
    )
    for line in built:
        line.specs = clean_specs(line.specs)
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
def order_update(*, actor: User | None, order: Order, version: int, **fields: Any) -> Order:
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
    if not current.is_draft:
        changed = ["lines"] if rows is not None and not _same_lines(old_lines, rows) else []
        changed += [n for n in DRAFT_ONLY if n in fields and fields[n] != getattr(current, n)]
        _refuse_after_draft(current, changed)
        rows = None
    fields_assign(current, fields, ORDER_EDITABLE, actor=actor)
    if "dealer" in fields:
        check_dealer(customer=customer, dealer=current.dealer)
    if "opportunity" in fields:
        check_opportunity(customer=customer, opportunity=current.opportunity)
    built = None
    if rows is not None:
        built = order_lines(rows, actor=actor, customer=customer, currency=current.currency)
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


def clean_specs(specs: Any) -> dict[str, str]:
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
def order_line_set_specs(
    *, actor: User | None, line: OrderLine, specs: Mapping[str, Any]
) -> OrderLine:
    """Replace a line's specifications while the order has not shipped."""
    order = Order.objects.select_for_update().get(pk=line.order_id)
    if not order.specs_editable:
        raise ValidationError(
            {"specs": _("Specifications cannot change once the order has shipped.")}
        )
    before = {"specs": line.specs}
    line.specs = clean_specs(dict(specs))
    line.save(update_fields=["specs"])
    record_update(
        actor=actor,
        target=order,
        before={f"{line.product.sku} specs": before["specs"]},
        after={f"{line.product.sku} specs": line.specs},
        customer_id=order.customer_id,
    )
    return line


def refuse_move(order: Order, to_status: str) -> None:
    raise ValidationError(
        {
            "status": _("An order that is %(current)s cannot become %(target)s.")
            % {
                "current": OrderStatus(order.status).label,
                "target": OrderStatus(to_status).label,
            }
        }
    )


def _confirmed_first() -> VersionConflict:
    return VersionConflict(message=_("Someone else confirmed this order first."))


@transaction.atomic
def order_confirm(*, actor: User | None, order: Order, today: date | None = None) -> Order:
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
    if not current.is_draft:
        if current.status == OrderStatus.CONFIRMED:
            if order.is_draft:  # read as a draft: another confirmed it since
                raise _confirmed_first()
            raise Refused(
                _("This order is already confirmed (on %(date)s).") % {"date": current.confirmed_on}
            )
        refuse_move(current, OrderStatus.CONFIRMED)
    check = credit_check(order=current)
    if not check.within_limit and not approved_for(current):
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
        raise _confirmed_first()
    order_step(actor=actor, order=current, to_status=OrderStatus.CONFIRMED)
    current.confirmed_on, current.due_date = confirmed_on, due_date
    return current


@transaction.atomic
def order_transition(*, actor: User | None, order: Order, to_status: str, note: str = "") -> Order:
    """Move an order along its allowed path by hand."""
    if to_status not in OrderStatus.values:
        raise ValidationError({"status": _("Unknown status “%(s)s”.") % {"s": to_status}})
    if to_status == OrderStatus.CONFIRMED:
        return order_confirm(actor=actor, order=order)
    current = Order.objects.select_for_update().get(pk=order.pk)
    if to_status not in MANUAL_TRANSITIONS.get(current.status, set()):
        refuse_move(current, to_status)
    if to_status == OrderStatus.CANCELLED and current.paid > 0:
        raise ValidationError(
            {"status": _("An order with payments cannot be cancelled; refund them first.")}
        )
    Order.objects.filter(pk=current.pk).update(status=to_status, updated_at=timezone.now())
    order_step(actor=actor, order=current, to_status=to_status, note=note)
    return current
