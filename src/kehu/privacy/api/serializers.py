"""The privacy API's shapes: consents, erasure requests and the access audit."""

from __future__ import annotations

import django_filters
from rest_framework import serializers

from kehu.core.api.fields import VisibleRecordField, recorded_person_field
from kehu.core.api.filters import UtcDateTimeFilter
from kehu.customers.models import Contact, Customer
from kehu.privacy.models import AccessEvent, Consent, ErasureRequest


class ConsentSerializer(serializers.ModelSerializer):
    customer = VisibleRecordField(Customer)
    contact = VisibleRecordField(Contact, required=False, allow_null=True)
    granted_by = recorded_person_field()
    withdrawn_by = recorded_person_field()

    class Meta:
        model = Consent
        fields = [
            "id",
            "customer",
            "contact",
            "purpose",
            "channel",
            "wording_version",
            "granted_at",
            "granted_by",
            "withdrawn_at",
            "withdrawn_by",
        ]
        read_only_fields = ["id", "granted_at", "withdrawn_at"]


class ErasureRequestSerializer(serializers.ModelSerializer):
    customer = VisibleRecordField(Customer)
    requested_by = recorded_person_field()
    executed_by = recorded_person_field()

    class Meta:
        model = ErasureRequest
        fields = [
            "id",
            "customer",
            "status",
            "requested_at",
            "requested_by",
            "executed_at",
            "executed_by",
        ]
        read_only_fields = ["id", "status", "requested_at", "executed_at"]


class AccessEventSerializer(serializers.ModelSerializer):
    user = recorded_person_field()

    class Meta:
        model = AccessEvent
        fields = ["id", "at", "user", "kind", "customer_id", "rows", "path"]
        read_only_fields = fields


class AccessEventFilter(django_filters.FilterSet):
    user = django_filters.CharFilter(field_name="user__username")
    customer = django_filters.NumberFilter(field_name="customer_id")
    since = UtcDateTimeFilter(field_name="at", lookup_expr="gte")
    until = UtcDateTimeFilter(field_name="at", lookup_expr="lt")

    class Meta:
        model = AccessEvent
        fields = ["kind"]
