"""Reads of what administrators set up: lead sources, stages, each team's follow-up limit."""

from __future__ import annotations

from django.db.models import QuerySet

from kehu.core.models import Department, User
from kehu.sales.models import LeadSource, Stage, TeamSettings
from kehu.sales.selectors.leads import follow_up_days_by_department


def lead_sources() -> QuerySet[LeadSource]:
    return LeadSource.objects.all()


def active_lead_sources(*, user: User | None = None) -> QuerySet[LeadSource]:
    """The sources a new lead may name: the same for everyone (a relation's rows are asked
    for with the user)."""
    return LeadSource.objects.filter(is_active=True)


def stages() -> QuerySet[Stage]:
    return Stage.objects.all()


def departments(*, user: User | None = None) -> QuerySet[Department]:
    """Every department: each is a team whose settings administrators may set, whatever
    their own scope (a loader's rows are asked for with the user)."""
    return Department.objects.all()


def team_limits() -> list[tuple[Department, int | None, int]]:
    """Each department with its own follow-up limit (None: inherited) and the one that
    applies."""
    days = follow_up_days_by_department()
    own = dict(TeamSettings.objects.values_list("department_id", "lead_follow_up_days"))
    return [
        (department, own.get(department.pk), days[department.pk]) for department in departments()
    ]


def team_settings(*, department: Department) -> TeamSettings | None:
    return TeamSettings.objects.filter(department=department).first()
