"""Stages and levels a person set by hand: the analytics leave them alone from then on."""

from __future__ import annotations

from collections import defaultdict

from django.contrib.contenttypes.models import ContentType

from kehu.analytics.models import StageOverride
from kehu.core.models import Change, ChangeAction
from kehu.customers.models import Customer

# Customer field → the StageOverride flag a person's edit of it sets.
LOCKS = {"lifecycle_stage": "lifecycle_locked", "relationship_level": "relationship_locked"}


def manual_edit_record(sender: type[Change], changes: list[Change], **_: object) -> None:
    """After a person's edits of customers' stages or levels, lock those fields.

    Connected to core.history.changes_recorded: it runs inside the edit's own transaction,
    for single and bulk writes alike. Changes without an actor are the system's, the
    analytics' own among them.
    """
    customers = ContentType.objects.get_for_model(Customer).pk
    flags: dict[int, set[str]] = defaultdict(set)
    for change in changes:
        if not (change.actor_id and change.action == ChangeAction.UPDATE):
            continue
        if change.target_type_id == customers:
            flags[change.target_id].update(
                flag for field, flag in LOCKS.items() if field in change.changes
            )
    by_flags: dict[frozenset[str], list[int]] = defaultdict(list)
    for customer_id, customer_flags in flags.items():
        if customer_flags:
            by_flags[frozenset(customer_flags)].append(customer_id)
    for set_flags, customer_ids in by_flags.items():
        # One upsert per combination of flags: a row that exists gets only these flags set,
        # so a lock set earlier stays.
        StageOverride.objects.bulk_create(
            [
                StageOverride(customer_id=pk, **dict.fromkeys(set_flags, True))
                for pk in customer_ids
            ],
            update_conflicts=True,
            unique_fields=["customer"],
            update_fields=[*sorted(set_flags), "changed_at"],
        )
