"""Sales targets per person or team and period."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from kehu.core.models import Authored, Department, KehuModel, User, Versioned
from kehu.core.scopes import DataScope, Visibility, user_scope


def visible_teams(user: User) -> QuerySet[Department]:
    """The teams whose targets `user` sees, and may set: every team with the all-records
    scope; beyond the own-records scope, their department and its sub-departments; no team
    with the own-records scope."""
    scope = user_scope(user)
    if scope == DataScope.ALL:
        return Department.objects.all()
    if scope in ("", DataScope.OWN) or user.department is None:
        return Department.objects.none()
    return Department.objects.filter(path__startswith=user.department.path)


def teams_visible(user: User) -> Q:
    """A team's targets are seen by those who see the team (visible_teams)."""
    return Q(department__in=visible_teams(user))


class PeriodKind(models.TextChoices):
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")
    YEAR = "year", _("Year")


class SalesTarget(KehuModel, Authored, Versioned):
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
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

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
