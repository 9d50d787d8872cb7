"""API plumbing shared by every app: error shapes and token log-in."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from kehu.core.exceptions import VersionConflict
from kehu.core.records import FieldsRefused


def required_version(data: dict[str, Any]) -> int:
    """Take out of an update's fields the version of the record it read, which every update
    must name: a stale one is refused with 409 (docs/api.md)."""
    if data.get("version") is None:
        raise ValidationError({"version": [serializers.Field.default_error_messages["required"]]})
    return int(data.pop("version"))


class VisibleRecordField(serializers.PrimaryKeyRelatedField):
    """A relation to a record the requesting user may see: `visible(user)` says which.

    The scope is worked out only when a value is checked, so a list that merely shows the
    relation costs nothing for it.
    """

    def __init__(
        self, model: type[models.Model], visible: Callable[[Any], QuerySet[Any]], **kwargs: Any
    ) -> None:
        self.visible = visible
        self.nothing = model._default_manager.none()
        # The empty queryset names the model for the schema; get_queryset gives the real one.
        super().__init__(queryset=self.nothing, **kwargs)

    def get_queryset(self) -> QuerySet[Any]:
        request = self.context.get("request")
        if request is None:
            return self.nothing
        return self.visible(request.user)


def validation_error(error: DjangoValidationError) -> ValidationError:
    """A model or service ValidationError as DRF's field → messages 400 body."""
    if hasattr(error, "error_dict"):
        return ValidationError(error.message_dict)
    return ValidationError({"non_field_errors": error.messages})


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, VersionConflict):
        return Response(
            {"detail": str(exc), "current_version": exc.current_version},
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, FieldsRefused):
        body: dict[str, Any] = {"detail": str(exc)}
        body.update({name: [reason] for name, reason in exc.fields.items()})
        return Response(body, status=status.HTTP_403_FORBIDDEN)
    if isinstance(exc, DjangoValidationError):
        exc = validation_error(exc)
    return drf_exception_handler(exc, context)


class TokenLoginSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)


class TokenView(APIView):
    """Exchange a username and password for an API token."""

    permission_classes = [AllowAny]
    authentication_classes: list[type] = []

    @extend_schema(
        request=TokenLoginSerializer,
        responses={200: inline_serializer("TokenResponse", {"token": serializers.CharField()})},
    )
    def post(self, request: Request) -> Response:
        serializer = TokenLoginSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = authenticate(
            request=request._request,
            username=serializer.validated_data["username"],
            password=serializer.validated_data["password"],
        )
        if user is None:
            return Response(
                {"detail": _("Wrong username or password, or the account is locked.")},
                status=status.HTTP_400_BAD_REQUEST,
            )
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})
