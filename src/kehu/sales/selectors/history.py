"""The change history of one sales record."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet

from kehu.core.models import Change


def history(*, target: models.Model) -> QuerySet[Change]:
    """The record's changes, newest first."""
    return Change.objects.filter(
        target_type=ContentType.objects.get_for_model(target), target_id=target.pk
    ).select_related("actor", "target_type")
