"""Sales targets per person or team and period."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kehu.core.models import KehuModel
from kehu.core.scopes import DataScope, Visibility, user_scope

if TYPE_CHECKING:
    from kehu.core.models import User


def teams_visible(user: User) -> Q | None:
    """A team's targets are seen beyond the own-records scope by those in its department or
    above it; everyone's are seen with the all-records scope (Visibility's own rule)."""
    if user_scope(user) == DataScope.OWN or user.department is None:
        return None
    return Q(department__path__startswith=user.department.path)


class PeriodKind(models.TextChoices):
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")
    YEAR = "year", _("Year")


class SalesTarget(KehuModel):
    """What a salesperson or a team (a department and its sub-departments) should win in
    a month, quarter or year starting on `period_start`."""

    visibility: ClassVar[Visibility] = Visibility("user", rules=[teams_visible])

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("salesperson"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="sales_targets",
    )
    department = models.ForeignKey(
        "core.Department",
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="sales_targets",
    )
    period = models.CharField(_("period"), max_length=10, choices=PeriodKind.choices)
    period_start = models.DateField(_("period start"))
    amount = models.DecimalField(
        _("target amount"),
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        ordering = ["-period_start", "period", "id"]
        verbose_name = _("sales target")
        verbose_name_plural = _("sales targets")
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False, department__isnull=True)
                | Q(user__isnull=True, department__isnull=False),
                name="target_for_a_person_or_a_team",
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="target_amount"),
            models.UniqueConstraint(
                fields=["user", "period", "period_start"],
                condition=Q(user__isnull=False),
                name="one_target_per_person_and_period",
            ),
            models.UniqueConstraint(
                fields=["department", "period", "period_start"],
                condition=Q(department__isnull=False),
                name="one_target_per_team_and_period",
            ),
        ]

    def __str__(self) -> str:
        who = self.user or self.department
        return f"{who} {self.period_start:%Y-%m}"
