"""Recomputing the stored scores: right values, customers' fields, manual locks, restarts."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from kehu.analytics import services
from kehu.analytics.models import (
    AnalyticsRun,
    CustomerScore,
    Purchase,
    RunStatus,
    StageOverride,
)
from kehu.analytics.selectors import customer_score
from kehu.core.models import Change
from kehu.customers import services as customer_services
from kehu.customers.models import Customer
from tests.analytics.db.conftest import AS_OF

pytestmark = pytest.mark.django_db

# Worked out by hand from HISTORIES as of 2024-12-31 (docs/analytics.md has the rules):
# recency/frequency/monetary; scores 1 + ⌊5w/5⌋ with w the customers strictly worse;
# segment from r and f + m; ABC over 3,395 of sales; stage and level from the rule tables.
EXPECTED = {
    "c1": (30, 3, "300.00", 3, 4, 3, "loyal", "B", "formation", "preferred_supplier"),
    "c2": (184, 1, "1000.00", 2, 1, 4, "at_risk", "A", "exploration", "transactional"),
    "c3": (1, 1, "75.00", 4, 1, 2, "promising", "C", "exploration", "transactional"),
    "c4": (365, 2, "20.00", 1, 3, 1, "lost", "C", "formation", "transactional"),
    "c5": (0, 4, "2000.00", 5, 5, 5, "champions", "A", "stability", "preferred_supplier"),
}


def _scores(customers: dict[str, Customer]) -> dict[str, CustomerScore]:
    current = CustomerScore.objects.filter(run__is_current=True)
    by_pk = {score.customer_id: score for score in current}
    return {name: by_pk[customer.pk] for name, customer in customers.items()}


def test_recompute_writes_the_hand_checked_scores(hand_set: dict[str, Customer]) -> None:
    run = services.scores_recompute(as_of=AS_OF)

    assert (run.status, run.is_current, run.purchases, run.customers) == (
        RunStatus.DONE,
        True,
        12,
        5,
    )
    scores = _scores(hand_set)
    for name, expected in EXPECTED.items():
        score = scores[name]
        actual = (
            score.recency_days,
            score.frequency,
            str(score.monetary),
            score.r,
            score.f,
            score.m,
            score.segment,
            score.abc_class,
            score.computed_lifecycle_stage,
            score.computed_relationship_level,
        )
        assert actual == expected, name
    assert scores["c5"].sales_share == pytest.approx(2000 / 3395)
    for score in scores.values():
        assert 0 <= score.score <= 100 and score.grade in {"A", "B", "C", "D"}
        assert score.churn_probability is None or 0 <= score.churn_probability <= 1


def test_computed_stage_and_level_reach_the_customer_with_history(
    hand_set: dict[str, Customer],
) -> None:
    services.scores_recompute(as_of=AS_OF)

    c5 = Customer.objects.get(pk=hand_set["c5"].pk)
    assert (c5.lifecycle_stage, c5.relationship_level) == ("stability", "preferred_supplier")
    assert c5.version == hand_set["c5"].version + 1
    change = Change.objects.filter(customer_id=c5.pk, actor=None).get()
    assert change.changes == {
        "lifecycle_stage": ["", "stability"],
        "relationship_level": ["", "preferred_supplier"],
    }


def test_a_stage_set_by_hand_is_kept(hand_set: dict[str, Customer]) -> None:
    c5 = hand_set["c5"]
    customer_services.customer_update(
        actor=c5.owner, customer=c5, version=c5.version, lifecycle_stage="decline"
    )
    assert StageOverride.objects.get(customer=c5).lifecycle_locked

    services.scores_recompute(as_of=AS_OF)

    c5.refresh_from_db()
    # The person's stage stays; the level, never edited by hand, follows the behaviour.
    assert (c5.lifecycle_stage, c5.relationship_level) == ("decline", "preferred_supplier")
    score = customer_score(user=c5.owner, customer=c5)  # type: ignore[arg-type]
    assert score is not None and score.computed_lifecycle_stage == "stability"


def test_a_crashed_run_leaves_the_previous_scores_in_place(
    hand_set: dict[str, Customer], monkeypatch: pytest.MonkeyPatch
) -> None:
    first = services.scores_recompute(as_of=AS_OF)
    before = {s.customer_id: (s.run_id, s.monetary) for s in CustomerScore.objects.all()}
    Purchase.objects.filter(customer=hand_set["c1"]).update(amount=Decimal("7"))
    monkeypatch.setattr(services, "BATCH", 2)
    real_bulk_create = CustomerScore.objects.bulk_create
    calls: list[int] = []

    def crash_on_second_batch(objs: Any, *args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("the machine went down")
        return real_bulk_create(objs, *args, **kwargs)

    monkeypatch.setattr(CustomerScore.objects, "bulk_create", crash_on_second_batch)
    with pytest.raises(RuntimeError):
        services.scores_recompute(as_of=AS_OF)

    failed = AnalyticsRun.objects.exclude(pk=first.pk).get()
    assert failed.status == RunStatus.FAILED and "went down" in failed.error
    visible = CustomerScore.objects.filter(run__is_current=True)
    assert {s.customer_id: (s.run_id, s.monetary) for s in visible} == before
    assert CustomerScore.objects.filter(run=failed).count() == 2  # the one batch written

    monkeypatch.setattr(CustomerScore.objects, "bulk_create", real_bulk_create)
    third = services.scores_recompute(as_of=AS_OF)
    assert set(CustomerScore.objects.values_list("run_id", flat=True)) == {third.pk}
    assert _scores(hand_set)["c1"].monetary == Decimal("21.00")


def test_a_requested_run_runs_in_the_background(
    hand_set: dict[str, Customer], django_capture_on_commit_callbacks: Any
) -> None:
    owner = hand_set["c1"].owner
    with django_capture_on_commit_callbacks(execute=True):
        run = services.analytics_run_request(actor=owner)
        # Asking again while it waits does not queue a second run.
        assert services.analytics_run_request(actor=owner) == run

    run.refresh_from_db()
    assert run.status == RunStatus.DONE and run.customers == 5
    assert run.requested_by == owner


def test_no_purchases_makes_an_empty_current_run(db: Any) -> None:
    run = services.scores_recompute(as_of=AS_OF)

    assert run.status == RunStatus.DONE and run.is_current and run.customers == 0
