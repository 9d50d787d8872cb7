"""Quote pages: the list, the form with its line rows, versions, acceptance, the PDF; and the
blank rows htmx adds to a quote's or an order's form."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kehu.core.pages import EDITS, PAGE_SIZE, WRITES, Loader, UserRequest, page, problem_text
from kehu.core.pagination import CappedPaginator
from kehu.core.records import REFUSALS
from kehu.orders import selectors, services
from kehu.orders.forms import QuoteForm
from kehu.orders.models import Quote, QuoteStatus
from kehu.orders.views._common import document_entry, pdf_response, rows_of

QUOTE = Loader(Quote, rows=selectors.quote_queryset)


@page("orders.view_quote")
def quote_list(request: UserRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    quotes = selectors.quote_list(user=request.user, status=status)
    page_ = CappedPaginator(quotes, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page_, "statuses": QuoteStatus.choices, "status": status}
    return render(request, "orders/quote_list.html", context)


def _quote_form(request: UserRequest, revising: Quote | None) -> HttpResponse:
    """A new quote, or the next version of one: line rows added with htmx."""
    initial: dict[str, Any] = {"customer": request.GET.get("customer")}
    if revising is not None:
        initial = {
            "customer": revising.customer_id,
            "valid_until": revising.valid_until,
            "notes": revising.notes,
        }
    form = QuoteForm(
        request.POST or None,
        initial=initial,
        user=request.user,
        fixed_customer=revising is not None,
    )

    def save(data: dict[str, Any], _version: int, lines: list[dict[str, Any]]) -> Quote:
        if revising is not None:
            return services.quote_revise(
                actor=request.user,
                quote=revising,
                valid_until=data["valid_until"],
                notes=data["notes"],
                lines=lines,
            )
        return services.quote_create(actor=request.user, lines=lines, **data)

    return document_entry(
        request,
        form,
        rows_of(revising) if revising is not None else [],
        template="orders/quote_form.html",
        save=save,
        saved=_("Quote %(n)s saved."),
        url_name="orders:quote",
        revising=revising,
    )


@page("orders.add_quote", methods=EDITS)
def quote_new(request: UserRequest) -> HttpResponse:
    return _quote_form(request, None)


@page("orders.add_quote", methods=EDITS, quote=QUOTE)
def quote_revise(request: UserRequest, quote: Quote) -> HttpResponse:
    return _quote_form(request, quote)


def _digits(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


@page("orders.view_product")
def line_row(request: UserRequest) -> HttpResponse:
    """One more empty row for a document's lines (?specs=1: with room for an order line's
    specifications); htmx appends it."""
    context = {
        "index": _digits(request.GET.get("index")) or 0,
        "row": {},
        "products": selectors.product_list(active_only=True),
        "with_specs": request.GET.get("specs") == "1",
    }
    return render(request, "orders/_line_row.html", context)


@page("orders.view_order")
def spec_row(request: UserRequest) -> HttpResponse:
    """One more empty row of specifications (?line=n: of the form's line n); htmx appends
    it."""
    context = {
        "index": _digits(request.GET.get("index")) or 0,
        "line_index": _digits(request.GET.get("line")),
    }
    return render(request, "orders/_spec_row.html", context)


@page("orders.view_quote", quote=QUOTE)
def quote_detail(request: UserRequest, quote: Quote) -> HttpResponse:
    context = {
        "quote": quote,
        "lines": selectors.document_lines(quote),
        "versions": selectors.quote_versions(quote=quote),
        "order": selectors.quote_order(quote=quote),
    }
    return render(request, "orders/quote_detail.html", context)


@page("orders.add_order", methods=WRITES, quote=QUOTE)
def quote_accept(request: UserRequest, quote: Quote) -> HttpResponse:
    try:
        order = services.quote_accept(actor=request.user, quote=quote)
    except REFUSALS as problem:
        messages.error(request, problem_text(problem))
        return redirect("orders:quote", quote=quote.pk)
    messages.success(request, _("Quote accepted: order %(n)s created.") % {"n": order.number})
    return redirect("orders:order", order=order.pk)


@page("orders.view_quote", quote=QUOTE)
def quote_pdf(request: UserRequest, quote: Quote) -> HttpResponse:
    return pdf_response(request, quote)
