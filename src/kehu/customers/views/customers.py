"""Customer pages: the list with search and filters, the customer page, its forms, and the
pickers that find a customer or contact while one types."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from kehu.core import regions
from kehu.core.access import customer_viewed
from kehu.core.exceptions import Refused
from kehu.core.history import history_entries
from kehu.core.htmx import is_htmx
from kehu.core.pages import EDITS, LOGGED_IN, PAGE_SIZE, WRITES, UserRequest, page, problem_text
from kehu.core.pagination import CappedPaginator
from kehu.core.records import Writes
from kehu.core.registry import panels_render
from kehu.customers import pickers, selectors, services
from kehu.customers.dedup import (
    Candidate,
    DuplicateKeys,
    candidates_as_seen,
    customer_duplicates,
    find_duplicates,
)
from kehu.customers.forms import CreditForm, CustomerFilterForm, CustomerForm
from kehu.customers.models import CHANGE_CREDIT, Customer
from kehu.customers.views.contacts import activities_context

CUSTOMER_WRITES = Writes.named(services, "customer")
SORTS = {
    "name": "name",
    "-name": "-name",
    "updated": "updated_at",
    "-updated": "-updated_at",
    "created": "created_at",
    "-created": "-created_at",
    "credit": "credit_limit",
    "-credit": "-credit_limit",
}


def listed_customers(request: UserRequest) -> tuple[CustomerFilterForm, str, QuerySet[Customer]]:
    """The list page's filter form, sort key and customers for a query string; the export
    serves the same customers in the same order from it."""
    form = CustomerFilterForm(request.GET, user=request.user)
    sort = request.GET.get("sort", "-updated")
    customers = selectors.customer_list(
        user=request.user,
        search=request.GET.get("q", ""),
        filters=form.filters(),
    ).order_by(SORTS.get(sort, "-updated_at"), "-id")
    return form, sort, customers


@page("customers.view_customer")
def customer_list(request: UserRequest) -> HttpResponse:
    form, sort, customers = listed_customers(request)
    paginator = CappedPaginator(customers, PAGE_SIZE, sort_found=bool(request.GET.get("q")))
    page_ = paginator.get_page(request.GET.get("page"))
    context = {"form": form, "page": page_, "sort": sort, "htmx_partial": is_htmx(request)}
    template = (
        "customers/_customer_table.html" if is_htmx(request) else "customers/customer_list.html"
    )
    return render(request, template, context)


def _history_context(request: UserRequest, customer: Customer) -> dict[str, Any]:
    """What the history card shows: the customer's last hundred changes."""
    changes = selectors.customer_history(customer=customer)[:100]
    return {"customer": customer, "history": history_entries(changes, reader=request.user)}


@page("customers.view_customer", customer=Customer)
def customer_detail(request: UserRequest, customer: Customer) -> HttpResponse:
    duplicates = customer_duplicates(customer)
    visible = set(
        selectors.customer_queryset(user=request.user)
        .filter(pk__in=[d.pk for d in duplicates])
        .values_list("pk", flat=True)
    )
    context = {
        **_history_context(request, customer),
        "contacts": customer.contacts.all(),
        **activities_context(request, customer),
        "duplicates": [d for d in duplicates if d.pk in visible],
        "panels": panels_render("customer", request, customer=customer),
    }
    customer_viewed(request, customer.pk)
    return render(request, "customers/customer_detail.html", context)


@page("customers.view_customer", customer=Customer)
def customer_history(request: UserRequest, customer: Customer) -> HttpResponse:
    return render(request, "customers/_history.html", _history_context(request, customer))


def _customer_form(request: UserRequest, customer: Customer | None) -> HttpResponse:
    form = CustomerForm(request.POST or None, instance=customer, user=request.user)
    duplicates: list[Candidate] = []
    if request.method == "POST" and form.is_valid() and customer is None:
        # Warn before a second record of the same company is born; the user may insist.
        keys = DuplicateKeys(form.instance.name_key, form.instance.phone, form.instance.email)
        if not request.POST.get("confirm_duplicate"):
            duplicates = candidates_as_seen(find_duplicates([keys])[0], user=request.user)
    saved = None if duplicates else form.record_saved(CUSTOMER_WRITES)
    if saved is not None:
        messages.success(request, _("Customer “%(name)s” saved.") % {"name": saved.name})
        return redirect("customers:detail", customer=saved.pk)
    context = {
        "form": form,
        "customer": customer,
        "duplicates": duplicates,
        "title": _("Edit customer") if customer else _("New customer"),
        "cancel_url": reverse("customers:detail", args=[customer.pk])
        if customer
        else reverse("customers:list"),
    }
    return render(request, "customers/customer_form.html", context)


@page("customers.add_customer", methods=EDITS)
def customer_new(request: UserRequest) -> HttpResponse:
    return _customer_form(request, None)


@page("customers.change_customer", methods=EDITS, customer=Customer)
def customer_edit(request: UserRequest, customer: Customer) -> HttpResponse:
    return _customer_form(request, customer)


@page(CHANGE_CREDIT, methods=EDITS, customer=Customer)
def customer_credit(request: UserRequest, customer: Customer) -> HttpResponse:
    """Finance's form for a customer's credit terms (its credit limit and rating)."""
    form = CreditForm(request.POST or None, instance=customer, user=request.user)
    if form.record_saved(CUSTOMER_WRITES) is not None:
        messages.success(request, _("Credit terms saved."))
        return redirect("customers:detail", customer=customer.pk)
    return render(request, "customers/credit_form.html", {"form": form, "customer": customer})


@page("customers.delete_customer", methods=WRITES, customer=Customer)
def customer_delete(request: UserRequest, customer: Customer) -> HttpResponse:
    try:
        services.customer_delete(actor=request.user, customer=customer)
    except Refused as refused:
        messages.error(request, problem_text(refused))
        return redirect("customers:detail", customer=customer.pk)
    messages.success(request, _("Customer “%(name)s” deleted.") % {"name": customer.name})
    return redirect("customers:list")


@page(LOGGED_IN)
def region_options(request: UserRequest) -> HttpResponse:
    """<option>s for the city or district select, given the province (and city)."""
    province = request.GET.get("province", "")
    level = request.GET.get("level", "city")
    if level == "district":
        names = regions.districts(province, request.GET.get("city", ""))
    else:
        names = regions.cities(province)
    return render(request, "customers/_region_options.html", {"names": names})


@page("customers.view_customer")
def customer_pick(request: UserRequest) -> HttpResponse:
    """<option>s for a customer picker: the visible customers matching `q`, of one `kind`
    if asked (dealers)."""
    customers = selectors.customer_matches(
        user=request.user,
        query=request.GET.get("q", ""),
        limit=pickers.MATCHES,
        kind=request.GET.get("kind", ""),
    )
    choices = [(c.pk, c.name) for c in customers]
    return render(request, "customers/_pick_options.html", {"choices": choices})


@page("customers.view_contact")
def contact_pick(request: UserRequest) -> HttpResponse:
    """<option>s for a contact picker: the contacts of visible customers matching `q`."""
    contacts = selectors.contact_list(
        user=request.user,
        search=request.GET.get("q", ""),
    )
    matches = contacts.order_by("name", "pk")[: pickers.MATCHES]
    choices = [(c.pk, pickers.contact_label(c)) for c in matches]
    return render(request, "customers/_pick_options.html", {"choices": choices})
