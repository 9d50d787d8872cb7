"""Purchases the analytics read, the scores they compute, the scorecard and the runs.

Scores are written per run: a run inserts its rows batch by batch and becomes current only
at its end, in one transaction, so readers see one complete run's scores and a crash leaves
nothing half-done (the unfinished run's rows stay invisible and are removed by the next run).
"""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kehu.analytics.maths.parameters import CHURN_THRESHOLD
from kehu.core.models import KehuModel, Record, Versioned
from kehu.core.scopes import Everyone, Visibility
from kehu.customers.models import Customer, LifecycleStage, RelationshipLevel


class Segment(models.TextChoices):
    """The RFM segments of `kehu.analytics.maths.rfm.SEGMENT_RULES`, best first."""

    CHAMPIONS = "champions", _("Champions")
    LOYAL = "loyal", _("Loyal")
    POTENTIAL_LOYALISTS = "potential_loyalists", _("Potential loyalists")
    NEW = "new", _("New")
    PROMISING = "promising", _("Promising")
    NEED_ATTENTION = "need_attention", _("Need attention")
    HIBERNATING = "hibernating", _("Hibernating")
    AT_RISK = "at_risk", _("At risk")
    CANNOT_LOSE = "cannot_lose", _("Cannot lose")
    LOST = "lost", _("Lost")


class AbcClass(models.TextChoices):
    # xgettext:no-python-format
    A = "A", _("A — the customers making the first 80% of sales")
    B = "B", _("B — the next 15%")
    C = "C", _("C — the last 5%")


class Purchase(KehuModel):
    """One purchase by a customer imported from an earlier system: it counts for the days
    before the customer's first order in Kehu, whose orders are the record from then on."""

    visibility: ClassVar[Visibility] = Visibility("customer__owner")

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="purchases"
    )
    date = models.DateField(_("date"))
    amount = models.DecimalField(
        _("amount"),
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    source = models.CharField(_("source"), max_length=20, default="import")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("purchase")
        verbose_name_plural = _("purchases")
        indexes = [models.Index(fields=["customer", "date"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="purchase_amount_not_negative"
            )
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.date} {self.amount}"


class RunStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class AnalyticsRun(KehuModel):
    """One recomputation of every customer's scores."""

    # A run is the company's, not a customer's: whoever may see scores sees its state.
    visibility: ClassVar[Visibility] = Everyone()

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.PENDING
    )
    as_of = models.DateField(_("as of"), null=True, blank=True)
    purchases = models.PositiveIntegerField(_("purchases read"), default=0)
    customers = models.PositiveIntegerField(_("customers scored"), default=0)
    customers_updated = models.PositiveIntegerField(_("stages and levels updated"), default=0)
    # Fitted model parameters, the churn model's evaluation and the parts that were skipped.
    details = models.JSONField(default=dict)
    error = models.TextField(_("error"), blank=True)
    is_current = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("analytics run")
        verbose_name_plural = _("analytics runs")
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"],
                condition=models.Q(is_current=True),
                name="one_current_analytics_run",
            )
        ]

    def __str__(self) -> str:
        return f"{self.pk} {self.status}"

    @property
    def is_busy(self) -> bool:
        """Waiting for the worker or being computed."""
        return self.status in (RunStatus.PENDING, RunStatus.RUNNING)

    @property
    def has_failed(self) -> bool:
        return self.status == RunStatus.FAILED


