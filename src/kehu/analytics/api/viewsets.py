"""The analytics API: actions to keep customers at risk, on the customers the caller sees."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from rest_framework import serializers

from kehu.analytics.api.serializers import ChurnActionSerializer
from kehu.analytics.models import ChurnAction
from kehu.analytics.selectors.churn_actions import churn_action_queryset
from kehu.analytics.services import churn_actions
from kehu.core.api.viewsets import RecordViewSet, Writes


class ChurnActionViewSet(RecordViewSet):
    """Actions given to customers at risk: who does what by when, and whether it was done."""

    serializer_class = ChurnActionSerializer
    filterset_fields = ["customer", "assignee"]
    writes = Writes.named(churn_actions, "churn_action")

    def get_queryset(self) -> QuerySet[ChurnAction]:
        return churn_action_queryset(user=self.user)

    def write_data(self, serializer: serializers.BaseSerializer[Any]) -> dict[str, Any]:
        data = super().write_data(serializer)
        if "is_done" in data:
            data["done"] = data.pop("is_done")
        return data
