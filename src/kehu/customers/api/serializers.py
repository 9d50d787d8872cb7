"""The customers' API shapes: customers, contacts, follow-ups and the pool's requests."""

from __future__ import annotations

from typing import Any

import django_filters
from rest_framework import serializers

from kehu.core.api.fields import VisibleRecordField, recorded_person_field, username_field
from kehu.core.api.serializers import ContactDetailsMixin
from kehu.customers import selectors, services
from kehu.customers.models import Activity, Contact, Customer


class TagNamesField(serializers.ListField):
    """Tags as a list of their names, read and written."""

    child = serializers.CharField(max_length=50)

    def get_attribute(self, instance: Customer) -> list[str]:
        return selectors.tag_names(instance)

    def to_representation(self, data: list[str]) -> list[str]:
        return data


class CustomerSerializer(ContactDetailsMixin, serializers.ModelSerializer):
    owner = username_field(required=False, allow_null=True)
    tags = TagNamesField(required=False)
    version = serializers.IntegerField(required=False, min_value=1)
    dealer = VisibleRecordField(Customer, rows=selectors.dealers, required=False, allow_null=True)

    class Meta:
        model = Customer
        fields = [
            "id",
            *services.CUSTOMER_FIELDS,
            "tags",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]


class CreditSerializer(serializers.ModelSerializer):
    """A customer's credit terms, which finance sets."""

    version = serializers.IntegerField(min_value=1)

    class Meta:
        model = Customer
        fields = [*Customer.restricted_fields, "version"]


def visible_customer_field(**kwargs: Any) -> VisibleRecordField:
    """A relation to one of the customers the requesting user may see."""
    return VisibleRecordField(Customer, **kwargs)


class ContactSerializer(ContactDetailsMixin, serializers.ModelSerializer):
    customer = visible_customer_field()
    version = serializers.IntegerField(required=False, min_value=1)

    class Meta:
        model = Contact
        fields = ["id", "customer", *services.CONTACT_FIELDS, "version", "created_at", "updated_at"]
        read_only_fields = ["id", "created_at", "updated_at"]


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class MergeSerializer(serializers.Serializer):
    other_id = visible_customer_field()


class TransferSerializer(serializers.Serializer):
    ids = serializers.ListField(child=serializers.IntegerField(), required=False)
    from_user = username_field(required=False)
    to_user = username_field()
    reason = serializers.CharField(max_length=500)


class TransferResultSerializer(serializers.Serializer):
    transferred = serializers.IntegerField()


class CandidateSerializer(serializers.Serializer):
    """A possible duplicate; id, name and owner are null for one the caller may not see."""

    id = serializers.IntegerField(allow_null=True)
    name = serializers.CharField(allow_null=True)
    owner = serializers.CharField(allow_null=True, allow_blank=True)


class DuplicatesSerializer(serializers.Serializer):
    detail = serializers.CharField()
    candidates = CandidateSerializer(many=True)


class ActivitySerializer(serializers.ModelSerializer):
    customer = visible_customer_field()
    author = recorded_person_field()

    class Meta:
        model = Activity
        fields = ["id", "customer", "kind", "at", "subject", "notes", "author", "created_at"]
        read_only_fields = ["id", "author", "created_at"]
        extra_kwargs = {"at": {"required": False}}


class CustomerFilter(django_filters.FilterSet):
    owner = django_filters.CharFilter(field_name="owner__username")
    tag = django_filters.CharFilter(field_name="tags__name")

    class Meta:
        model = Customer
        fields = [
            "kind",
            "province",
            "city",
            "district",
            "industry",
            "business_mode",
            "source_channel",
            "credit_rating",
            "relationship_level",
            "lifecycle_stage",
        ]
