"""Order pages, the credit approvals queue, receivables and the dealer page."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kehu.core.exceptions import VersionConflict
from kehu.core.pages import problem_text, require
from kehu.core.pagination import CappedPaginator, SliceByIds
from kehu.customers.selectors import customer_queryset
from kehu.orders import selectors, services
from kehu.orders.exceptions import CreditBlocked
from kehu.orders.forms import (
    DeliveryForm,
    OrderFilterForm,
    OrderForm,
    PaymentForm,
    form_problem,
    spec_rows,
)
from kehu.orders.models import Order, OrderStatus
from kehu.orders.services.orders import MANUAL_TRANSITIONS
from kehu.orders.views._common import PAGE_SIZE, document_entry, pdf_response, rows_of

# Orders ---------------------------------------------------------------------------------


@login_required
@permission_required("orders.view_order", raise_exception=True)
def order_list(request: HttpRequest) -> HttpResponse:
    form = OrderFilterForm(request.GET)
    orders = selectors.order_list(user=request.user, status=form.chosen_status())
    page = CappedPaginator(orders, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "orders/order_list.html", {"page": page, "form": form})


def _order_context(request: HttpRequest, order: Order, **extra: Any) -> dict[str, Any]:
    lines = list(order.lines.select_related("product").prefetch_related("delivery_lines"))
    for line in lines:
        line.shipped = sum((d.quantity for d in line.delivery_lines.all()), start=0)  # type: ignore[attr-defined]
    blocked = None
    if order.status == OrderStatus.DRAFT:
        check = services.credit_check(order=order)
        blocked = None if check.within_limit else check
    return {
        "order": order,
        "lines": lines,
        "timeline": order.status_changes.select_related("actor"),
        "deliveries": order.deliveries.prefetch_related("lines__order_line__product"),
        "payments": order.payments.select_related("recorded_by"),
        "approvals": order.credit_approvals.select_related("requested_by", "decided_by"),
        "blocked": blocked,
        "transitions": [
            (s, OrderStatus(s).label)
            for s in sorted(MANUAL_TRANSITIONS.get(order.status, set()))
            if s != OrderStatus.CONFIRMED
        ],
        "payment_form": PaymentForm(initial={"received_on": timezone.localdate()}),
        "delivery_form": DeliveryForm(initial={"shipped_on": timezone.localdate()}),
        "can_ship": order.status in (OrderStatus.CONFIRMED, OrderStatus.IN_PRODUCTION),
        **extra,
    }


@login_required
@permission_required("orders.view_order", raise_exception=True)
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    order = selectors.order_get(user=request.user, pk=pk)
    return render(request, "orders/order_detail.html", _order_context(request, order))


@login_required
def order_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """A new order without a quote (?customer= chooses its customer), or (with pk) a draft
    order's lines, dealer and notes."""
    order = selectors.order_get(user=request.user, pk=pk) if pk else None
    require(request, "orders.add_order" if order is None else "orders.change_order")
    if order is not None and order.status != OrderStatus.DRAFT:
        messages.error(request, _("Only a draft order's lines and dealer can be edited."))
        return redirect("orders:order", pk=order.pk)
    initial: dict[str, Any] = {"customer": request.GET.get("customer")}
    rows: list[dict[str, Any]] = []
    if order is not None:
        initial = {
            "customer": order.customer_id,
            "dealer": order.dealer_id,
            "notes": order.notes,
            "version": order.version,
        }
        rows = rows_of(order)
    form = OrderForm(
        request.POST or None, initial=initial, user=request.user, fixed_customer=bool(order)
    )

    def save(data: dict[str, Any], lines: list[dict[str, Any]]) -> Order:
        if order is not None:
            return services.order_update(
                actor=request.user,
                order=order,
                version=data["version"] or 0,
                dealer=data["dealer"],
                notes=data["notes"],
                lines=lines,
            )
        return services.order_create(
            actor=request.user,
            customer=data["customer"],
            dealer=data["dealer"],
            notes=data["notes"],
            lines=lines,
        )

    return document_entry(
        request,
        form,
        rows,
        template="orders/order_form.html",
        save=save,
        saved=_("Order %(n)s saved."),
        url_name="orders:order",
        with_specs=True,
        order=order,
    )


@login_required
@require_POST
def order_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """The order page's buttons and forms: confirm, move, approval request, payment, delivery."""
    order = selectors.order_get(user=request.user, pk=pk)
    handlers = {
        "confirm": ("orders.change_order", _confirm),
        "transition": ("orders.change_order", _transition),
        "request-approval": ("orders.add_creditapproval", _request_approval),
        "payment": ("orders.add_payment", _pay),
        "delivery": ("orders.change_order", _ship),
    }
    if action not in handlers:
        raise Http404
    permission, handler = handlers[action]
    require(request, permission)
    try:
        done = handler(request, order)
    except (ValidationError, VersionConflict, CreditBlocked) as problem:
        messages.error(request, problem_text(problem))
    else:
        messages.success(request, done)
    return redirect("orders:order", pk=pk)


def _confirm(request: HttpRequest, order: Order) -> str:
    services.order_confirm(actor=request.user, order=order)
    return _("Order confirmed.")


