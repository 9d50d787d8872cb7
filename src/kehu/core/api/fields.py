"""Serializer fields for relations: to records the reader may see, and to users by name."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.validators import ProhibitNullCharactersValidator
from django.db import models
from django.db.models import QuerySet
from rest_framework import serializers

from kehu.core.models import User
from kehu.core.scopes import scoped


class VisibleRecordField(serializers.PrimaryKeyRelatedField):
    """A relation to a record of `model` that the requesting user may see (of `rows(user)`,
    if given, within the same visibility): another's id is "does not exist", as a missing one.

    The scope is worked out only when a value is checked, so a list that merely shows the
    relation costs nothing for it.
    """

    def __init__(
        self,
        model: type[models.Model],
        rows: Callable[..., QuerySet[Any]] | None = None,
        **kwargs: Any,
    ) -> None:
        self.rows = rows
        self.nothing = model._default_manager.none()
        # The empty queryset names the model for the schema; get_queryset gives the real one.
        super().__init__(queryset=self.nothing, **kwargs)

    def get_queryset(self) -> QuerySet[Any]:
        request = self.context.get("request")
        if request is None:
            return self.nothing
        user = request.user
        rows = self.rows(user=user) if self.rows else self.nothing.model._default_manager.all()
        return scoped(rows, user)


class UsernameField(serializers.SlugRelatedField[User]):
    def to_internal_value(self, data: Any) -> User:
        # PostgreSQL cannot so much as look up a text with a NUL character: it is refused
        # here, at its field, as a CharField refuses it.
        if isinstance(data, str):
            ProhibitNullCharactersValidator()(data)
        return super().to_internal_value(data)


def username_field(**kwargs: Any) -> serializers.SlugRelatedField[User]:
    """An active user, written and read by user name; the services decide whom the caller
    may name (see core.records.check_assignable)."""
    return UsernameField(
        slug_field="username", queryset=User.objects.filter(is_active=True), **kwargs
    )


def recorded_person_field() -> serializers.SlugRelatedField[User]:
    """Who did something, read by user name: empty where nobody did (yet) or the person is
    gone, as a withdrawal's or a system change's."""
    return serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
