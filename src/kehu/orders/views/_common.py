"""What the orders pages share: refusals as text, permission checks, PDF responses, and the
quote and order form with its line rows."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation

from kehu.core.exceptions import VersionConflict
from kehu.orders import selectors
from kehu.orders.forms import DocumentForm, line_rows
from kehu.orders.models import Order, Quote
from kehu.orders.pdf import FontMissing, document_pdf

PAGE_SIZE = 25


def pdf_response(request: HttpRequest, document: Quote | Order) -> HttpResponse:
    language = request.GET.get("lang") or translation.get_language() or "zh-hans"
    try:
        content = document_pdf(document, language=language)
    except FontMissing as missing:
        return HttpResponse(str(missing), status=503, content_type="text/plain; charset=utf-8")
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{document.number}.pdf"'
    return response


def rows_of(document: Quote | Order) -> list[dict[str, Any]]:
    """A document's lines as the form's rows, to start an edit or a revision from."""
    return [
        {
            "product": line.product,
            "quantity": line.quantity,
            "unit_price": line.unit_price,
            "discount_percent": line.discount_percent,
            "specs": getattr(line, "specs", {}),
        }
        for line in document.lines.select_related("product")
    ]


def line_context(rows: list[dict[str, Any]], *, with_specs: bool) -> dict[str, Any]:
    return {
        "rows": rows or [{}],
        "products": list(selectors.product_list(active_only=True)),
        "with_specs": with_specs,
    }


def document_entry(
    request: HttpRequest,
    form: DocumentForm,
    rows: list[dict[str, Any]],
    *,
    template: str,
    save: Callable[[dict[str, Any], list[dict[str, Any]]], Quote | Order],
    saved: str,
    url_name: str,
    with_specs: bool = False,
    **context: Any,
) -> HttpResponse:
    """The form of a quote or an order with its line rows (and, for an order, each line's
    specifications). A good POST saves through `save` and goes to the document; a bad one
    shows the form again with the problems and everything that was typed."""
    problems: list[str] = []
    if request.method == "POST":
        rows, problems = line_rows(request.POST, with_specs=with_specs)
        if form.is_valid() and not problems:
            try:
                document = save(form.cleaned_data, rows)
            except (ValidationError, VersionConflict) as problem:
                problems = (
                    problem.messages if isinstance(problem, ValidationError) else [str(problem)]
                )
            else:
                messages.success(request, saved % {"n": document.number})
                return redirect(url_name, pk=document.pk)
    context = {
        "form": form,
        "problems": problems,
        **line_context(rows, with_specs=with_specs),
        **context,
    }
    return render(request, template, context)
