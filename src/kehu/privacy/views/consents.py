"""The consent ledger on the customer page: granting and withdrawing, each one form away,
answered with the card itself for htmx and with the customer page otherwise."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render

from kehu.core.forms import form_problem
from kehu.core.htmx import is_htmx
from kehu.core.pages import WRITES, Loader, UserRequest, page, problem_text
from kehu.customers.models import Customer
from kehu.privacy import selectors, services
from kehu.privacy.forms import ConsentForm
from kehu.privacy.models import Consent


def consents_context(customer: Customer, form: ConsentForm | None = None) -> dict[str, Any]:
    return {
        "customer": customer,
        "consents": selectors.consent_ledger(customer=customer),
        "consent_form": form or ConsentForm(customer=customer),
    }


def _card(
    request: UserRequest,
    customer: Customer,
    form: ConsentForm | None = None,
    problem: str = "",
) -> HttpResponseBase:
    if not is_htmx(request):
        if problem:
            messages.error(request, problem)
        return redirect("customers:detail", customer=customer.pk)
    context = {**consents_context(customer, form), "problem": problem}
    response = render(request, "privacy/_consents.html", context)
    if form is None and not problem:
        response["HX-Trigger"] = "historyChanged"  # the history card shows the write
    return response


@page("privacy.view_consent", customer=Customer)
def consent_list(request: UserRequest, customer: Customer) -> HttpResponse:
    return render(request, "privacy/_consents.html", consents_context(customer))


@page("privacy.add_consent", methods=WRITES, customer=Customer)
def consent_grant(request: UserRequest, customer: Customer) -> HttpResponseBase:
    form = ConsentForm(request.POST, customer=customer)
    if form.is_valid():
        try:
            services.consent_grant(actor=request.user, customer=customer, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return _card(request, customer)
    return _card(request, customer, form, problem=problem_text(form_problem(form)))


@page(
    "privacy.change_consent",
    methods=WRITES,
    customer=Customer,
    consent=Loader(Consent, of="customer"),
)
def consent_withdraw(
    request: UserRequest, customer: Customer, consent: Consent
) -> HttpResponseBase:
    try:
        services.consent_withdraw(actor=request.user, consent=consent)
    except ValidationError as error:
        return _card(request, customer, problem=problem_text(error))
    return _card(request, customer)
