"""REST API for customers and contacts: thin serializers over the selectors and services."""

from __future__ import annotations

from dataclasses import asdict
from functools import cached_property
from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import DjangoModelPermissions
from rest_framework.request import Request
from rest_framework.response import Response

from kehu.core.api import VisibleRecordField, required_version
from kehu.core.contact_details import email_mask, phone_display, phone_mask
from kehu.core.history import change_lines
from kehu.core.models import Change, User
from kehu.core.roles import VIEW_CONTACT_DETAILS
from kehu.customers import selectors, services
from kehu.customers.models import Activity, Contact, Customer, CustomerKind


class ScopedModelPermissions(DjangoModelPermissions):
    """Model permissions for every method, reads included (view_*).

    The model is the serializer's: asking the view for its queryset, as DRF does, would run
    a search's preparatory queries once more for every request.
    """

    perms_map = {
        **DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
        "OPTIONS": [],
    }

    def _queryset(self, view: Any) -> QuerySet[Any]:
        return view.get_serializer_class().Meta.model._default_manager.all()


class ContactDetailsMixin(serializers.Serializer):
    """Phone and e-mail in full for those allowed to see them, masked for everyone else."""

    @cached_property
    def _reveals_contact_details(self) -> bool:
        # A list's items share one serializer: the permission is asked once a page.
        request = self.context.get("request")
        return request is not None and bool(request.user.has_perm(VIEW_CONTACT_DETAILS))

    def to_representation(self, instance: Any) -> dict[str, Any]:
        data: dict[str, Any] = super().to_representation(instance)
        allowed = self._reveals_contact_details
        data["phone"] = phone_display(instance.phone) if allowed else phone_mask(instance.phone)
        data["email"] = instance.email if allowed else email_mask(instance.email)
        return data


class TagNamesField(serializers.ListField):
    """Tags as a list of their names, read and written."""

    child = serializers.CharField(max_length=50)

    def get_attribute(self, instance: Customer) -> list[str]:
        return selectors.tag_names(instance)

    def to_representation(self, data: list[str]) -> list[str]:
        return data


class CustomerSerializer(ContactDetailsMixin, serializers.ModelSerializer):
    owner = serializers.SlugRelatedField(
        slug_field="username", queryset=User.objects.all(), required=False, allow_null=True
    )
    tags = TagNamesField(required=False)
    version = serializers.IntegerField(required=False, min_value=1)
    dealer = VisibleRecordField(
        Customer,
        lambda user: selectors.customer_queryset(user=user).filter(kind=CustomerKind.DEALER),
        required=False,
        allow_null=True,
    )

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


def visible_customer_field(**kwargs: Any) -> VisibleRecordField:
    """A relation to one of the customers the requesting user may see."""
    return VisibleRecordField(
        Customer, lambda user: selectors.customer_queryset(user=user), **kwargs
    )


class ContactSerializer(ContactDetailsMixin, serializers.ModelSerializer):
    customer = visible_customer_field()
    version = serializers.IntegerField(required=False, min_value=1)

    class Meta:
        model = Contact
        fields = ["id", "customer", *services.CONTACT_FIELDS, "version", "created_at", "updated_at"]
        read_only_fields = ["id", "created_at", "updated_at"]


class ChangeSerializer(serializers.ModelSerializer):
    actor: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )
    target_type = serializers.CharField(source="target_type.model")
    lines = serializers.SerializerMethodField()

    class Meta:
        model = Change
        fields = [
            "id",
            "at",
            "actor",
            "action",
            "target_type",
            "target_id",
            "target_repr",
            "lines",
        ]

    @extend_schema_field(
        inline_serializer(
            "ChangeLine",
            {name: serializers.CharField() for name in ["field", "label", "old", "new"]},
            many=True,
        )
    )
    def get_lines(self, change: Change) -> list[dict[str, str]]:
        """Each changed field, labelled and valued in the reader's language and permissions."""
        request = self.context["request"]
        reveal = request.user.has_perm(VIEW_CONTACT_DETAILS)
        return [asdict(line) for line in change_lines(change, reveal_contact_details=reveal)]


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class MergeSerializer(serializers.Serializer):
    other_id = visible_customer_field()


class TransferSerializer(serializers.Serializer):
    ids = serializers.ListField(child=serializers.IntegerField(), required=False)
    from_user = serializers.SlugRelatedField(
        slug_field="username", queryset=User.objects.all(), required=False
    )
    to_user = serializers.SlugRelatedField(slug_field="username", queryset=User.objects.all())
    reason = serializers.CharField(max_length=500)


class TransferResultSerializer(serializers.Serializer):
    transferred = serializers.IntegerField()


class ActivitySerializer(serializers.ModelSerializer):
    customer = visible_customer_field()
    author: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )

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


