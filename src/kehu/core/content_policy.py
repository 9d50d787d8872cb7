"""The Content-Security-Policy header on every response Kehu renders.

Kehu's pages load scripts, styles, fonts and images from its own static files only, and run
no inline script or style: a name a user typed that slipped past escaping still could not
run. The policy is the setting SECURE_CSP, shaped as Django 6's own, so that its built-in
middleware can take over on the upgrade."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


def policy_header(policy: dict[str, list[str]]) -> str:
    return "; ".join(" ".join([directive, *sources]) for directive, sources in policy.items())


class ContentSecurityPolicy:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.header = policy_header(settings.SECURE_CSP)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.header)
        return response
