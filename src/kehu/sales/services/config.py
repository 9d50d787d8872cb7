"""Settings that administrators edit: lead sources, pipeline stages, team settings."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from kehu.core.models import Department, User
from kehu.core.records import fields_assign
from kehu.sales.models import LeadSource, Stage, TeamSettings

SOURCE_FIELDS = ["name", "channel", "order", "is_active"]
STAGE_FIELDS = ["business_mode", "name", "order", "probability", "is_won", "is_lost"]


@transaction.atomic
def lead_source_create(*, actor: User | None, **fields: Any) -> LeadSource:
    return lead_source_update(actor=actor, source=LeadSource(), **fields)


@transaction.atomic
def lead_source_update(*, actor: User | None, source: LeadSource, **fields: Any) -> LeadSource:
    fields_assign(source, fields, SOURCE_FIELDS, actor=actor)
    source.full_clean()
    source.save()
    return source


@transaction.atomic
def stage_create(*, actor: User | None, **fields: Any) -> Stage:
    return stage_update(actor=actor, stage=Stage(), **fields)


@transaction.atomic
def stage_update(*, actor: User | None, stage: Stage, **fields: Any) -> Stage:
    """Change a stage. Stages carry no version: an administrator's edit is the last word."""
    fields_assign(stage, fields, STAGE_FIELDS, actor=actor)
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
