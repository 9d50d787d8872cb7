"""Project-type deals: the evaluation before committing (立项), the decision-maker map,
milestones and documents of an opportunity."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kehu.core.models import KehuModel, Versioned
from kehu.core.scopes import Visibility
from kehu.customers.models import DecisionRole
from kehu.sales.models.pipeline import Opportunity


class Decision(models.TextChoices):
    PENDING = "pending", _("Not decided")
    GO = "go", _("Go")
    NO_GO = "no_go", _("No-go")


class ProjectEvaluation(KehuModel, Versioned):
    """Whether to commit to a project: budget, how the customer decides, who competes, and
    the go/no-go decision with who took it and when."""

    visibility: ClassVar[Visibility] = Visibility("opportunity__owner")

    opportunity = models.OneToOneField(
        Opportunity, on_delete=models.CASCADE, related_name="evaluation"
    )
    budget = models.DecimalField(
        _("customer budget"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    decision_process = models.TextField(_("decision process"), blank=True)
    competitors = models.TextField(_("competitors"), blank=True)
    decision = models.CharField(
        _("go / no-go"), max_length=10, choices=Decision.choices, default=Decision.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=pgettext_lazy("project", "decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True, editable=False)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("project evaluation")
        verbose_name_plural = _("project evaluations")
        constraints = [
            models.CheckConstraint(
                condition=Q(decision=Decision.PENDING, decided_at__isnull=True)
                | (~Q(decision=Decision.PENDING) & Q(decided_at__isnull=False)),
                name="evaluation_decided_when_decided",
            ),
        ]

    def __str__(self) -> str:
        return str(self.opportunity)


class Attitude(models.TextChoices):
    SUPPORTER = "supporter", _("Supporter")
    NEUTRAL = "neutral", _("Neutral")
    OPPONENT = "opponent", _("Opponent")


class DecisionMaker(KehuModel):
    """A contact of the customer on the decision-maker map: their role and their stance."""

    visibility: ClassVar[Visibility] = Visibility("opportunity__owner")

    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.CASCADE, related_name="decision_makers"
    )
    contact = models.ForeignKey(
        "customers.Contact", verbose_name=_("contact"), on_delete=models.CASCADE, related_name="+"
    )
    role = models.CharField(
        _("decision role"), max_length=20, choices=DecisionRole.choices, blank=True
    )
    attitude = models.CharField(
        _("attitude"), max_length=10, choices=Attitude.choices, default=Attitude.NEUTRAL
    )
    notes = models.CharField(_("notes"), max_length=500, blank=True)

    class Meta:
        ordering = ["attitude", "id"]
        verbose_name = _("decision maker")
        verbose_name_plural = _("decision makers")
        constraints = [
            models.UniqueConstraint(
                fields=["opportunity", "contact"], name="one_place_per_contact_on_the_map"
            )
        ]

    def __str__(self) -> str:
        return str(self.contact)


class Milestone(KehuModel):
    visibility: ClassVar[Visibility] = Visibility("opportunity__owner")

    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.CASCADE, related_name="milestones"
    )
    name = models.CharField(_("milestone"), max_length=200)
    due_date = models.DateField(pgettext_lazy("milestone", "due date"))
    done = models.BooleanField(_("done"), default=False)
    done_on = models.DateField(_("done on"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        constraints = [
            models.CheckConstraint(
                condition=Q(done=False, done_on__isnull=True) | Q(done=True, done_on__isnull=False),
                name="milestone_done_on_when_done",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_late(self) -> bool:
        """Not done by its due date."""
        return not self.done and self.due_date < timezone.localdate()


class OpportunityDocument(KehuModel):
    """A file kept with an opportunity (tender, proposal, contract draft). It is served only
    through a view that checks the reader may see the opportunity."""

    visibility: ClassVar[Visibility] = Visibility("opportunity__owner")

    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="documents")
    file = models.FileField(_("file"), upload_to="sales/documents/%Y/%m/")
    name = models.CharField(_("name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self) -> str:
        return self.name
