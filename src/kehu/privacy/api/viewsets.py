"""The privacy API: thin over the selectors and services, on the kernel's base."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from kehu.core.api.viewsets import KehuViewSet, Writes
from kehu.privacy import selectors, services
from kehu.privacy.api.serializers import (
    AccessEventFilter,
    AccessEventSerializer,
    ConsentSerializer,
    ErasureRequestSerializer,
)
from kehu.privacy.models import ERASE, AccessEvent, Consent, ErasureRequest


class ConsentViewSet(
    KehuViewSet,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
):
    """The consent ledger of the customers one may see: a grant is a new row, and a
    withdrawal stamps it; neither is ever deleted."""

    serializer_class = ConsentSerializer
    filterset_fields = ["customer", "contact", "purpose"]
    ordering = ["-granted_at", "-id"]
    writes = Writes(create=services.consent_grant)

    def get_queryset(self) -> QuerySet[Consent]:
        return selectors.consent_queryset(user=self.user)

    @extend_schema(request=None, responses=ConsentSerializer)
    @action(detail=True, methods=["post"], permission="privacy.change_consent")
    def withdraw(self, request: Request, pk: str | None = None) -> Response:
        """End a standing consent; 400 if it was already withdrawn."""
        consent = services.consent_withdraw(actor=self.user, consent=self.get_object())
        return Response(self.get_serializer(consent).data)


class ErasureRequestViewSet(
    KehuViewSet,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
):
    """Requests to be erased, for administrators: recording one, and carrying it out."""

    serializer_class = ErasureRequestSerializer
    filterset_fields = ["customer", "status"]
    ordering = ["-requested_at", "-id"]
    writes = Writes(create=services.erasure_request)

    def get_queryset(self) -> QuerySet[ErasureRequest]:
        return selectors.erasure_requests()

    @extend_schema(request=None, responses=ErasureRequestSerializer)
    @action(detail=True, methods=["post"], permission=ERASE)
    def execute(self, request: Request, pk: str | None = None) -> Response:
        """Erase the customer's personal data; 400 if the request was already carried out."""
        erasure = services.erasure_execute(actor=self.user, request=self.get_object())
        return Response(self.get_serializer(erasure).data)


class AccessEventViewSet(KehuViewSet, mixins.ListModelMixin):
    """The access audit, read only, for administrators: who read whose personal data."""

    serializer_class = AccessEventSerializer
    filterset_class = AccessEventFilter
    ordering = ["-at", "-id"]

    def get_queryset(self) -> QuerySet[AccessEvent]:
        return selectors.access_events()
