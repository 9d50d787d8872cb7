"""The analytics API's shapes: actions to keep customers at risk."""

from __future__ import annotations

from rest_framework import serializers

from kehu.analytics.models import ChurnAction
from kehu.analytics.services.churn_actions import CHURN_ACTION_FIELDS
from kehu.core.api.fields import username_field
from kehu.customers.api.serializers import visible_customer_field


class ChurnActionSerializer(serializers.ModelSerializer):
    customer = visible_customer_field()
    assignee = username_field(required=False)
    done = serializers.BooleanField(required=False, source="is_done")
    version = serializers.IntegerField(required=False, min_value=1)

    class Meta:
        model = ChurnAction
        fields = [
            "id",
            "customer",
            *CHURN_ACTION_FIELDS,
            "done",
            "done_at",
            "churn_probability",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "done_at", "churn_probability", "created_at", "updated_at"]
