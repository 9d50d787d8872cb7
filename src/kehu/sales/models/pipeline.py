"""Opportunities, the stages of each business mode's pipeline, and the stage history."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from kehu.core.models import KehuModel, Record
from kehu.core.scopes import Everyone, Visibility
from kehu.customers.models import BusinessMode
from kehu.sales.models.leads import Lead


class Stage(KehuModel):
    """A step of the pipeline of one business mode, with the chance of winning from there.
    Built-in names are stored in English and shown translated."""

    visibility: ClassVar[Visibility] = Everyone()

    business_mode = models.CharField(
        _("business mode"), max_length=30, choices=BusinessMode.choices
    )
    name = models.CharField(_("name"), max_length=100)
    order = models.PositiveIntegerField(pgettext_lazy("position", "order"), default=0)
    probability = models.PositiveSmallIntegerField(
        _("win probability (%)"), validators=[MaxValueValidator(100)]
    )
    is_won = models.BooleanField(_("won"), default=False)
    is_lost = models.BooleanField(_("lost"), default=False)

    class Meta:
        ordering = ["business_mode", "order", "id"]
        verbose_name = _("stage")
        verbose_name_plural = _("stages")
        constraints = [
            models.UniqueConstraint(fields=["business_mode", "name"], name="stage_name_per_mode"),
            models.CheckConstraint(condition=Q(probability__lte=100), name="stage_probability"),
            models.CheckConstraint(
                condition=~Q(is_won=True, is_lost=True), name="stage_not_won_and_lost"
            ),
            models.CheckConstraint(
                condition=Q(is_won=False) | Q(probability=100), name="stage_won_is_certain"
            ),
            models.CheckConstraint(
                condition=Q(is_lost=False) | Q(probability=0), name="stage_lost_is_hopeless"
            ),
        ]

    def __str__(self) -> str:
        return gettext(self.name)

    @property
    def is_closed(self) -> bool:
        return self.is_won or self.is_lost


class Opportunity(Record):
    visibility: ClassVar[Visibility] = Visibility("owner")

    name = models.CharField(_("name"), max_length=200)
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="opportunities",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="opportunities",
    )
    business_mode = models.CharField(
        _("business mode"), max_length=30, choices=BusinessMode.choices
    )
    stage = models.ForeignKey(
        Stage, verbose_name=_("stage"), on_delete=models.PROTECT, related_name="opportunities"
    )
    amount = models.DecimalField(
        _("expected amount"),
        max_digits=14,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    expected_close_date = models.DateField(_("expected close date"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True, editable=False)
    competitors = models.TextField(_("competitors"), blank=True)
    lost_reason = models.CharField(_("lost reason"), max_length=500, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    lead = models.OneToOneField(
        Lead,
        verbose_name=_("source lead"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="opportunity",
        editable=False,
    )

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("opportunity")
        verbose_name_plural = _("opportunities")
        indexes = [
            # The board's columns: open ones closing soonest first, won and lost ones latest
            # closed first.
            models.Index(fields=["stage", "expected_close_date", "id"]),
            models.Index(fields=["stage", "-closed_on", "-id"], name="opportunity_closed"),
            models.Index(fields=["owner", "expected_close_date"]),
            models.Index(fields=["closed_on"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="opportunity_amount"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_project(self) -> bool:
        """A project deal: evaluated (立项) before the company commits to it."""
        return self.business_mode == BusinessMode.PROJECT

    @property
    def is_late(self) -> bool:
        """Still open after the day it was expected to close."""
        return (
            not self.stage.is_closed
            and self.expected_close_date is not None
            and self.expected_close_date < timezone.localdate()
        )


class StageChange(KehuModel):
    """One move of an opportunity from a stage to another: the dated stage history."""

    visibility: ClassVar[Visibility] = Visibility("opportunity__owner")

    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.CASCADE, related_name="stage_changes"
    )
    from_stage = models.ForeignKey(
        Stage, null=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("from stage")
    )
    to_stage = models.ForeignKey(
        Stage, on_delete=models.PROTECT, related_name="+", verbose_name=_("to stage")
    )
    at = models.DateTimeField(_("moved at"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moved by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")

    def __str__(self) -> str:
        return f"{self.from_stage} → {self.to_stage}"


class PipelineSum(KehuModel):
    """The deals of one salesperson in one stage and currency: how many, and their expected
    amount in cents. The board's totals and the pipeline's weighted sum read these, not
    every deal; the database keeps them as deals are written (services.pipeline_sums)."""

    visibility: ClassVar[Visibility] = Visibility("owner")

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    stage = models.ForeignKey(
        Stage, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    currency = models.CharField(max_length=3)
    amount_cents = models.BigIntegerField(default=0)
    opportunities = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "stage", "currency"], name="pipeline_sum"),
        ]
