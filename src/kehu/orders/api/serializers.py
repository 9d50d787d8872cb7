"""Serializers of the orders API: field scopes follow the reader's visible customers."""

from __future__ import annotations

from rest_framework import serializers

from kehu.core.api.fields import VisibleRecordField, recorded_person_field
from kehu.customers.models import Customer
from kehu.orders import selectors, services
from kehu.orders.models import (
    CreditApproval,
    Delivery,
    DeliveryLine,
    Order,
    OrderLine,
    OrderStatus,
    OrderStatusChange,
    Payment,
    Product,
    Quote,
)
from kehu.sales.models import Opportunity


def version_field() -> serializers.IntegerField:
    return serializers.IntegerField(
        required=False, min_value=1, help_text="The version read; required when updating."
    )


class ProductSerializer(serializers.ModelSerializer):
    version = version_field()

    class Meta:
        model = Product
        fields = ["id", *services.PRODUCT_FIELDS, "version", "created_at", "updated_at"]
        read_only_fields = ["id", "created_at", "updated_at"]


class LineSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    product = VisibleRecordField(Product)
    quantity = serializers.DecimalField(max_digits=14, decimal_places=3)
    unit_price = serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False, allow_null=True
    )
    discount_percent = serializers.DecimalField(
        max_digits=5, decimal_places=2, required=False, allow_null=True
    )
    line_total = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)


class OrderLineSerializer(LineSerializer):
    specs = serializers.DictField(child=serializers.CharField(allow_blank=True), required=False)
    shipped = serializers.SerializerMethodField()

    def get_shipped(self, line: OrderLine) -> str:
        return str(sum((d.quantity for d in line.delivery_lines.all()), start=0))


def _opportunity_field() -> VisibleRecordField:
    return VisibleRecordField(Opportunity, required=False, allow_null=True)


class QuoteSerializer(serializers.ModelSerializer):
    customer = VisibleRecordField(Customer)
    opportunity = _opportunity_field()
    lines = LineSerializer(many=True)
    number = serializers.CharField(read_only=True)
    version = version_field()
    # Statuses are plain strings in the schema: several models name a different choice set
    # "status", and one enum name each would collide.
    status = serializers.CharField(read_only=True)

    class Meta:
        model = Quote
        fields = [
            "id",
            "number",
            "revision",
            "customer",
            "opportunity",
            "currency",
            "valid_until",
            "notes",
            "status",
            "total",
            "lines",
            "version",
            "created_at",
        ]
        read_only_fields = ["id", "revision", "currency", "status", "total", "created_at"]


class ReviseSerializer(serializers.Serializer):
    valid_until = serializers.DateField()
    notes = serializers.CharField(required=False, allow_blank=True, default="")
    lines = LineSerializer(many=True)


class OrderSerializer(serializers.ModelSerializer):
    customer = VisibleRecordField(Customer)
    dealer = VisibleRecordField(
        Customer, rows=selectors.dealer_queryset, required=False, allow_null=True
    )
    opportunity = _opportunity_field()
    lines = OrderLineSerializer(many=True)
    number = serializers.CharField(read_only=True)
    status = serializers.CharField(read_only=True)
    outstanding = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)
    version = version_field()

    class Meta:
        model = Order
        fields = [
            "id",
            "number",
            "customer",
            "dealer",
            "opportunity",
            "quote",
            "status",
            "currency",
            "total",
            "paid",
            "outstanding",
            "payment_terms_days",
            "confirmed_on",
            "due_date",
            "notes",
            "lines",
            "version",
            "created_at",
        ]
        read_only_fields = [
            "id",
            "quote",
            "status",
            "currency",
            "total",
            "paid",
            "payment_terms_days",
            "confirmed_on",
            "due_date",
            "created_at",
        ]


class StatusChangeSerializer(serializers.ModelSerializer):
    actor = recorded_person_field()
    from_status = serializers.CharField(read_only=True)
    to_status = serializers.CharField(read_only=True)

    class Meta:
        model = OrderStatusChange
        fields = ["from_status", "to_status", "actor", "at", "note"]


class TransitionSerializer(serializers.Serializer):
    status = serializers.CharField(help_text=", ".join(OrderStatus.values), max_length=15)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)


class DeliveryLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = DeliveryLine
        fields = ["order_line", "quantity"]


class DeliverySerializer(serializers.ModelSerializer):
    lines = DeliveryLineSerializer(many=True)

    class Meta:
        model = Delivery
        fields = ["id", "shipped_on", "delivered_on", "carrier", "tracking_number", "lines"]
        read_only_fields = ["id"]


class CreditBlockedSerializer(serializers.Serializer):
    detail = serializers.CharField()
    credit_limit = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    open_receivables = serializers.DecimalField(max_digits=14, decimal_places=2)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    currency = serializers.CharField()


class PaymentSerializer(serializers.ModelSerializer):
    order = VisibleRecordField(Order)
    recorded_by = recorded_person_field()
    version = version_field()

    class Meta:
        model = Payment
        fields = [
            "id",
            "order",
            "received_on",
            "amount",
            "method",
            "reference",
            "recorded_by",
            "version",
        ]
        read_only_fields = ["id", "recorded_by"]


class CreditApprovalSerializer(serializers.ModelSerializer):
    order = VisibleRecordField(Order)
    requested_by = recorded_person_field()
    decided_by = recorded_person_field()
    status = serializers.CharField(read_only=True)

    class Meta:
        model = CreditApproval
        fields = [
            "id",
            "order",
            "amount",
            "open_receivables",
            "credit_limit",
            "reason",
            "status",
            "requested_by",
            "requested_at",
            "decided_by",
            "decided_at",
            "decision_note",
        ]
        read_only_fields = [
            "id",
            "amount",
            "open_receivables",
            "credit_limit",
            "status",
            "requested_at",
            "decided_at",
            "decision_note",
        ]


class DecisionSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)
