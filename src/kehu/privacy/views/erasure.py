"""Erasure requests, for administrators: recording one, and carrying it out after a page
that says what it will do."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kehu.core.pages import EDITS, PAGE_SIZE, WRITES, UserRequest, page, problem_text
from kehu.core.pagination import CappedPaginator
from kehu.customers.selectors import customer_queryset
from kehu.privacy import selectors, services
from kehu.privacy.forms import ErasureRequestForm
from kehu.privacy.models import ERASE, ErasureRequest


def _list(request: UserRequest, form: ErasureRequestForm | None = None) -> HttpResponse:
    paginator = CappedPaginator(selectors.erasure_requests(), PAGE_SIZE)
    context: dict[str, Any] = {
        "page": paginator.get_page(request.GET.get("page")),
        "form": form or ErasureRequestForm(customers=customer_queryset(user=request.user)),
    }
    return render(request, "privacy/erasure_list.html", context)


@page("privacy.view_erasurerequest")
def erasure_list(request: UserRequest) -> HttpResponse:
    return _list(request)


@page("privacy.add_erasurerequest", methods=WRITES)
def erasure_new(request: UserRequest) -> HttpResponseBase:
    form = ErasureRequestForm(request.POST, customers=customer_queryset(user=request.user))
    if not form.is_valid():
        return _list(request, form)
    services.erasure_request(actor=request.user, customer=form.cleaned_data["customer"])
    messages.success(request, _("The erasure request is recorded."))
    return redirect("privacy:erasures")


@page(ERASE, methods=EDITS, erasure=ErasureRequest)
def erasure_execute(request: UserRequest, erasure: ErasureRequest) -> HttpResponseBase:
    """GET: what carrying out the request will do; POST: do it."""
    if request.method == "POST" and not erasure.is_executed:
        try:
            services.erasure_execute(actor=request.user, request=erasure)
        except ValidationError as error:
            messages.error(request, problem_text(error))
        else:
            messages.success(request, _("The customer's personal data is erased."))
        return redirect("privacy:erasures")
    return render(request, "privacy/erasure_confirm.html", {"erasure": erasure})
