"""Follow-ups: calls, visits, messages, meetings and notes with a customer, or about a record
of another app (a sales lead, say) before it has a customer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import ClassVar

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kehu.core.models import Created, KehuModel
from kehu.core.scopes import Visibility
from kehu.customers.models.choices import ActivityKind
from kehu.customers.models.parties import Customer

FOLLOW_UPS_FROM = datetime(1990, 1, 1, tzinfo=UTC)
FOLLOW_UP_AHEAD = timedelta(days=1)


class Activity(KehuModel, Created):
    """A follow-up with a customer, or about a record of another app (`regarding`: a lead
    before it is converted): what happened, when, and who did it.

    The app that owns the other record keeps the link from its side (a GenericRelation),
    so this app knows none of them. A lead's follow-ups join its customer's timeline when
    the lead is converted (both links are then set).
    """

    visibility: ClassVar[Visibility] = Visibility("customer__owner")

    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="activities",
    )
    regarding_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    regarding_id = models.BigIntegerField(null=True, blank=True)
    regarding = GenericForeignKey("regarding_type", "regarding_id")
    kind = models.CharField(
        pgettext_lazy("activity", "kind"), max_length=20, choices=ActivityKind.choices
    )
    at = models.DateTimeField(_("when"), db_index=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="activities",
    )
    subject = models.CharField(_("subject"), max_length=200)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        indexes = [
            models.Index(fields=["customer", "-at"]),
            models.Index(
                fields=["regarding_type", "regarding_id", "-at"], name="activity_regarding"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(customer__isnull=False) | models.Q(regarding_id__isnull=False),
                name="activity_on_a_customer_or_a_record",
                violation_error_message=_("A follow-up belongs to a customer or a record."),
            )
        ]

    def __str__(self) -> str:
        return self.subject

    def clean(self) -> None:
        # A follow-up is dated when it happened. A day ahead allows for clocks and time
        # zones; one dated in 9999 would keep its customer out of the pool for ever.
        if self.at is not None and not (
            FOLLOW_UPS_FROM <= self.at <= timezone.now() + FOLLOW_UP_AHEAD
        ):
            raise ValidationError(
                {
                    "at": _(
                        "A follow-up is dated when it happened: from 1990 up to today, not %(at)s."
                    )
                    % {"at": timezone.localtime(self.at).strftime("%Y-%m-%d %H:%M")}
                }
            )
