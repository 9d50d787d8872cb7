"""What the orders pages share: refusals as text, permission checks, PDF responses."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from kehu.core.exceptions import VersionConflict
from kehu.orders.exceptions import CreditBlocked
from kehu.orders.models import Order, Quote
from kehu.orders.pdf import FontMissing, document_pdf

PAGE_SIZE = 25


def problem_text(problem: ValidationError | VersionConflict | CreditBlocked) -> str:
    return " ".join(problem.messages) if isinstance(problem, ValidationError) else str(problem)


def require(request: HttpRequest, permission: str) -> None:
    if not request.user.has_perm(permission):
        raise PermissionDenied


def pdf_response(request: HttpRequest, document: Quote | Order) -> HttpResponse:
    language = request.GET.get("lang") or translation.get_language() or "zh-hans"
    try:
        content = document_pdf(document, language=language)
    except FontMissing as missing:
        return HttpResponse(str(missing), status=503, content_type="text/plain; charset=utf-8")
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{document.number}.pdf"'
    return response
