"""One error shape for every API route (docs/api.md)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from kehu.core.exceptions import Refused, VersionConflict
from kehu.core.records import FieldsRefused


def validation_error(error: DjangoValidationError) -> ValidationError:
    """A model or service ValidationError as DRF's field → messages 400 body."""
    if hasattr(error, "error_dict"):
        return ValidationError(error.message_dict)
    return ValidationError({"non_field_errors": error.messages})


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """409 for a stale version and for a write a business rule refused (a customer that
    still has orders), 403 naming each field the caller's role may not change, 400 naming
    each field a service refused; DRF's own answers for the rest."""
    if isinstance(exc, VersionConflict):
        return Response(
            {"detail": str(exc), "current_version": exc.current_version},
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, Refused):
        return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, FieldsRefused):
        body: dict[str, Any] = {"detail": str(exc)}
        body.update({name: [reason] for name, reason in exc.fields.items()})
        return Response(body, status=status.HTTP_403_FORBIDDEN)
    if isinstance(exc, DjangoValidationError):
        exc = validation_error(exc)
    return drf_exception_handler(exc, context)
