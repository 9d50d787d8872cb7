"""The consent ledger, erasure requests, and the access audit.

A consent is one grant, for one purpose, by a customer or one of its contacts; withdrawing it
stamps the same row, so the ledger keeps what was granted, when, on which wording, and
when it ended. An access event is one read of personal data: who, when, what, whose.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kehu.core.access import AccessKind
from kehu.core.models import KehuModel
from kehu.core.scopes import Everyone, Visibility

ERASE = "privacy.erase_person"
EXPORT = "privacy.export_person"
AUDIT = "privacy.view_accessevent"


class Purpose(models.TextChoices):
    MARKETING_EMAIL = "marketing_email", _("Marketing e-mail")
    SMS = "sms", _("Text messages")
    PHONE = "phone", _("Phone calls")
    THIRD_PARTY = "third_party", _("Sharing with third parties")


class ConsentChannel(models.TextChoices):
    WEB_FORM = "web_form", _("Web form")
    PAPER = "paper", _("Signed paper form")
    PHONE = "phone", _("Phone call")
    EMAIL = "email", _("E-mail")
    IN_PERSON = "in_person", _("In person")


class PrivacyAction(models.TextChoices):
    CONSENT_GRANT = "consent", _("Consent granted")
    CONSENT_WITHDRAW = "withdraw", _("Consent withdrawn")
    ERASE = "erase", _("Personal data erased")


class Consent(KehuModel):
    visibility: ClassVar[Visibility] = Visibility("customer__owner")

    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="consents",
    )
    # Empty when the customer itself (a person) consented.
    contact = models.ForeignKey(
        "customers.Contact",
        verbose_name=_("contact"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="consents",
    )
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    channel = models.CharField(_("channel"), max_length=20, choices=ConsentChannel.choices)
    wording_version = models.CharField(_("wording version"), max_length=50)
    granted_at = models.DateTimeField(_("granted"), auto_now_add=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("withdrawal recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-granted_at", "-id"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        indexes = [models.Index(fields=["customer", "purpose"])]
        constraints = [
            # One standing consent per person and purpose; withdrawn ones stay beside it.
            models.UniqueConstraint(
                fields=["customer", "purpose"],
                condition=Q(withdrawn_at__isnull=True, contact__isnull=True),
                name="one_standing_customer_consent",
            ),
            models.UniqueConstraint(
                fields=["contact", "purpose"],
                condition=Q(withdrawn_at__isnull=True, contact__isnull=False),
                name="one_standing_contact_consent",
            ),
        ]

    def __str__(self) -> str:
        return str(self.get_purpose_display())

    @property
    def is_standing(self) -> bool:
        return self.withdrawn_at is None


class ErasureStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    EXECUTED = "executed", _("Executed")


class ErasureRequest(KehuModel):
    """A customer's request to have its personal data erased: who recorded it, who carried
    it out, and when. It names the customer by id only, so it outlives what it erased."""

    visibility: ClassVar[Visibility] = Everyone()

    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ErasureStatus.choices, default=ErasureStatus.REQUESTED
    )
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    executed_at = models.DateTimeField(_("executed"), null=True, blank=True)
    executed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("executed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("erasure request")
        verbose_name_plural = _("erasure requests")
        permissions = [
            ("erase_person", _("Can erase a person's personal data")),
            ("export_person", _("Can export everything Kehu holds about a person")),
        ]

    def __str__(self) -> str:
        return f"#{self.pk}"

    @property
    def is_executed(self) -> bool:
        return self.status == ErasureStatus.EXECUTED


class AccessEvent(KehuModel):
    """One read of personal data: a customer's page, its contact details unmasked, an
    export. It names the customer by id only, holds no personal text (the path, never the
    query string a search was in), and is purged after KEHU_ACCESS_AUDIT_DAYS."""

    visibility: ClassVar[Visibility] = Everyone()

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    kind = models.CharField(_("kind of access"), max_length=10, choices=AccessKind.choices)
    customer_id = models.BigIntegerField(_("customer"), null=True, blank=True, db_index=True)
    rows = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    path = models.CharField(_("path"), max_length=500)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("access event")
        verbose_name_plural = _("access events")
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"
