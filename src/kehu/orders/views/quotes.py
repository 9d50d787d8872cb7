"""Quote pages: the list, the form with its line rows, versions, acceptance, the PDF."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kehu.core.exceptions import VersionConflict
from kehu.core.pagination import CappedPaginator
from kehu.orders import selectors, services
from kehu.orders.forms import (
    QuoteForm,
    line_rows,
)
from kehu.orders.models import Order, Quote, QuoteStatus
from kehu.orders.views._common import PAGE_SIZE, pdf_response, problem_text, require

# Quotes ---------------------------------------------------------------------------------


@login_required
@permission_required("orders.view_quote", raise_exception=True)
def quote_list(request: HttpRequest) -> HttpResponse:
    quotes = selectors.quote_queryset(user=request.user)
    if request.GET.get("status"):
        quotes = quotes.filter(status=request.GET["status"])
    page = CappedPaginator(quotes, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "statuses": QuoteStatus.choices, "status": request.GET.get("status")}
    return render(request, "orders/quote_list.html", context)


def _line_context(rows: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "rows": rows or [{}],
        "products": list(selectors.product_list(active_only=True)),
    }


@login_required
def quote_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """A new quote, or (with pk) the next version of one: line rows added with htmx."""
    require(request, "orders.add_quote")
    revising = selectors.quote_get(user=request.user, pk=pk) if pk else None
    initial: dict[str, Any] = {"customer": request.GET.get("customer")}
    rows: list[dict[str, Any]] = []
    if revising is not None:
        initial = {
            "customer": revising.customer_id,
            "valid_until": revising.valid_until,
            "notes": revising.notes,
        }
        rows = [
            {
                "product": line.product,
                "quantity": line.quantity,
                "unit_price": line.unit_price,
                "discount_percent": line.discount_percent,
            }
            for line in revising.lines.select_related("product")
        ]
    form = QuoteForm(
        request.POST or None, initial=initial, user=request.user, fixed_customer=bool(revising)
    )
    problems: list[str] = []
    if request.method == "POST":
        rows, problems = line_rows(request.POST)
        if form.is_valid() and not problems:
            try:
                quote = _save_quote(request, form, rows, revising)
            except (ValidationError, VersionConflict) as problem:
                problems = _messages_of(problem)
            else:
                messages.success(request, _("Quote %(n)s saved.") % {"n": quote.number})
                return redirect("orders:quote", pk=quote.pk)
    context = {"form": form, "revising": revising, "problems": problems, **_line_context(rows)}
    return render(request, "orders/quote_form.html", context)


def _messages_of(problem: ValidationError | VersionConflict) -> list[str]:
    return problem.messages if isinstance(problem, ValidationError) else [str(problem)]


def _save_quote(
    request: HttpRequest, form: QuoteForm, rows: list[dict[str, Any]], revising: Quote | None
) -> Quote:
    data = form.cleaned_data
    if revising is not None:
        return services.quote_revise(
            actor=request.user,
            quote=revising,
            valid_until=data["valid_until"],
            notes=data["notes"],
            lines=rows,
        )
    return services.quote_create(
        actor=request.user,
        customer=data["customer"],
        valid_until=data["valid_until"],
        notes=data["notes"],
        lines=rows,
    )


@login_required
def blank_row(request: HttpRequest, kind: str) -> HttpResponse:
    """One more empty row for a quote's lines or a line's specifications (htmx appends it)."""
    index = request.GET.get("index", "0")
    context = {
        "index": int(index) if index.isdigit() else 0,
        "row": {},
        "products": selectors.product_list(active_only=True),
    }
    template = "orders/_line_row.html" if kind == "line" else "orders/_spec_row.html"
    return render(request, template, context)


@login_required
@permission_required("orders.view_quote", raise_exception=True)
def quote_detail(request: HttpRequest, pk: int) -> HttpResponse:
    quote = selectors.quote_get(user=request.user, pk=pk)
    context = {
        "quote": quote,
        "lines": quote.lines.select_related("product"),
        "versions": selectors.quote_versions(quote=quote),
        "expired": quote.valid_until < timezone.localdate(),
        "order": Order.objects.filter(quote=quote).first(),
    }
    return render(request, "orders/quote_detail.html", context)


@login_required
@require_POST
@permission_required("orders.add_order", raise_exception=True)
def quote_accept(request: HttpRequest, pk: int) -> HttpResponse:
    quote = selectors.quote_get(user=request.user, pk=pk)
    try:
        order = services.quote_accept(actor=request.user, quote=quote)
    except (ValidationError, VersionConflict) as problem:
        messages.error(request, problem_text(problem))
        return redirect("orders:quote", pk=pk)
    messages.success(request, _("Quote accepted: order %(n)s created.") % {"n": order.number})
    return redirect("orders:order", pk=order.pk)


@login_required
@permission_required("orders.view_quote", raise_exception=True)
def quote_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    return pdf_response(request, selectors.quote_get(user=request.user, pk=pk))
