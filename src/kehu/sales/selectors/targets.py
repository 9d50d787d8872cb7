"""Reads of sales targets: actual against target and the forecast, per person and team."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import DecimalField, F, QuerySet, Sum

from kehu.core.models import User
from kehu.core.money import ZERO, cents
from kehu.sales.models import Opportunity, SalesTarget
from kehu.sales.periods import period_end
from kehu.sales.selectors.pipeline import opportunity_queryset


def target_queryset(*, user: User) -> QuerySet[SalesTarget]:
    """A salesperson's own targets; a manager's team's too: those of the people they see
    and of the teams they see (models.targets.visible_teams)."""
    return SalesTarget.objects.visible_to(user).select_related("user", "department")


def period_targets(*, user: User, period: str, start: date) -> QuerySet[SalesTarget]:
    return target_queryset(user=user).filter(period=period, period_start=start)


@dataclass
class Progress:
    label: str
    target: SalesTarget | None
    currency: str
    won: Decimal
    forecast: Decimal

    @property
    def target_amount(self) -> Decimal | None:
        return self.target.amount if self.target else None

    @property
    def achieved_percent(self) -> int | None:
        if not self.target or not self.target.amount:
            return None
        return int(self.won * 100 / self.target.amount)


def _weighted() -> Sum:
    return Sum(
        F("amount") * F("stage__probability"),
        output_field=DecimalField(max_digits=20, decimal_places=2),
    )


def _won_and_forecast(
    opportunities: QuerySet[Opportunity], by: str | None, start: date, end: date
) -> dict[tuple[Any, str], tuple[Decimal, Decimal]]:
    """{(group, currency): (won, forecast)}: amounts won in the period (by their close date)
    and open amounts expected to close in it, weighted by stage probability. Without `by`,
    the group is None."""
    grouping = [by, "currency"] if by else ["currency"]

    def rows(queryset: QuerySet[Opportunity], total: Sum) -> Iterator[tuple[Any, str, Any]]:
        for row in queryset.order_by().values_list(*grouping).annotate(total=total):
            yield (row[0] if by else None), row[-2], row[-1]

    won = opportunities.filter(stage__is_won=True, closed_on__gte=start, closed_on__lt=end)
    expected = opportunities.filter(
        stage__is_won=False,
        stage__is_lost=False,
        expected_close_date__gte=start,
        expected_close_date__lt=end,
    )
    result: dict[tuple[Any, str], tuple[Decimal, Decimal]] = defaultdict(lambda: (ZERO, ZERO))
    for key, currency, total in rows(won, Sum("amount")):
        result[(key, currency)] = (cents(total), result[(key, currency)][1])
    for key, currency, weighted in rows(expected, _weighted()):
        forecast = cents(Decimal(str(weighted or 0)) / 100)
        result[(key, currency)] = (result[(key, currency)][0], forecast)
    return result


def target_progress(*, user: User, period: str, start: date) -> list[Progress]:
    """Target, amount won and forecast for the period, per person the user may see (who
    has a target or a deal in it) and per team with a target."""
    end = period_end(period, start)
    targets = list(period_targets(user=user, period=period, start=start))
    visible = opportunity_queryset(user=user)
    by_user = _won_and_forecast(visible, "owner", start, end)
    user_targets = {t.user_id: t for t in targets if t.user_id}
    people_ids = set(user_targets) | {owner for owner, _c in by_user}
    people = User.objects.filter(pk__in=people_ids).order_by("username")
    rows = []
    for person in people:
        target = user_targets.get(person.pk)
        currencies = {c for owner, c in by_user if owner == person.pk} | (
            {target.currency} if target else set()
        )
        for currency in sorted(currencies):
            won, forecast = by_user[(person.pk, currency)]
            matching = target if target and target.currency == currency else None
            rows.append(Progress(person.display_name, matching, currency, won, forecast))
    for target in targets:
        department = target.department
        if department is None:
            continue
        team = visible.filter(owner__department__path__startswith=department.path)
        won, forecast = _won_and_forecast(team, None, start, end)[(None, target.currency)]
        rows.append(Progress(department.name, target, target.currency, won, forecast))
    return rows
