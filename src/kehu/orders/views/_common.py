"""What the orders pages share: PDF responses, the outcome of a button, and the quote and
order form with its line rows."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation

from kehu.core.pages import UserRequest, problem_text
from kehu.core.records import REFUSALS
from kehu.orders import selectors
from kehu.orders.forms import DocumentForm, line_rows
from kehu.orders.models import Order, Quote
from kehu.orders.pdf import FontMissing, document_pdf


def pdf_response(request: UserRequest, document: Quote | Order) -> HttpResponse:
    language = request.GET.get("lang") or translation.get_language() or "zh-hans"
    try:
        content = document_pdf(document, language=language)
    except FontMissing as missing:
        return HttpResponse(str(missing), status=503, content_type="text/plain; charset=utf-8")
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{document.number}.pdf"'
    return response


def done_on(request: UserRequest, order: Order, act: Callable[[], str]) -> HttpResponse:
    """Do what a button on the order page asks (`act` says what was done), and go back to
    the order with what happened, or why it did not."""
    try:
        done = act()
    except REFUSALS as problem:
        messages.error(request, problem_text(problem))
    else:
        messages.success(request, done)
    return redirect("orders:order", order=order.pk)


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
        for line in selectors.document_lines(document)
    ]


def line_context(rows: list[dict[str, Any]], *, with_specs: bool) -> dict[str, Any]:
    return {
        "rows": rows or [{}],
        "products": list(selectors.product_list(active_only=True)),
        "with_specs": with_specs,
    }


def document_entry(
    request: UserRequest,
    form: DocumentForm,
    rows: list[dict[str, Any]],
    *,
    template: str,
    save: Callable[[dict[str, Any], int, list[dict[str, Any]]], Quote | Order],
    saved: str,
    url_name: str,
    with_specs: bool = False,
    **context: Any,
) -> HttpResponse:
    """The form of a quote or an order with its line rows (and, for an order, each line's
    specifications). A good POST saves through `save` (the head's fields, the version read,
    the rows) and goes to the document; a bad one shows the form again with the problems
    and everything that was typed: the lines' above them, the head's at its fields."""
    problems: list[str] = []
    if request.method == "POST":
        rows, problems = line_rows(request.POST, with_specs=with_specs)
        if form.is_valid() and not problems:
            data, version = form.written()
            try:
                document = save(data, version, rows)
            except REFUSALS as problem:
                problems = _line_problems(form, problem)
            else:
                messages.success(request, saved % {"n": document.number})
                return redirect(url_name, document.pk)
    context = {
        "form": form,
        "problems": problems,
        **line_context(rows, with_specs=with_specs),
        **context,
    }
    return render(request, template, context)


def _line_problems(form: DocumentForm, problem: Exception) -> list[str]:
    """The lines' problems, to show above them; the rest go to the form."""
    if isinstance(problem, ValidationError) and hasattr(problem, "error_dict"):
        lines = problem.error_dict.pop("lines", [])
        if problem.error_dict:
            form.add_problem(problem)
        return [message for error in lines for message in error.messages]
    form.add_problem(problem)
    return []
