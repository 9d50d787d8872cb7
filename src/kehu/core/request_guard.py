"""Requests refused at the door, before any view or database sees them: a body over the size
limit (413) and a NUL character in the query string (400), each naming what is wrong. A NUL
reached PostgreSQL as a search term and came back as a server error; a body over the limit
was read half-way and answered 400 without saying why. Django's own refusals (an unreadable
request, an address no route matches) answer an API client in JSON too."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.defaults import page_not_found
from rest_framework.exceptions import NotFound


def from_api_client(request: HttpRequest) -> bool:
    """Whether the request is the API's (answered in JSON) rather than a person's page."""
    return request.path.startswith("/api/")


def _refusal(request: HttpRequest, status: int, message: str, field: str | None) -> HttpResponse:
    if from_api_client(request):
        body: dict[str, object] = {"detail": message}
        if field is not None:
            body[field] = [message]
        return JsonResponse(body, status=status)
    context = {"status": status, "message": message}
    return render(request, "bad_request.html", context, status=status)


def body_limit(request: HttpRequest) -> int:
    """Uploads (multipart) may carry a file up to MAX_UPLOAD_BYTES; other bodies are data."""
    if request.content_type == "multipart/form-data":
        return settings.MAX_UPLOAD_BYTES + settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def _too_large(request: HttpRequest) -> bool:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    return length > body_limit(request)


def _too_large_refusal(request: HttpRequest, limit: int) -> HttpResponse:
    message = _("The request is larger than %(size)d MB.") % {"size": limit // (1024 * 1024) or 1}
    return _refusal(request, 413, message, None)


def _nul_parameter(request: HttpRequest) -> str | None:
    for name, values in request.GET.lists():
        if "\x00" in name or any("\x00" in value for value in values):
            return name.replace("\x00", "")
    return None


class RequestGuard:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _too_large(request):
            return _too_large_refusal(request, body_limit(request))
        parameter = _nul_parameter(request)
        if parameter is not None:
            return _refusal(
                request,
                400,
                _("“%(name)s” contains a NUL character, which no text may hold.")
                % {"name": parameter},
                parameter,
            )
        return self.get_response(request)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Django's answer to a request it could not read (the project's handler400): a form's
    fields over the data limit, found only while reading them, are a 413 too."""
    if isinstance(exception, RequestDataTooBig):
        return _too_large_refusal(request, settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    return _refusal(request, 400, _("The request could not be read."), None)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Django's answer to an address no route matches (the project's handler404): under the
    API, the API's own 404 in JSON, as for a record that does not exist."""
    if from_api_client(request):
        return JsonResponse({"detail": str(NotFound.default_detail)}, status=404)
    return page_not_found(request, exception)
