"""What is sold and at which price: products, customer groups and their price lists."""

from __future__ import annotations

from typing import ClassVar

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kehu.core.models import KehuModel, Timestamped, Versioned
from kehu.core.scopes import Everyone, Visibility
from kehu.customers.models import CHANGE_CREDIT, Customer
from kehu.orders.models.fields import DEFAULT_PAYMENT_TERMS_DAYS, ZERO, money_field


class Unit(models.TextChoices):
    PIECE = "个", pgettext_lazy("unit", "piece")
    BOX = "箱", pgettext_lazy("unit", "box")
    TONNE = "吨", pgettext_lazy("unit", "tonne")
    METRE = "米", pgettext_lazy("unit", "metre")
    SET = "套", pgettext_lazy("unit", "set")
    KILOGRAM = "千克", pgettext_lazy("unit", "kilogram")
    BAG = "袋", pgettext_lazy("unit", "bag")
    BOTTLE = "瓶", pgettext_lazy("unit", "bottle")


class Product(KehuModel, Timestamped, Versioned):
    visibility: ClassVar[Visibility] = Everyone()

    sku = models.CharField(_("SKU"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=200)
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices, default=Unit.PIECE)
    list_price = money_field(_("list price"), validators=[MinValueValidator(ZERO)])
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["sku"]
        verbose_name = _("product")
        verbose_name_plural = _("products")
        constraints = [
            models.CheckConstraint(
                condition=Q(list_price__gte=0), name="product_price_not_negative"
            )
        ]

    def __str__(self) -> str:
        return f"{self.sku} {self.name}"


class CustomerGroup(KehuModel):
    """Customers who buy on the same terms: one price list and one payment term.

    A customer belongs to at most one group (the membership's customer is unique), so the
    price a quote starts from is never ambiguous.
    """

    visibility: ClassVar[Visibility] = Everyone()

    # Payment terms are credit terms: finance's to set, like a customer's credit limit.
    restricted_fields: ClassVar[dict[str, str]] = {"payment_terms_days": CHANGE_CREDIT}

    name = models.CharField(_("name"), max_length=100, unique=True)
    payment_terms_days = models.PositiveIntegerField(
        _("payment terms (days)"),
        default=DEFAULT_PAYMENT_TERMS_DAYS,
        help_text=_("An order is due this many days after it is confirmed."),
    )
    customers = models.ManyToManyField(
        Customer,
        verbose_name=_("customers"),
        through="GroupMembership",
        related_name="customer_groups",
        blank=True,
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("customer group")
        verbose_name_plural = _("customer groups")

    def __str__(self) -> str:
        return self.name


class GroupMembership(models.Model):
    group = models.ForeignKey(CustomerGroup, on_delete=models.CASCADE, related_name="memberships")
    customer = models.OneToOneField(
        Customer, on_delete=models.CASCADE, related_name="group_membership"
    )

    class Meta:
        verbose_name = _("group membership")
        verbose_name_plural = _("group memberships")

    def __str__(self) -> str:
        return f"{self.group} · {self.customer}"


class PriceListItem(models.Model):
    """A customer group's price for a product, in the product's currency."""

    group = models.ForeignKey(
        CustomerGroup,
        verbose_name=_("customer group"),
        on_delete=models.CASCADE,
        related_name="prices",
    )
    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.CASCADE, related_name="group_prices"
    )
    price = money_field(_("price"), validators=[MinValueValidator(ZERO)])

    class Meta:
        ordering = ["group", "product__sku"]
        verbose_name = _("price list entry")
        verbose_name_plural = _("price list entries")
        constraints = [
            models.UniqueConstraint(fields=["group", "product"], name="one_price_per_group"),
            models.CheckConstraint(condition=Q(price__gte=0), name="group_price_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.group}: {self.product} {self.price}"
