"""The customer's own page for a resolution: reached through the link staff send, it asks
whether the problem is solved and how satisfied they are. No log-in: the signed link is the
key, and it is void once the ticket is reopened or resolved again."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy

from kehu.core.pages import EDITS, PUBLIC, StrOrPromise, page, problem_text
from kehu.core.records import REFUSALS
from kehu.service import services
from kehu.service.forms import AcceptForm, ReasonForm

# The customer's two answers: the form each fills, the step it takes, what they are told.
_ANSWERS: dict[str, tuple[type[Form], Callable[..., Any], StrOrPromise]] = {
    "accept": (AcceptForm, services.ticket_accept, gettext_lazy("Thank you. The case is closed.")),
    "reject": (
        ReasonForm,
        services.ticket_reject,
        gettext_lazy("Thank you. We have reopened the case and will contact you."),
    ),
}


@page(PUBLIC, methods=EDITS)
def acceptance(request: HttpRequest) -> HttpResponse:
    ticket = services.ticket_for_token(request.GET.get("t", ""))
    if ticket is None:
        return render(request, "service/acceptance.html", {"void": True})
    forms = {"accept": AcceptForm(), "reject": ReasonForm()}
    if request.method == "POST":
        answer = "accept" if request.POST.get("answer") == "accept" else "reject"
        form_class, step, done = _ANSWERS[answer]
        form = forms[answer] = form_class(request.POST)
        if form.is_valid():
            try:
                step(actor=None, ticket=ticket, **form.cleaned_data)
            except REFUSALS as problem:
                form.add_error(None, problem_text(problem))
            else:
                return render(request, "service/acceptance.html", {"done": done})
    context = {"ticket": ticket, "accept_form": forms["accept"], "reason_form": forms["reject"]}
    return render(request, "service/acceptance.html", context)
