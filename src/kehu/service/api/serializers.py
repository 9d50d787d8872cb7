"""The service API's shapes: tickets and the steps of their work, and the desk's setup."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from kehu.core.api.fields import VisibleRecordField, recorded_person_field, username_field
from kehu.customers.api.serializers import visible_customer_field
from kehu.customers.models import Contact
from kehu.orders.models import Order, Product
from kehu.service import selectors
from kehu.service.models import (
    Article,
    BusinessCalendar,
    CalendarDay,
    CloseReason,
    Satisfaction,
    ServiceTeam,
    SlaPolicy,
    Ticket,
    TicketAttachment,
    TicketKind,
    TicketMessage,
)
from kehu.service.models.calendars import hours_text
from kehu.service.services.knowledge import ARTICLE_FIELDS
from kehu.service.services.setup import (
    CALENDAR_FIELDS,
    KIND_FIELDS,
    POLICY_FIELDS,
    weekly_from_text,
)
from kehu.service.services.tickets import TICKET_FIELDS, WORKING_STATUSES


def _team_field(**kwargs: Any) -> VisibleRecordField:
    return VisibleRecordField(ServiceTeam, **kwargs)


class TicketSerializer(serializers.ModelSerializer):
    number = serializers.CharField(read_only=True)
    kind = VisibleRecordField(TicketKind, rows=lambda user: selectors.kinds_active())
    customer = visible_customer_field()
    contact = VisibleRecordField(Contact, required=False, allow_null=True)
    order = VisibleRecordField(Order, required=False, allow_null=True)
    product = VisibleRecordField(Product, required=False, allow_null=True)
    team = _team_field(required=False, allow_null=True)
    assignee = username_field(required=False, allow_null=True)
    first_responsible = recorded_person_field()
    policy: serializers.SlugRelatedField[SlaPolicy] = serializers.SlugRelatedField(
        slug_field="name", read_only=True
    )
    close_reason = serializers.ChoiceField(
        choices=CloseReason.choices, allow_blank=True, read_only=True
    )
    version = serializers.IntegerField(required=False, min_value=1)

    class Meta:
        model = Ticket
        fields = [
            "id",
            "number",
            *TICKET_FIELDS,
            "team",
            "assignee",
            "first_responsible",
            "status",
            "policy",
            "first_responded_at",
            "response_due",
            "resolution_due",
            "paused",
            "response_breached",
            "resolution_breached",
            "resolved_at",
            "resolution",
            "closed_at",
            "close_reason",
            "reopen_count",
            "satisfaction",
            "satisfaction_comment",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            name for name in fields if name not in {*TICKET_FIELDS, "team", "assignee", "version"}
        ]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if self.instance is not None and ({"team", "assignee"} & attrs.keys()):
            raise serializers.ValidationError({"team": [_("Use the assign action.")]})
        return attrs


class TicketAssignSerializer(serializers.Serializer):
    team = _team_field(allow_null=True)
    assignee = username_field(
        required=False, allow_null=True, help_text=_("Empty: the team's next member in turn.")
    )


class ReplySerializer(serializers.Serializer):
    body = serializers.CharField(max_length=10000)
    from_customer = serializers.BooleanField(default=False)
    internal = serializers.BooleanField(default=False)


class MessageSerializer(serializers.ModelSerializer):
    author = recorded_person_field()

    class Meta:
        model = TicketMessage
        fields = ["id", "author", "from_customer", "internal", "body", "at"]
        read_only_fields = fields


class AttachSerializer(serializers.Serializer):
    file = serializers.FileField()


class AttachmentSerializer(serializers.ModelSerializer):
    uploaded_by = recorded_person_field()

    class Meta:
        model = TicketAttachment
        fields = ["id", "name", "size", "uploaded_by", "uploaded_at"]
        read_only_fields = fields


class StatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=[(s.value, s.label) for s in WORKING_STATUSES])


class ResolveSerializer(serializers.Serializer):
    resolution = serializers.CharField(max_length=10000)


class AcceptSerializer(serializers.Serializer):
    satisfaction = serializers.ChoiceField(
        choices=Satisfaction.choices, required=False, allow_null=True
    )
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class TicketReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


@extend_schema_field({"type": "object", "additionalProperties": {"type": "string"}})
class WeeklyHoursField(serializers.Field):
    """Weekly hours as {"0": "09:00-12:00, 13:30-18:00", …}, Monday "0"."""

    def to_representation(self, value: dict[str, list[list[int]]]) -> dict[str, str]:
        return {day: hours_text(intervals) for day, intervals in sorted(value.items())}

    def to_internal_value(self, data: Any) -> dict[str, list[list[int]]]:
        if not isinstance(data, dict) or not all(
            str(day) in {str(d) for d in range(7)} and isinstance(text, str)
            for day, text in data.items()
        ):
            raise serializers.ValidationError(_("Give hours per weekday, Monday 0 to Sunday 6."))
        try:
            return weekly_from_text({int(day): text for day, text in data.items()})
        except DjangoValidationError as error:
            raise serializers.ValidationError(
                [message for messages in error.message_dict.values() for message in messages]
            ) from None


class CalendarSerializer(serializers.ModelSerializer):
    weekly = WeeklyHoursField()
    version = serializers.IntegerField(required=False, min_value=1)

    class Meta:
        model = BusinessCalendar
        fields = ["id", *CALENDAR_FIELDS, "version"]


class CalendarDaySerializer(serializers.ModelSerializer):
    hours = serializers.CharField(required=False, allow_blank=True, default="")

    class Meta:
        model = CalendarDay
        fields = ["id", "date", "kind", "hours", "name", "source"]
        read_only_fields = ["id", "source"]

    def to_representation(self, instance: CalendarDay) -> dict[str, Any]:
        data = super().to_representation(instance)
        data["hours"] = hours_text(instance.hours)
        return data


class PolicySerializer(serializers.ModelSerializer):
    calendar = VisibleRecordField(BusinessCalendar)
    kinds = VisibleRecordField(TicketKind, many=True, required=False)
    version = serializers.IntegerField(required=False, min_value=1)

    class Meta:
        model = SlaPolicy
        fields = ["id", *POLICY_FIELDS, "kinds", "version"]


class ArticleSerializer(serializers.ModelSerializer):
    product = VisibleRecordField(Product, required=False, allow_null=True)
    reviewed_by = recorded_person_field()
    version = serializers.IntegerField(required=False, min_value=1)

    class Meta:
        model = Article
        fields = [
            "id",
            *ARTICLE_FIELDS,
            "status",
            "source_ticket",
            "reviewed_by",
            "published_at",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["status", "source_ticket", "published_at", "created_at", "updated_at"]


class SimilarCaseSerializer(serializers.Serializer):
    ticket = serializers.IntegerField(source="ticket.pk", allow_null=True, default=None)
    article = serializers.IntegerField(source="article.pk", allow_null=True, default=None)
    title = serializers.CharField()
    solution = serializers.CharField()
    score = serializers.FloatField()


class TicketKindSerializer(serializers.ModelSerializer):
    class Meta:
        model = TicketKind
        fields = ["id", *KIND_FIELDS]
