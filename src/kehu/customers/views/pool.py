"""Pages that move customers between owners or fold them together: the pool (公海), handover
and duplicates."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kehu.core.htmx import is_htmx
from kehu.core.models import User
from kehu.core.pages import EDITS, PAGE_SIZE, WRITES, Loader, UserRequest, page, problem_text
from kehu.core.records import REFUSALS
from kehu.customers import selectors, services
from kehu.customers.forms import HandoverForm
from kehu.customers.models import Customer

# Customers in the pool are open to everyone allowed to claim, whatever their scope.
POOLED = Loader(Customer, rows=selectors.pool_queryset, unscoped=True)


@page("customers.view_customer")
def pool_list(request: UserRequest) -> HttpResponse:
    customers = selectors.customer_search(selectors.pool_queryset(), request.GET.get("q", ""))
    page_ = Paginator(customers.order_by("-released_at", "-id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {"page": page_, "query": request.GET.get("q", ""), **_pool_quota(request.user)}
    return render(request, "customers/pool_list.html", context)


def _pool_quota(user: User) -> dict[str, Any]:
    return {
        "owned": selectors.owned_count(user=user),
        "limit": user.role.customer_limit if user.role else None,
    }


@page("customers.change_customer", methods=WRITES, customer=POOLED)
def customer_claim(request: UserRequest, customer: Customer) -> HttpResponse:
    error = ""
    try:
        customer = services.customer_claim(actor=request.user, customer_id=customer.pk)
    except REFUSALS as problem:
        error = problem_text(problem)
    if is_htmx(request):
        context = {"customer": customer, "error": error, **_pool_quota(request.user)}
        return render(request, "customers/_pool_row.html", {**context, "refresh_quota": True})
    if error:
        messages.error(request, error)
        return redirect("customers:pool")
    messages.success(request, _("“%(name)s” is now yours.") % {"name": customer.name})
    return redirect("customers:detail", customer=customer.pk)


@page("customers.change_customer", methods=WRITES, customer=Customer)
def customer_release(request: UserRequest, customer: Customer) -> HttpResponse:
    try:
        services.customer_release(
            actor=request.user, customer=customer, reason=request.POST.get("reason", "")[:500]
        )
    except REFUSALS as problem:
        messages.error(request, problem_text(problem))
        return redirect("customers:detail", customer=customer.pk)
    messages.success(request, _("“%(name)s” is back in the pool.") % {"name": customer.name})
    return redirect("customers:pool")


@page("customers.change_customer", methods=EDITS)
def handover(request: UserRequest) -> HttpResponse:
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


@page("customers.view_customer")
def duplicate_list(request: UserRequest) -> HttpResponse:
    groups = selectors.duplicate_groups(user=request.user)
    return render(request, "customers/duplicates.html", {"groups": groups})


@page("customers.change_customer", methods=WRITES, customer=Customer)
def customer_merge(request: UserRequest, customer: Customer) -> HttpResponse:
    other = Loader(Customer).load(request.user, request.POST.get("other_id", 0))
    try:
        services.customer_merge(actor=request.user, survivor=customer, other=other)
    except REFUSALS as problem:
        messages.error(request, problem_text(problem))
    else:
        messages.success(
            request,
            _("“%(other)s” was merged into “%(survivor)s”.")
            % {"other": other.name, "survivor": customer.name},
        )
    return redirect("customers:detail", customer=customer.pk)
