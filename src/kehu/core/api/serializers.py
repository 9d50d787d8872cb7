"""Serializers every app's API shares: personal data as the reader may see it, and history."""

from __future__ import annotations

from dataclasses import asdict
from functools import cached_property
from typing import Any

from drf_spectacular.utils import extend_schema_field, inline_serializer
from rest_framework import serializers

from kehu.core.api.fields import recorded_person_field
from kehu.core.contact_details import email_mask, phone_display, phone_mask
from kehu.core.history import change_lines
from kehu.core.models import Change
from kehu.core.roles import VIEW_CONTACT_DETAILS


class ContactDetailsReader(serializers.Serializer):
    """A serializer that shows contact details: in full to those allowed to see them."""

    @cached_property
    def _reveals_contact_details(self) -> bool:
        # A list's items share one serializer: the permission is asked once a page.
        request = self.context.get("request")
        return request is not None and bool(request.user.has_perm(VIEW_CONTACT_DETAILS))


class ContactDetailsMixin(ContactDetailsReader):
    """Phone and e-mail in full for those allowed to see them, masked for everyone else."""

    def to_representation(self, instance: Any) -> dict[str, Any]:
        data: dict[str, Any] = super().to_representation(instance)
        allowed = self._reveals_contact_details
        data["phone"] = phone_display(instance.phone) if allowed else phone_mask(instance.phone)
        data["email"] = instance.email if allowed else email_mask(instance.email)
        return data


class ChangeSerializer(ContactDetailsReader, serializers.ModelSerializer):
    actor = recorded_person_field()
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
        return [
            asdict(line)
            for line in change_lines(change, reveal_contact_details=self._reveals_contact_details)
        ]
