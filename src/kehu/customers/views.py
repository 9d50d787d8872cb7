"""Customer pages: list with search and filters, the customer page, forms. Thin over services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kehu.core import regions
from kehu.core.exceptions import VersionConflict
from kehu.core.history import change_lines
from kehu.core.htmx import is_htmx
from kehu.core.roles import VIEW_CONTACT_DETAILS
from kehu.customers import selectors, services
from kehu.customers.forms import ContactForm, CustomerFilterForm, CustomerForm

PAGE_SIZE = 25
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


@login_required
@permission_required("customers.view_customer", raise_exception=True)
def customer_list(request: HttpRequest) -> HttpResponse:
    form = CustomerFilterForm(request.GET, user=request.user)
    sort = request.GET.get("sort", "-updated")
    customers = selectors.customer_list(
        user=request.user, search=request.GET.get("q", ""), filters=form.filters()
    ).order_by(SORTS.get(sort, "-updated_at"), "-id")
    page = Paginator(customers, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "sort": sort, "query": request.GET.copy()}
    template = (
        "customers/_customer_table.html" if is_htmx(request) else "customers/customer_list.html"
    )
    return render(request, template, context)


def _detail_context(request: HttpRequest, customer: Any) -> dict[str, Any]:
    changes = list(selectors.customer_history(customer=customer)[:100])
    reveal = request.user.has_perm(VIEW_CONTACT_DETAILS)
    return {
        "customer": customer,
        "contacts": customer.contacts.all(),
        "history": [
            (change, change_lines(change, reveal_contact_details=reveal)) for change in changes
        ],
    }


@login_required
@permission_required("customers.view_customer", raise_exception=True)
def customer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    customer = selectors.customer_get(user=request.user, pk=pk)
    return render(request, "customers/customer_detail.html", _detail_context(request, customer))


def _save_customer(request: HttpRequest, form: CustomerForm, pk: int | None) -> Any:
    data = dict(form.cleaned_data)
    version = data.pop("version", None)
    if pk is None:
        return services.customer_create(actor=request.user, **data)
    customer = selectors.customer_get(user=request.user, pk=pk)
    return services.customer_update(
        actor=request.user, customer=customer, version=version or 0, **data
    )


@login_required
def customer_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    needed = "customers.change_customer" if pk else "customers.add_customer"
    if not request.user.has_perm(needed):
        raise PermissionDenied
    instance = selectors.customer_get(user=request.user, pk=pk) if pk else None
    form = CustomerForm(request.POST or None, instance=instance, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            customer = _save_customer(request, form, pk)
        except ValidationError as error:
            form.add_error(None, error)
        except VersionConflict as conflict:
            form.add_error(None, str(conflict))
        else:
            messages.success(request, _("Customer “%(name)s” saved.") % {"name": customer.name})
            return redirect("customers:detail", pk=customer.pk)
    return render(request, "customers/customer_form.html", {"form": form, "customer": instance})


@login_required
@require_POST
@permission_required("customers.delete_customer", raise_exception=True)
def customer_delete(request: HttpRequest, pk: int) -> HttpResponse:
    customer = selectors.customer_get(user=request.user, pk=pk)
    services.customer_delete(actor=request.user, customer=customer)
    messages.success(request, _("Customer “%(name)s” deleted.") % {"name": customer.name})
    return redirect("customers:list")


def _contacts_card(
    request: HttpRequest, customer: Any, form: ContactForm | None = None, editing: Any = None
) -> HttpResponse:
    context = {
        "customer": customer,
        "contacts": customer.contacts.all(),
        "contact_form": form,
        "editing": editing,
    }
    return render(request, "customers/_contacts.html", context)


@login_required
@permission_required("customers.view_contact", raise_exception=True)
def contact_list(request: HttpRequest, customer_pk: int) -> HttpResponse:
    customer = selectors.customer_get(user=request.user, pk=customer_pk)
    return _contacts_card(request, customer)


@login_required
def contact_edit(request: HttpRequest, customer_pk: int, pk: int | None = None) -> HttpResponse:
    """The contacts card, with a form to add or edit one contact (htmx swaps the card)."""
    needed = "customers.change_contact" if pk else "customers.add_contact"
    if not request.user.has_perm(needed):
        raise PermissionDenied
    customer = selectors.customer_get(user=request.user, pk=customer_pk)
    contact = customer.contacts.filter(pk=pk).first() if pk else None
    if pk and contact is None:
        raise Http404(_("No such contact."))
    form = ContactForm(request.POST or None, instance=contact)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version", None)
        try:
            if contact is None:
                services.contact_create(actor=request.user, customer=customer, **data)
            else:
                services.contact_update(
                    actor=request.user, contact=contact, version=version or 0, **data
                )
        except ValidationError as error:
            form.add_error(None, error)
        except VersionConflict as conflict:
            form.add_error(None, str(conflict))
        else:
            response = _contacts_card(request, customer)
            response["HX-Trigger"] = "historyChanged"
            return response
        return _contacts_card(request, customer, form, contact)
    return _contacts_card(request, customer, form, contact)


@login_required
@require_POST
@permission_required("customers.delete_contact", raise_exception=True)
def contact_delete(request: HttpRequest, customer_pk: int, pk: int) -> HttpResponse:
    customer = selectors.customer_get(user=request.user, pk=customer_pk)
    contact = customer.contacts.filter(pk=pk).first()
    if contact is not None:
        services.contact_delete(actor=request.user, contact=contact)
    response = _contacts_card(request, customer)
    response["HX-Trigger"] = "historyChanged"
    return response


@login_required
def customer_history(request: HttpRequest, pk: int) -> HttpResponse:
    customer = selectors.customer_get(user=request.user, pk=pk)
    return render(request, "customers/_history.html", _detail_context(request, customer))


@login_required
def region_options(request: HttpRequest) -> HttpResponse:
    """<option>s for the city or district select, given the province (and city)."""
    province = request.GET.get("province", "")
    level = request.GET.get("level", "city")
    if level == "district":
        names = regions.districts(province, request.GET.get("city", ""))
    else:
        names = regions.cities(province)
    return render(request, "customers/_region_options.html", {"names": names})
