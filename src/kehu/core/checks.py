"""The kernel's system checks, registered when the app is ready.

A check imports what it examines only when it runs: the pages module brings DRF and the
forms with it, which no `kehu` command needs in order to start.
"""

from __future__ import annotations

from typing import Any

from django.core import checks


@checks.register(checks.Tags.security, checks.Tags.urls)
def routes_declare_access(**_: Any) -> list[checks.CheckMessage]:
    from kehu.core.pages import is_declared, url_patterns

    return [
        checks.Error(
            f"The route {route} ({name or 'unnamed'}) declares no access.",
            hint="Decorate its view with kehu.core.pages.page, or serve it through the API.",
            id="kehu.E001",
        )
        for route, name, pattern in url_patterns()
        if not is_declared(pattern.callback)
    ]
