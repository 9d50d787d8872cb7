"""REST API for leads, opportunities, stages and targets: thin over selectors and services."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from kehu.core.api.fields import VisibleRecordField
from kehu.core.api.permissions import ModelPermissions as ScopedModelPermissions
from kehu.core.api.serializers import ContactDetailsMixin
from kehu.core.api.viewsets import version_required as required_version
from kehu.core.models import Department, User
from kehu.core.pages import require
from kehu.customers.api.serializers import visible_customer_field
from kehu.customers.models import Activity, Contact
from kehu.sales import selectors, services
from kehu.sales.models import Lead, LeadSource, LeadStatus, Opportunity, SalesTarget, Stage
from kehu.sales.services.config import STAGE_FIELDS


def _username_field(**kwargs: Any) -> Any:
    return serializers.SlugRelatedField(
        slug_field="username", queryset=User.objects.filter(is_active=True), **kwargs
    )


class LeadSerializer(ContactDetailsMixin, serializers.ModelSerializer):
    owner = _username_field(required=False, allow_null=True)
    source: Any = serializers.PrimaryKeyRelatedField(
        queryset=LeadSource.objects.filter(is_active=True)
    )
    referred_by_customer = visible_customer_field(required=False, allow_null=True)
    referred_by_contact = VisibleRecordField(
        Contact,
        required=False,
        allow_null=True,
    )
    team = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.all(),
        required=False,
        write_only=True,
        help_text="Assign round-robin within this department's salespeople.",
    )
    opportunity: Any = serializers.PrimaryKeyRelatedField(read_only=True)
    version = serializers.IntegerField(required=False, min_value=1)

    class Meta:
        model = Lead
        fields = [
            "id",
            *services.LEAD_FIELDS,
            "team",
            "status",
            "disqualified_reason",
            "customer",
            "contact",
            "opportunity",
            "assigned_at",
            "last_activity_at",
            "converted_at",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "id",
            "status",
            "disqualified_reason",
            "customer",
            "contact",
            "assigned_at",
            "last_activity_at",
            "converted_at",
            "created_at",
            "updated_at",
        ]


class LeadStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=LeadStatus.choices)
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True)
    version = serializers.IntegerField(min_value=1)


class AssignSerializer(serializers.Serializer):
    owner = _username_field(required=False)
    team = serializers.PrimaryKeyRelatedField(queryset=Department.objects.all(), required=False)
    version = serializers.IntegerField(min_value=1)


class ConversionOpportunitySerializer(serializers.ModelSerializer):
    class Meta:
        model = Opportunity
        fields = ["name", "business_mode", "stage", "amount", "currency", "expected_close_date"]
        extra_kwargs = {"stage": {"required": False}}


class ConvertSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=1)
    customer = visible_customer_field(
        required=False,
        allow_null=True,
        help_text="Link the lead to this existing customer instead of creating one.",
    )
    allow_duplicate = serializers.BooleanField(default=False)
    opportunity = ConversionOpportunitySerializer(required=False)


class ConversionResultSerializer(serializers.Serializer):
    customer = serializers.IntegerField(source="customer.pk")
    contact = serializers.IntegerField(source="contact.pk")
    opportunity = serializers.IntegerField(source="opportunity.pk", allow_null=True)
    customer_created = serializers.BooleanField()


class FollowUpSerializer(serializers.ModelSerializer):
    author: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )

    class Meta:
        model = Activity
        fields = ["id", "customer", "kind", "at", "subject", "notes", "author", "created_at"]
        read_only_fields = ["id", "customer", "author", "created_at"]
        extra_kwargs = {"at": {"required": False}}


class LeadFilter(django_filters.FilterSet):
    owner = django_filters.CharFilter(field_name="owner__username")

    class Meta:
        model = Lead
        fields = ["status", "source", "campaign", "province", "referred_by_customer"]


class LeadViewSet(viewsets.ModelViewSet):
    """Leads the user may see: their own, or their team's by their role's data scope."""

    serializer_class = LeadSerializer
    permission_classes = [ScopedModelPermissions]
    filterset_class = LeadFilter
    ordering_fields = ["created_at", "updated_at", "last_activity_at", "company"]
    ordering = ["-created_at", "-id"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Lead]:
        return selectors.lead_list(
            user=self.request.user, search=self.request.query_params.get("search", "")
        ).select_related("opportunity")

    def perform_create(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        data.pop("version", None)
        serializer.instance = services.lead_create(actor=self.request.user, **data)

    def perform_update(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        version = required_version(data)
        if "team" in data:
            raise serializers.ValidationError({"team": [_("Use the assign action.")]})
        serializer.instance = services.lead_update(
            actor=self.request.user, lead=serializer.instance, version=version, **data
        )

    def _lead_response(self, lead: Lead) -> Response:
        return Response(
            self.get_serializer(selectors.lead_get(user=self.request.user, pk=lead.pk)).data
        )

    @extend_schema(request=AssignSerializer, responses=LeadSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request: Request, pk: str | None = None) -> Response:
        """Give the lead to `owner`, or round-robin to the next salesperson of `team`."""
        require(request, "sales.change_lead")
        payload = AssignSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        lead = services.lead_assign(
            actor=request.user, lead=self.get_object(), **payload.validated_data
        )
        return self._lead_response(lead)

    @extend_schema(request=LeadStatusSerializer, responses=LeadSerializer)
    @action(detail=True, methods=["post"])
    def status(self, request: Request, pk: str | None = None) -> Response:
        """Mark the lead new, contacted, qualified or disqualified (with a `reason`)."""
        require(request, "sales.change_lead")
        payload = LeadStatusSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        lead = services.lead_set_status(
            actor=request.user, lead=self.get_object(), **payload.validated_data
        )
        return self._lead_response(lead)

    @extend_schema(request=ConvertSerializer, responses={201: ConversionResultSerializer})
    @action(detail=True, methods=["post"])
    def convert(self, request: Request, pk: str | None = None) -> Response:
        """Make the lead a customer (or link it to `customer`), with a contact and, given
        `opportunity`, an opportunity. A lead like an existing customer needs `customer`
        or `allow_duplicate`."""
        require(request, "sales.change_lead")
        payload = ConvertSerializer(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        if data.get("customer") is None:
            require(request, "customers.add_customer")
        opportunity = data.pop("opportunity", None)
        if opportunity is not None:
            require(request, "sales.add_opportunity")
        conversion = services.lead_convert(
            actor=request.user,
            lead=self.get_object(),
            opportunity=dict(opportunity) if opportunity is not None else None,
            **data,
        )
        return Response(ConversionResultSerializer(conversion).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=FollowUpSerializer, responses=FollowUpSerializer(many=True))
    @action(detail=True, methods=["get", "post"])
    def activities(self, request: Request, pk: str | None = None) -> Response:
        """The lead's follow-ups; POST logs one."""
        lead = self.get_object()
        if request.method == "POST":
            require(request, "sales.change_lead")
            payload = FollowUpSerializer(data=request.data)
            payload.is_valid(raise_exception=True)
            activity = services.lead_follow_up(
                actor=request.user, lead=lead, **payload.validated_data
            )
            return Response(FollowUpSerializer(activity).data, status=status.HTTP_201_CREATED)
        page = self.paginate_queryset(selectors.lead_activities(lead=lead))
        return self.get_paginated_response(FollowUpSerializer(page, many=True).data)


