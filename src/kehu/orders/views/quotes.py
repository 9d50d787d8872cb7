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
from kehu.core.pages import problem_text, require
from kehu.core.pagination import CappedPaginator
from kehu.orders import selectors, services
from kehu.orders.forms import QuoteForm
from kehu.orders.models import Order, Quote, QuoteStatus
from kehu.orders.views._common import PAGE_SIZE, document_entry, pdf_response, rows_of

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
        rows = rows_of(revising)
    form = QuoteForm(
        request.POST or None, initial=initial, user=request.user, fixed_customer=bool(revising)
    )

    def save(data: dict[str, Any], lines: list[dict[str, Any]]) -> Quote:
        if revising is not None:
            return services.quote_revise(
                actor=request.user,
                quote=revising,
                valid_until=data["valid_until"],
                notes=data["notes"],
                lines=lines,
            )
        return services.quote_create(
            actor=request.user,
            customer=data["customer"],
            valid_until=data["valid_until"],
            notes=data["notes"],
            lines=lines,
        )

    return document_entry(
        request,
        form,
        rows,
        template="orders/quote_form.html",
        save=save,
        saved=_("Quote %(n)s saved."),
        url_name="orders:quote",
        revising=revising,
    )


def _digits(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


@login_required
def blank_row(request: HttpRequest, kind: str) -> HttpResponse:
    """One more empty row for a document's lines (?specs=1: with room for an order line's
    specifications) or for a line's specifications (?line=n: of the form's line n); htmx
    appends it."""
    context = {
        "index": _digits(request.GET.get("index")) or 0,
        "row": {},
        "products": selectors.product_list(active_only=True),
        "with_specs": request.GET.get("specs") == "1",
        "line_index": _digits(request.GET.get("line")),
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
