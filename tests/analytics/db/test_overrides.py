"""Stages set by hand are locked however the edit was recorded: one at a time or in bulk."""

from __future__ import annotations

import pytest

from kehu.analytics import services
from kehu.analytics.models import StageOverride
from kehu.core.history import change_records_bulk
from kehu.core.models import ChangeAction
from kehu.customers import services as customer_services
from kehu.customers.models import Customer
from tests.analytics.db.conftest import AS_OF

pytestmark = pytest.mark.django_db


def _locks() -> dict[int, tuple[bool, bool]]:
    return {
        row.customer_id: (row.lifecycle_locked, row.relationship_locked)
        for row in StageOverride.objects.all()
    }


def test_a_bulk_recorded_manual_edit_locks_the_stage(hand_set: dict[str, Customer]) -> None:
    c1, c2, c3 = hand_set["c1"], hand_set["c2"], hand_set["c3"]
    Customer.objects.filter(pk=c1.pk).update(lifecycle_stage="decline")
    Customer.objects.filter(pk=c2.pk).update(relationship_level="strategic_alliance")
    change_records_bulk(
        actor=c1.owner,
        action=ChangeAction.UPDATE,
        entries=[
            (c1, {"lifecycle_stage": ["", "decline"]}, c1.pk),
            (c2, {"relationship_level": ["", "strategic_alliance"]}, c2.pk),
            (c3, {"name": [c3.name, "改名"]}, c3.pk),
        ],
    )

    assert _locks() == {c1.pk: (True, False), c2.pk: (False, True)}

    services.scores_recompute(as_of=AS_OF)

    c1.refresh_from_db()
    c2.refresh_from_db()
    assert c1.lifecycle_stage == "decline"
    assert c2.relationship_level == "strategic_alliance"
    # What was not set by hand follows the behaviour.
    assert c1.relationship_level == "preferred_supplier"


def test_a_later_edit_adds_to_the_locks_and_repeats_are_one_row(
    hand_set: dict[str, Customer],
) -> None:
    c1 = hand_set["c1"]
    customer_services.customer_update(
        actor=c1.owner, customer=c1, version=c1.version, lifecycle_stage="decline"
    )
    change_records_bulk(
        actor=c1.owner,
        action=ChangeAction.UPDATE,
        entries=[
            (c1, {"relationship_level": ["", "partnership"]}, c1.pk),
            (c1, {"relationship_level": ["partnership", "strategic_alliance"]}, c1.pk),
        ],
    )

    assert _locks() == {c1.pk: (True, True)}


def test_edits_by_kehu_itself_or_creations_lock_nothing(hand_set: dict[str, Customer]) -> None:
    c1, c2 = hand_set["c1"], hand_set["c2"]
    change_records_bulk(
        actor=None,
        action=ChangeAction.UPDATE,
        entries=[(c1, {"lifecycle_stage": ["", "decline"]}, c1.pk)],
    )
    change_records_bulk(
        actor=c2.owner,
        action=ChangeAction.CREATE,
        entries=[(c2, {"lifecycle_stage": [None, "decline"]}, c2.pk)],
    )

    assert _locks() == {}
