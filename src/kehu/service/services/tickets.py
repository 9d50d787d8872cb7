"""Writing tickets: opening one, editing it, handing it over, and the conversation.

Every write is in the ticket's history (its timeline), and every write its clocks depend on
works them out again (services.clocks).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from kehu.core.exceptions import Refused, VersionConflict
from kehu.core.history import (
    actor_or_none,
    change_record,
    diff,
    record_creation,
    record_update,
    snapshot,
)
from kehu.core.locking import save_versioned
from kehu.core.models import ChangeAction, User
from kehu.core.records import fields_assign
from kehu.core.uploads import upload_checked
from kehu.service import similar
from kehu.service.models import (
    ServiceTeam,
    Ticket,
    TicketAction,
    TicketAttachment,
    TicketMessage,
    TicketStatus,
)
from kehu.service.services.clocks import ticket_clocks_update

TICKET_FIELDS = [
    "subject",
    "description",
    "kind",
    "priority",
    "channel",
    "customer",
    "contact",
    "order",
    "product",
    "promise",
    "promised_by",
]
# What a ticket's history shows of it; its clocks are worked out, not kept there.
HISTORY_FIELDS = [*TICKET_FIELDS, "team", "assignee", "first_responsible", "status"]


# Photos of the damage, a scan of the delivery note, a log, a short video or voice note;
# larger files belong in a document system.
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
ATTACHMENT_KINDS = frozenset(
    {"jpg", "jpeg", "png", "gif", "webp", "heic", "pdf", "txt", "csv", "log", "zip"}
    | {"doc", "docx", "xls", "xlsx", "ppt", "pptx", "mp4", "mov", "amr", "m4a", "mp3"}
)


def terms_keep(ticket: Ticket) -> None:
    """Keep the ticket's words for the similar-case search, and its row of SQLite's index
    while it has a resolution to offer (resolved or closed)."""
    words = similar.terms(ticket.subject, ticket.description, ticket.resolution)
    if words != ticket.terms:
        ticket.terms = words
        Ticket.objects.filter(pk=ticket.pk).update(terms=words)
    offered = ticket.status in (TicketStatus.RESOLVED, TicketStatus.CLOSED)
    similar.sqlite_index(similar.TICKET, ticket.pk, words if offered else None)


def terms_after_erasure(*, customer_id: int, **_: Any) -> None:
    """A customer's personal data was erased from its tickets: their words follow."""
    for ticket in Ticket.objects.filter(customer_id=customer_id):
        terms_keep(ticket)


class TicketRefused(Refused):
    """A step the ticket's status does not allow (resolving a closed ticket)."""


def _check_promise(ticket: Ticket, before: Any) -> None:
    """A promise made now is for a time to come."""
    if ticket.promised_by and ticket.promised_by != before and ticket.promised_by <= timezone.now():
        raise ValidationError({"promised_by": _("A promise is for a time still to come.")})


def _check(ticket: Ticket) -> None:
    """The contact, order and assignee belong with the ticket."""
    errors: dict[str, str] = {}
    if ticket.promise and ticket.promised_by is None:
        errors["promised_by"] = _("Say by when it was promised.")
    contact, order, team = ticket.contact, ticket.order, ticket.team
    if contact is not None and contact.customer_id != ticket.customer_id:
        errors["contact"] = _("This contact is not one of the customer's.")
    if order is not None and order.customer_id != ticket.customer_id:
        errors["order"] = _("This order is not one of the customer's.")
    if ticket.assignee_id and (
        team is None or not team.members.filter(pk=ticket.assignee_id).exists()
    ):
        errors["assignee"] = _("Give the ticket to a member of its service team.")
    if errors:
        raise ValidationError(errors)


