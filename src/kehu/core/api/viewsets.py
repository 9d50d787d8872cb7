"""The one base of Kehu's viewsets."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import models
from django.db.models import QuerySet
from rest_framework import mixins, serializers, viewsets
from rest_framework.request import Request

from kehu.core.models import User, Versioned
from kehu.core.records import Writes
from kehu.core.scopes import scoped


def version_required(data: dict[str, Any]) -> int:
    """Take out of an update's fields the version of the record it read, which every update
    must name: a stale one is refused with 409 (docs/api.md)."""
    if data.get("version") is None:
        raise serializers.ValidationError(
            {"version": [serializers.Field.default_error_messages["required"]]}
        )
    return int(data.pop("version"))


class KehuViewSet(viewsets.GenericViewSet):
    """Every list and every record a route serves passes through its model's visibility
    (core.scopes), whether or not `get_queryset` already limited it, and every write goes to
    the services named in `writes`. It comes first among a viewset's bases, before DRF's
    mixins, whose perform_create and perform_update it replaces.

    `permission` is set per extra action (`@action(..., permission=...)`: a name, or one per
    HTTP method), and `action_permissions` names DRF's own actions ("partial_update": ...),
    when an action needs another permission than its method's model permission.
    """

    permission: str | Mapping[str, str] | None = None
    action_permissions: dict[str, str] = {}
    writes = Writes()
    # An extra action that finds its record by another rule (a pool open to everyone
    # allowed) says `@action(..., scoped=False)`.
    scoped = True

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        """Find a detail route's record, or answer 404, before reading anything the request
        sends: someone of another scope learns no more from a bad body than from a good one."""
        super().initial(request, *args, **kwargs)
        if self.detail and self.scoped:
            self.get_object()

    def get_object(self) -> Any:
        if not hasattr(self, "_found"):
            self._found = super().get_object()
        return self._found

    @property
    def user(self) -> User:
        """The caller: ModelPermissions lets no one else through."""
        return self.request.user  # type: ignore[return-value]

    @property
    def model(self) -> type[models.Model]:
        serializer: Any = self.get_serializer_class()
        model: type[models.Model] = serializer.Meta.model
        return model

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return super().filter_queryset(scoped(queryset, self.request.user))

    def write_data(self, serializer: serializers.BaseSerializer[Any]) -> dict[str, Any]:
        """The validated fields as the services take them; viewsets reshape them here."""
        return dict(serializer.validated_data)

    def written(self, instance: Any) -> Any:
        """The record to answer with after a write (a viewset re-reads it with its lists)."""
        return instance

    def perform_create(self, serializer: serializers.BaseSerializer[Any]) -> None:
        data = self.write_data(serializer)
        data.pop("version", None)
        created = self.writes.write(actor=self.user, record=None, data=data)
        serializer.instance = self.written(created)

    def perform_update(self, serializer: serializers.BaseSerializer[Any]) -> None:
        data = self.write_data(serializer)
        version = version_required(data) if isinstance(serializer.instance, Versioned) else None
        updated = self.writes.write(
            actor=self.user, record=serializer.instance, data=data, version=version
        )
        serializer.instance = self.written(updated)

    def perform_destroy(self, instance: models.Model) -> None:
        self.writes.remove(actor=self.user, record=instance)


class RecordViewSet(
    KehuViewSet,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
):
    """A record's routes: list, create, read, change (PATCH, naming the version read) and
    delete; a record that may not be deleted leaves "delete" out of `http_method_names`."""

    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
