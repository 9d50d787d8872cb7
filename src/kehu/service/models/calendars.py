"""Business calendars: the working hours that service-level clocks count."""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar
from zoneinfo import ZoneInfo, available_timezones

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from kehu.core.models import KehuModel, Versioned
from kehu.core.scopes import Everyone, Visibility
from kehu.service.clock import Interval, interval_parse, interval_text, intervals_check

WEEKDAYS = [
    _("Monday"),
    _("Tuesday"),
    _("Wednesday"),
    _("Thursday"),
    _("Friday"),
    _("Saturday"),
    _("Sunday"),
]


def hours_parse(text: str) -> tuple[Interval, ...]:
    """ "09:00-12:00, 13:30-18:00" → its intervals, in order; "" → none. ValidationError
    naming the problem."""
    try:
        return intervals_check(interval_parse(part) for part in text.split(",") if part.strip())
    except ValueError:
        raise ValidationError(
            gettext(
                "Write working hours as “09:00-12:00, 13:30-18:00”: each interval ending "
                "after it starts, none overlapping."
            )
        ) from None


def hours_text(intervals: list[list[int]] | tuple[Interval, ...]) -> str:
    return ", ".join(interval_text((start, end)) for start, end in intervals)


class BusinessCalendar(KehuModel, Versioned):
    """Weekly working hours, in `weekly` as {"0": [[start, end], …]} (Monday "0", seconds
    since midnight), and the dates that differ (CalendarDay)."""

    visibility: ClassVar[Visibility] = Everyone()

    name = models.CharField(_("name"), max_length=100, unique=True)
    time_zone = models.CharField(_("time zone"), max_length=64, default=settings.TIME_ZONE)
    weekly = models.JSONField(_("weekly hours"), default=dict)
    follows_national_holidays = models.BooleanField(
        _("follows China's public holidays and make-up working days"), default=True
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("business calendar")
        verbose_name_plural = _("business calendars")

    def __str__(self) -> str:
        return self.name

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    def weekly_intervals(self) -> dict[int, tuple[Interval, ...]]:
        return {
            int(day): tuple((start, end) for start, end in intervals)
            for day, intervals in self.weekly.items()
        }

    @property
    def week(self) -> list[tuple[object, str]]:
        """Each weekday's name and hours, for a page."""
        weekly = self.weekly_intervals()
        return [(WEEKDAYS[day], hours_text(weekly.get(day, ()))) for day in range(7)]

    @property
    def working_day_hours(self) -> tuple[Interval, ...]:
        """The hours of a normal working day, which a make-up working day works: those of
        the first weekday that works any."""
        weekly = self.weekly_intervals()
        return next((weekly[day] for day in range(7) if weekly.get(day)), ())

    def clean(self) -> None:
        if self.time_zone not in available_timezones():
            raise ValidationError({"time_zone": gettext("Unknown time zone.")})
        weekly: Any = self.weekly
        if not isinstance(weekly, dict) or not all(
            str(day) in {str(d) for d in range(7)} for day in weekly
        ):
            raise ValidationError({"weekly": gettext("Weekly hours are given per weekday.")})
        for day, intervals in weekly.items():
            try:
                intervals_check((int(start), int(end)) for start, end in intervals)
            except (TypeError, ValueError):
                raise ValidationError(
                    {
                        "weekly": gettext("The hours of %(day)s overlap or are not intervals.")
                        % {"day": WEEKDAYS[int(day)]}
                    }
                ) from None


# The names the public holiday calendar gives its days, kept as it gives them and shown
# translated.
HOLIDAY_NAMES = [
    gettext_noop("New Year's Day"),
    gettext_noop("Spring Festival"),
    gettext_noop("Tomb-sweeping Day"),
    gettext_noop("Labour Day"),
    gettext_noop("Dragon Boat Festival"),
    gettext_noop("Mid-autumn Festival"),
    gettext_noop("National Day"),
    gettext_noop("Anti-Fascist 70th Day"),
]


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("Day off")
    WORKDAY = "workday", _("Working day")


class DaySource(models.TextChoices):
    NATIONAL = "national", _("Public holiday calendar")
    COMPANY = "company", _("Company")


class CalendarDay(KehuModel):
    """A date that differs from the calendar's week: a day off, or a working day with the
    hours of a normal working day (`hours` empty) or its own. A company's own day is kept
    when the public holidays are loaded again."""

    visibility: ClassVar[Visibility] = Everyone()

    calendar = models.ForeignKey(
        BusinessCalendar, on_delete=models.CASCADE, related_name="days", verbose_name=_("calendar")
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=10, choices=DayKind.choices)
    hours = models.JSONField(_("hours"), default=list, blank=True)
    name = models.CharField(_("name"), max_length=100, blank=True)
    source = models.CharField(
        _("source"), max_length=10, choices=DaySource.choices, default=DaySource.COMPANY
    )

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        constraints = [
            models.UniqueConstraint(fields=["calendar", "date"], name="calendar_day_once")
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"

    @property
    def display_name(self) -> str:
        """The public holiday calendar's names translated; the company's as written."""
        return gettext(self.name) if self.source == DaySource.NATIONAL else self.name

    def intervals(self, working_day: tuple[Interval, ...]) -> tuple[Interval, ...]:
        if self.kind == DayKind.HOLIDAY:
            return ()
        return tuple((start, end) for start, end in self.hours) or working_day


def national_days(years: range) -> dict[date, tuple[str, str]]:
    """China's public holidays and make-up working days in `years`, as far as the
    maintained calendar package knows them: {date: (kind, holiday's name)}."""
    import chinese_calendar

    found: dict[date, tuple[str, str]] = {}
    for kind, table in (
        (DayKind.HOLIDAY, chinese_calendar.holidays),
        (DayKind.WORKDAY, chinese_calendar.workdays),
    ):
        for day, holiday in table.items():
            if day.year in years:
                found[day] = (kind, holiday)
    return found
