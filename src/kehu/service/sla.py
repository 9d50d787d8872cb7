"""A ticket's service-level clocks, worked out from its log.

The log is what its history holds: each status it entered and when, and each public
message with whether the customer wrote it. From the log, a policy's targets and a
calendar's hours, `clocks` works out every deadline afresh, so a changed policy, calendar
or priority loses no paused time and keeps no stale deadline: nothing is carried over.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from kehu.service.clock import Due, Running, WorkingTime, due
from kehu.service.models.tickets import OPEN_STATUSES


@dataclass(frozen=True)
class Log:
    """`statuses`: (when, status entered), in order, the first being its creation's;
    `replies`: (when, written by the customer) of public messages, in order."""

    statuses: Sequence[tuple[datetime, str]]
    replies: Sequence[tuple[datetime, bool]]


@dataclass(frozen=True)
class Targets:
    """A policy's targets in working seconds, and the statuses that pause its clocks."""

    first_response: float
    next_response: float | None
    resolution: float
    pauses: frozenset[str]


@dataclass(frozen=True)
class Clocks:
    first_responded_at: datetime | None = None
    response_due: datetime | None = None
    resolution_due: datetime | None = None
    paused: bool = False
    response_breached: bool = False
    resolution_breached: bool = False
    next_check_at: datetime | None = None


def stretches(log: Log, pauses: frozenset[str]) -> list[Running]:
    """When the clocks ran: while the ticket was open and not in a pausing status."""
    found: list[Running] = []
    moments = list(log.statuses)
    for (start, status), following in zip(moments, [*moments[1:], None], strict=True):
        end = following[0] if following else None
        if status not in OPEN_STATUSES or status in pauses or (end is not None and end <= start):
            continue
        if found and found[-1].end == start:
            start = found.pop().start
        found.append(Running(start, end))
    return found


def _until(ran: list[Running], moment: datetime) -> list[Running]:
    return [
        Running(s.start, moment if s.end is None or s.end > moment else s.end)
        for s in ran
        if s.start < moment
    ]


def _since(ran: list[Running], moment: datetime) -> list[Running]:
    return [Running(max(s.start, moment), s.end) for s in ran if s.end is None or s.end > moment]


def _late(found: Due, done_at: datetime | None, now: datetime) -> bool:
    """Whether a target was missed: met after its deadline, or not met when it came."""
    if found.at is None:
        return False
    return done_at > found.at if done_at else now >= found.at


def _pending_response(log: Log) -> tuple[datetime | None, datetime | None]:
    """(first staff reply, the customer's first message since staff last replied)."""
    first = next((at for at, by_customer in log.replies if not by_customer), None)
    waiting_since = None
    for at, by_customer in log.replies:
        if not by_customer:
            waiting_since = None
        elif waiting_since is None and first is not None and at > first:
            waiting_since = at
    return first, waiting_since


def clocks(log: Log, targets: Targets | None, hours: WorkingTime, now: datetime) -> Clocks:
    """The ticket's clocks at `now` under `targets` (None: no policy, no clocks)."""
    first, waiting_since = _pending_response(log)
    if targets is None:
        return Clocks(first_responded_at=first)
    ran = stretches(log, targets.pauses)
    status = log.statuses[-1][1]
    is_open = status in OPEN_STATUSES

    first_due = due(hours, _until(ran, first) if first else ran, targets.first_response)
    response_breached = _late(first_due, first, now)
    response: Due | None = None if first else first_due
    if first and waiting_since and targets.next_response and is_open:
        response = due(hours, _since(ran, waiting_since), targets.next_response)
        response_breached = response_breached or _late(response, None, now)

    resolution = due(hours, ran, targets.resolution)
    resolved_at = None if is_open else log.statuses[-1][0]
    resolution_breached = _late(resolution, resolved_at, now)

    response_due = response.at if response and is_open else None
    resolution_due = resolution.at if is_open or resolution_breached else None
    upcoming = [at for at in (response_due, resolution.at if is_open else None) if at and at > now]
    return Clocks(
        first_responded_at=first,
        response_due=response_due,
        resolution_due=resolution_due,
        paused=is_open and status in targets.pauses,
        response_breached=response_breached,
        resolution_breached=resolution_breached,
        next_check_at=min(upcoming, default=None),
    )
