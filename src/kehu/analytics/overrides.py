"""Stages and levels a person set by hand: the analytics leave them alone from then on."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType

from kehu.analytics.models import StageOverride
from kehu.core.models import Change, ChangeAction
from kehu.customers.models import Customer

# Customer field → the StageOverride flag a person's edit of it sets.
LOCKS = {"lifecycle_stage": "lifecycle_locked", "relationship_level": "relationship_locked"}


def manual_edit_record(sender: Any, instance: Change, created: bool, **_: Any) -> None:
    """After a person's edit of a customer's stage or level, lock that field.

    Connected to Change's post_save: it runs inside the edit's own transaction. Changes
    without an actor are the system's, the analytics' own among them.
    """
    edited = [field for field in LOCKS if field in instance.changes]
    if not (created and edited and instance.actor_id and instance.action == ChangeAction.UPDATE):
        return
    if instance.target_type_id != ContentType.objects.get_for_model(Customer).pk:
        return
    StageOverride.objects.update_or_create(
        customer_id=instance.target_id, defaults={LOCKS[field]: True for field in edited}
    )
