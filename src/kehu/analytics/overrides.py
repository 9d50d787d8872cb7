"""Stages and levels a person set by hand: the analytics leave them alone from then on."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType

from kehu.analytics.models import StageOverride
from kehu.core.models import Change, ChangeAction
from kehu.customers.models import Customer

# Customer field → the StageOverride flag a person's edit of it sets.
LOCKS = {"lifecycle_stage": "lifecycle_locked", "relationship_level": "relationship_locked"}


def manual_edit_record(sender: Any, changes: list[Change], **_: Any) -> None:
    """After a person's edits of customers' stages or levels, lock those fields.

    Connected to core.history.changes_recorded: it runs inside the edit's own transaction,
    for single and bulk writes alike. Changes without an actor are the system's, the
    analytics' own among them.
    """
    customers = ContentType.objects.get_for_model(Customer).pk
    for change in changes:
        edited = [field for field in LOCKS if field in change.changes]
        if not (edited and change.actor_id and change.action == ChangeAction.UPDATE):
            continue
        if change.target_type_id != customers:
            continue
        StageOverride.objects.update_or_create(
            customer_id=change.target_id, defaults={LOCKS[field]: True for field in edited}
        )
