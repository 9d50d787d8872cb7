"""The service desk's setup: business calendars and their days, service-level policies,
teams and ticket kinds. A change to a calendar or a policy has the clocks of the open
tickets it touches worked out again, in the background (a calendar may serve 100,000)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kehu.core.locking import save_versioned
from kehu.core.models import User
from kehu.core.records import fields_assign
from kehu.service.models import (
    BusinessCalendar,
    CalendarDay,
    DayKind,
    DaySource,
    ServiceTeam,
    SlaPolicy,
    TicketKind,
)
from kehu.service.models.calendars import hours_parse, national_days
from kehu.service.services.clocks import policies_changed

CALENDAR_FIELDS = ["name", "time_zone", "weekly", "follows_national_holidays"]
POLICY_FIELDS = [
    "name",
    "order",
    "is_active",
    "priorities",
    "channels",
    "customer_levels",
    "calendar",
    "first_response_minutes",
    "next_response_minutes",
    "resolution_minutes",
    "acceptance_days",
    "pause_statuses",
]
TEAM_FIELDS = ["name", "lead", "calendar"]
KIND_FIELDS = ["code", "name", "order", "needs_reply", "is_active"]


def clocks_recompute_later(calendar_id: int | None) -> None:
    """Once the change is committed, recompute the open tickets whose policy counts the
    calendar's hours (None: all open tickets, which may choose other policies)."""
    from kehu.service.tasks import clocks_recompute_task

    policies_changed()
    transaction.on_commit(lambda: clocks_recompute_task.enqueue(calendar_id))


def weekly_from_text(texts: dict[int, str]) -> dict[str, list[list[int]]]:
    """{weekday: "09:00-12:00, 13:30-18:00"} → the calendar's `weekly`; a ValidationError
    names the weekday's field ("hours_0" for Monday)."""
    weekly: dict[str, list[list[int]]] = {}
    for day, text in texts.items():
        try:
            weekly[str(day)] = [list(interval) for interval in hours_parse(text)]
        except ValidationError as error:
            raise ValidationError({f"hours_{day}": error.messages}) from None
    return weekly


@transaction.atomic
def calendar_create(*, actor: User | None, **fields: Any) -> BusinessCalendar:
    calendar = BusinessCalendar()
    fields_assign(calendar, fields, CALENDAR_FIELDS, actor=actor)
    calendar.full_clean()
    calendar.save()
    if calendar.follows_national_holidays:
        national_days_load(
            calendar=calendar, years=range(date.today().year - 1, date.today().year + 2)
        )
    return calendar


@transaction.atomic
def calendar_update(
    *, actor: User | None, calendar: BusinessCalendar, version: int, **fields: Any
) -> BusinessCalendar:
    fields_assign(calendar, fields, CALENDAR_FIELDS, actor=actor)
    calendar.full_clean()
    save_versioned(calendar, expected_version=version, fields=CALENDAR_FIELDS)
    clocks_recompute_later(calendar.pk)
    return calendar


@transaction.atomic
def calendar_day_set(
    *,
    actor: User | None,
    calendar: BusinessCalendar,
    day: date,
    kind: str,
    hours: str = "",
    name: str = "",
) -> CalendarDay:
    """The company's own day: off, or working (its own hours, or a normal working day's).
    It stands over the public holiday calendar's for that date."""
    if kind not in DayKind.values:
        raise ValidationError({"kind": _("Choose a day off or a working day.")})
    try:
        intervals = [list(interval) for interval in hours_parse(hours)]
    except ValidationError as error:
        raise ValidationError({"hours": error.messages}) from None
    if kind == DayKind.HOLIDAY and intervals:
        raise ValidationError({"hours": _("A day off has no working hours.")})
    found, _created = CalendarDay.objects.update_or_create(
        calendar=calendar,
        date=day,
        defaults={
            "kind": kind,
            "hours": intervals,
            "name": name.strip(),
            "source": DaySource.COMPANY,
        },
    )
    clocks_recompute_later(calendar.pk)
    return found