class OpportunitySerializer(serializers.ModelSerializer):
    customer = visible_customer_field()
    owner = _username_field(required=False)
    stage = serializers.PrimaryKeyRelatedField(queryset=Stage.objects.all(), required=False)
    version = serializers.IntegerField(required=False, min_value=1)

    class Meta:
        model = Opportunity
        fields = [
            "id",
            "customer",
            *services.OPPORTUNITY_FIELDS,
            "lead",
            "closed_on",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "lead", "closed_on", "created_at", "updated_at"]
        extra_kwargs = {"business_mode": {"required": False}}


class MoveSerializer(serializers.Serializer):
    stage = serializers.PrimaryKeyRelatedField(queryset=Stage.objects.all())
    version = serializers.IntegerField(min_value=1)
    lost_reason = serializers.CharField(max_length=500, required=False, allow_blank=True)


class OpportunityFilter(django_filters.FilterSet):
    owner = django_filters.CharFilter(field_name="owner__username")
    closes_after = django_filters.DateFilter(field_name="expected_close_date", lookup_expr="gte")
    closes_before = django_filters.DateFilter(field_name="expected_close_date", lookup_expr="lte")

    class Meta:
        model = Opportunity
        fields = ["customer", "business_mode", "stage", "currency"]


class OpportunityViewSet(
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = OpportunitySerializer
    permission_classes = [ScopedModelPermissions]
    filterset_class = OpportunityFilter
    ordering_fields = ["name", "amount", "expected_close_date", "created_at", "updated_at"]
    ordering = ["-updated_at", "-id"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Opportunity]:
        return selectors.opportunity_list(
            user=self.request.user, search=self.request.query_params.get("search", "")
        )

    def perform_create(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        data.pop("version", None)
        customer = data.pop("customer")
        serializer.instance = services.opportunity_create(
            actor=self.request.user, customer=customer, **data
        )

    def perform_update(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        version = required_version(data)
        if "customer" in data and data.pop("customer") != serializer.instance.customer:
            raise serializers.ValidationError(
                {"customer": [_("An opportunity cannot be moved to another customer.")]}
            )
        serializer.instance = services.opportunity_update(
            actor=self.request.user, opportunity=serializer.instance, version=version, **data
        )

    @extend_schema(request=MoveSerializer, responses=OpportunitySerializer)
    @action(detail=True, methods=["post"])
    def move(self, request: Request, pk: str | None = None) -> Response:
        """Move to another stage of the pipeline; a lost stage needs `lost_reason`; a stale
        `version` is a 409."""
        require(request, "sales.change_opportunity")
        payload = MoveSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        opportunity = services.opportunity_move(
            actor=request.user, opportunity=self.get_object(), **payload.validated_data
        )
        return Response(self.get_serializer(opportunity).data)


class StageSerializer(serializers.ModelSerializer):
    class Meta:
        model = Stage
        fields = ["id", *STAGE_FIELDS]


class StageViewSet(
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Each business mode's pipeline stages with their win probability; admins edit them."""

    serializer_class = StageSerializer
    permission_classes = [ScopedModelPermissions]
    queryset = Stage.objects.all()
    filterset_fields = ["business_mode", "is_won", "is_lost"]
    ordering = ["business_mode", "order", "id"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def perform_create(self, serializer: Any) -> None:
        serializer.instance = services.stage_save(**serializer.validated_data)

    def perform_update(self, serializer: Any) -> None:
        serializer.instance = services.stage_save(
            stage=serializer.instance, **serializer.validated_data
        )


class TargetSerializer(serializers.ModelSerializer):
    user = _username_field(required=False, allow_null=True)
    department = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.all(), required=False, allow_null=True
    )
    version = serializers.IntegerField(required=False, min_value=1)

    class Meta:
        model = SalesTarget
        fields = ["id", *services.TARGET_FIELDS, "version", "updated_at"]
        read_only_fields = ["id", "updated_at"]
        # The model checks one target per person (or team) and period when it is saved.
        validators: list[Any] = []


class TargetViewSet(viewsets.ModelViewSet):
    """Sales targets of the people (and teams) the user may see."""

    serializer_class = TargetSerializer
    permission_classes = [ScopedModelPermissions]
    filterset_fields = ["period", "period_start", "user", "department"]
    ordering = ["-period_start", "id"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self) -> QuerySet[SalesTarget]:
        return selectors.target_queryset(user=self.request.user)

    def perform_create(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        data.pop("version", None)
        serializer.instance = services.target_save(actor=self.request.user, **data)

    def perform_update(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        version = required_version(data)
        serializer.instance = services.target_save(
            actor=self.request.user, target=serializer.instance, version=version, **data
        )

    def perform_destroy(self, instance: SalesTarget) -> None:
        services.target_delete(actor=self.request.user, target=instance)
