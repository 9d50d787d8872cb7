"""Business time: the working hours of a calendar, and the clocks of service levels.

A calendar has working intervals per weekday (several a day: a lunch break, split shifts)
and dates that differ from the week: a public holiday works no hours, a make-up working day
(调休) on a weekend works the hours of a normal working day, a company's own day may work
hours of its own. Everything here is plain arithmetic over those hours, without the
database, so that the same code answers a ticket page, a recomputation of 100,000 tickets
and the tests' hand-computed deadlines.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

# An interval of working time within a day: (start, end) in seconds since midnight.
Interval = tuple[int, int]

# A clock whose calendar works no hours this far ahead (an empty week, a year of holidays)
# would never reach its deadline: it has none.
_HORIZON_DAYS = 366 * 2


def interval_parse(text: str) -> Interval:
    """ "09:00-12:00" → (32400, 43200); "24:00" ends a day. Raises ValueError."""
    start_text, end_text = (part.strip() for part in text.split("-"))
    start, end = _seconds(start_text), _seconds(end_text)
    if not start < end:
        raise ValueError(text)
    return start, end


def _seconds(text: str) -> int:
    hours, minutes = (int(part) for part in text.split(":"))
    if not (0 <= minutes < 60 and (0 <= hours < 24 or (hours, minutes) == (24, 0))):
        raise ValueError(text)
    return hours * 3600 + minutes * 60


def interval_text(interval: Interval) -> str:
    start, end = interval
    return f"{start // 3600:02d}:{start % 3600 // 60:02d}-{end // 3600:02d}:{end % 3600 // 60:02d}"


def intervals_check(intervals: Iterable[Interval]) -> tuple[Interval, ...]:
    """The intervals in order; ValueError if two overlap."""
    ordered = tuple(sorted(intervals))
    for (_, end), (start, _) in itertools.pairwise(ordered):
        if start < end:
            raise ValueError("overlap")
    return ordered


@dataclass(frozen=True)
class WorkingTime:
    """A calendar's working time: `weekly` hours by weekday (Monday 0) and `days` that
    differ (an empty tuple for a day off), in the calendar's time zone."""

    zone: ZoneInfo
    weekly: Mapping[int, tuple[Interval, ...]]
    days: Mapping[date, tuple[Interval, ...]] = field(default_factory=dict)

    def intervals_on(self, day: date) -> tuple[Interval, ...]:
        found = self.days.get(day)
        return found if found is not None else self.weekly.get(day.weekday(), ())

    def _periods(self, start: datetime) -> Iterator[tuple[datetime, datetime]]:
        """The working periods from `start` on, as aware datetimes, `start` cut into the
        first; it ends after the horizon."""
        local = start.astimezone(self.zone)
        day = local.date()
        for _ in range(_HORIZON_DAYS):
            midnight = datetime.combine(day, time(), self.zone)
            for begin, end in self.intervals_on(day):
                period_start = _at(midnight, begin)
                period_end = _at(midnight, end)
                if period_end <= start:
                    continue
                yield max(period_start, start), period_end
            day += timedelta(days=1)

    def add(self, start: datetime, seconds: float) -> datetime | None:
        """The moment `seconds` of working time after `start`; None if the calendar's hours
        never add up to them (a calendar with no working time ahead)."""
        remaining = timedelta(seconds=seconds)
        if remaining <= timedelta(0):
            return self.next_working(start)
        for begin, end in self._periods(start):
            if end - begin >= remaining:
                return begin + remaining
            remaining -= end - begin
        return None

    def next_working(self, moment: datetime) -> datetime | None:
        """`moment` if it is working time, else the start of the next working period."""
        return next((begin for begin, _ in self._periods(moment)), None)

    def between(self, start: datetime, end: datetime) -> float:
        """Seconds of working time from `start` to `end` (0 if `end` is not later)."""
        total = timedelta(0)
        for begin, period_end in self._periods(start):
            if begin >= end:
                break
            total += min(period_end, end) - begin
        return total.total_seconds()


def _at(midnight: datetime, seconds: int) -> datetime:
    """The wall-clock time `seconds` after a local midnight (24:00 is the next midnight),
    so that a day's hours are its hours on a day the clocks change."""
    day = midnight.date() + timedelta(days=seconds // 86400)
    rest = seconds % 86400
    wall = datetime.combine(day, time(rest // 3600, rest % 3600 // 60, rest % 60))
    return wall.replace(tzinfo=midnight.tzinfo)


@dataclass(frozen=True)
class Running:
    """A stretch of time a clock ran: from `start` to `end` (None: still running)."""

    start: datetime
    end: datetime | None


@dataclass(frozen=True)
class Due:
    """Where a clock stands: its deadline while it runs, or, while it is paused (or
    stopped), the working seconds it had left."""

    at: datetime | None
    remaining: float
    running: bool


def due(hours: WorkingTime, stretches: Sequence[Running], target_seconds: float) -> Due:
    """The deadline of a target of `target_seconds` of working time, counted over the
    `stretches` the clock ran (the time between them, a pause, does not count).

    A target used up within a past stretch is due when it was used up, even if the clock
    went on: a breach stays a breach. A clock stopped before its target was used up has no
    deadline until it runs again, and keeps what was left.
    """
    remaining = float(target_seconds)
    for stretch in stretches:
        if stretch.end is None:
            return Due(hours.add(stretch.start, remaining), remaining, running=True)
        used = hours.between(stretch.start, stretch.end)
        if used >= remaining:
            return Due(hours.add(stretch.start, remaining), 0.0, running=False)
        remaining -= used
    return Due(None, remaining, running=False)
