"""Merging two scored customers: the purchases move, the scores wait for the next run."""

from __future__ import annotations

import pytest

from kehu.analytics import services
from kehu.analytics.models import CustomerScore, Purchase, StageOverride
from kehu.customers.models import Customer
from kehu.customers.services import customer_merge
from tests.analytics.db.conftest import AS_OF, HISTORIES

pytestmark = pytest.mark.django_db


def test_two_scored_customers_merge(hand_set: dict[str, Customer]) -> None:
    survivor, other = hand_set["c1"], hand_set["c5"]
    StageOverride.objects.create(customer=survivor, lifecycle_locked=True)
    StageOverride.objects.create(customer=other, relationship_locked=True)
    services.scores_recompute(as_of=AS_OF)
    survivor.refresh_from_db()
    other.refresh_from_db()

    customer_merge(actor=survivor.owner, survivor=survivor, other=other)

    assert Purchase.objects.filter(customer=survivor).count() == len(HISTORIES["c1"]) + len(
        HISTORIES["c5"]
    )
    assert CustomerScore.objects.filter(customer=survivor).count() == 1
    assert StageOverride.objects.get(customer=survivor).lifecycle_locked

    services.scores_recompute(as_of=AS_OF)

    score = CustomerScore.objects.get(customer=survivor, run__is_current=True)
    assert score.frequency == len(HISTORIES["c1"]) + len(HISTORIES["c5"])
