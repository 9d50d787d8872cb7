"""The customer's own page for a resolution: reached through the link staff send, it asks
whether the problem is solved and how satisfied they are. No log-in: the signed link is the
key, and it is void once the ticket is reopened or resolved again."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from kehu.core.pages import EDITS, PUBLIC, page, problem_text
from kehu.core.records import REFUSALS
from kehu.service import services
from kehu.service.forms import AcceptForm, ReasonForm


@page(PUBLIC, methods=EDITS)
def acceptance(request: HttpRequest) -> HttpResponse:
    token = request.GET.get("t", "")
    ticket = services.ticket_for_token(token)
    if ticket is None:
        return render(request, "service/acceptance.html", {"void": True})
    accept_form, reason_form = AcceptForm(), ReasonForm()
    if request.method == "POST":
        answer = request.POST.get("answer")
        try:
            if answer == "accept":
                accept_form = AcceptForm(request.POST)
                if accept_form.is_valid():
                    services.ticket_accept(actor=None, ticket=ticket, **accept_form.cleaned_data)
                    return render(
                        request,
                        "service/acceptance.html",
                        {"done": _("Thank you. The case is closed.")},
                    )
            else:
                reason_form = ReasonForm(request.POST)
                if reason_form.is_valid():
                    services.ticket_reject(actor=None, ticket=ticket, **reason_form.cleaned_data)
                    return render(
                        request,
                        "service/acceptance.html",
                        {"done": _("Thank you. We have reopened the case and will contact you.")},
                    )
        except REFUSALS as problem:
            accept_form.add_error(None, problem_text(problem))
    context = {"ticket": ticket, "accept_form": accept_form, "reason_form": reason_form}
    return render(request, "service/acceptance.html", context)