@transaction.atomic
def calendar_day_delete(*, actor: User | None, day: CalendarDay) -> None:
    calendar_id = day.calendar_id
    day.delete()
    clocks_recompute_later(calendar_id)


@transaction.atomic
def national_days_load(*, calendar: BusinessCalendar, years: range) -> int:
    """Write China's public holidays and make-up working days of `years` into the calendar,
    leaving the company's own days as they are. The number of days written."""
    own = set(
        CalendarDay.objects.filter(calendar=calendar, source=DaySource.COMPANY).values_list(
            "date", flat=True
        )
    )
    found = {day: value for day, value in national_days(years).items() if day not in own}
    CalendarDay.objects.filter(
        calendar=calendar, source=DaySource.NATIONAL, date__year__in=list(years)
    ).delete()
    CalendarDay.objects.bulk_create(
        CalendarDay(calendar=calendar, date=day, kind=kind, name=name, source=DaySource.NATIONAL)
        for day, (kind, name) in sorted(found.items())
    )
    clocks_recompute_later(calendar.pk)
    return len(found)


def _policy_check(policy: SlaPolicy) -> None:
    if policy.next_response_minutes and policy.next_response_minutes > policy.resolution_minutes:
        raise ValidationError(
            {"next_response_minutes": _("The next response cannot come after the resolution.")}
        )
    if policy.first_response_minutes > policy.resolution_minutes:
        raise ValidationError(
            {"first_response_minutes": _("The first response cannot come after the resolution.")}
        )


@transaction.atomic
def policy_create(
    *, actor: User | None, kinds: list[TicketKind] | None = None, **fields: Any
) -> SlaPolicy:
    policy = SlaPolicy()
    fields_assign(policy, fields, POLICY_FIELDS, actor=actor)
    policy.full_clean()
    _policy_check(policy)
    policy.save()
    policy.kinds.set(kinds or [])
    clocks_recompute_later(None)
    return policy


@transaction.atomic
def policy_update(
    *,
    actor: User | None,
    policy: SlaPolicy,
    version: int,
    kinds: list[TicketKind] | None = None,
    **fields: Any,
) -> SlaPolicy:
    """Change a policy: every open ticket chooses its policy again, and its clocks are
    worked out from its log under the new targets."""
    fields_assign(policy, fields, POLICY_FIELDS, actor=actor)
    policy.full_clean()
    _policy_check(policy)
    save_versioned(policy, expected_version=version, fields=POLICY_FIELDS)
    if kinds is not None:
        policy.kinds.set(kinds)
    clocks_recompute_later(None)
    return policy


@transaction.atomic
def team_create(
    *, actor: User | None, members: list[User] | None = None, **fields: Any
) -> ServiceTeam:
    team = ServiceTeam()
    fields_assign(team, fields, TEAM_FIELDS, actor=actor)
    team.full_clean()
    team.save()
    team.members.set(members or [])
    return team


@transaction.atomic
def team_update(
    *, actor: User | None, team: ServiceTeam, members: list[User] | None = None, **fields: Any
) -> ServiceTeam:
    fields_assign(team, fields, TEAM_FIELDS, actor=actor)
    team.full_clean()
    team.save()
    if members is not None:
        team.members.set(members)
    return team


@transaction.atomic
def kind_create(*, actor: User | None, **fields: Any) -> TicketKind:
    return kind_update(actor=actor, kind=TicketKind(), **fields)


@transaction.atomic
def kind_update(*, actor: User | None, kind: TicketKind, **fields: Any) -> TicketKind:
    """A kind of ticket; one no longer used is made inactive, not deleted, as its tickets
    keep it. A kind may change the policy of open tickets: they choose again."""
    fields_assign(kind, fields, KIND_FIELDS, actor=actor)
    kind.full_clean()
    kind.save()
    clocks_recompute_later(None)
    return kind