class CustomerViewSet(viewsets.ModelViewSet):
    serializer_class = CustomerSerializer
    permission_classes = [ScopedModelPermissions]
    filterset_class = CustomerFilter
    ordering_fields = ["name", "created_at", "updated_at", "credit_limit"]
    ordering = ["-updated_at", "-id"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self) -> QuerySet[Customer]:
        return selectors.with_tags(
            selectors.customer_list(
                user=self.request.user, search=self.request.query_params.get("search", "")
            )
        )

    def perform_create(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        data.pop("version", None)
        serializer.instance = services.customer_create(actor=self.request.user, **data)

    def perform_update(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        version = required_version(data)
        serializer.instance = services.customer_update(
            actor=self.request.user, customer=serializer.instance, version=version, **data
        )

    def perform_destroy(self, instance: Customer) -> None:
        services.customer_delete(actor=self.request.user, customer=instance)

    def _customer_response(self, customer: Customer, status_code: int = 200) -> Response:
        return Response(self.get_serializer(customer).data, status=status_code)

    @extend_schema(request=ReasonSerializer, responses=CustomerSerializer)
    @action(detail=True, methods=["post"])
    def release(self, request: Request, pk: str | None = None) -> Response:
        """Give the customer back to the pool, with a reason."""
        payload = ReasonSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        customer = services.customer_release(
            actor=request.user, customer=self.get_object(), reason=payload.validated_data["reason"]
        )
        return self._customer_response(customer)

    @extend_schema(request=None, responses=CustomerSerializer)
    @action(detail=True, methods=["post"])
    def claim(self, request: Request, pk: str | None = None) -> Response:
        """Take the customer from the pool; 409 when someone else was first."""
        customer = selectors.pool_customer_get(pk=pk)
        return self._customer_response(
            services.customer_claim(actor=request.user, customer_id=customer.pk)
        )

    @extend_schema(request=MergeSerializer, responses=CustomerSerializer)
    @action(detail=True, methods=["post"])
    def merge(self, request: Request, pk: str | None = None) -> Response:
        """Fold another customer (`other_id`) into this one."""
        payload = MergeSerializer(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        customer = services.customer_merge(
            actor=request.user, survivor=self.get_object(), other=payload.validated_data["other_id"]
        )
        return self._customer_response(customer)

    @extend_schema(request=TransferSerializer, responses=TransferResultSerializer)
    @action(detail=False, methods=["post"])
    def transfer(self, request: Request) -> Response:
        """Hand customers over: the listed `ids`, or all of `from_user`'s, to `to_user`."""
        payload = TransferSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        moved = services.customers_transfer(actor=request.user, **payload.validated_data)
        return Response({"transferred": moved})

    @extend_schema(responses=CustomerSerializer(many=True))
    @action(detail=False, methods=["get"])
    def pool(self, request: Request) -> Response:
        """Customers in the pool, open to claim."""
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
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Follow-ups (calls, visits, messages, meetings, notes) with the customers one may see."""

    serializer_class = ActivitySerializer
    permission_classes = [ScopedModelPermissions]
    filterset_fields = ["customer", "kind"]
    ordering_fields = ["at", "created_at"]
    ordering = ["-at", "-id"]

    def get_queryset(self) -> QuerySet[Activity]:
        return selectors.activity_queryset(user=self.request.user)

    def perform_create(self, serializer: Any) -> None:
        serializer.instance = services.activity_create(
            actor=self.request.user, **serializer.validated_data
        )


class ContactViewSet(viewsets.ModelViewSet):
    serializer_class = ContactSerializer
    permission_classes = [ScopedModelPermissions]
    filterset_fields = ["customer", "decision_role", "is_primary"]
    ordering_fields = ["name", "created_at", "updated_at"]
    ordering = ["name", "id"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self) -> QuerySet[Contact]:
        contacts = selectors.contact_queryset(user=self.request.user)
        search = self.request.query_params.get("search", "").strip()
        if search:
            contacts = contacts.filter(selectors.text_condition(search))
        return contacts

    def perform_create(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        data.pop("version", None)
        customer = data.pop("customer")
        serializer.instance = services.contact_create(
            actor=self.request.user, customer=customer, **data
        )

    def perform_update(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        version = required_version(data)
        if "customer" in data and data.pop("customer") != serializer.instance.customer:
            raise serializers.ValidationError(
                {"customer": [_("A contact cannot be moved to another customer.")]}
            )
        serializer.instance = services.contact_update(
            actor=self.request.user, contact=serializer.instance, version=version, **data
        )

    def perform_destroy(self, instance: Contact) -> None:
        services.contact_delete(actor=self.request.user, contact=instance)
