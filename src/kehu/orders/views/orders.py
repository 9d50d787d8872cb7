"""Order pages: the list, the order with its buttons (one route each), the form, the line
specifications card and the PDF."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from kehu.core.forms import form_problem
from kehu.core.pages import EDITS, PAGE_SIZE, WRITES, Loader, UserRequest, page, problem_text
from kehu.core.pagination import CappedPaginator
from kehu.orders import selectors, services
from kehu.orders.forms import (
    DeliveryForm,
    OrderFilterForm,
    OrderForm,
    PaymentForm,
    spec_rows,
)
from kehu.orders.models import Delivery, Order, OrderLine
from kehu.orders.selectors import paying
from kehu.orders.views._common import document_entry, done_on, pdf_response, rows_of

# The order page reads its customer and dealer along with the order.
ORDER = Loader(Order, rows=selectors.order_queryset)
LINE = Loader(OrderLine, rows=selectors.order_line_queryset, of="order")


@page("orders.view_order")
def order_list(request: UserRequest) -> HttpResponse:
    form = OrderFilterForm(request.GET)
    orders = selectors.order_list(user=request.user, status=form.chosen_status())
    page_ = CappedPaginator(orders, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "orders/order_list.html", {"page": page_, "form": form})


def _order_context(request: UserRequest, order: Order) -> dict[str, Any]:
    blocked = None
    if order.is_draft:
        check = services.credit_check(order=order)
        blocked = None if check.within_limit else check
    today = timezone.localdate()
    return {
        "order": order,
        "lines": selectors.order_lines_shipped(order=order),
        "timeline": selectors.order_timeline(order=order),
        "deliveries": selectors.order_deliveries(order=order),
        "payments": selectors.order_payments(order=order),
        "approvals": selectors.order_approvals(order=order),
        "blocked": blocked,
        "credit_policy": paying.credit_policy(),
        "payment_form": PaymentForm(initial={"received_on": today}, user=request.user),
        "delivery_form": DeliveryForm(initial={"shipped_on": today}, user=request.user),
    }


@page("orders.view_order", order=ORDER)
def order_detail(request: UserRequest, order: Order) -> HttpResponse:
    return render(request, "orders/order_detail.html", _order_context(request, order))


def _order_form(request: UserRequest, order: Order | None) -> HttpResponse:
    """A new order without a quote (?customer= chooses its customer), or a draft order's
    lines, dealer and notes."""
    initial = {"customer": request.GET.get("customer")} if order is None else {}
    form = OrderForm(
        request.POST or None,
        instance=order,
        initial=initial,
        user=request.user,
        fixed_customer=order is not None,
    )

    def save(data: dict[str, Any], version: int, lines: list[dict[str, Any]]) -> Order:
        if order is not None:
            return services.order_update(
                actor=request.user, order=order, version=version, lines=lines, **data
            )
        return services.order_create(actor=request.user, lines=lines, **data)

    return document_entry(
        request,
        form,
        rows_of(order) if order is not None else [],
        template="orders/order_form.html",
        save=save,
        saved=_("Order %(n)s saved."),
        url_name="orders:order",
        with_specs=True,
        order=order,
    )


@page("orders.add_order", methods=EDITS)
def order_new(request: UserRequest) -> HttpResponse:
    return _order_form(request, None)


@page("orders.change_order", methods=EDITS, order=ORDER)
def order_edit(request: UserRequest, order: Order) -> HttpResponse:
    if not order.is_draft:
        messages.error(request, _("Only a draft order's lines and dealer can be edited."))
        return redirect("orders:order", order=order.pk)
    return _order_form(request, order)


@page("orders.change_order", methods=WRITES, order=ORDER)
def order_confirm(request: UserRequest, order: Order) -> HttpResponse:
    def confirm() -> str:
        services.order_confirm(actor=request.user, order=order)
        return _("Order confirmed.")

    return done_on(request, order, confirm)


@page("orders.change_order", methods=WRITES, order=ORDER)
def order_transition(request: UserRequest, order: Order) -> HttpResponse:
    """Move the order by hand to the status posted (in production, cancelled, completed)."""

    def move() -> str:
        services.order_transition(
            actor=request.user,
            order=order,
            to_status=request.POST.get("status", ""),
            note=request.POST.get("note", ""),
        )
        return _("Order status changed.")

    return done_on(request, order, move)


@page("orders.add_creditapproval", methods=WRITES, order=ORDER)
def order_request_approval(request: UserRequest, order: Order) -> HttpResponse:
    def ask() -> str:
        services.credit_approval_request(
            actor=request.user, order=order, reason=request.POST.get("reason", "")
        )
        return _("Approval requested from finance.")

    return done_on(request, order, ask)


@page(services.ADD_PAYMENT, methods=WRITES, order=ORDER)
def order_payment(request: UserRequest, order: Order) -> HttpResponse:
    def pay() -> str:
        form = PaymentForm(request.POST, user=request.user)
        if not form.is_valid():
            raise form_problem(form)
        data, _version = form.written()
        services.payment_create(actor=request.user, order=order, **data)
        return _("Payment recorded.")

    return done_on(request, order, pay)


@page("orders.change_order", methods=WRITES, order=ORDER)
def order_delivery(request: UserRequest, order: Order) -> HttpResponse:
    """Record a shipment: the quantity of each line is posted as ship-<line id>."""

    def ship() -> str:
        form = DeliveryForm(request.POST, user=request.user)
        if not form.is_valid():
            raise form_problem(form)
        data, _version = form.written()
        quantities: dict[int, Decimal | str] = {
            int(key.removeprefix("ship-")): str(request.POST.get(key, "")).strip()
            for key in request.POST
            if key.startswith("ship-") and key.removeprefix("ship-").isdigit()
        }
        services.delivery_create(actor=request.user, order=order, quantities=quantities, **data)
        return _("Delivery recorded.")

    return done_on(request, order, ship)


@page("orders.change_order", methods=WRITES, order=ORDER, delivery=Loader(Delivery, of="order"))
def delivery_arrived(request: UserRequest, order: Order, delivery: Delivery) -> HttpResponse:
    try:
        arrived = date.fromisoformat(request.POST.get("delivered_on", ""))
    except ValueError:
        messages.error(request, _("Enter the date the goods arrived."))
        return redirect("orders:order", order=order.pk)
    try:
        services.delivery_mark_delivered(
            actor=request.user, delivery=delivery, delivered_on=arrived
        )
    except ValidationError as problem:
        messages.error(request, problem_text(problem))
    return redirect("orders:order", order=order.pk)


def _specs_card(
    request: UserRequest, order: Order, line: OrderLine, *, editing: bool, error: str = ""
) -> HttpResponse:
    context = {
        "order": order,
        "line": line,
        "editing": editing,
        "error": error,
        "rows": [*line.specs.items(), ("", "")] if editing else [],
    }
    return render(request, "orders/_specs.html", context)


@page("orders.view_order", order=ORDER, line=LINE)
def order_line_specs(request: UserRequest, order: Order, line: OrderLine) -> HttpResponse:
    """A line's specifications card (htmx swaps it in place)."""
    return _specs_card(request, order, line, editing=False)


@page("orders.change_order", methods=EDITS, order=ORDER, line=LINE)
def order_line_specs_edit(request: UserRequest, order: Order, line: OrderLine) -> HttpResponse:
    """The card's name and value rows; a POST saves them and shows the card again."""
    if request.method != "POST":
        return _specs_card(request, order, line, editing=True)
    try:
        services.order_line_set_specs(actor=request.user, line=line, specs=spec_rows(request.POST))
    except ValidationError as error:
        return _specs_card(request, order, line, editing=True, error=problem_text(error))
    return _specs_card(request, order, line, editing=False)


@page("orders.view_order", order=ORDER)
def order_pdf(request: UserRequest, order: Order) -> HttpResponse:
    return pdf_response(request, order)
