"""Lead pages: the list, the form, the lead page with follow-ups, assignment, status and
conversion, and a customer's referral chain."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kehu.core.exceptions import VersionConflict
from kehu.core.htmx import is_htmx
from kehu.core.pages import problem_text, require
from kehu.core.pagination import CappedPaginator
from kehu.customers import selectors as customer_selectors
from kehu.customers.dedup import DuplicateKeys, find_duplicates
from kehu.sales import selectors, services
from kehu.sales.forms import (
    AssignForm,
    ConvertForm,
    FollowUpForm,
    LeadFilterForm,
    LeadForm,
    StatusForm,
)
from kehu.sales.models import Lead
from kehu.sales.views._common import form_version, history_lines

PAGE_SIZE = 25


@login_required
@permission_required("sales.view_lead", raise_exception=True)
def lead_list(request: HttpRequest) -> HttpResponse:
    form = LeadFilterForm(request.GET, user=request.user)
    leads = selectors.lead_list(
        user=request.user, search=request.GET.get("q", ""), filters=form.filters()
    )
    if form.is_valid() and form.cleaned_data["overdue"]:
        leads = selectors.overdue_only(leads)
    leads = leads.order_by("-created_at", "-id")
    page = CappedPaginator(leads, PAGE_SIZE).get_page(request.GET.get("page"))
    template = "sales/_lead_table.html" if is_htmx(request) else "sales/lead_list.html"
    return render(request, template, {"form": form, "page": page})


@login_required
def lead_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    require(request, "sales.change_lead" if pk else "sales.add_lead")
    lead = selectors.lead_get(user=request.user, pk=pk) if pk else None
    form = LeadForm(request.POST or None, instance=lead, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = form_version(data)
        try:
            if lead is None:
                lead = services.lead_create(actor=request.user, **data)
            else:
                services.lead_update(actor=request.user, lead=lead, version=version, **data)
        except (ValidationError, VersionConflict) as problem:
            form.add_error(None, problem_text(problem))
        else:
            messages.success(request, _("Lead “%(name)s” saved.") % {"name": lead})
            return redirect("sales:lead", pk=lead.pk)
    return render(request, "sales/lead_form.html", {"form": form, "lead": lead})


def _follow_ups_card(request: HttpRequest, lead: Lead, form: Any = None) -> HttpResponse:
    return render(request, "customers/_activities.html", _follow_ups_context(request, lead, form))


def _follow_ups_context(request: HttpRequest, lead: Lead, form: Any = None) -> dict[str, Any]:
    """The customers' follow-up card, for a lead."""
    return {
        "activities": selectors.lead_activities(lead=lead)[:50],
        "activity_form": form,
        "activities_url": reverse("sales:lead-follow-up", args=[lead.pk]),
        "can_log": request.user.has_perm("sales.change_lead") and lead.is_open,
    }


@login_required
@permission_required("sales.view_lead", raise_exception=True)
def lead_detail(request: HttpRequest, pk: int) -> HttpResponse:
    lead = selectors.lead_get(user=request.user, pk=pk)
    context = {
        "lead": lead,
        **_follow_ups_context(request, lead),
        "assign_form": AssignForm(initial={"version": lead.version}, user=request.user),
        "status_form": StatusForm(initial={"version": lead.version, "status": lead.status}),
        "history": history_lines(request, lead),
        "opportunity": getattr(lead, "opportunity", None),
    }
    return render(request, "sales/lead_detail.html", context)


@login_required
def lead_follow_up(request: HttpRequest, pk: int) -> HttpResponse:
    """The follow-ups card, with a form to log one (htmx swaps the card)."""
    require(request, "sales.change_lead")
    lead = selectors.lead_get(user=request.user, pk=pk)
    if request.GET.get("cancel"):
        return _follow_ups_card(request, lead)
    form = FollowUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.lead_follow_up(actor=request.user, lead=lead, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            response = _follow_ups_card(request, lead)
            response["HX-Trigger"] = "leadChanged"
            return response
    return _follow_ups_card(request, lead, form)


@login_required
@require_POST
def lead_assign(request: HttpRequest, pk: int) -> HttpResponse:
    require(request, "sales.change_lead")
    lead = selectors.lead_get(user=request.user, pk=pk)
    form = AssignForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, _("Choose a salesperson or a team."))
        return redirect("sales:lead", pk=pk)
    try:
        lead = services.lead_assign(actor=request.user, lead=lead, **form.cleaned_data)
    except (ValidationError, VersionConflict) as problem:
        messages.error(request, problem_text(problem))
    else:
        owner = lead.owner.display_name if lead.owner else "—"
        messages.success(request, _("The lead is now %(user)s's.") % {"user": owner})
    return redirect("sales:lead", pk=pk)


@login_required
@require_POST
def lead_status(request: HttpRequest, pk: int) -> HttpResponse:
    require(request, "sales.change_lead")
    lead = selectors.lead_get(user=request.user, pk=pk)
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            services.lead_set_status(actor=request.user, lead=lead, **form.cleaned_data)
        except (ValidationError, VersionConflict) as problem:
            messages.error(request, problem_text(problem))
        else:
            messages.success(request, _("Status saved."))
    return redirect("sales:lead", pk=pk)


@login_required
def lead_convert(request: HttpRequest, pk: int) -> HttpResponse:
    """Convert a lead: the customers it may already be are offered first."""
    require(request, "sales.change_lead")
    lead = selectors.lead_get(user=request.user, pk=pk)
    if lead.customer_id:
        messages.error(
            request,
            _("This lead was already converted to “%(customer)s”.") % {"customer": lead.customer},
        )
        return redirect("sales:lead", pk=pk)
    keys = DuplicateKeys.of(name=lead.company or lead.person, phone=lead.phone, email=lead.email)
    candidates = find_duplicates([keys])[0]
    visible = set(
        customer_selectors.customer_queryset(user=request.user)
        .filter(pk__in=[c.pk for c in candidates])
        .values_list("pk", flat=True)
    )
    initial = {
        "version": lead.version,
        "name": lead.company or lead.person,
        "business_mode": "consumer_goods",
        "currency": "CNY",
    }
    form = ConvertForm(
        request.POST or None, initial=initial, user=request.user, candidates=candidates
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            conversion = services.lead_convert(
                actor=request.user,
                lead=lead,
                version=data["version"],
                customer=data["customer"],
                allow_duplicate=data["allow_duplicate"],
                opportunity=form.opportunity(),
            )
        except (ValidationError, VersionConflict) as problem:
            form.add_error(None, problem_text(problem))
        else:
            messages.success(
                request,
                _("The lead is now the customer “%(customer)s”.")
                % {"customer": conversion.customer.name},
            )
            return redirect("customers:detail", pk=conversion.customer.pk)
    context = {
        "lead": lead,
        "form": form,
        "candidates": candidates,
        "visible_candidates": visible,
    }
    return render(request, "sales/lead_convert.html", context)


@login_required
@permission_required("sales.view_lead", raise_exception=True)
def customer_referrals(request: HttpRequest, pk: int) -> HttpResponse:
    """Who introduced the customer (back to the first referrer) and the leads it brought."""
    customer = customer_selectors.customer_get(user=request.user, pk=pk)
    context = {
        "customer": customer,
        "chain": selectors.referral_chain(customer=customer, user=request.user),
        "referred": selectors.referred_leads(customer=customer, user=request.user)[:100],
    }
    return render(request, "sales/referrals.html", context)
