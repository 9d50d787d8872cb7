"""Settings that administrators edit: lead sources, pipeline stages, team settings."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from kehu.core.models import Department
from kehu.sales.models import LeadSource, Stage, TeamSettings
from kehu.sales.services._common import assign_fields

SOURCE_FIELDS = ["name", "channel", "order", "is_active"]
STAGE_FIELDS = ["business_mode", "name", "order", "probability", "is_won", "is_lost"]


@transaction.atomic
def lead_source_save(*, source: LeadSource | None = None, **fields: Any) -> LeadSource:
    source = source or LeadSource()
    assign_fields(source, fields, SOURCE_FIELDS)
    source.full_clean()
    source.save()
    return source


@transaction.atomic
def stage_save(*, stage: Stage | None = None, **fields: Any) -> Stage:
    stage = stage or Stage()
    assign_fields(stage, fields, STAGE_FIELDS)
    stage.full_clean()
    stage.save()
    return stage


@transaction.atomic
def team_settings_save(*, department: Department, lead_follow_up_days: int | None) -> TeamSettings:
    settings, _created = TeamSettings.objects.get_or_create(department=department)
    settings.lead_follow_up_days = lead_follow_up_days
    settings.full_clean()
    settings.save(update_fields=["lead_follow_up_days"])
    return settings
