"""Ticket pages: the queue, the ticket with its conversation and timeline, the new-ticket
form, and the steps of a ticket's work."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import FileResponse, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kehu.core.htmx import is_htmx
from kehu.core.pages import (
    PAGE_SIZE,
    WRITES,
    Loader,
    RecordPages,
    UserRequest,
    page,
    step_taken,
)
from kehu.core.pagination import CappedPaginator
from kehu.core.records import Writes
from kehu.service import selectors, services
from kehu.service.forms import (
    AcceptForm,
    AssignForm,
    AttachForm,
    QueueForm,
    ReasonForm,
    ReplyForm,
    ResolveForm,
    StatusForm,
    TicketForm,
)
from kehu.service.models import Ticket, TicketAttachment

TICKET = Loader(Ticket, rows=selectors.ticket_list)
CHANGE = "service.change_ticket"


@page("service.view_ticket")
def queue(request: UserRequest) -> HttpResponse:
    """Open tickets, soonest deadline first, with each team's counts and ageing."""
    form = QueueForm(request.GET)
    tickets = selectors.queue(user=request.user, **form.filters())
    page_ = CappedPaginator(tickets, PAGE_SIZE).get_page(request.GET.get("page"))
    if is_htmx(request):
        return render(request, "service/_ticket_table.html", {"page": page_})
    context = {"form": form, "page": page_, "teams": selectors.team_counts(user=request.user)}
    return render(request, "service/queue.html", context)


ticket_new, ticket_edit = RecordPages(
    form=TicketForm,
    writes=Writes.named(services, "ticket"),
    template="service/ticket_form.html",
    titles=(gettext_lazy("New ticket"), gettext_lazy("Edit ticket")),
    saved=gettext_lazy("Ticket “%(name)s” saved."),
    done=lambda ticket: reverse("service:ticket", args=[ticket.pk]),
    back=lambda ticket: (
        reverse("service:ticket", args=[ticket.pk]) if ticket else reverse("service:queue")
    ),
    record="ticket",
    loader=TICKET,
    initial=lambda request: {
        name: request.GET[name] for name in ("customer", "order", "product") if name in request.GET
    },
).views(add="service.add_ticket", change=CHANGE)


@page("service.view_ticket", ticket=TICKET)
def ticket_detail(request: UserRequest, ticket: Ticket) -> HttpResponse:
    acceptance_url = None
    if ticket.awaits_acceptance:
        token = services.acceptance_token(ticket)
        acceptance_url = request.build_absolute_uri(f"{reverse('service:acceptance')}?t={token}")
    context = {
        "ticket": ticket,
        "conversation": selectors.ticket_messages(ticket=ticket),
        "history": selectors.ticket_timeline(ticket=ticket, reader=request.user),
        "similar": selectors.similar_cases(
            user=request.user, text=f"{ticket.subject} {ticket.description}", exclude=ticket
        ),
        "reply_form": ReplyForm(),
        "assign_form": AssignForm(initial={"team": ticket.team_id}),
        "status_form": StatusForm(initial={"status": ticket.status}),
        "resolve_form": ResolveForm(),
        "accept_form": AcceptForm(),
        "reason_form": ReasonForm(),
        "attach_form": AttachForm(),
        "acceptance_url": acceptance_url,
    }
    return render(request, "service/ticket_detail.html", context)


def _step(
    request: UserRequest,
    ticket: Ticket,
    form: forms.Form,
    step: Callable[..., Any],
    done: str,
) -> HttpResponseBase:
    """A step of the ticket's work from its page's form; back to the page with what came of it."""
    back = reverse("service:ticket", args=[ticket.pk])
    if not form.is_valid():
        problems = [
            f"{form[name].label}: {' '.join(str(e) for e in errors)}"
            for name, errors in form.errors.items()
        ]
        messages.error(request, " ".join(problems))
        return redirect(back)
    return step_taken(
        request,
        lambda: step(actor=request.user, ticket=ticket, **form.cleaned_data),
        done=done,
        back=back,
    )


@page(CHANGE, methods=WRITES, ticket=TICKET)
def ticket_reply(request: UserRequest, ticket: Ticket) -> HttpResponseBase:
    return _step(
        request, ticket, ReplyForm(request.POST), services.ticket_reply, _("Message added.")
    )


@page(CHANGE, methods=WRITES, ticket=TICKET)
def ticket_assign(request: UserRequest, ticket: Ticket) -> HttpResponseBase:
    return _step(
        request, ticket, AssignForm(request.POST), services.ticket_assign, _("Ticket handed over.")
    )


@page(CHANGE, methods=WRITES, ticket=TICKET)
def ticket_status(request: UserRequest, ticket: Ticket) -> HttpResponseBase:
    return _step(
        request, ticket, StatusForm(request.POST), services.ticket_status_set, _("Status saved.")
    )


@page(CHANGE, methods=WRITES, ticket=TICKET)
def ticket_resolve(request: UserRequest, ticket: Ticket) -> HttpResponseBase:
    done = _("Resolved. It closes when the customer accepts the resolution.")
    return _step(request, ticket, ResolveForm(request.POST), services.ticket_resolve, done)


@page(CHANGE, methods=WRITES, ticket=TICKET)
def ticket_accept(request: UserRequest, ticket: Ticket) -> HttpResponseBase:
    done = _("The customer's acceptance is recorded; the ticket is closed.")
    return _step(request, ticket, AcceptForm(request.POST), services.ticket_accept, done)


@page(CHANGE, methods=WRITES, ticket=TICKET)
def ticket_reject(request: UserRequest, ticket: Ticket) -> HttpResponseBase:
    done = _("The customer's rejection is recorded; the ticket is reopened.")
    return _step(request, ticket, ReasonForm(request.POST), services.ticket_reject, done)


@page(CHANGE, methods=WRITES, ticket=TICKET)
def ticket_attach(request: UserRequest, ticket: Ticket) -> HttpResponseBase:
    form = AttachForm(request.POST, request.FILES)
    return _step(request, ticket, form, services.ticket_attach, _("File attached."))


@page("service.view_ticket", attachment=TicketAttachment)
def attachment_download(request: UserRequest, attachment: TicketAttachment) -> HttpResponseBase:
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.name)


@page(CHANGE, methods=WRITES, ticket=TICKET)
def ticket_reopen(request: UserRequest, ticket: Ticket) -> HttpResponseBase:
    return _step(
        request, ticket, ReasonForm(request.POST), services.ticket_reopen, _("Ticket reopened.")
    )
