"""Optimistic locking: a write names the version it read and wins only if it is still current."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone

from kehu.core.exceptions import VersionConflict


def save_versioned(instance: Any, *, expected_version: int, fields: list[str]) -> None:
    """Write `fields` of `instance` and bump its version, or raise VersionConflict.

    The compare-and-set is one UPDATE, so two writers racing on the same version cannot
    both succeed, whatever the database's isolation level.
    """
    model: type[models.Model] = type(instance)
    values = {name: getattr(instance, name) for name in fields}
    if any(f.name == "updated_at" for f in model._meta.get_fields()):
        instance.updated_at = values["updated_at"] = timezone.now()
    updated = model._default_manager.filter(pk=instance.pk, version=expected_version).update(
        **values, version=expected_version + 1
    )
    if not updated:
        current = (
            model._default_manager.filter(pk=instance.pk).values_list("version", flat=True).first()
        )
        raise VersionConflict(current)
    instance.version = expected_version + 1