class CustomerScore(KehuModel):
    """A customer's value, risk, stage and score as computed by one run."""

    visibility: ClassVar[Visibility] = Visibility("customer__owner")

    run = models.ForeignKey(AnalyticsRun, on_delete=models.CASCADE, related_name="scores")
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="scores"
    )
    recency_days = models.PositiveIntegerField(_("days since last purchase"))
    frequency = models.PositiveIntegerField(_("purchase days"))
    monetary = models.DecimalField(_("total spend"), max_digits=16, decimal_places=2)
    r = models.PositiveSmallIntegerField("R")
    f = models.PositiveSmallIntegerField("F")
    m = models.PositiveSmallIntegerField("M")
    segment = models.CharField(_("segment"), max_length=20, choices=Segment.choices)
    abc_class = models.CharField(_("ABC class"), max_length=1, choices=AbcClass.choices)
    sales_share = models.FloatField(_("share of sales"))
    expected_purchases = models.FloatField(_("expected purchases next year"), null=True)
    probability_alive = models.FloatField(_("probability still a customer"), null=True)
    clv = models.DecimalField(_("lifetime value"), max_digits=16, decimal_places=2, null=True)
    churn_probability = models.FloatField(_("churn risk"), null=True)
    # [{code, feature, value, typical, contribution}] from kehu.analytics.maths.churn, largest
    # first.
    churn_reasons = models.JSONField(default=list)
    score = models.FloatField(_("score"), null=True)
    grade = models.CharField(_("grade"), max_length=10, blank=True)
    computed_lifecycle_stage = models.CharField(
        _("lifecycle stage from behaviour"), max_length=20, choices=LifecycleStage.choices
    )
    computed_relationship_level = models.CharField(
        _("relationship level from behaviour"), max_length=30, choices=RelationshipLevel.choices
    )
    computed_at = models.DateTimeField(_("computed"))

    class Meta:
        ordering = ["customer_id"]
        verbose_name = _("customer score")
        verbose_name_plural = _("customer scores")
        constraints = [
            models.UniqueConstraint(fields=["run", "customer"], name="one_score_per_run_customer")
        ]
        indexes = [
            models.Index(fields=["run", "segment"]),
            models.Index(fields=["run", "-churn_probability"]),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} ({self.run_id})"

    @property
    def at_risk(self) -> bool:
        """Likely enough to churn to be warned about."""
        return self.churn_probability is not None and self.churn_probability >= CHURN_THRESHOLD


class ChurnAction(Record):
    """What someone is to do to keep a customer at risk of churning, by when, and whether it
    was done.

    `churn_probability` is the customer's risk when the action was given, so that what was
    done can later be read against how likely the customer then was to leave.
    """

    # A customer's actions are seen by whoever sees the customer; who may change one is the
    # services' rule (its assignee, or those who see the assignee's work).
    visibility: ClassVar[Visibility] = Visibility("customer__owner")

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="churn_actions"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        on_delete=models.PROTECT,
        related_name="churn_actions",
    )
    description = models.CharField(_("what"), max_length=200)
    due_date = models.DateField(_("by when"))
    done_at = models.DateTimeField(_("done on"), null=True, blank=True, editable=False)
    churn_probability = models.FloatField(
        _("churn risk when given"), null=True, blank=True, editable=False
    )

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = _("churn action")
        verbose_name_plural = _("churn actions")
        indexes = [models.Index(fields=["customer", "due_date"])]

    def __str__(self) -> str:
        return self.description

    @property
    def is_done(self) -> bool:
        return self.done_at is not None

    @property
    def is_overdue(self) -> bool:
        """Not done, and its day has passed."""
        return not self.is_done and self.due_date < timezone.localdate()


class StageOverride(KehuModel):
    """Which of a customer's computed fields a person has set by hand, and so keeps.

    Per customer rather than per score row, because it must outlive every run.
    """

    visibility: ClassVar[Visibility] = Visibility("customer__owner")

    customer = models.OneToOneField(
        Customer, on_delete=models.CASCADE, primary_key=True, related_name="stage_override"
    )
    lifecycle_locked = models.BooleanField(_("lifecycle stage set by hand"), default=False)
    relationship_locked = models.BooleanField(_("relationship level set by hand"), default=False)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("stage set by hand")
        verbose_name_plural = _("stages set by hand")

    def __str__(self) -> str:
        return str(self.customer_id)


class Scorecard(KehuModel, Versioned):
    """The customer scorecard: criteria, indicators, AHP comparisons and grade cut-offs.

    `config` has the shape of `kehu.analytics.maths.scorecard.DEFAULT_SCORECARD`, which applies
    while no scorecard has been saved. It is written by optimistic locking, so that of two
    managers editing it at once the second is told instead of undoing the first's work.
    """

    # One for the whole company: the permission to edit it decides, not the row.
    visibility: ClassVar[Visibility] = Everyone()

    config = models.JSONField()
    is_active = models.BooleanField(default=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("scorecard")
        verbose_name_plural = _("scorecards")
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"],
                condition=models.Q(is_active=True),
                name="one_active_scorecard",
            )
        ]

    def __str__(self) -> str:
        return f"scorecard {self.pk}"
