"""Keeping tickets' service-level clocks: the policy each ticket falls under, its log read
from its history, and the deadlines worked out again whenever something they depend on
changes (the ticket's status, priority, kind or channel; a policy; a calendar)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import fields
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils import timezone

from kehu.core.bulk import records_update
from kehu.core.history import change_records_bulk, creation_changes, snapshot
from kehu.core.models import Change, User
from kehu.service.clock import WorkingTime
from kehu.service.models import (
    OPEN_STATUSES,
    BusinessCalendar,
    SlaPolicy,
    Ticket,
    TicketAction,
    TicketMessage,
)
from kehu.service.sla import Clocks, Log, Targets, clocks

CLOCK_FIELDS = [field.name for field in fields(Clocks)]
# Recomputed in slices: a change of calendar may touch 100,000 open tickets.
_SLICE = 2000


def working_time(calendar: BusinessCalendar) -> WorkingTime:
    working_day = calendar.working_day_hours
    return WorkingTime(
        zone=calendar.zone,
        weekly=calendar.weekly_intervals(),
        days={day.date: day.intervals(working_day) for day in calendar.days.all()},
    )


def targets(policy: SlaPolicy) -> Targets:
    return Targets(
        first_response=policy.first_response_minutes * 60,
        next_response=(policy.next_response_minutes * 60 if policy.next_response_minutes else None),
        resolution=policy.resolution_minutes * 60,
        pauses=frozenset(policy.pause_statuses),
    )


class Policies:
    """The active policies in their order, each with its kinds, targets and hours, read
    once for any number of tickets."""

    def __init__(self) -> None:
        self.ordered = list(
            SlaPolicy.objects.filter(is_active=True)
            .select_related("calendar")
            .prefetch_related("kinds", "calendar__days")
        )
        self._kinds = {p.pk: {kind.pk for kind in p.kinds.all()} for p in self.ordered}
        self._hours = {p.calendar_id: working_time(p.calendar) for p in self.ordered}
        self._targets = {p.pk: targets(p) for p in self.ordered}
        self._by_id = {p.pk: p for p in self.ordered}

    def choose(self, ticket: Ticket) -> SlaPolicy | None:
        return next((p for p in self.ordered if p.matches(ticket, self._kinds[p.pk])), None)

    def clocks(self, ticket: Ticket, log: Log, now: datetime) -> Clocks:
        policy = self._by_id.get(ticket.policy_id) if ticket.policy_id else None
        if policy is None:
            return clocks(
                log, None, WorkingTime(zone=timezone.get_current_timezone(), weekly={}), now
            )
        return clocks(log, self._targets[policy.pk], self._hours[policy.calendar_id], now)


# Inside `policies_kept`, the policies read by the first ticket's step serve the next.
_kept: ContextVar[list[Policies] | None] = ContextVar("kehu_service_policies", default=None)


@contextmanager
def policies_kept() -> Iterator[None]:
    """For work on many tickets one by one (loading a year of them): the policies and their
    calendars are read once for the block rather than at each step. A change to the setup
    within the block (services.setup) drops them."""
    token = _kept.set([])
    try:
        yield
    finally:
        _kept.reset(token)


def policies_changed() -> None:
    kept = _kept.get()
    if kept is not None:
        kept.clear()


def current_policies() -> Policies:
    kept = _kept.get()
    if kept is None:
        return Policies()
    if not kept:
        kept.append(Policies())
    return kept[0]


def logs(tickets: Sequence[Ticket]) -> dict[int, Log]:
    """Each ticket's log, from its history's status changes and its public messages."""
    ids = [ticket.pk for ticket in tickets]
    statuses: dict[int, list[tuple[datetime, str]]] = defaultdict(list)
    changes = (
        Change.objects.filter(
            target_type=ContentType.objects.get_for_model(Ticket),
            target_id__in=ids,
            changes__has_key="status",
        )
        .order_by("at", "id")
        .values_list("target_id", "at", "changes")
    )
    for ticket_id, at, changed in changes:
        statuses[ticket_id].append((at, changed["status"][1]))
    replies: dict[int, list[tuple[datetime, bool]]] = defaultdict(list)
    messages = (
        TicketMessage.objects.filter(ticket_id__in=ids, internal=False)
        .order_by("at", "id")
        .values_list("ticket_id", "at", "from_customer")
    )
    for ticket_id, at, from_customer in messages:
        replies[ticket_id].append((at, from_customer))
    return {
        ticket.pk: Log(
            statuses[ticket.pk] or [(ticket.created_at, ticket.status)], replies[ticket.pk]
        )
        for ticket in tickets
    }


def clocks_apply(ticket: Ticket, found: Clocks) -> list[str]:
    """Set the ticket's clock columns; the names of those that changed."""
    changed = []
    for name in CLOCK_FIELDS:
        value = getattr(found, name)
        if getattr(ticket, name) != value:
            setattr(ticket, name, value)
            changed.append(name)
    return changed


