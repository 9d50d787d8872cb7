"""Products, customer groups with their price lists and payment terms."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kehu.core.locking import save_versioned
from kehu.core.models import User
from kehu.core.records import FieldsRefused, fields_assign
from kehu.customers.models import CHANGE_CREDIT, Customer
from kehu.orders.models import (
    DEFAULT_PAYMENT_TERMS_DAYS,
    CustomerGroup,
    GroupMembership,
    PriceListItem,
    Product,
)

PRODUCT_FIELDS = ["sku", "name", "unit", "list_price", "currency", "is_active"]
GROUP_FIELDS = ["name", "payment_terms_days"]


@transaction.atomic
def product_create(*, actor: User | None, **fields: Any) -> Product:
    product = Product()
    fields_assign(product, fields, PRODUCT_FIELDS, actor=actor)
    product.full_clean()
    product.save()
    return product


@transaction.atomic
def product_update(*, actor: User | None, product: Product, version: int, **fields: Any) -> Product:
    fields_assign(product, fields, PRODUCT_FIELDS, actor=actor)
    product.full_clean()
    save_versioned(product, expected_version=version, fields=PRODUCT_FIELDS)
    return product


@transaction.atomic
def customer_group_save(
    *, actor: User | None, group: CustomerGroup | None = None, **fields: Any
) -> CustomerGroup:
    """Create a group, or change its name or payment terms; the terms are finance's
    (CustomerGroup.restricted_fields)."""
    group = group or CustomerGroup()
    fields_assign(group, fields, GROUP_FIELDS, actor=actor)
    group.full_clean()
    group.save()
    return group


def _require_credit_terms(actor: User | None) -> None:
    if actor is not None and not actor.has_perm(CHANGE_CREDIT):
        raise FieldsRefused({"customer": _("Your role may not change a customer's payment terms.")})


@transaction.atomic
def customer_group_add(*, actor: User | None, group: CustomerGroup, customer: Customer) -> None:
    """Put a customer in the group; a customer already in another group must leave it first.
    Joining or leaving a group changes the customer's payment terms, so it takes the
    permission to change credit terms."""
    _require_credit_terms(actor)
    current = GroupMembership.objects.filter(customer=customer).select_related("group").first()
    if current is not None and current.group_id != group.pk:
        raise ValidationError(
            {
                "customer": _("%(customer)s is already in the group %(group)s.")
                % {"customer": customer, "group": current.group}
            }
        )
    GroupMembership.objects.get_or_create(group=group, customer=customer)


@transaction.atomic
def customer_group_remove(*, actor: User | None, group: CustomerGroup, customer: Customer) -> None:
    _require_credit_terms(actor)
    GroupMembership.objects.filter(group=group, customer=customer).delete()


@transaction.atomic
def price_set(
    *, actor: User | None, group: CustomerGroup, product: Product, price: Decimal | str | None
) -> PriceListItem | None:
    """The group's price for the product; None takes the product off the group's list."""
    if price is None:
        PriceListItem.objects.filter(group=group, product=product).delete()
        return None
    item = PriceListItem.objects.filter(group=group, product=product).first() or PriceListItem(
        group=group, product=product
    )
    item.price = price
    item.full_clean(validate_unique=False, validate_constraints=False)
    item.save()
    return item


def payment_terms_for(customer: Customer) -> int:
    terms = (
        CustomerGroup.objects.filter(memberships__customer=customer)
        .values_list("payment_terms_days", flat=True)
        .first()
    )
    return DEFAULT_PAYMENT_TERMS_DAYS if terms is None else terms