def _transition(request: HttpRequest, order: Order) -> str:
    status = request.POST.get("status", "")
    services.order_transition(
        actor=request.user, order=order, to_status=status, note=request.POST.get("note", "")
    )
    return _("Order status changed.")


def _request_approval(request: HttpRequest, order: Order) -> str:
    services.credit_approval_request(
        actor=request.user, order=order, reason=request.POST.get("reason", "")
    )
    return _("Approval requested from finance.")


def _pay(request: HttpRequest, order: Order) -> str:
    form = PaymentForm(request.POST)
    if not form.is_valid():
        raise form_problem(form)
    services.payment_create(actor=request.user, order=order, **form.cleaned_data)
    return _("Payment recorded.")


def _ship(request: HttpRequest, order: Order) -> str:
    form = DeliveryForm(request.POST)
    if not form.is_valid():
        raise form_problem(form)
    quantities: dict[int, Decimal | str] = {
        int(key.removeprefix("ship-")): str(request.POST.get(key, "")).strip()
        for key in request.POST
        if key.startswith("ship-") and key.removeprefix("ship-").isdigit()
    }
    services.delivery_create(
        actor=request.user, order=order, quantities=quantities, **form.cleaned_data
    )
    return _("Delivery recorded.")


@login_required
@require_POST
@permission_required("orders.change_order", raise_exception=True)
def delivery_arrived(request: HttpRequest, pk: int, delivery_pk: int) -> HttpResponse:
    order = selectors.order_get(user=request.user, pk=pk)
    delivery = order.deliveries.filter(pk=delivery_pk).first()
    if delivery is None:
        raise Http404
    try:
        arrived = date.fromisoformat(request.POST.get("delivered_on", ""))
        services.delivery_mark_delivered(
            actor=request.user, delivery=delivery, delivered_on=arrived
        )
    except ValueError:
        messages.error(request, _("Enter the date the goods arrived."))
    except ValidationError as problem:
        messages.error(request, problem_text(problem))
    return redirect("orders:order", pk=pk)


@login_required
def order_line_specs(request: HttpRequest, pk: int, line_pk: int) -> HttpResponse:
    """A line's specifications card; with ?edit its key/value rows, POST saves (htmx)."""
    order = selectors.order_get(user=request.user, pk=pk)
    line = order.lines.select_related("product").filter(pk=line_pk).first()
    if line is None:
        raise Http404
    context: dict[str, Any] = {"order": order, "line": line, "editing": "edit" in request.GET}
    if request.method == "POST":
        require(request, "orders.change_order")
        try:
            services.order_line_set_specs(
                actor=request.user, line=line, specs=spec_rows(request.POST)
            )
        except ValidationError as error:
            context.update(editing=True, error=problem_text(error))
    line.refresh_from_db(fields=["specs"])
    context["rows"] = [*line.specs.items(), ("", "")] if context["editing"] else []
    return render(request, "orders/_specs.html", context)


@login_required
@permission_required("orders.view_order", raise_exception=True)
def order_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    return pdf_response(request, selectors.order_get(user=request.user, pk=pk))


# Credit approvals -----------------------------------------------------------------------


@login_required
@permission_required("orders.view_creditapproval", raise_exception=True)
def approval_list(request: HttpRequest) -> HttpResponse:
    approvals = selectors.credit_approval_queryset(user=request.user)
    pending = approvals.filter(status="pending")
    decided = approvals.exclude(status="pending")[:50]
    return render(request, "orders/approval_list.html", {"pending": pending, "decided": decided})


@login_required
@require_POST
def approval_decide(request: HttpRequest, pk: int) -> HttpResponse:
    require(request, services.APPROVE_CREDIT)
    approval = selectors.credit_approval_get(user=request.user, pk=pk)
    approve = request.POST.get("decision") == "approve"
    try:
        services.credit_approval_decide(
            actor=request.user,
            approval=approval,
            approve=approve,
            note=request.POST.get("note", ""),
        )
    except (ValidationError, VersionConflict) as problem:
        messages.error(request, problem_text(problem))
    else:
        messages.success(request, _("Approved.") if approve else _("Rejected."))
    return redirect("orders:approvals")


# Receivables ----------------------------------------------------------------------------


@login_required
@permission_required("orders.view_receivables", raise_exception=True)
def receivables(request: HttpRequest) -> HttpResponse:
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


def _page_number(raw: str | None) -> int:
    return int(raw) if raw and raw.isdigit() and int(raw) > 0 else 1


# Dealers --------------------------------------------------------------------------------


@login_required
@permission_required("orders.view_order", raise_exception=True)
def dealer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    dealer = selectors.dealer_get(user=request.user, pk=pk)
    months = selectors.dealer_sales_by_month(user=request.user, dealer=dealer)
    context = {
        "dealer": dealer,
        "end_customers": customer_queryset(user=request.user)
        .filter(dealer=dealer)
        .order_by("name")[:200],
        "months": months,
        "chart": {
            "months": [m["month"].strftime("%Y-%m") for m in months if m["month"]],
            "totals": [str(m["total"]) for m in months if m["month"]],
        },
        "open_receivables": selectors.dealer_open_receivables(user=request.user, dealer=dealer),
        "orders": selectors.dealer_orders(user=request.user, dealer=dealer)[:20],
    }
    return render(request, "orders/dealer_detail.html", context)
