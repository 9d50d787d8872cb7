"""Customer pages: list with search and filters, the customer page, forms. Thin over services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from kehu.core import regions
from kehu.core.exceptions import VersionConflict
from kehu.core.history import change_lines
from kehu.core.htmx import is_htmx
from kehu.core.pages import problem_text, require
from kehu.core.pagination import CappedPaginator
from kehu.core.roles import VIEW_CONTACT_DETAILS
from kehu.customers import pickers, selectors, services
from kehu.customers.dedup import DuplicateKeys, customer_duplicates, find_duplicates
from kehu.customers.forms import (
    ActivityForm,
    ContactForm,
    CustomerFilterForm,
    CustomerForm,
    HandoverForm,
)
from kehu.customers.models import Customer

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


def listed_customers(request: HttpRequest) -> tuple[CustomerFilterForm, str, QuerySet[Customer]]:
    """The list page's filter form, sort key and customers for a query string; the export
    serves the same customers in the same order from it."""
    form = CustomerFilterForm(request.GET, user=request.user)
    sort = request.GET.get("sort", "-updated")
    customers = selectors.customer_list(
        user=request.user, search=request.GET.get("q", ""), filters=form.filters()
    ).order_by(SORTS.get(sort, "-updated_at"), "-id")
    return form, sort, customers


@login_required
@permission_required("customers.view_customer", raise_exception=True)
def customer_list(request: HttpRequest) -> HttpResponse:
    form, sort, customers = listed_customers(request)
    paginator = CappedPaginator(customers, PAGE_SIZE, sort_found=bool(request.GET.get("q")))
    page = paginator.get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "sort": sort, "htmx_partial": is_htmx(request)}
    template = (
        "customers/_customer_table.html" if is_htmx(request) else "customers/customer_list.html"
    )
    return render(request, template, context)


def _detail_context(request: HttpRequest, customer: Any) -> dict[str, Any]:
    changes = list(selectors.customer_history(customer=customer)[:100])
    reveal = request.user.has_perm(VIEW_CONTACT_DETAILS)
    duplicates = customer_duplicates(customer)
    visible = set(
        selectors.customer_queryset(user=request.user)
        .filter(pk__in=[d.pk for d in duplicates])
        .values_list("pk", flat=True)
    )
    return {
        "customer": customer,
        "contacts": customer.contacts.all(),
        **_activities_context(request, customer),
        "duplicates": [d for d in duplicates if d.pk in visible],
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
    require(request, needed)
    instance = selectors.customer_get(user=request.user, pk=pk) if pk else None
    form = CustomerForm(request.POST or None, instance=instance, user=request.user)
    duplicates: list[Customer] = []
    if request.method == "POST" and form.is_valid() and pk is None:
        # Warn before a second record of the same company is born; the user may insist.
        keys = DuplicateKeys(form.instance.name_key, form.instance.phone, form.instance.email)
        if not request.POST.get("confirm_duplicate"):
            duplicates = find_duplicates([keys])[0]
    if request.method == "POST" and form.is_valid() and not duplicates:
        try:
            customer = _save_customer(request, form, pk)
        except ValidationError as error:
            form.add_error(None, error)
        except VersionConflict as conflict:
            form.add_error(None, str(conflict))
        else:
            messages.success(request, _("Customer “%(name)s” saved.") % {"name": customer.name})
            return redirect("customers:detail", pk=customer.pk)
    return render(
        request,
        "customers/customer_form.html",
        {"form": form, "customer": instance, "duplicates": duplicates},
    )


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
    require(request, needed)
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


# Pickers ---------------------------------------------------------------------------------


@login_required
@permission_required("customers.view_customer", raise_exception=True)
def customer_pick(request: HttpRequest) -> HttpResponse:
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


@login_required
@permission_required("customers.view_contact", raise_exception=True)
def contact_pick(request: HttpRequest) -> HttpResponse:
    """<option>s for a contact picker: the contacts of visible customers matching `q`."""
    contacts = selectors.contact_list(user=request.user, search=request.GET.get("q", ""))
    matches = contacts.order_by("name", "pk")[: pickers.MATCHES]
    choices = [(c.pk, pickers.contact_label(c)) for c in matches]
    return render(request, "customers/_pick_options.html", {"choices": choices})


# Follow-ups ------------------------------------------------------------------------------


def _activities_card(
    request: HttpRequest, customer: Any, form: ActivityForm | None = None
) -> HttpResponse:
    context = _activities_context(request, customer, form)
    return render(request, "customers/_activities.html", context)


def _activities_context(
    request: HttpRequest, customer: Any, form: ActivityForm | None = None
) -> dict[str, Any]:
    """What the follow-ups card of a customer page shows."""
    return {
        "activities": customer.activities.select_related("author")[:50],
        "activity_form": form,
        "activities_url": reverse("customers:activities", args=[customer.pk]),
        "can_log": request.user.has_perm("customers.add_activity"),
    }


@login_required
def activity_create(request: HttpRequest, customer_pk: int) -> HttpResponse:
    """The follow-ups card, with a form to log one (htmx swaps the card)."""
    require(request, "customers.add_activity")
    customer = selectors.customer_get(user=request.user, pk=customer_pk)
    if request.GET.get("cancel"):
        return _activities_card(request, customer)
    form = ActivityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.activity_create(actor=request.user, customer=customer, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return _activities_card(request, customer)
    return _activities_card(request, customer, form)


# The pool and handover -------------------------------------------------------------------


@login_required
@permission_required("customers.view_customer", raise_exception=True)
def pool_list(request: HttpRequest) -> HttpResponse:
    customers = selectors.customer_search(selectors.pool_queryset(), request.GET.get("q", ""))
    page = Paginator(customers.order_by("-released_at", "-id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {"page": page, "query": request.GET.get("q", ""), **_pool_quota(request.user)}
    return render(request, "customers/pool_list.html", context)


def _pool_quota(user: Any) -> dict[str, Any]:
    return {
        "owned": Customer.objects.filter(owner=user).count(),
        "limit": user.role.customer_limit if user.role_id else None,
    }


@login_required
@require_POST
@permission_required("customers.change_customer", raise_exception=True)
def customer_claim(request: HttpRequest, pk: int) -> HttpResponse:
    customer = selectors.pool_customer_get(pk=pk)
    error = ""
    try:
        customer = services.customer_claim(actor=request.user, customer_id=customer.pk)
    except (ValidationError, VersionConflict) as problem:
        error = problem_text(problem)
    if is_htmx(request):
        context = {"customer": customer, "error": error, **_pool_quota(request.user)}
        return render(request, "customers/_pool_row.html", {**context, "refresh_quota": True})
    if error:
        messages.error(request, error)
        return redirect("customers:pool")
    messages.success(request, _("“%(name)s” is now yours.") % {"name": customer.name})
    return redirect("customers:detail", pk=customer.pk)


@login_required
@require_POST
@permission_required("customers.change_customer", raise_exception=True)
def customer_release(request: HttpRequest, pk: int) -> HttpResponse:
    customer = selectors.customer_get(user=request.user, pk=pk)
    try:
        services.customer_release(
            actor=request.user, customer=customer, reason=request.POST.get("reason", "")[:500]
        )
    except (ValidationError, VersionConflict) as problem:
        messages.error(request, problem_text(problem))
        return redirect("customers:detail", pk=pk)
    messages.success(request, _("“%(name)s” is back in the pool.") % {"name": customer.name})
    return redirect("customers:pool")


@login_required
@permission_required("customers.change_customer", raise_exception=True)
def handover(request: HttpRequest) -> HttpResponse:
    form = HandoverForm(request.POST or request.GET or None, user=request.user)
    checklist = {
        "customers": selectors.customer_queryset(user=request.user).filter(
            owner_id=form["from_user"].value() or 0
        ),
        "ticked": {str(pk) for pk in form["customers"].value() or []},
    }
    if request.method == "GET" and is_htmx(request):
        return render(request, "customers/_handover_customers.html", checklist)
    if request.method == "POST" and form.is_valid():
        chosen = form.cleaned_data["customers"]
        try:
            moved = services.customers_transfer(
                actor=request.user,
                to_user=form.cleaned_data["to_user"],
                reason=form.cleaned_data["reason"],
                ids=[c.pk for c in chosen] if chosen else None,
                from_user=None if chosen else form.cleaned_data["from_user"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)d customer handed over to %(user)s.",
                    "%(count)d customers handed over to %(user)s.",
                    moved,
                )
                % {"count": moved, "user": form.cleaned_data["to_user"].display_name},
            )
            return redirect("customers:handover")
    return render(request, "customers/handover.html", {"form": form, **checklist})


# Duplicates ------------------------------------------------------------------------------


@login_required
@permission_required("customers.view_customer", raise_exception=True)
def duplicate_list(request: HttpRequest) -> HttpResponse:
    groups = selectors.duplicate_groups(user=request.user)
    return render(request, "customers/duplicates.html", {"groups": groups})


@login_required
@require_POST
@permission_required("customers.change_customer", raise_exception=True)
def customer_merge(request: HttpRequest, pk: int) -> HttpResponse:
    survivor = selectors.customer_get(user=request.user, pk=pk)
    other = selectors.customer_get(user=request.user, pk=request.POST.get("other_id", 0))
    try:
        services.customer_merge(actor=request.user, survivor=survivor, other=other)
    except (ValidationError, VersionConflict) as problem:
        messages.error(request, problem_text(problem))
    else:
        messages.success(
            request,
            _("“%(other)s” was merged into “%(survivor)s”.")
            % {"other": other.name, "survivor": survivor.name},
        )
    return redirect("customers:detail", pk=survivor.pk)
