"""Quotes and orders with their lines, and the order's status timeline."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kehu.core.models import KehuModel, Record
from kehu.core.scopes import Visibility
from kehu.customers.models import CHANGE_CREDIT, Customer
from kehu.orders.models.catalogue import Product
from kehu.orders.models.fields import (
    DEFAULT_PAYMENT_TERMS_DAYS,
    ZERO,
    discount_field,
    money_field,
    quantity_field,
)


class LineBase(models.Model):
    """A product line of a quote or an order: quantity × unit price less the discount."""

    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.PROTECT, related_name="+"
    )
    quantity = quantity_field()
    unit_price = money_field(_("unit price"), validators=[MinValueValidator(ZERO)])
    discount_percent = discount_field()
    line_total = money_field(_("line total"), default=ZERO, editable=False)
    position = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        abstract = True
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"{self.product} × {self.quantity}"


def line_constraints(prefix: str) -> list[models.BaseConstraint]:
    return [
        models.CheckConstraint(condition=Q(quantity__gt=0), name=f"{prefix}_quantity_positive"),
        models.CheckConstraint(condition=Q(unit_price__gte=0), name=f"{prefix}_price_not_negative"),
        models.CheckConstraint(
            condition=Q(discount_percent__gte=0, discount_percent__lte=100),
            name=f"{prefix}_discount_0_100",
        ),
    ]


class QuoteStatus(models.TextChoices):
    OPEN = "open", _("Open")
    SUPERSEDED = "superseded", _("Superseded")
    ACCEPTED = "accepted", _("Accepted")


class Quote(Record):
    """One version of a quote. Revising makes version n+1 in the same family and leaves this
    one readable but superseded; only the family's latest version can be accepted."""

    visibility: ClassVar[Visibility] = Visibility("customer__owner")

    family = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="+", editable=False
    )
    revision = models.PositiveIntegerField(_("version"), default=1, editable=False)
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="quotes"
    )
    opportunity = models.ForeignKey(
        "sales.Opportunity",
        verbose_name=_("opportunity"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="quotes",
    )
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    valid_until = models.DateField(_("valid until"))
    notes = models.TextField(_("notes"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=QuoteStatus.choices, default=QuoteStatus.OPEN
    )
    total = money_field(_("total"), default=ZERO, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("quote")
        verbose_name_plural = _("quotes")
        constraints = [
            models.UniqueConstraint(fields=["family", "revision"], name="one_quote_per_revision"),
            models.CheckConstraint(condition=Q(total__gte=0), name="quote_total_not_negative"),
        ]
        indexes = [models.Index(fields=["customer", "-created_at"])]

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        return f"QT{self.family_id or self.pk:06d}-V{self.revision}"

    @property
    def is_open(self) -> bool:
        """The family's latest version, neither superseded nor accepted: it may be revised."""
        return self.status == QuoteStatus.OPEN

    @property
    def is_expired(self) -> bool:
        return self.is_open and self.valid_until < timezone.localdate()

    @property
    def can_be_accepted(self) -> bool:
        return self.is_open and not self.is_expired


class QuoteLine(LineBase):
    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="lines")

    class Meta(LineBase.Meta):
        verbose_name = _("quote line")
        verbose_name_plural = _("quote lines")
        constraints = line_constraints("quote_line")


class OrderStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    CONFIRMED = "confirmed", _("Confirmed")
    IN_PRODUCTION = "in_production", _("In production")
    SHIPPED = "shipped", _("Shipped")
    DELIVERED = "delivered", _("Delivered")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


# Orders that owe money once confirmed: the receivables.
RECEIVABLE_STATUSES = [
    OrderStatus.CONFIRMED,
    OrderStatus.IN_PRODUCTION,
    OrderStatus.SHIPPED,
    OrderStatus.DELIVERED,
    OrderStatus.COMPLETED,
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


class Order(Record):
    visibility: ClassVar[Visibility] = Visibility("customer_owner")
    # An order keeps the payment terms it was entered on; they are credit terms, finance's.
    restricted_fields: ClassVar[dict[str, str]] = {"payment_terms_days": CHANGE_CREDIT}
    history_labels: ClassVar[dict[str, Any]] = {
        "delivery": _("delivery"),
        "delivered_on": _("delivered on"),
        "credit_approval": _("credit approval"),
    }

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="orders"
    )
    dealer = models.ForeignKey(
        Customer,
        verbose_name=_("dealer"),
        help_text=_("The dealer the order was placed through, if any."),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dealer_orders",
    )
    quote = models.OneToOneField(
        Quote,
        verbose_name=_("quote"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="order",
        editable=False,
    )
    opportunity = models.ForeignKey(
        "sales.Opportunity",
        verbose_name=_("opportunity"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="orders",
    )
    # The customer's owner, kept by the database (migration 0004's triggers) whenever an
    # order is written or its customer changes hands: receivables are read per salesperson
    # and team from one index instead of joining every order to its customer.
    customer_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("customer's owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    status = models.CharField(
        _("status"),
        max_length=15,
        choices=OrderStatus.choices,
        default=OrderStatus.DRAFT,
        editable=False,
    )
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    total = money_field(_("total"), default=ZERO, editable=False)
    paid = money_field(_("paid"), default=ZERO, editable=False)
    payment_terms_days = models.PositiveIntegerField(
        _("payment terms (days)"), default=DEFAULT_PAYMENT_TERMS_DAYS
    )
    confirmed_on = models.DateField(_("confirmed on"), null=True, blank=True, editable=False)
    due_date = models.DateField(_("due date"), null=True, blank=True, editable=False)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        permissions = [
            ("approve_credit", _("Can approve orders over the credit limit")),
            ("view_receivables", _("Can see receivables and their ageing")),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(total__gte=0), name="order_total_not_negative"),
            models.CheckConstraint(
                condition=Q(paid__gte=0, paid__lte=F("total")), name="order_paid_within_total"
            ),
            models.CheckConstraint(
                condition=Q(status=OrderStatus.DRAFT)
                | Q(status=OrderStatus.CANCELLED)
                | Q(due_date__isnull=False),
                name="confirmed_order_has_due_date",
            ),
        ]
        indexes = [
            models.Index(fields=["customer", "-created_at"]),
            models.Index(fields=["status", "due_date"]),
            models.Index(fields=["dealer", "created_at"]),
            # Only the orders that still owe money: ageing and the overdue list read these,
            # however many paid-up orders pile up behind them, a person's or a team's from
            # their own range of the first index, and the overdue list walks the second in
            # due-date order, each without reading a row.
            models.Index(
                fields=["customer_owner", "customer"],
                include=["id", "due_date", "total", "paid"],
                condition=Q(status__in=RECEIVABLE_STATUSES, paid__lt=F("total")),
                name="open_receivables_by_owner",
            ),
            models.Index(
                fields=["due_date"],
                include=["id", "customer_owner"],
                condition=Q(status__in=RECEIVABLE_STATUSES, paid__lt=F("total")),
                name="open_receivables",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        return f"SO{self.pk:06d}"

    @property
    def outstanding(self) -> Decimal:
        return self.total - self.paid

    @property
    def is_draft(self) -> bool:
        """Still being entered: its lines and dealer may change, and it may be confirmed."""
        return self.status == OrderStatus.DRAFT

    @property
    def is_receivable(self) -> bool:
        """Confirmed and not cancelled: it owes its total, and takes payments."""
        return self.status in RECEIVABLE_STATUSES

    @property
    def takes_payments(self) -> bool:
        return self.is_receivable and self.outstanding > 0

    @property
    def can_ship(self) -> bool:
        return self.status in SHIPPABLE

    @property
    def specs_editable(self) -> bool:
        """Its lines' specifications may change until it ships."""
        return self.status in SPECS_EDITABLE

    @property
    def next_statuses(self) -> list[tuple[str, str]]:
        """The statuses a person may move it to by hand, besides confirming it."""
        return [
            (status, str(OrderStatus(status).label))
            for status in sorted(MANUAL_TRANSITIONS.get(self.status, set()))
            if status != OrderStatus.CONFIRMED
        ]


class OrderLine(LineBase, KehuModel):
    visibility: ClassVar[Visibility] = Visibility("order__customer_owner")

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    specs = models.JSONField(
        _("specifications"),
        default=dict,
        blank=True,
        help_text=_("Custom-product attributes, such as dimensions, material or colour."),
    )

    class Meta(LineBase.Meta):
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        constraints = line_constraints("order_line")


class OrderStatusChange(models.Model):
    """One step of an order's timeline: who moved it from which status to which, when."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(
        _("from"), max_length=15, choices=OrderStatus.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=15, choices=OrderStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("when"), auto_now_add=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")

    def __str__(self) -> str:
        return f"{self.order}: {self.from_status} → {self.to_status}"
