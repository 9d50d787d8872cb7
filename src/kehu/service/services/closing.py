"""The closed loop: a resolved ticket is closed only when its customer accepts the
resolution (through a link, or by telling staff), or when they leave it unanswered too long.
A rejection reopens it and counts against resolving it the first time."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kehu.core.models import User
from kehu.service.models import (
    CloseReason,
    Satisfaction,
    SlaPolicy,
    Ticket,
    TicketAction,
    TicketMessage,
    TicketStatus,
)
from kehu.service.services.tickets import TicketRefused, require_open, stepping

# Tickets whose resolution had no policy wait this many days for their customer's answer.
DEFAULT_ACCEPTANCE_DAYS = 7
_ACCEPTANCE_SALT = "kehu.service.acceptance"


@transaction.atomic
def ticket_resolve(*, actor: User | None, ticket: Ticket, resolution: str) -> Ticket:
    """The work is done: the ticket waits for the customer to accept the resolution."""
    resolution = resolution.strip()
    if not resolution:
        raise ValidationError({"resolution": _("Say how the problem was solved.")})
    require_open(ticket)
    with stepping(
        actor=actor,
        ticket=ticket,
        action=TicketAction.RESOLVE,
        notes={"resolution": [None, resolution[:500]]},
    ):
        ticket.status = TicketStatus.RESOLVED
        ticket.resolution = resolution
        ticket.resolved_at = timezone.now()
    return ticket


def _require_resolved(ticket: Ticket) -> None:
    if not ticket.awaits_acceptance:
        raise TicketRefused(_("This ticket has no resolution awaiting the customer's answer."))


def _satisfaction(value: int | None) -> int | None:
    if value is not None and value not in Satisfaction.values:
        raise ValidationError({"satisfaction": _("Choose one of the five levels.")})
    return value


@transaction.atomic
def ticket_accept(
    *,
    actor: User | None,
    ticket: Ticket,
    satisfaction: int | None = None,
    comment: str = "",
) -> Ticket:
    """The customer accepts the resolution: the ticket is closed, and their rating is kept
    with the people and team who had it then, whatever happens to them later."""
    _require_resolved(ticket)
    rating = _satisfaction(satisfaction)
    with stepping(
        actor=actor,
        ticket=ticket,
        action=TicketAction.ACCEPT,
        notes={"satisfaction": [None, rating]} if rating else None,
    ):
        ticket.status = TicketStatus.CLOSED
        ticket.close_reason = CloseReason.ACCEPTED
        ticket.closed_at = timezone.now()
        ticket.satisfaction = rating
        ticket.satisfaction_comment = comment.strip()
        ticket.rated_assignee = ticket.assignee
        ticket.rated_first_responsible = ticket.first_responsible
        ticket.rated_team = ticket.team
    return ticket


@transaction.atomic
def ticket_reject(*, actor: User | None, ticket: Ticket, reason: str) -> Ticket:
    """The customer rejects the resolution: the ticket is reopened, its clock runs again,
    and their reason is kept as their message."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the resolution is not accepted.")})
    _require_resolved(ticket)
    return _reopen(actor, ticket, reason, TicketAction.REJECT)


@transaction.atomic
def ticket_reopen(*, actor: User | None, ticket: Ticket, reason: str) -> Ticket:
    """The problem came back after the ticket was resolved or closed."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the ticket is reopened.")})
    if ticket.is_open:
        raise TicketRefused(_("This ticket is still being worked on."))
    return _reopen(actor, ticket, reason, TicketAction.REOPEN)


def _reopen(actor: User | None, ticket: Ticket, reason: str, action: str) -> Ticket:
    with stepping(actor=actor, ticket=ticket, action=action, notes={"reason": [None, reason]}):
        TicketMessage.objects.create(
            ticket=ticket, author=None, from_customer=True, body=reason, at=timezone.now()
        )
        ticket.status = TicketStatus.REOPENED
        ticket.reopen_count += 1
        ticket.closed_at = None
        ticket.close_reason = ""
    return ticket


def tickets_close_unanswered(*, now: datetime | None = None) -> int:
    """Close the resolutions their customers left unanswered past their policy's days,
    with that reason in their history. The number closed."""
    now = now or timezone.now()
    overdue = Q(policy__isnull=True, resolved_at__lte=now - timedelta(days=DEFAULT_ACCEPTANCE_DAYS))
    for policy_id, days in SlaPolicy.objects.values_list("pk", "acceptance_days"):
        overdue |= Q(policy_id=policy_id, resolved_at__lte=now - timedelta(days=days))
    waiting = Ticket.objects.filter(overdue, status=TicketStatus.RESOLVED)
    closed = 0
    # Closing chooses each ticket's policy again, by its customer among others.
    for ticket in waiting.select_related("customer").iterator():
        with transaction.atomic(), stepping(actor=None, ticket=ticket, action=TicketAction.CLOSE):
            ticket.status = TicketStatus.CLOSED
            ticket.close_reason = CloseReason.NO_ANSWER
            ticket.closed_at = now
        closed += 1
    return closed


def acceptance_token(ticket: Ticket) -> str:
    """The token of the link that lets the customer answer this resolution: it names the
    resolution by its time, so it is void once the ticket is reopened or resolved again."""
    if not ticket.awaits_acceptance or ticket.resolved_at is None:
        raise TicketRefused(_("This ticket has no resolution awaiting the customer's answer."))
    return signing.dumps([ticket.pk, ticket.resolved_at.timestamp()], salt=_ACCEPTANCE_SALT)


def ticket_for_token(token: str) -> Ticket | None:
    """The ticket whose resolution the token answers, if it still awaits that answer."""
    try:
        pk, resolved = signing.loads(token, salt=_ACCEPTANCE_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    ticket = Ticket.objects.filter(pk=pk, status=TicketStatus.RESOLVED).first()
    if ticket is None or ticket.resolved_at is None or ticket.resolved_at.timestamp() != resolved:
        return None
    return ticket
