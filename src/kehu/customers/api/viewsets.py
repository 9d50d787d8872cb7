"""The customers' API: thin over the selectors and services, on the kernel's base."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.request import Request
from rest_framework.response import Response

from kehu.core.access import details_shown
from kehu.core.api.serializers import ChangeSerializer
from kehu.core.api.viewsets import KehuViewSet, RecordViewSet, Writes, version_required
from kehu.customers import selectors, services
from kehu.customers.api.serializers import (
    ActivitySerializer,
    ContactSerializer,
    CreditSerializer,
    CustomerFilter,
    CustomerSerializer,
    DuplicatesSerializer,
    MergeSerializer,
    ReasonSerializer,
    TransferResultSerializer,
    TransferSerializer,
)
from kehu.customers.dedup import candidates_as_seen, duplicates_of
from kehu.customers.models import CHANGE_CREDIT, Activity, Contact, Customer


class CustomerViewSet(RecordViewSet):
    serializer_class = CustomerSerializer
    filterset_class = CustomerFilter
    ordering_fields = ["name", "created_at", "updated_at", "credit_limit"]
    ordering = ["-updated_at", "-id"]
    writes = Writes.named(services, "customer")

    def get_queryset(self) -> QuerySet[Customer]:
        return selectors.with_tags(
            selectors.customer_list(
                user=self.user, search=self.request.query_params.get("search", "")
            )
        )

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "allow_duplicate",
                bool,
                description="Create the customer even when it looks like an existing one.",
            )
        ],
        responses={201: CustomerSerializer, 409: DuplicatesSerializer},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Create a customer: 409 listing the existing customers it looks like (by name,
        phone or e-mail) unless `allow_duplicate=true`, as the form asks before it saves.
        One the caller may not see is listed without its id, name and owner."""
        data = request.data if isinstance(request.data, Mapping) else {}
        if request.query_params.get("allow_duplicate", "").lower() not in {"true", "1"}:
            found = duplicates_of(
                name=str(data.get("name", "")),
                phone=str(data.get("phone", "")),
                email=str(data.get("email", "")),
            )
            if found:
                candidates = candidates_as_seen(found, user=self.user)
                body = {
                    "detail": _(
                        "A customer like this already exists. Send allow_duplicate=true to "
                        "create it anyway."
                    ),
                    "candidates": [asdict(candidate) for candidate in candidates],
                }
                return Response(body, status=status.HTTP_409_CONFLICT)
        return super().create(request, *args, **kwargs)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().retrieve(request, *args, **kwargs)
        details_shown(request, response.data["id"])
        return response

    def _customer_response(self, customer: Customer) -> Response:
        return Response(self.get_serializer(customer).data)

    @extend_schema(request=CreditSerializer, responses=CustomerSerializer)
    @action(detail=True, methods=["post"], permission=CHANGE_CREDIT)
    def credit(self, request: Request, pk: str | None = None) -> Response:
        """Set the customer's credit limit and rating (finance)."""
        payload = CreditSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        version = version_required(data)
        customer = services.customer_update(
            actor=self.user, customer=self.get_object(), version=version, **data
        )
        return self._customer_response(customer)

    @extend_schema(request=ReasonSerializer, responses=CustomerSerializer)
    @action(detail=True, methods=["post"], permission="customers.change_customer")
    def release(self, request: Request, pk: str | None = None) -> Response:
        """Give the customer back to the pool, with a reason."""
        payload = ReasonSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        customer = services.customer_release(
            actor=self.user, customer=self.get_object(), reason=payload.validated_data["reason"]
        )
        return self._customer_response(customer)

    @extend_schema(request=None, responses=CustomerSerializer)
    @action(detail=True, methods=["post"], permission="customers.change_customer", scoped=False)
    def claim(self, request: Request, pk: str | None = None) -> Response:
        """Take the customer from the pool; 409 when someone else was first. The pool is open
        to everyone allowed to claim, whatever their scope."""
        pooled = get_object_or_404(selectors.pool_queryset(), pk=pk)
        return self._customer_response(
            services.customer_claim(actor=self.user, customer_id=pooled.pk)
        )

    @extend_schema(request=MergeSerializer, responses=CustomerSerializer)
    @action(detail=True, methods=["post"], permission="customers.change_customer")
    def merge(self, request: Request, pk: str | None = None) -> Response:
        """Fold another customer (`other_id`) into this one."""
        payload = MergeSerializer(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        customer = services.customer_merge(
            actor=self.user, survivor=self.get_object(), other=payload.validated_data["other_id"]
        )
        return self._customer_response(customer)

    @extend_schema(request=TransferSerializer, responses=TransferResultSerializer)
    @action(detail=False, methods=["post"], permission="customers.change_customer")
    def transfer(self, request: Request) -> Response:
        """Hand customers over: the listed `ids`, or all of `from_user`'s, to `to_user`."""
        payload = TransferSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        moved = services.customers_transfer(actor=self.user, **payload.validated_data)
        return Response({"transferred": moved})

    @extend_schema(responses=CustomerSerializer(many=True))
    @action(detail=False, methods=["get"])
    def pool(self, request: Request) -> Response:
        """Customers in the pool, open to claim by everyone allowed, whatever their scope."""
        customers = selectors.with_tags(
            selectors.customer_search(
                selectors.pool_queryset(), request.query_params.get("search", "")
            )
        )
        page = self.paginate_queryset(customers.order_by("-released_at", "-id"))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(responses=ChangeSerializer(many=True))
    @action(detail=True, methods=["get"])
    def history(self, request: Request, pk: str | None = None) -> Response:
        customer = self.get_object()
        page = self.paginate_queryset(selectors.customer_history(customer=customer))
        serializer = ChangeSerializer(page, many=True, context=self.get_serializer_context())
        return self.get_paginated_response(serializer.data)


class ActivityViewSet(
    KehuViewSet,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
):
    """Follow-ups (calls, visits, messages, meetings, notes) with the customers one may see."""

    serializer_class = ActivitySerializer
    filterset_fields = ["customer", "kind"]
    ordering_fields = ["at", "created_at"]
    ordering = ["-at", "-id"]
    writes = Writes.named(services, "activity")

    def get_queryset(self) -> QuerySet[Activity]:
        return selectors.activity_queryset(user=self.user)


class ContactViewSet(RecordViewSet):
    serializer_class = ContactSerializer
    filterset_fields = ["customer", "decision_role", "is_primary"]
    ordering_fields = ["name", "created_at", "updated_at"]
    ordering = ["name", "id"]
    writes = Writes.named(services, "contact")

    def get_queryset(self) -> QuerySet[Contact]:
        return selectors.contact_list(
            user=self.user, search=self.request.query_params.get("search", "")
        )

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().retrieve(request, *args, **kwargs)
        details_shown(request, response.data["customer"])
        return response

    def write_data(self, serializer: Any) -> dict[str, Any]:
        data = dict(serializer.validated_data)
        updating = self.action in ("update", "partial_update")
        if updating and "customer" in data and data.pop("customer") != serializer.instance.customer:
            raise serializers.ValidationError(
                {"customer": [_("A contact cannot be moved to another customer.")]}
            )
        return data
