"""The sales API's shapes: leads and what is done to them, opportunities, stages, targets."""

from __future__ import annotations

from typing import Any

import django_filters
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from kehu.core.api.fields import VisibleRecordField, recorded_person_field, username_field
from kehu.core.api.serializers import ContactDetailsMixin
from kehu.core.models import Department
from kehu.customers.api.serializers import visible_customer_field
from kehu.customers.models import Activity, Contact
from kehu.sales import selectors, services
from kehu.sales.models import Lead, LeadSource, LeadStatus, Opportunity, SalesTarget, Stage


def _team_field(**kwargs: Any) -> serializers.PrimaryKeyRelatedField[Department]:
    """A team (a department) whose salespeople take leads in turn."""
    return serializers.PrimaryKeyRelatedField(queryset=Department.objects.all(), **kwargs)


class LeadSerializer(ContactDetailsMixin, serializers.ModelSerializer):
    owner = username_field(required=False, allow_null=True)
    # DRF's stubs take a serializer's `source` for a field's own source path.
    source = VisibleRecordField(LeadSource, rows=selectors.active_lead_sources)  # type: ignore[assignment]
    referred_by_customer = visible_customer_field(required=False, allow_null=True)
    referred_by_contact = VisibleRecordField(Contact, required=False, allow_null=True)
    team = _team_field(
        required=False,
        write_only=True,
        help_text=_("Assign round-robin within this department's salespeople."),
    )
    opportunity: serializers.PrimaryKeyRelatedField[Opportunity] = (
        serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    )
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
    owner = username_field(required=False)
    team = _team_field(required=False)
    version = serializers.IntegerField(min_value=1)


class ConversionOpportunitySerializer(serializers.ModelSerializer):
    stage = VisibleRecordField(Stage, required=False)

    class Meta:
        model = Opportunity
        fields = ["name", "business_mode", "stage", "amount", "currency", "expected_close_date"]


class ConvertSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=1)
    customer = visible_customer_field(
        required=False,
        allow_null=True,
        help_text=_("Link the lead to this existing customer instead of creating one."),
    )
    allow_duplicate = serializers.BooleanField(default=False)
    opportunity = ConversionOpportunitySerializer(required=False)


class ConversionResultSerializer(serializers.Serializer):
    customer = serializers.IntegerField(source="customer.pk")
    contact = serializers.IntegerField(source="contact.pk")
    opportunity = serializers.IntegerField(source="opportunity.pk", allow_null=True)
    customer_created = serializers.BooleanField()


class FollowUpSerializer(serializers.ModelSerializer):
    author = recorded_person_field()

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


class OpportunitySerializer(serializers.ModelSerializer):
    customer = visible_customer_field()
    owner = username_field(required=False)
    stage = VisibleRecordField(Stage, required=False)
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
    stage = VisibleRecordField(Stage)
    version = serializers.IntegerField(min_value=1)
    lost_reason = serializers.CharField(max_length=500, required=False, allow_blank=True)


class OpportunityFilter(django_filters.FilterSet):
    owner = django_filters.CharFilter(field_name="owner__username")
    closes_after = django_filters.DateFilter(field_name="expected_close_date", lookup_expr="gte")
    closes_before = django_filters.DateFilter(field_name="expected_close_date", lookup_expr="lte")

    class Meta:
        model = Opportunity
        fields = ["customer", "business_mode", "stage", "currency"]


class StageSerializer(serializers.ModelSerializer):
    class Meta:
        model = Stage
        fields = ["id", *services.STAGE_FIELDS]


class TargetSerializer(serializers.ModelSerializer):
    user = username_field(required=False, allow_null=True)
    department = _team_field(required=False, allow_null=True)
    version = serializers.IntegerField(required=False, min_value=1)

    class Meta:
        model = SalesTarget
        fields = ["id", *services.TARGET_FIELDS, "version", "updated_at"]
        read_only_fields = ["id", "updated_at"]
        # The model checks one target per person (or team) and period when it is saved.
        validators: list[Any] = []