def _next_member(team: ServiceTeam) -> User | None:
    """The team's member after the one who got its last ticket (round robin); the team's
    row is locked until the ticket is written, so two tickets never go to the same turn."""
    team = ServiceTeam.objects.select_for_update().get(pk=team.pk)
    members = list(team.members.filter(is_active=True).order_by("pk"))
    if not members:
        return None
    later = [m for m in members if team.last_assigned_id is None or m.pk > team.last_assigned_id]
    chosen = (later or members)[0]
    ServiceTeam.objects.filter(pk=team.pk).update(last_assigned=chosen)
    return chosen


@transaction.atomic
def ticket_create(
    *,
    actor: User | None,
    team: ServiceTeam | None = None,
    assignee: User | None = None,
    **fields: Any,
) -> Ticket:
    """Open a ticket. Whoever takes it (the actor, else its first assignee) is its first
    responsible until the customer accepts its resolution. A team without an assignee gives
    it to its members in turn."""
    ticket = Ticket(created_by=actor_or_none(actor), team=team, assignee=assignee)
    fields_assign(ticket, fields, TICKET_FIELDS, actor=actor)
    ticket.full_clean()
    _check(ticket)
    _check_promise(ticket, None)
    if team is not None and assignee is None:
        ticket.assignee = _next_member(team)
    ticket.first_responsible = actor_or_none(actor) or ticket.assignee
    ticket.save()
    record_creation(
        actor=actor, target=ticket, fields=HISTORY_FIELDS, customer_id=ticket.customer_id
    )
    ticket_clocks_update(ticket=ticket)
    terms_keep(ticket)
    return ticket


@transaction.atomic
def ticket_update(*, actor: User | None, ticket: Ticket, version: int, **fields: Any) -> Ticket:
    """Edit a ticket read at `version`. A new priority, kind or channel may bring another
    policy; the clocks are worked out again from the ticket's start."""
    before = snapshot(ticket, HISTORY_FIELDS)
    promised_by = ticket.promised_by
    fields_assign(ticket, fields, TICKET_FIELDS, actor=actor)
    ticket.full_clean()
    _check(ticket)
    _check_promise(ticket, promised_by)
    save_versioned(ticket, expected_version=version, fields=TICKET_FIELDS)
    record_update(
        actor=actor,
        target=ticket,
        before=before,
        after=snapshot(ticket, HISTORY_FIELDS),
        customer_id=ticket.customer_id,
    )
    ticket_clocks_update(ticket=ticket)
    terms_keep(ticket)
    return ticket


@contextmanager
def stepping(
    *, actor: User | None, ticket: Ticket, action: str, notes: dict[str, list[Any]] | None = None
) -> Iterator[None]:
    """A step of the ticket's work (hand-over, reply, status): the block changes the ticket;
    the step is written with a new version, in the history as `action`, and the clocks
    follow. The ticket's row is locked first, so two steps never cross."""
    locked = Ticket.objects.select_for_update().filter(pk=ticket.pk).values("version", "status")
    current = locked.get()
    if current["status"] != ticket.status or current["version"] != ticket.version:
        raise VersionConflict(current["version"])
    before = snapshot(ticket, HISTORY_FIELDS)
    yield
    ticket.version += 1
    ticket.updated_at = timezone.now()
    Ticket.objects.filter(pk=ticket.pk).update(
        version=F("version") + 1,
        updated_at=ticket.updated_at,
        **{
            name: getattr(ticket, name)
            for name in (
                "team",
                "assignee",
                "first_responsible",
                "status",
                "resolved_at",
                "resolution",
                "closed_at",
                "close_reason",
                "reopen_count",
                "satisfaction",
                "satisfaction_comment",
                "rated_assignee",
                "rated_first_responsible",
                "rated_team",
            )
        },
    )
    # A step is in the timeline even when no field changed (a reply, a note).
    change_record(
        actor=actor,
        target=ticket,
        action=action,
        changes={**diff(before, snapshot(ticket, HISTORY_FIELDS)), **(notes or {})},
        customer_id=ticket.customer_id,
    )
    ticket_clocks_update(ticket=ticket)
    terms_keep(ticket)


