"""Filters the API's list routes share."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import django_filters
from django.core.exceptions import ValidationError
from django_filters.fields import IsoDateTimeField


class _UtcIsoDateTimeField(IsoDateTimeField):
    def to_python(self, value: Any) -> datetime | None:
        moment: datetime | None = super().to_python(value)
        if moment is None:
            return None
        try:
            return moment.astimezone(UTC)
        except OverflowError as error:  # year 1 at +05:00 is before any UTC time
            raise ValidationError(self.error_messages["invalid"], code="invalid") from error


class UtcDateTimeFilter(django_filters.IsoDateTimeFilter):
    """An ISO 8601 time with any offset, compared in UTC: PostgreSQL refuses offsets past
    ±15:59 (as -18:14) that the notation allows."""

    field_class = _UtcIsoDateTimeField