def ticket_clocks_update(*, ticket: Ticket) -> None:
    """Choose the ticket's policy again and work its clocks out afresh; saves them."""
    tickets_clocks_update([ticket])


def tickets_clocks_update(tickets: Iterable[Ticket], *, now: datetime | None = None) -> int:
    """Recompute the clocks of many tickets (after a policy or calendar changed): each
    chooses its policy again. The number whose clocks changed."""
    now = now or timezone.now()
    policies = current_policies()
    changed = 0
    batch: list[Ticket] = []

    def flush() -> int:
        found = logs(batch)
        dirty = []
        for ticket in batch:
            policy = policies.choose(ticket)
            moved = ticket.policy_id != (policy.pk if policy else None)
            ticket.policy = policy
            if clocks_apply(ticket, policies.clocks(ticket, found[ticket.pk], now)) or moved:
                dirty.append(ticket)
        records_update(dirty, ["policy", *CLOCK_FIELDS])
        batch.clear()
        return len(dirty)

    for ticket in tickets:
        batch.append(ticket)
        if len(batch) >= _SLICE:
            changed += flush()
    return changed + flush()


def open_tickets(condition: Q | None = None) -> Iterable[Ticket]:
    query = Ticket.objects.filter(status__in=OPEN_STATUSES).select_related("customer")
    if condition is not None:
        query = query.filter(condition)
    return query.order_by("pk").iterator(chunk_size=_SLICE)


def breaches_sweep(*, now: datetime | None = None, actor: User | None = None) -> int:
    """Find the tickets whose deadline has passed (their `next_check_at`), mark the targets
    they missed, and note each in its history; in slices, until none is left (after a
    long holiday thousands come due at once). The number of breaches noted."""
    now = now or timezone.now()
    policies = current_policies()
    noted, seen = 0, set[int]()
    while True:
        due = list(
            Ticket.objects.filter(status__in=OPEN_STATUSES, next_check_at__lte=now).order_by(
                "next_check_at"
            )[:_SLICE]
        )
        # A ticket comes back only if its clocks still say it is due; once is enough.
        due = [ticket for ticket in due if ticket.pk not in seen]
        if not due:
            return noted
        seen.update(ticket.pk for ticket in due)
        noted += _breaches_note(due, policies, now, actor)


def _breaches_note(due: list[Ticket], policies: Policies, now: datetime, actor: User | None) -> int:
    found = logs(due)
    entries = []
    for ticket in due:
        before = (ticket.response_breached, ticket.resolution_breached)
        clocks_apply(ticket, policies.clocks(ticket, found[ticket.pk], now))
        missed = [
            name
            for name, was, is_now in zip(
                ("response_due", "resolution_due"),
                before,
                (ticket.response_breached, ticket.resolution_breached),
                strict=True,
            )
            if is_now and not was
        ]
        if missed:
            entries.append((ticket, creation_changes(snapshot(ticket, missed)), ticket.customer_id))
    records_update(due, CLOCK_FIELDS)
    change_records_bulk(actor=actor, action=TicketAction.BREACH, entries=entries)
    return len(entries)
