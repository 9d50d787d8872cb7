"""The pool, handover, merge and follow-up endpoints."""

from __future__ import annotations

import pytest

from kehu.customers.models import Activity, Customer

pytestmark = pytest.mark.django_db


def test_release_then_claim_through_the_api(team, api_client, make_customer):
    customer = make_customer(team["alice"])
    alice, bob = api_client(team["alice"]), api_client(team["bob"])

    missing_reason = alice.post(f"/api/v1/customers/{customer.pk}/release/", {}, format="json")
    assert missing_reason.status_code == 400 and "reason" in missing_reason.json()

    released = alice.post(
        f"/api/v1/customers/{customer.pk}/release/", {"reason": "不再合作"}, format="json"
    )
    assert released.status_code == 200 and released.json()["owner"] is None
    assert [c["id"] for c in bob.get("/api/v1/customers/pool/").json()["results"]] == [customer.pk]

    claimed = bob.post(f"/api/v1/customers/{customer.pk}/claim/")
    assert claimed.status_code == 200 and claimed.json()["owner"] == "bob"
    assert alice.post(f"/api/v1/customers/{customer.pk}/claim/").status_code == 404
    assert bob.get("/api/v1/customers/pool/").json()["count"] == 0


def test_transfer_by_ids_or_by_user(team, api_client, make_customer):
    first, second = make_customer(team["alice"], name="甲"), make_customer(team["alice"], name="乙")
    manager = api_client(team["manager"])
    by_ids = manager.post(
        "/api/v1/customers/transfer/",
        {"ids": [first.pk], "to_user": "bob", "reason": "调整"},
        format="json",
    )
    assert by_ids.json() == {"transferred": 1}
    by_user = manager.post(
        "/api/v1/customers/transfer/",
        {"from_user": "alice", "to_user": "bob", "reason": "离职"},
        format="json",
    )
    assert by_user.json() == {"transferred": 1}
    assert set(Customer.objects.values_list("owner__username", flat=True)) == {"bob"}
    assert second.pk in [c.pk for c in Customer.objects.filter(owner=team["bob"])]


def test_a_salesperson_cannot_hand_over_someone_elses_customers(team, api_client, make_customer):
    bobs = make_customer(team["bob"], name="乙")
    alice = api_client(team["alice"])
    for asked in ({"ids": [bobs.pk]}, {"from_user": "bob"}, {"ids": [bobs.pk + 1000]}):
        response = alice.post(
            "/api/v1/customers/transfer/",
            {**asked, "to_user": "alice", "reason": "想要"},
            format="json",
        )
        assert response.status_code == 403
        assert set(asked) <= set(response.json())
    assert Customer.objects.get(pk=bobs.pk).owner == team["bob"]


def test_transfer_needs_a_target_and_a_reason(team, api_client):
    response = api_client(team["manager"]).post(
        "/api/v1/customers/transfer/", {"from_user": "alice"}, format="json"
    )
    assert response.status_code == 400
    assert {"to_user", "reason"} <= set(response.json())


def test_a_user_name_with_a_nul_character_is_a_400_naming_its_field(team, api_client):
    # PostgreSQL refused even to look the name up, and the transfer was a server error.
    response = api_client(team["manager"]).post(
        "/api/v1/customers/transfer/",
        {"from_user": "alice", "to_user": "b\x00ob", "reason": "调整"},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()) == ["to_user"]


def test_merge_through_the_api_and_only_with_visible_customers(team, api_client, make_customer):
    survivor = make_customer(team["alice"], name="宏达食品有限公司")
    duplicate = make_customer(team["alice"], name="宏达食品")
    stranger = make_customer(team["bob"], name="宏达食品厂")
    alice = api_client(team["alice"])
    url = f"/api/v1/customers/{survivor.pk}/merge/"

    refused = alice.post(url, {"other_id": stranger.pk}, format="json")
    assert refused.status_code == 400 and "other_id" in refused.json()
    merged = alice.post(url, {"other_id": duplicate.pk}, format="json")
    assert merged.status_code == 200
    assert not Customer.objects.filter(pk=duplicate.pk).exists()
    history = alice.get(f"/api/v1/customers/{survivor.pk}/history/").json()["results"]
    assert history[0]["action"] == "merge"


def test_follow_ups_are_recorded_and_scoped(team, api_client, make_customer):
    mine = make_customer(team["alice"])
    theirs = make_customer(team["bob"])
    alice = api_client(team["alice"])
    created = alice.post(
        "/api/v1/activities/",
        {"customer": mine.pk, "kind": "visit", "subject": "上门拜访，洽谈年度合同"},
        format="json",
    )
    assert created.status_code == 201 and created.json()["author"] == "alice"
    assert (
        alice.post(
            "/api/v1/activities/",
            {"customer": theirs.pk, "kind": "call", "subject": "x"},
            format="json",
        ).status_code
        == 400
    )
    bad_kind = alice.post(
        "/api/v1/activities/", {"customer": mine.pk, "kind": "fax", "subject": "x"}, format="json"
    )
    assert bad_kind.status_code == 400 and "kind" in bad_kind.json()
    assert api_client(team["bob"]).get("/api/v1/activities/").json()["count"] == 0
    assert Activity.objects.count() == 1
    mine.refresh_from_db()
    assert mine.last_activity_at is not None


def test_creating_a_likely_duplicate_over_the_api_is_a_409_until_insisted(
    team, api_client, make_customer
):
    own = make_customer(team["alice"], name="西安宏达食品有限公司")
    make_customer(team["bob"], name="乙方", phone="13812345678")
    alice = api_client(team["alice"])
    asked = {"name": "西安宏达食品", "phone": "138 1234 5678"}
    refused = alice.post("/api/v1/customers/", asked, format="json")
    assert refused.status_code == 409
    assert refused.json()["candidates"] == [
        {"id": own.pk, "name": "西安宏达食品有限公司", "owner": "alice"},
        {"id": None, "name": None, "owner": None},
    ]
    assert Customer.objects.count() == 2
    created = alice.post("/api/v1/customers/?allow_duplicate=true", asked, format="json")
    assert created.status_code == 201 and Customer.objects.count() == 3
    fresh = alice.post("/api/v1/customers/", {"name": "全新客户"}, format="json")
    assert fresh.status_code == 201


@pytest.mark.parametrize("at", ["9999-12-31T10:00:00+08:00", "1900-01-01T10:00:00+08:00"])
def test_a_follow_up_dated_implausibly_is_refused_and_keeps_no_one_out_of_the_pool(
    team, api_client, make_customer, english, at
):
    customer = make_customer(team["alice"])
    response = api_client(team["alice"]).post(
        "/api/v1/activities/",
        {"customer": customer.pk, "kind": "call", "subject": "回访", "at": at},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["at"][0].startswith("A follow-up is dated when it happened")
    customer.refresh_from_db()
    assert customer.last_activity_at is None and not Activity.objects.exists()
