"""Lead pages: the list, the form, the lead page with follow-ups, assignment, status and
conversion, and a customer's referral chain."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kehu.core.history import history_entries
from kehu.core.htmx import is_htmx
from kehu.core.pages import (
    EDITS,
    PAGE_SIZE,
    WRITES,
    Loader,
    RecordPages,
    UserRequest,
    page,
    problem_text,
)
from kehu.core.pagination import CappedPaginator
from kehu.core.records import REFUSALS, Writes
from kehu.customers.models import Customer
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

# A lead with the records its page names.
LEAD = Loader(Lead, rows=selectors.lead_rows)


@page("sales.view_lead")
def lead_list(request: UserRequest) -> HttpResponse:
    form = LeadFilterForm(request.GET, user=request.user)
    leads = selectors.lead_list(
        user=request.user, search=request.GET.get("q", ""), filters=form.filters()
    )
    if form.overdue_only():
        leads = selectors.overdue_only(leads)
    leads = leads.order_by("-created_at", "-id")
    page_ = CappedPaginator(leads, PAGE_SIZE).get_page(request.GET.get("page"))
    template = "sales/_lead_table.html" if is_htmx(request) else "sales/lead_list.html"
    return render(request, template, {"form": form, "page": page_})


lead_new, lead_edit = RecordPages(
    form=LeadForm,
    writes=Writes.named(services, "lead"),
    template="sales/lead_form.html",
    titles=(gettext_lazy("New lead"), gettext_lazy("Edit lead")),
    saved=gettext_lazy("Lead “%(name)s” saved."),
    done=lambda lead: reverse("sales:lead", args=[lead.pk]),
    back=lambda lead: reverse("sales:lead", args=[lead.pk]) if lead else reverse("sales:leads"),
    record="lead",
    loader=LEAD,
).views(add="sales.add_lead", change="sales.change_lead")


def _follow_ups_context(
    request: UserRequest, lead: Lead, form: FollowUpForm | None = None
) -> dict[str, Any]:
    """The customers' follow-up card, for a lead."""
    return {
        "activities": selectors.lead_activities(lead=lead)[:50],
        "activity_form": form,
        "activities_url": reverse("sales:lead-follow-up", args=[lead.pk]),
        "can_log": request.user.has_perm("sales.change_lead") and lead.is_open,
    }


@page("sales.view_lead", lead=LEAD)
def lead_detail(request: UserRequest, lead: Lead) -> HttpResponse:
    context = {
        "lead": lead,
        **_follow_ups_context(request, lead),
        "assign_form": AssignForm(initial={"version": lead.version}, user=request.user),
        "status_form": StatusForm(initial={"version": lead.version, "status": lead.status}),
        "history": history_entries(selectors.history(target=lead)[:50], reader=request.user),
        "opportunity": getattr(lead, "opportunity", None),
    }
    return render(request, "sales/lead_detail.html", context)


@page("sales.change_lead", methods=EDITS, lead=LEAD)
def lead_follow_up(request: UserRequest, lead: Lead) -> HttpResponse:
    """The follow-ups card, with a form to log one (htmx swaps the card)."""
    form = None if request.GET.get("cancel") else FollowUpForm(request.POST or None)
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            services.lead_follow_up(actor=request.user, lead=lead, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            card = render(request, "customers/_activities.html", _follow_ups_context(request, lead))
            card["HX-Trigger"] = "leadChanged"
            return card
    context = _follow_ups_context(request, lead, form)
    return render(request, "customers/_activities.html", context)


@page("sales.change_lead", methods=WRITES, lead=Lead)
def lead_assign(request: UserRequest, lead: Lead) -> HttpResponse:
    form = AssignForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, _("Choose a salesperson or a team."))
        return redirect("sales:lead", lead=lead.pk)
    try:
        lead = services.lead_assign(actor=request.user, lead=lead, **form.cleaned_data)
    except REFUSALS as problem:
        messages.error(request, problem_text(problem))
    else:
        owner = lead.owner.display_name if lead.owner else "—"
        messages.success(request, _("The lead is now %(user)s's.") % {"user": owner})
    return redirect("sales:lead", lead=lead.pk)


@page("sales.change_lead", methods=WRITES, lead=Lead)
def lead_status(request: UserRequest, lead: Lead) -> HttpResponse:
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            services.lead_set_status(actor=request.user, lead=lead, **form.cleaned_data)
        except REFUSALS as problem:
            messages.error(request, problem_text(problem))
        else:
            messages.success(request, _("Status saved."))
    return redirect("sales:lead", lead=lead.pk)


@page("sales.change_lead", methods=EDITS, lead=LEAD)
def lead_convert(request: UserRequest, lead: Lead) -> HttpResponse:
    """Convert a lead: the customers it may already be are offered first."""
    if lead.is_converted:
        messages.error(
            request,
            _("This lead was already converted to “%(customer)s”.") % {"customer": lead.customer},
        )
        return redirect("sales:lead", lead=lead.pk)
    candidates, visible = selectors.conversion_candidates(user=request.user, lead=lead)
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
        except REFUSALS as problem:
            form.add_error(None, problem_text(problem))
        else:
            messages.success(
                request,
                _("The lead is now the customer “%(customer)s”.")
                % {"customer": conversion.customer.name},
            )
            return redirect("customers:detail", customer=conversion.customer.pk)
    context = {
        "lead": lead,
        "form": form,
        "candidates": candidates,
        "visible_candidates": visible,
    }
    return render(request, "sales/lead_convert.html", context)


@page("sales.view_lead", customer=Customer)
def customer_referrals(request: UserRequest, customer: Customer) -> HttpResponse:
    """Who introduced the customer (back to the first referrer) and the leads it brought."""
    context = {
        "customer": customer,
        "chain": selectors.referral_chain(customer=customer, user=request.user),
        "referred": selectors.referred_leads(customer=customer, user=request.user)[:100],
    }
    return render(request, "sales/referrals.html", context)
