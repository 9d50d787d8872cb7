"""Viewsets of the orders API: thin over the selectors and services."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response

from kehu.core.api.permissions import ModelPermissions as ScopedModelPermissions
from kehu.core.api.viewsets import version_required as required_version
from kehu.orders import selectors, services
from kehu.orders.api.serializers import (
    CreditApprovalSerializer,
    CreditBlockedSerializer,
    DecisionSerializer,
    DeliverySerializer,
    OrderSerializer,
    PaymentSerializer,
    ProductSerializer,
    QuoteSerializer,
    ReviseSerializer,
    StatusChangeSerializer,
    TransitionSerializer,
)
from kehu.orders.exceptions import CreditBlocked
from kehu.orders.models import (
    CreditApproval,
    Order,
    Payment,
    Product,
    Quote,
)


def _line_rows(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in line.items() if v is not None} for line in lines]


def _update_data(serializer: Any) -> tuple[dict[str, Any], int]:
    """An update's fields and the version it read, which it must name."""
    data = dict(serializer.validated_data)
    return data, required_version(data)


def _without_version(serializer: Any) -> dict[str, Any]:
    data = dict(serializer.validated_data)
    data.pop("version", None)
    return data


class QuoteViewSet(
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Quotes of the customers one may see; revising makes a new version, accepting an order.
    PATCH changes the open version's validity and notes in place."""

    serializer_class = QuoteSerializer
    permission_classes = [ScopedModelPermissions]
    filterset_fields = ["customer", "status"]
    ordering_fields = ["created_at", "valid_until", "total"]
    ordering = ["-created_at", "-id"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Quote]:
        return selectors.quote_queryset(user=self.request.user).prefetch_related("lines")

    def perform_create(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        serializer.instance = services.quote_create(
            actor=self.request.user,
            customer=data["customer"],
            valid_until=data["valid_until"],
            lines=_line_rows(data["lines"]),
            notes=data.get("notes", ""),
            opportunity=data.get("opportunity"),
        )

    def perform_update(self, serializer: Any) -> None:
        data, version = _update_data(serializer)
        serializer.instance = services.quote_update(
            actor=self.request.user, quote=serializer.instance, version=version, **data
        )

    @extend_schema(request=ReviseSerializer, responses=QuoteSerializer)
    @action(detail=True, methods=["post"])
    def revise(self, request: Request, pk: str | None = None) -> Response:
        """Make the next version of this quote; this one stays readable."""
        payload = ReviseSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        quote = services.quote_revise(
            actor=request.user,
            quote=self.get_object(),
            valid_until=data["valid_until"],
            notes=data["notes"],
            lines=_line_rows(data["lines"]),
        )
        return Response(self.get_serializer(quote).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=OrderSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str | None = None) -> Response:
        """Accept the latest, unexpired version: a draft order with the same lines."""
        order = services.quote_accept(actor=request.user, quote=self.get_object())
        context = self.get_serializer_context()
        return Response(OrderSerializer(order, context=context).data, status=201)


class OrderViewSet(
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Orders of the customers one may see, their editing, confirmation, status and
    deliveries. A draft may change its lines, dealer, opportunity and notes; a confirmed
    order only its notes."""

    serializer_class = OrderSerializer
    permission_classes = [ScopedModelPermissions]
    filterset_fields = ["customer", "status", "dealer"]
    ordering_fields = ["created_at", "due_date", "total"]
    ordering = ["-created_at", "-id"]

    def get_queryset(self) -> QuerySet[Order]:
        return selectors.order_queryset(user=self.request.user).prefetch_related(
            "lines", "lines__delivery_lines"
        )

    def perform_create(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        serializer.instance = services.order_create(
            actor=self.request.user,
            customer=data["customer"],
            dealer=data.get("dealer"),
            opportunity=data.get("opportunity"),
            notes=data.get("notes", ""),
            lines=_line_rows(data["lines"]),
        )

    def perform_update(self, serializer: Any) -> None:
        data, version = _update_data(serializer)
        if "lines" in data:
            data["lines"] = _line_rows(data["lines"])
        order = services.order_update(
            actor=self.request.user, order=serializer.instance, version=version, **data
        )
        serializer.instance = self.get_queryset().get(pk=order.pk)

    def _order_response(self, order: Order) -> Response:
        return Response(self.get_serializer(self.get_queryset().get(pk=order.pk)).data)

    @extend_schema(request=None, responses={200: OrderSerializer, 409: CreditBlockedSerializer})
    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, pk: str | None = None) -> Response:
        """Confirm a draft order. 409 when it would pass the customer's credit limit without
        an approval (the body names the limit, the open receivables and the amount), or
        when someone else confirmed it first."""
        try:
            order = services.order_confirm(actor=request.user, order=self.get_object())
        except CreditBlocked as blocked:
            check = blocked.check
            return Response(
                {
                    "detail": str(blocked),
                    "credit_limit": str(check.credit_limit),
                    "open_receivables": str(check.open_receivables),
                    "amount": str(check.amount),
                    "currency": check.currency,
                },
                status=status.HTTP_409_CONFLICT,
            )
        return self._order_response(order)

    @extend_schema(request=TransitionSerializer, responses=OrderSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request: Request, pk: str | None = None) -> Response:
        """Move the order to another status along the allowed path."""
        payload = TransitionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        order = services.order_transition(
            actor=request.user,
            order=self.get_object(),
            to_status=payload.validated_data["status"],
            note=payload.validated_data["note"],
        )
        return self._order_response(order)

    @extend_schema(responses=StatusChangeSerializer(many=True))
    @action(detail=True, methods=["get"])
    def timeline(self, request: Request, pk: str | None = None) -> Response:
        changes = self.get_object().status_changes.select_related("actor")
        return Response(StatusChangeSerializer(changes, many=True).data)

    @extend_schema(methods=["get"], responses=DeliverySerializer(many=True))
    @extend_schema(methods=["post"], request=DeliverySerializer, responses=DeliverySerializer)
    @action(detail=True, methods=["get", "post"])
    def deliveries(self, request: Request, pk: str | None = None) -> Response:
        """The order's deliveries; POST records one (quantities per order line)."""
        order = self.get_object()
        if request.method == "GET":
            return Response(
                DeliverySerializer(order.deliveries.prefetch_related("lines"), many=True).data
            )
        payload = DeliverySerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        delivery = services.delivery_create(
            actor=request.user,
            order=order,
            shipped_on=data["shipped_on"],
            delivered_on=data.get("delivered_on"),
            carrier=data.get("carrier", ""),
            tracking_number=data.get("tracking_number", ""),
            quantities={line["order_line"].pk: line["quantity"] for line in data["lines"]},
        )
        return Response(DeliverySerializer(delivery).data, status=status.HTTP_201_CREATED)


class PaymentPermissions(ScopedModelPermissions):
    # Whoever may record a payment may correct one: finance keeps the books either way.
    perms_map = {**ScopedModelPermissions.perms_map, "PATCH": ["%(app_label)s.add_%(model_name)s"]}


class PaymentViewSet(
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Payments received, never more than the order still owes; PATCH corrects one."""

    serializer_class = PaymentSerializer
    permission_classes = [PaymentPermissions]
    filterset_fields = ["order", "method"]
    ordering_fields = ["received_on", "amount"]
    ordering = ["-received_on", "-id"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Payment]:
        return selectors.payment_queryset(user=self.request.user)

    def perform_create(self, serializer: Any) -> None:
        serializer.instance = services.payment_create(
            actor=self.request.user, **_without_version(serializer)
        )

    def perform_update(self, serializer: Any) -> None:
        data, version = _update_data(serializer)
        serializer.instance = services.payment_update(
            actor=self.request.user, payment=serializer.instance, version=version, **data
        )


class CanApproveCredit(BasePermission):
    def has_permission(self, request: Any, view: Any) -> bool:
        return bool(request.user.has_perm(services.APPROVE_CREDIT))


class CreditApprovalViewSet(
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Requests to confirm orders over the credit limit; finance decides them."""

    serializer_class = CreditApprovalSerializer
    permission_classes = [ScopedModelPermissions]
    filterset_fields = ["status", "order"]
    ordering = ["-requested_at", "-id"]

    def get_permissions(self) -> list[Any]:
        if self.action == "decide":
            return [CanApproveCredit()]
        return list(super().get_permissions())

    def get_queryset(self) -> QuerySet[CreditApproval]:
        return selectors.credit_approval_queryset(user=self.request.user)

    def perform_create(self, serializer: Any) -> None:
        serializer.instance = services.credit_approval_request(
            actor=self.request.user, **serializer.validated_data
        )

    @extend_schema(request=DecisionSerializer, responses=CreditApprovalSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str | None = None) -> Response:
        """Approve or reject (with a note saying why) a pending request."""
        payload = DecisionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        approval = services.credit_approval_decide(
            actor=request.user,
            approval=self.get_object(),
            approve=payload.validated_data["approve"],
            note=payload.validated_data["note"],
        )
        return Response(self.get_serializer(approval).data)


class ProductViewSet(
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = ProductSerializer
    permission_classes = [ScopedModelPermissions]
    filterset_fields = ["is_active", "currency", "unit"]
    ordering_fields = ["sku", "name", "list_price"]
    ordering = ["sku"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Product]:
        return selectors.product_list(search=self.request.query_params.get("search", ""))

    def perform_create(self, serializer: Any) -> None:
        serializer.instance = services.product_create(
            actor=self.request.user, **_without_version(serializer)
        )

    def perform_update(self, serializer: Any) -> None:
        data, version = _update_data(serializer)
        serializer.instance = services.product_update(
            actor=self.request.user, product=serializer.instance, version=version, **data
        )
