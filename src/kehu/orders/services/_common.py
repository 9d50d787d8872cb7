"""What every orders service shares: line pricing and validation, field assignment, history."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from kehu.customers.models import Customer
from kehu.orders.models import HUNDRED, LineBase, PriceListItem, Product

CENT = Decimal("0.01")
LINE_FIELDS = ["product", "quantity", "unit_price", "discount_percent"]


def assign(instance: Any, fields: Mapping[str, Any], allowed: Iterable[str]) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ValidationError({name: _("This field cannot be set.") for name in sorted(unknown)})
    for name, value in fields.items():
        setattr(instance, name, value)


def starting_price(*, customer: Customer, product: Product) -> Decimal:
    """The customer's group price for the product if the group lists one, else the list price."""
    group_price = (
        PriceListItem.objects.filter(group__memberships__customer=customer, product=product)
        .values_list("price", flat=True)
        .first()
    )
    return product.list_price if group_price is None else group_price


def line_total(quantity: Decimal, unit_price: Decimal, discount_percent: Decimal) -> Decimal:
    gross = quantity * unit_price * (HUNDRED - discount_percent) / HUNDRED
    return gross.quantize(CENT, rounding=ROUND_HALF_UP)


def decimal_or_raw(value: Any) -> Any:
    """A Decimal of a number or numeric text; anything else as it came, for validation to name."""
    if value is None or value == "" or isinstance(value, Decimal):
        return value
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return value


def build_lines(
    model: type[LineBase],
    rows: Iterable[Mapping[str, Any]],
    *,
    customer: Customer,
    currency: str,
    extra_fields: Iterable[str] = (),
) -> list[Any]:
    """Validated, priced, unsaved lines; a bad row raises one error naming its line and field.

    A row without a unit price starts from the customer's price for the product.
    """
    allowed = [*LINE_FIELDS, *extra_fields]
    lines: list[Any] = []
    problems: list[str] = []
    for number, row in enumerate(rows, start=1):
        line = model(position=number)
        try:
            assign(line, {k: decimal_or_raw(v) for k, v in row.items()}, allowed)
        except ValidationError as error:
            problems.extend(
                _("Line %(n)d: %(problem)s") % {"n": number, "problem": m} for m in error.messages
            )
            continue
        product = row.get("product")
        if product is not None:
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
                    % {
                        "n": number,
                        "product": product,
                        "theirs": product.currency,
                        "ours": currency,
                    }
                )
            if row.get("unit_price") in (None, ""):
                line.unit_price = starting_price(customer=customer, product=product)
        if row.get("discount_percent") in (None, ""):
            line.discount_percent = Decimal("0")
        try:
            line.full_clean(exclude=["quote", "order"])
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                label = (
                    str(getattr(model._meta.get_field(name), "verbose_name", name))
                    if name != "__all__"
                    else ""
                )
                problems.extend(
                    _("Line %(n)d, %(field)s: %(problem)s")
                    % {"n": number, "field": label, "problem": m}
                    for m in messages
                )
            continue
        line.line_total = line_total(line.quantity, line.unit_price, line.discount_percent)
        lines.append(line)
    if not lines and not problems:
        problems.append(_("Add at least one line."))
    if problems:
        raise ValidationError({"lines": problems})
    return lines


def check_opportunity(*, customer: Customer, opportunity: Any) -> None:
    if opportunity is not None and opportunity.customer_id != customer.pk:
        raise ValidationError(
            {
                "opportunity": _("The opportunity %(name)s is not this customer's.")
                % {"name": opportunity}
            }
        )
