from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from kehu.core.history import change_lines
from kehu.core.roles import VIEW_CONTACT_DETAILS
from kehu.sales import selectors


def form_version(data: dict[str, Any]) -> int:
    return int(data.pop("version", None) or 0)


def history_lines(request: HttpRequest, target: Any) -> list[Any]:
    """The record's changes with their lines, as the reader may see them."""
    reveal = request.user.has_perm(VIEW_CONTACT_DETAILS)
    return [
        (change, change_lines(change, reveal_contact_details=reveal))
        for change in selectors.history(target=target)[:50]
    ]
