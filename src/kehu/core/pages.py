"""What every app's pages and API actions share: the permission check an action makes
beyond its view's, and a refused write told in one line."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from rest_framework.request import Request


def require(request: HttpRequest | Request, permission: str) -> None:
    """Refuse (403) a user without `permission`."""
    if not request.user.has_perm(permission):
        raise PermissionDenied


def problem_text(problem: Exception) -> str:
    """What a refused write (a validation error, a version conflict, a credit block) tells
    the user, in one line."""
    return " ".join(problem.messages) if isinstance(problem, ValidationError) else str(problem)
