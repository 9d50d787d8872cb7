"""What follows a confirmed order: deliveries, payments, and credit approvals before it."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kehu.core.models import Authored, KehuModel, Versioned
from kehu.core.scopes import Everyone, Visibility
from kehu.orders.models.documents import Order, OrderLine
from kehu.orders.models.fields import money_field, quantity_field


class Delivery(KehuModel, Authored):
    """A shipment of some of an order's quantities; delivered once the customer has it."""

    visibility: ClassVar[Visibility] = Visibility("order__customer_owner")

    order = models.ForeignKey(
        Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="deliveries"
    )
    shipped_on = models.DateField(_("shipped on"))
    delivered_on = models.DateField(_("delivered on"), null=True, blank=True)
    carrier = models.CharField(_("carrier"), max_length=100, blank=True)
    tracking_number = models.CharField(_("tracking number"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["shipped_on", "id"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")

    def __str__(self) -> str:
        return f"{self.order} {self.shipped_on}"


class DeliveryLine(models.Model):
    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey(
        OrderLine, on_delete=models.CASCADE, related_name="delivery_lines"
    )
    quantity = quantity_field()

    class Meta:
        verbose_name = _("delivery line")
        verbose_name_plural = _("delivery lines")
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0), name="delivery_line_quantity_positive"
            ),
            models.UniqueConstraint(
                fields=["delivery", "order_line"], name="one_delivery_line_per_order_line"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order_line} × {self.quantity}"


class PaymentMethod(models.TextChoices):
    BANK_TRANSFER = "bank_transfer", _("Bank transfer")
    ACCEPTANCE_BILL = "acceptance_bill", _("Bank acceptance bill")
    CASH = "cash", _("Cash")
    CHEQUE = "cheque", _("Cheque")
    ALIPAY = "alipay", _("Alipay")
    WECHAT = "wechat", _("WeChat Pay")
    OTHER = "other", _("Other")


class Payment(KehuModel, Versioned):
    visibility: ClassVar[Visibility] = Visibility("order__customer_owner")

    order = models.ForeignKey(
        Order, verbose_name=_("order"), on_delete=models.PROTECT, related_name="payments"
    )
    received_on = models.DateField(_("date"))
    amount = money_field(_("amount"), validators=[MinValueValidator(Decimal("0.01"))])
    method = models.CharField(
        _("method"),
        max_length=20,
        choices=PaymentMethod.choices,
        default=PaymentMethod.BANK_TRANSFER,
    )
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive")
        ]

    def __str__(self) -> str:
        return f"{self.order} {self.amount}"


class ApprovalStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class CreditApproval(KehuModel):
    """A request to confirm an order that takes the customer over its credit limit.

    It covers the order amount it was asked for; an approved request lets the confirmation
    through only while the order still costs no more than that.
    """

    visibility: ClassVar[Visibility] = Visibility("order__customer_owner")

    order = models.ForeignKey(
        Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="credit_approvals"
    )
    amount = money_field(_("order amount"), editable=False)
    open_receivables = money_field(_("open receivables"), editable=False)
    credit_limit = models.DecimalField(
        _("credit limit"), max_digits=14, decimal_places=2, null=True, editable=False
    )
    reason = models.CharField(_("reason"), max_length=500)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ApprovalStatus.choices, default=ApprovalStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_note = models.CharField(_("why"), max_length=500, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("credit approval")
        verbose_name_plural = _("credit approvals")
        constraints = [
            models.UniqueConstraint(
                fields=["order"],
                condition=Q(status="pending"),
                name="one_pending_approval_per_order",
            )
        ]

    def __str__(self) -> str:
        return f"{self.order} {self.status}"

    @property
    def is_pending(self) -> bool:
        return self.status == ApprovalStatus.PENDING

    @property
    def lets_through(self) -> bool:
        """Approved for at least what the order costs now: it may be confirmed."""
        return self.status == ApprovalStatus.APPROVED and self.amount >= self.order.total


class CreditPolicy(KehuModel):
    """The company's rule for customers with no credit limit set, chosen by finance: one row."""

    visibility: ClassVar[Everyone] = Everyone()

    unlimited_need_approval = models.BooleanField(
        _("orders of customers without a credit limit need finance's approval"),
        default=False,
        help_text=_(
            "Off: a customer with no limit set is not checked. On: each of its orders needs an "
            "approval before it is confirmed."
        ),
    )

    class Meta:
        verbose_name = _("credit policy")
        verbose_name_plural = _("credit policies")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)
