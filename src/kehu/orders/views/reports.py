"""The credit approvals queue, receivables and their ageing, and the dealer page."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from kehu.core.pages import EDITS, PAGE_SIZE, WRITES, Loader, UserRequest, page, problem_text
from kehu.core.pagination import CappedPaginator, SliceByIds
from kehu.core.records import REFUSALS
from kehu.core.replicas import reads_replica
from kehu.customers.models import CHANGE_CREDIT, Customer
from kehu.orders import selectors, services
from kehu.orders.forms import CreditPolicyForm
from kehu.orders.models import CreditApproval
from kehu.orders.selectors import paying


@page("orders.view_creditapproval")
def approval_list(request: UserRequest) -> HttpResponse:
    context = {
        "pending": selectors.credit_approvals_pending(user=request.user),
        "decided": selectors.credit_approvals_decided(user=request.user),
    }
    return render(request, "orders/approval_list.html", context)


@page(
    services.APPROVE_CREDIT,
    methods=WRITES,
    approval=Loader(CreditApproval, rows=selectors.credit_approval_queryset),
)
def approval_decide(request: UserRequest, approval: CreditApproval) -> HttpResponse:
    """Approve or reject (posted as decision, with a note saying why) a pending request."""
    approve = request.POST.get("decision") == "approve"
    try:
        services.credit_approval_decide(
            actor=request.user,
            approval=approval,
            approve=approve,
            note=request.POST.get("note", ""),
        )
    except REFUSALS as problem:
        messages.error(request, problem_text(problem))
    else:
        messages.success(request, _("Approved.") if approve else _("Rejected."))
    return redirect("orders:approvals")


def _page_number(raw: str | None) -> int:
    return int(raw) if raw and raw.isdigit() and int(raw) > 0 else 1


@reads_replica
@page("orders.view_receivables")
def receivables(request: UserRequest) -> HttpResponse:
    by = "owner" if request.GET.get("by") == "owner" else "customer"
    number = _page_number(request.GET.get("rows"))
    ageing = selectors.receivables_ageing(
        user=request.user, by=by, limit=PAGE_SIZE, offset=(number - 1) * PAGE_SIZE
    )
    overdue = CappedPaginator(
        SliceByIds(selectors.overdue_orders(user=request.user)),
        PAGE_SIZE,
        known_count=ageing.totals.overdue_orders,
    ).get_page(request.GET.get("page"))
    context = {
        "ageing": ageing,
        # The rows were read a page at a time already; this paginator only numbers the pages.
        "ageing_page": Paginator(range(ageing.row_count), PAGE_SIZE).get_page(number),
        "by": by,
        "overdue": overdue,
        "today": timezone.localdate(),
    }
    return render(request, "orders/receivables.html", context)


@page("orders.view_order", dealer=Loader(Customer, rows=selectors.dealer_queryset))
def dealer_detail(request: UserRequest, dealer: Customer) -> HttpResponse:
    months = selectors.dealer_sales_by_month(user=request.user, dealer=dealer)
    context = {
        "dealer": dealer,
        "end_customers": selectors.dealer_end_customers(user=request.user, dealer=dealer),
        "months": months,
        "chart": {
            "months": [m["month"].strftime("%Y-%m") for m in months if m["month"]],
            "totals": [str(m["total"]) for m in months if m["month"]],
        },
        "open_receivables": selectors.dealer_open_receivables(user=request.user, dealer=dealer),
        "orders": selectors.dealer_orders(user=request.user, dealer=dealer)[:20],
    }
    return render(request, "orders/dealer_detail.html", context)


@page(CHANGE_CREDIT, methods=EDITS)
def credit_policy(request: UserRequest) -> HttpResponse:
    """Finance's choice for customers with no credit limit set."""
    current = paying.credit_policy().unlimited_need_approval
    form = CreditPolicyForm(
        request.POST or None, initial={"unlimited": "approve" if current else "unchecked"}
    )
    if form.is_valid():
        services.credit_policy_set(
            actor=request.user, unlimited_need_approval=form.cleaned_data["unlimited"] == "approve"
        )
        messages.success(request, _("Credit policy saved."))
        return redirect("orders:credit-policy")
    return render(request, "orders/credit_policy.html", {"form": form})
