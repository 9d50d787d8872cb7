"""The customer pool (公海), follow-ups and handover."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone, translation

from kehu.core.exceptions import VersionConflict
from kehu.core.history import change_lines
from kehu.core.models import Change, Role
from kehu.core.services import user_save
from kehu.customers import services
from kehu.customers.models import Customer

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(make_user, make_department):
    north = make_department("华北销售部")
    manager = make_user("liming", "sales_manager", department=north)
    return {
        "manager": manager,
        "alice": make_user("alice", department=north, manager=manager),
        "bob": make_user("bob", department=north, manager=manager),
    }


def test_a_released_customer_is_in_the_pool_with_its_reason(team, make_customer):
    customer = make_customer(team["alice"])
    services.customer_release(actor=team["alice"], customer=customer, reason="客户已转行")
    customer.refresh_from_db()
    assert customer.owner is None and customer.released_at is not None
    change = Change.objects.get(action="release")
    assert change.changes == {
        "owner": [team["alice"].display_name, None],
        "reason": [None, "客户已转行"],
    }


def test_releasing_needs_a_reason(team, make_customer):
    customer = make_customer(team["alice"])
    with pytest.raises(ValidationError) as error:
        services.customer_release(actor=team["alice"], customer=customer, reason="  ")
    assert "reason" in error.value.message_dict


def test_claiming_takes_the_customer_and_a_second_claim_loses(team, make_customer):
    customer = make_customer(team["alice"])
    services.customer_release(actor=team["alice"], customer=customer, reason="不跟了")
    services.customer_claim(actor=team["bob"], customer_id=customer.pk)
    with pytest.raises(VersionConflict):
        services.customer_claim(actor=team["alice"], customer_id=customer.pk)
    customer.refresh_from_db()
    assert customer.owner == team["bob"]


def test_claims_stop_at_the_roles_limit(team, make_customer):
    Role.objects.filter(code="sales").update(customer_limit=1)
    team["bob"].refresh_from_db()
    first, second = make_customer(team["alice"], name="甲"), make_customer(team["alice"], name="乙")
    for customer in (first, second):
        services.customer_release(actor=team["alice"], customer=customer, reason="释放")
    services.customer_claim(actor=team["bob"], customer_id=first.pk)
    with pytest.raises(ValidationError) as error:
        services.customer_claim(actor=team["bob"], customer_id=second.pk)
    assert "owner" in error.value.message_dict
    assert Customer.objects.get(pk=second.pk).owner is None


@pytest.mark.django_db(transaction=True)
def test_two_people_claiming_at_once_cannot_both_win(team, make_customer):
    customer = make_customer(team["alice"])
    services.customer_release(actor=team["alice"], customer=customer, reason="释放")
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def claim(user):
        barrier.wait()
        try:
            services.customer_claim(actor=user, customer_id=customer.pk)
            outcomes.append("won")
        except VersionConflict:
            outcomes.append("lost")
        finally:
            connection.close()

    threads = [threading.Thread(target=claim, args=(team[name],)) for name in ("alice", "bob")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["lost", "won"]
    assert Change.objects.filter(action="claim").count() == 1


def test_the_sweep_returns_customers_nobody_followed_up(team, make_customer, make_department):
    now = timezone.now()
    stale = make_customer(team["alice"], name="久未跟进")
    followed = make_customer(team["alice"], name="刚跟进")
    fresh = make_customer(team["bob"], name="新认领")
    Customer.objects.filter(pk__in=[stale.pk, followed.pk]).update(
        created_at=now - timedelta(days=90), owner_since=now - timedelta(days=90)
    )
    services.activity_create(
        actor=team["alice"],
        customer=followed,
        kind="call",
        subject="回访",
        at=now - timedelta(days=2),
    )

    assert services.pool_sweep(now=now) == 1

    assert Customer.objects.get(pk=stale.pk).owner is None
    assert Customer.objects.get(pk=followed.pk).owner == team["alice"]
    assert Customer.objects.get(pk=fresh.pk).owner == team["bob"]
    release = Change.objects.get(action="release")
    assert release.changes["reason"][1] == {"code": "no_follow_up", "days": 30}
    for language, reason in (("en", "No follow-up for 30 days"), ("zh-hans", "30 天未跟进")):
        with translation.override(language):
            lines = change_lines(release, reveal_contact_details=False)
        assert [line.new for line in lines if line.field == "reason"] == [reason]


def test_each_department_sets_its_own_pool_deadline(team, make_customer):
    north = team["alice"].department
    north.pool_after_days = 120
    north.save()
    customer = make_customer(team["alice"])
    Customer.objects.filter(pk=customer.pk).update(owner_since=timezone.now() - timedelta(days=90))
    assert services.pool_sweep() == 0


def test_a_follow_up_moves_the_last_activity_forward_only(team, make_customer):
    customer = make_customer(team["alice"])
    later = timezone.now()
    services.activity_create(
        actor=team["alice"], customer=customer, kind="visit", subject="拜访", at=later
    )
    services.activity_create(
        actor=team["alice"],
        customer=customer,
        kind="note",
        subject="补记",
        at=later - timedelta(days=5),
    )
    customer.refresh_from_db()
    assert customer.last_activity_at == later


def test_a_manager_hands_all_of_a_leavers_customers_over(team, make_customer):
    for index in range(3):
        make_customer(team["alice"], name=f"客户{index}")
    moved = services.customers_transfer(
        actor=team["manager"], from_user=team["alice"], to_user=team["bob"], reason="离职交接"
    )
    assert moved == 3
    assert Customer.objects.filter(owner=team["bob"]).count() == 3
    assert Change.objects.filter(action="transfer").count() == 3


def test_a_handover_of_chosen_customers_only_moves_those(team, make_customer):
    keep, move = make_customer(team["alice"], name="留"), make_customer(team["alice"], name="走")
    services.customers_transfer(
        actor=team["manager"], ids=[move.pk], to_user=team["bob"], reason="调整"
    )
    assert Customer.objects.get(pk=keep.pk).owner == team["alice"]
    assert Customer.objects.get(pk=move.pk).owner == team["bob"]


def test_a_salesperson_cannot_hand_over_to_someone_outside_their_scope(team, make_customer):
    make_customer(team["alice"])
    with pytest.raises(ValidationError):
        services.customers_transfer(
            actor=team["alice"], from_user=team["alice"], to_user=team["bob"], reason="x"
        )


def test_a_user_who_still_owns_customers_cannot_be_deactivated(team, make_customer):
    alice = team["alice"]
    make_customer(alice)
    with pytest.raises(ValidationError) as error:
        user_save(user=alice, username="alice", role=alice.role, is_active=False)
    assert "is_active" in error.value.message_dict
    services.customers_transfer(
        actor=team["manager"], from_user=alice, to_user=team["bob"], reason="离职"
    )
    user_save(user=alice, username="alice", role=alice.role, is_active=False)
