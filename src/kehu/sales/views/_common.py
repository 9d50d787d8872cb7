from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest

from kehu.core.exceptions import VersionConflict
from kehu.core.history import change_lines
from kehu.core.roles import VIEW_CONTACT_DETAILS
from kehu.sales import selectors


def require(request: HttpRequest, permission: str) -> None:
    if not request.user.has_perm(permission):
        raise PermissionDenied


def problem_text(problem: ValidationError | VersionConflict) -> str:
    """What a refused write tells the user, in one line."""
    return " ".join(problem.messages) if isinstance(problem, ValidationError) else str(problem)


def form_version(data: dict[str, Any]) -> int:
    return int(data.pop("version", None) or 0)


def history_lines(request: HttpRequest, target: Any) -> list[Any]:
    """The record's changes with their lines, as the reader may see them."""
    reveal = request.user.has_perm(VIEW_CONTACT_DETAILS)
    return [
        (change, change_lines(change, reveal_contact_details=reveal))
        for change in selectors.history(target=target)[:50]
    ]