def require_open(ticket: Ticket) -> None:
    if not ticket.is_open:
        raise TicketRefused(_("This ticket is no longer being worked on."))


@transaction.atomic
def ticket_assign(
    *,
    actor: User | None,
    ticket: Ticket,
    team: ServiceTeam | None,
    assignee: User | None = None,
) -> Ticket:
    """Hand the ticket to a team and a person (none: the team's next in turn). Its first
    responsible stays who they were."""
    require_open(ticket)
    with stepping(actor=actor, ticket=ticket, action=TicketAction.ASSIGN):
        ticket.team, ticket.assignee = team, assignee
        _check(ticket)
        if team is not None and assignee is None:
            ticket.assignee = _next_member(team)
        ticket.first_responsible = ticket.first_responsible or ticket.assignee
    return ticket


@transaction.atomic
def ticket_reply(
    *,
    actor: User | None,
    ticket: Ticket,
    body: str,
    from_customer: bool = False,
    internal: bool = False,
) -> TicketMessage:
    """A message on the ticket: staff's reply (a new ticket is then in progress), the
    customer's (a ticket waiting for the customer is then in progress again: its clock
    resumes), or an internal note."""
    body = body.strip()
    if not body:
        raise ValidationError({"body": _("Write the message.")})
    if from_customer and internal:
        raise ValidationError({"internal": _("The customer's words are not an internal note.")})
    if ticket.is_closed:
        raise TicketRefused(_("This ticket is closed. Reopen it to continue."))
    action = TicketAction.NOTE if internal else TicketAction.REPLY
    with stepping(
        actor=actor,
        ticket=ticket,
        action=action,
        notes={("customer_message" if from_customer else "message"): [None, body[:500]]},
    ):
        message = TicketMessage.objects.create(
            ticket=ticket,
            author=actor_or_none(actor),
            from_customer=from_customer,
            internal=internal,
            body=body,
            at=timezone.now(),
        )
        resumes = (
            (TicketStatus.WAITING_CUSTOMER,)
            if from_customer
            else (TicketStatus.NEW, TicketStatus.REOPENED)
        )
        if not internal and ticket.status in resumes:
            ticket.status = TicketStatus.IN_PROGRESS
    return message


# The statuses staff move a ticket between while working it; resolving, accepting and
# reopening are steps of their own (services.closing).
WORKING_STATUSES = [
    TicketStatus.IN_PROGRESS,
    TicketStatus.WAITING_CUSTOMER,
    TicketStatus.WAITING_THIRD_PARTY,
]


@transaction.atomic
def ticket_status_set(*, actor: User | None, ticket: Ticket, status: str) -> Ticket:
    """Wait for the customer or a third party (the policy may pause the clock), or go back
    to work."""
    if status not in WORKING_STATUSES:
        raise ValidationError({"status": _("Choose in progress or one of the waiting statuses.")})
    require_open(ticket)
    if ticket.status == status:
        return ticket
    with stepping(actor=actor, ticket=ticket, action=TicketAction.STATUS):
        ticket.status = status
    return ticket


@transaction.atomic
def ticket_attach(*, actor: User | None, ticket: Ticket, file: UploadedFile) -> TicketAttachment:
    """Keep a file with the ticket (a photo of the damage); too large a file, or one of a
    kind not allowed, is refused."""
    name, size = upload_checked(file, limit=MAX_ATTACHMENT_BYTES, extensions=ATTACHMENT_KINDS)
    if ticket.is_closed:
        raise TicketRefused(_("This ticket is closed. Reopen it to continue."))
    attachment = TicketAttachment(
        ticket=ticket, name=name, size=size, uploaded_by=actor_or_none(actor)
    )
    attachment.file.save(name, file, save=False)
    attachment.save()
    change_record(
        actor=actor,
        target=ticket,
        action=ChangeAction.UPDATE,
        changes={"attachments": [None, name]},
        customer_id=ticket.customer_id,
    )
    return attachment
