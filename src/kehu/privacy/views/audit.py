"""The access audit and the data-subject export, for administrators."""

from __future__ import annotations

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import render

from kehu.core.access import AccessKind, access_record
from kehu.core.pages import PAGE_SIZE, UserRequest, page
from kehu.core.pagination import CappedPaginator
from kehu.customers.models import Customer
from kehu.privacy import selectors
from kehu.privacy.exports import subject_export
from kehu.privacy.forms import AccessFilterForm
from kehu.privacy.models import AUDIT, EXPORT


@page(AUDIT)
def access_list(request: UserRequest) -> HttpResponse:
    form = AccessFilterForm(request.GET or None)
    events = selectors.access_events(**form.filters())
    page_ = CappedPaginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    names = selectors.customer_names(event.customer_id for event in page_)
    context = {
        "form": form,
        "page": page_,
        "rows": [(event, names.get(event.customer_id or 0)) for event in page_],
        "query": query.urlencode(),
    }
    return render(request, "privacy/access_list.html", context)


@page(EXPORT, customer=Customer)
def customer_export(request: UserRequest, customer: Customer) -> HttpResponse:
    """Everything Kehu holds about the customer, as a JSON file; the download is audited."""
    body = json.dumps(
        subject_export(customer=customer), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2
    )
    access_record(request, kind=AccessKind.EXPORTED, customer_id=customer.pk, rows=1)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="customer-{customer.pk}.json"'
    return response
