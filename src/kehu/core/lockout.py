"""What a locked-out log-in sees: a page for people, JSON for API clients."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from kehu.core.request_guard import from_api_client

LOCKED = 429


def lockout_response(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    if from_api_client(request):
        return JsonResponse(
            {"detail": _("Too many failed log-in attempts. Wait a while and try again.")},
            status=LOCKED,
        )
    return render(request, "registration/locked_out.html", status=LOCKED)
