from __future__ import annotations

from django.http import HttpRequest

from kehu.core.registry import navigation_templates


def navigation(request: HttpRequest) -> dict[str, tuple[str, ...]]:
    """Each app's entries in the top bar (their `navigation` templates), in app order."""
    return {"kehu_navigation": navigation_templates()}
