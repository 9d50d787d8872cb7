"""What every orders service shares: line pricing and validation, the status timeline, and
the permissions some writes need whoever calls them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model
from django.utils.translation import gettext as _

from kehu.core.history import ChangeAction, actor_or_none, change_record
from kehu.core.models import User
from kehu.core.money import cents
from kehu.core.records import fields_assign
from kehu.customers.models import Customer
from kehu.orders.models import HUNDRED, LineBase, Order, OrderStatusChange, PriceListItem, Product

if TYPE_CHECKING:
    from kehu.sales.models import Opportunity

Line = TypeVar("Line", bound=LineBase)
APPROVE_CREDIT = "orders.approve_credit"
ADD_PAYMENT = "orders.add_payment"
LINE_FIELDS = ["product", "quantity", "unit_price", "discount_percent"]


def require_permission(actor: User | None, permission: str, refusal: str) -> None:
    """Refuse a write that only some roles may make, whichever path it comes by; Kehu itself
    (no actor) may make it."""
    if actor is not None and not actor.has_perm(permission):
        raise PermissionDenied(refusal)


def starting_price(*, customer: Customer, product: Product) -> Decimal:
    """The customer's group price for the product if the group lists one, else the list price."""
    group_price = (
        PriceListItem.objects.filter(group__memberships__customer=customer, product=product)
        .values_list("price", flat=True)
        .first()
    )
    return product.list_price if group_price is None else group_price


def line_total(quantity: Decimal, unit_price: Decimal, discount_percent: Decimal) -> Decimal:
    return cents(quantity * unit_price * (HUNDRED - discount_percent) / HUNDRED)


def decimal_or_raw(value: Any) -> Any:
    """A Decimal of a number or numeric text; anything else as it came, for validation to name."""
    if value is None or value == "" or isinstance(value, Decimal):
        return value
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return value


def product_problems(number: int, product: Product, currency: str) -> list[str]:
    """Why line `number` cannot sell `product` in a document in `currency`, if it cannot."""
    problems = []
    if not product.is_active:
        problems.append(
            _("Line %(n)d, product: %(product)s is no longer sold.")
            % {"n": number, "product": product}
        )
    if product.currency != currency:
        problems.append(
            _(
                "Line %(n)d, product: %(product)s is priced in %(theirs)s, "
                "this document in %(ours)s."
            )
            % {"n": number, "product": product, "theirs": product.currency, "ours": currency}
        )
    return problems


def line_problems(number: int, model: type[Model], error: ValidationError) -> list[str]:
    """A line's invalid fields, each named with the line's number."""
    problems: list[str] = []
    for name, messages in error.message_dict.items():
        label = (
            str(getattr(model._meta.get_field(name), "verbose_name", name))
            if name != "__all__"
            else ""
        )
        problems.extend(
            _("Line %(n)d, %(field)s: %(problem)s") % {"n": number, "field": label, "problem": m}
            for m in messages
        )
    return problems


def build_lines(
    model: type[Line],
    rows: Iterable[Mapping[str, Any]],
    *,
    actor: User | None,
    customer: Customer,
    currency: str,
    extra_fields: Iterable[str] = (),
) -> list[Line]:
    """Validated, priced, unsaved lines; a bad row raises one error naming its line and field.

    A row without a unit price starts from the customer's price for the product.
    """
    allowed = [*LINE_FIELDS, *extra_fields]
    lines: list[Line] = []
    problems: list[str] = []
    for number, row in enumerate(rows, start=1):
        line = model(position=number)
        try:
            values = {k: decimal_or_raw(v) for k, v in row.items()}
            fields_assign(line, values, allowed, actor=actor)
        except ValidationError as error:
            problems.extend(
                _("Line %(n)d: %(problem)s") % {"n": number, "problem": m} for m in error.messages
            )
            continue
        product = row.get("product")
        if product is not None:
            problems.extend(product_problems(number, product, currency))
            if row.get("unit_price") in (None, ""):
                line.unit_price = starting_price(customer=customer, product=product)
        if row.get("discount_percent") in (None, ""):
            line.discount_percent = Decimal("0")
        try:
            line.full_clean(exclude=["quote", "order"])
        except ValidationError as error:
            problems.extend(line_problems(number, model, error))
            continue
        line.line_total = line_total(line.quantity, line.unit_price, line.discount_percent)
        lines.append(line)
    if not lines and not problems:
        problems.append(_("Add at least one line."))
    if problems:
        raise ValidationError({"lines": problems})
    return lines


def check_opportunity(*, customer: Customer, opportunity: Opportunity | None) -> None:
    if opportunity is not None and opportunity.customer_id != customer.pk:
        raise ValidationError(
            {
                "opportunity": _("The opportunity %(name)s is not this customer's.")
                % {"name": opportunity}
            }
        )


def status_changes(order: Order, to_status: str, note: str = "") -> dict[str, list[Any]]:
    """What the history keeps of a move of `order` to `to_status`."""
    return {"status": [order.status, to_status], **({"reason": [None, note]} if note else {})}


def order_step(*, actor: User | None, order: Order, to_status: str, note: str = "") -> None:
    """Record a move of the order to `to_status` on its timeline and in its history; the
    caller has written the status itself."""
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
        changes=status_changes(order, to_status, note),
        customer_id=order.customer_id,
    )
    order.status = to_status
