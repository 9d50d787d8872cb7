"""Viewsets of the orders API: thin over the selectors and services, on the kernel's base."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from kehu.core.api.viewsets import KehuViewSet, RecordViewSet, Writes
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
from kehu.orders.models import CreditApproval, Order, Payment, Product, Quote

EDITABLE = ["get", "post", "patch", "head", "options"]


def _line_rows(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Lines as the services take them: a value left out starts from its default."""
    return [{k: v for k, v in line.items() if v is not None} for line in lines]


def _with_line_rows(data: dict[str, Any]) -> dict[str, Any]:
    if "lines" in data:
        data["lines"] = _line_rows(data["lines"])
    return data


class QuoteViewSet(RecordViewSet):
    """Quotes of the customers one may see; revising makes a new version, accepting an order.
    PATCH changes the open version's validity and notes in place."""

    serializer_class = QuoteSerializer
    filterset_fields = ["customer", "status"]
    ordering_fields = ["created_at", "valid_until", "total"]
    ordering = ["-created_at", "-id"]
    http_method_names = EDITABLE
    writes = Writes.named(services, "quote")

    def get_queryset(self) -> QuerySet[Quote]:
        return selectors.quote_queryset(user=self.user).prefetch_related("lines")

    def write_data(self, serializer: serializers.BaseSerializer[Any]) -> dict[str, Any]:
        return _with_line_rows(dict(serializer.validated_data))

    @extend_schema(request=ReviseSerializer, responses=QuoteSerializer)
    @action(detail=True, methods=["post"], permission="orders.add_quote")
    def revise(self, request: Request, pk: str | None = None) -> Response:
        """Make the next version of this quote; this one stays readable."""
        payload = ReviseSerializer(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        quote = services.quote_revise(
            actor=self.user, quote=self.get_object(), **_with_line_rows(payload.validated_data)
        )
        return Response(self.get_serializer(quote).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={201: OrderSerializer})
    @action(detail=True, methods=["post"], permission="orders.add_order")
    def accept(self, request: Request, pk: str | None = None) -> Response:
        """Accept the latest, unexpired version: a draft order with the same lines."""
        order = services.quote_accept(actor=self.user, quote=self.get_object())
        context = self.get_serializer_context()
        return Response(OrderSerializer(order, context=context).data, status=201)


class OrderViewSet(RecordViewSet):
    """Orders of the customers one may see, their editing, confirmation, status and
    deliveries. A draft may change its lines, dealer, opportunity and notes; a confirmed
    order only its notes."""

    serializer_class = OrderSerializer
    filterset_fields = ["customer", "status", "dealer"]
    ordering_fields = ["created_at", "due_date", "total"]
    ordering = ["-created_at", "-id"]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    writes = Writes.named(services, "order")

    def get_queryset(self) -> QuerySet[Order]:
        return selectors.order_queryset(user=self.user).prefetch_related(
            "lines", "lines__delivery_lines"
        )

    def write_data(self, serializer: serializers.BaseSerializer[Any]) -> dict[str, Any]:
        return _with_line_rows(dict(serializer.validated_data))

    def written(self, instance: Order) -> Order:
        """The order with its lines and what they have shipped, as a read shows it."""
        return self.get_queryset().get(pk=instance.pk)

    def _order_response(self, order: Order) -> Response:
        return Response(self.get_serializer(self.written(order)).data)

    @extend_schema(request=None, responses={200: OrderSerializer, 409: CreditBlockedSerializer})
    @action(detail=True, methods=["post"], permission="orders.change_order")
    def confirm(self, request: Request, pk: str | None = None) -> Response:
        """Confirm a draft order. 409 when it would pass the customer's credit limit without
        an approval (the body names the limit, the open receivables and the amount), or
        when someone else confirmed it first."""
        try:
            order = services.order_confirm(actor=self.user, order=self.get_object())
        except CreditBlocked as blocked:
            check = blocked.check
            return Response(
                {
                    "detail": str(blocked),
                    "credit_limit": None if check.credit_limit is None else str(check.credit_limit),
                    "open_receivables": str(check.open_receivables),
                    "amount": str(check.amount),
                    "currency": check.currency,
                },
                status=status.HTTP_409_CONFLICT,
            )
        return self._order_response(order)

    @extend_schema(request=TransitionSerializer, responses=OrderSerializer)
    @action(detail=True, methods=["post"], permission="orders.change_order")
    def transition(self, request: Request, pk: str | None = None) -> Response:
        """Move the order to another status along the allowed path."""
        payload = TransitionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        order = services.order_transition(
            actor=self.user,
            order=self.get_object(),
            to_status=payload.validated_data["status"],
            note=payload.validated_data["note"],
        )
        return self._order_response(order)

    # The whole timeline and all deliveries in one answer: an order has few of each.
    @extend_schema(responses=StatusChangeSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def timeline(self, request: Request, pk: str | None = None) -> Response:
        changes = selectors.order_timeline(order=self.get_object())
        return Response(StatusChangeSerializer(changes, many=True).data)

    @extend_schema(methods=["get"], responses=DeliverySerializer(many=True))
    @extend_schema(
        methods=["post"], request=DeliverySerializer, responses={201: DeliverySerializer}
    )
    @action(
        detail=True,
        methods=["get", "post"],
        permission={"GET": "orders.view_order", "POST": "orders.change_order"},
        pagination_class=None,
    )
    def deliveries(self, request: Request, pk: str | None = None) -> Response:
        """The order's deliveries; POST records one (quantities per order line)."""
        order = self.get_object()
        if request.method == "GET":
            found = selectors.order_deliveries(order=order, with_products=False)
            return Response(DeliverySerializer(found, many=True).data)
        payload = DeliverySerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        lines = data.pop("lines")
        delivery = services.delivery_create(
            actor=self.user,
            order=order,
            quantities={line["order_line"].pk: line["quantity"] for line in lines},
            **data,
        )
        return Response(DeliverySerializer(delivery).data, status=status.HTTP_201_CREATED)


class PaymentViewSet(RecordViewSet):
    """Payments received, never more than the order still owes; PATCH corrects one."""

    serializer_class = PaymentSerializer
    filterset_fields = ["order", "method"]
    ordering_fields = ["received_on", "amount"]
    ordering = ["-received_on", "-id"]
    http_method_names = EDITABLE
    writes = Writes.named(services, "payment")
    # Whoever may record a payment may correct one: finance keeps the books either way.
    action_permissions = {"update": services.ADD_PAYMENT, "partial_update": services.ADD_PAYMENT}

    def get_queryset(self) -> QuerySet[Payment]:
        return selectors.payment_queryset(user=self.user)


class CreditApprovalViewSet(
    KehuViewSet,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
):
    """Requests to confirm orders over the credit limit; finance decides them."""

    serializer_class = CreditApprovalSerializer
    filterset_fields = ["status", "order"]
    ordering = ["-requested_at", "-id"]
    writes = Writes(create=services.credit_approval_request)

    def get_queryset(self) -> QuerySet[CreditApproval]:
        return selectors.credit_approval_queryset(user=self.user)

    @extend_schema(request=DecisionSerializer, responses=CreditApprovalSerializer)
    @action(detail=True, methods=["post"], permission=services.APPROVE_CREDIT)
    def decide(self, request: Request, pk: str | None = None) -> Response:
        """Approve or reject (with a note saying why) a pending request."""
        payload = DecisionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        approval = services.credit_approval_decide(
            actor=self.user, approval=self.get_object(), **payload.validated_data
        )
        return Response(self.get_serializer(approval).data)


class ProductViewSet(RecordViewSet):
    serializer_class = ProductSerializer
    filterset_fields = ["is_active", "currency", "unit"]
    ordering_fields = ["sku", "name", "list_price"]
    ordering = ["sku"]
    http_method_names = EDITABLE
    writes = Writes.named(services, "product")

    def get_queryset(self) -> QuerySet[Product]:
        return selectors.product_list(search=self.request.query_params.get("search", ""))
