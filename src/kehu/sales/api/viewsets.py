"""The sales API: thin over the selectors and services, on the kernel's base."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from kehu.core.api.viewsets import RecordViewSet, Writes
from kehu.sales import selectors, services
from kehu.sales.api.serializers import (
    AssignSerializer,
    ConversionResultSerializer,
    ConvertSerializer,
    FollowUpSerializer,
    LeadFilter,
    LeadSerializer,
    LeadStatusSerializer,
    MoveSerializer,
    OpportunityFilter,
    OpportunitySerializer,
    StageSerializer,
    TargetSerializer,
)
from kehu.sales.models import Lead, Opportunity, SalesTarget, Stage

CHANGES = ["get", "post", "patch", "head", "options"]


class LeadViewSet(RecordViewSet):
    """Leads the user may see: their own, or their team's by their role's data scope."""

    serializer_class = LeadSerializer
    filterset_class = LeadFilter
    ordering_fields = ["created_at", "updated_at", "last_activity_at", "company"]
    ordering = ["-created_at", "-id"]
    http_method_names = CHANGES
    writes = Writes.named(services, "lead")

    def get_queryset(self) -> QuerySet[Lead]:
        return selectors.lead_list(
            user=self.user, search=self.request.query_params.get("search", "")
        )

    def write_data(self, serializer: serializers.BaseSerializer[Lead]) -> dict[str, Any]:
        data = dict(serializer.validated_data)
        if self.action in ("update", "partial_update") and "team" in data:
            raise serializers.ValidationError({"team": [_("Use the assign action.")]})
        return data

    def _lead_response(self, lead: Lead) -> Response:
        return Response(self.get_serializer(lead).data)

    @extend_schema(request=AssignSerializer, responses=LeadSerializer)
    @action(detail=True, methods=["post"], permission="sales.change_lead")
    def assign(self, request: Request, pk: str | None = None) -> Response:
        """Give the lead to `owner`, or round-robin to the next salesperson of `team`."""
        payload = AssignSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        lead = services.lead_assign(
            actor=self.user, lead=self.get_object(), **payload.validated_data
        )
        return self._lead_response(lead)

    @extend_schema(request=LeadStatusSerializer, responses=LeadSerializer)
    @action(detail=True, methods=["post"], permission="sales.change_lead")
    def status(self, request: Request, pk: str | None = None) -> Response:
        """Mark the lead new, contacted, qualified or disqualified (with a `reason`)."""
        payload = LeadStatusSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        lead = services.lead_set_status(
            actor=self.user, lead=self.get_object(), **payload.validated_data
        )
        return self._lead_response(lead)

    @extend_schema(request=ConvertSerializer, responses={201: ConversionResultSerializer})
    @action(detail=True, methods=["post"], permission="sales.change_lead")
    def convert(self, request: Request, pk: str | None = None) -> Response:
        """Make the lead a customer (or link it to `customer`), with a contact and, given
        `opportunity`, an opportunity. A lead like an existing customer needs `customer`
        or `allow_duplicate`; making a customer or an opportunity needs the permission to
        add one."""
        payload = ConvertSerializer(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        opportunity = data.pop("opportunity", None)
        conversion = services.lead_convert(
            actor=self.user,
            lead=self.get_object(),
            opportunity=dict(opportunity) if opportunity is not None else None,
            **data,
        )
        return Response(ConversionResultSerializer(conversion).data, status=status.HTTP_201_CREATED)

    @extend_schema(methods=["get"], responses=FollowUpSerializer(many=True))
    @extend_schema(
        methods=["post"], request=FollowUpSerializer, responses={201: FollowUpSerializer}
    )
    @action(
        detail=True,
        methods=["get", "post"],
        permission={"GET": "sales.view_lead", "POST": "sales.change_lead"},
    )
    def activities(self, request: Request, pk: str | None = None) -> Response:
        """The lead's follow-ups; POST logs one, which needs the permission to change it."""
        lead = self.get_object()
        if request.method == "POST":
            payload = FollowUpSerializer(data=request.data)
            payload.is_valid(raise_exception=True)
            activity = services.lead_follow_up(actor=self.user, lead=lead, **payload.validated_data)
            return Response(FollowUpSerializer(activity).data, status=status.HTTP_201_CREATED)
        page = self.paginate_queryset(selectors.lead_activities(lead=lead))
        return self.get_paginated_response(FollowUpSerializer(page, many=True).data)


class OpportunityViewSet(RecordViewSet):
    serializer_class = OpportunitySerializer
    filterset_class = OpportunityFilter
    ordering_fields = ["name", "amount", "expected_close_date", "created_at", "updated_at"]
    ordering = ["-updated_at", "-id"]
    http_method_names = CHANGES
    writes = Writes.named(services, "opportunity")

    def get_queryset(self) -> QuerySet[Opportunity]:
        return selectors.opportunity_list(
            user=self.user, search=self.request.query_params.get("search", "")
        )

    def write_data(self, serializer: serializers.BaseSerializer[Opportunity]) -> dict[str, Any]:
        data = dict(serializer.validated_data)
        opportunity = serializer.instance
        if opportunity is not None and data.pop("customer", opportunity.customer) != (
            opportunity.customer
        ):
            raise serializers.ValidationError(
                {"customer": [_("An opportunity cannot be moved to another customer.")]}
            )
        return data

    @extend_schema(request=MoveSerializer, responses=OpportunitySerializer)
    @action(detail=True, methods=["post"], permission="sales.change_opportunity")
    def move(self, request: Request, pk: str | None = None) -> Response:
        """Move to another stage of the pipeline; a lost stage needs `lost_reason`; a stale
        `version` is a 409."""
        payload = MoveSerializer(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        opportunity = services.opportunity_move(
            actor=self.user, opportunity=self.get_object(), **payload.validated_data
        )
        return Response(self.get_serializer(opportunity).data)


class StageViewSet(RecordViewSet):
    """Each business mode's pipeline stages with their win probability; admins edit them."""

    serializer_class = StageSerializer
    filterset_fields = ["business_mode", "is_won", "is_lost"]
    ordering = ["business_mode", "order", "id"]
    http_method_names = CHANGES
    writes = Writes.named(services, "stage")

    def get_queryset(self) -> QuerySet[Stage]:
        return selectors.stages()


class TargetViewSet(RecordViewSet):
    """Sales targets of the people (and teams) the user may see."""

    serializer_class = TargetSerializer
    filterset_fields = ["period", "period_start", "user", "department"]
    ordering = ["-period_start", "id"]
    writes = Writes.named(services, "target")

    def get_queryset(self) -> QuerySet[SalesTarget]:
        return selectors.target_queryset(user=self.user)
