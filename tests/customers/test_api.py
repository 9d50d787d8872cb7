"""The customer and contact API contract: scopes, locking, masking, validation."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from kehu.core.models import Change
from kehu.customers.models import Contact, Customer

pytestmark = pytest.mark.django_db


def test_a_token_is_issued_for_the_right_password_only(team):
    client = APIClient()
    response = client.post(
        "/api/v1/auth/token/", {"username": "alice", "password": "correct-horse-battery"}
    )
    assert response.status_code == 200
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert client.get("/api/v1/customers/").status_code == 200

    wrong = APIClient().post("/api/v1/auth/token/", {"username": "alice", "password": "nope"})
    assert wrong.status_code == 400


def test_requests_without_a_token_are_refused():
    assert APIClient().get("/api/v1/customers/").status_code == 401


def test_create_read_update_and_delete_a_customer(team, api_client):
    client = api_client(team["manager"])
    created = client.post(
        "/api/v1/customers/",
        {
            "name": "渭南金穗粮油有限公司",
            "phone": "0913-3212345",
            "province": "陕西省",
            "city": "渭南市",
            "district": "大荔县",
            "owner": "alice",
            "tags": ["经销商"],
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert {k: body[k] for k in ["name", "kind", "phone", "owner", "version", "tags"]} == {
        "name": "渭南金穗粮油有限公司",
        "kind": "company",
        "phone": "09133212345",
        "owner": "alice",
        "version": 1,
        "tags": ["经销商"],
    }
    for key in ["id", "email", "province", "city", "created_at", "updated_at"]:
        assert key in body
    url = f"/api/v1/customers/{body['id']}/"

    updated = client.patch(url, {"version": 1, "industry": "food"}, format="json")
    assert updated.status_code == 200
    assert updated.json()["version"] == 2

    history = client.get(f"{url}history/").json()["results"]
    assert [entry["action"] for entry in history] == ["update", "create"]
    assert history[0]["actor"] == "liming"
    assert history[0]["lines"][0]["field"] == "industry"
    assert history[0]["lines"][0]["new"] == "食品饮料"

    assert client.delete(url).status_code == 204
    assert client.get(url).status_code == 404


def test_another_salespersons_customer_is_not_found(team, api_client, make_customer):
    bobs = make_customer(team["bob"], name="鑫源商贸")
    alice = api_client(team["alice"])
    url = f"/api/v1/customers/{bobs.pk}/"
    assert alice.get(url).status_code == 404
    assert alice.patch(url, {"version": 1, "name": "x"}, format="json").status_code == 404
    assert alice.get(f"{url}history/").status_code == 404
    assert alice.get("/api/v1/customers/", {"search": "鑫源"}).json()["count"] == 0
    assert alice.get("/api/v1/contacts/", {"customer": bobs.pk}).json()["count"] == 0
    assert api_client(team["manager"]).get(url).status_code == 200


def test_a_stale_version_gets_409_and_changes_nothing(team, api_client, make_customer):
    customer = make_customer(team["alice"])
    client = api_client(team["alice"])
    url = f"/api/v1/customers/{customer.pk}/"
    assert client.patch(url, {"version": 1, "notes": "first"}, format="json").status_code == 200

    stale = client.patch(url, {"version": 1, "notes": "second"}, format="json")

    assert stale.status_code == 409
    assert stale.json()["current_version"] == 2
    customer.refresh_from_db()
    assert customer.notes == "first"


def test_an_update_without_a_version_is_a_field_error(team, api_client, make_customer):
    customer = make_customer(team["alice"])
    response = api_client(team["alice"]).patch(
        f"/api/v1/customers/{customer.pk}/", {"notes": "x"}, format="json"
    )
    assert response.status_code == 400
    assert "version" in response.json()


def test_invalid_input_gets_field_messages_and_writes_nothing(team, api_client):
    response = api_client(team["alice"]).post(
        "/api/v1/customers/",
        {"name": "坏数据公司", "phone": "12345", "province": "陕西省", "city": "广州市"},
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()) == {"phone", "city"}
    assert "12345" in response.json()["phone"][0]
    assert not Customer.objects.exists()
    assert not Change.objects.exists()


def test_error_messages_follow_the_users_language(team, api_client):
    client = api_client(team["alice"])
    zh = client.post(
        "/api/v1/customers/", {"name": "甲", "phone": "1"}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    en = client.post("/api/v1/customers/", {"name": "甲", "phone": "1"}, HTTP_ACCEPT_LANGUAGE="en")
    assert zh.json()["phone"] != en.json()["phone"]
    assert "phone number" in en.json()["phone"][0]


def test_contact_details_are_masked_for_roles_without_the_permission(
    team, api_client, make_customer
):
    customer = make_customer(team["alice"], phone="13812345678", email="zhangsan@example.com")
    url = f"/api/v1/customers/{customer.pk}/"
    masked = api_client(team["finance"]).get(url).json()
    assert (masked["phone"], masked["email"]) == ("138****5678", "zh****@example.com")
    history = api_client(team["finance"]).get(f"{url}history/").json()["results"][0]
    assert "13812345678" not in str(history)
    full = api_client(team["manager"]).get(url).json()
    assert (full["phone"], full["email"]) == ("13812345678", "zhangsan@example.com")


def test_read_only_roles_cannot_write(team, api_client, make_customer):
    customer = make_customer(team["alice"])
    finance = api_client(team["finance"])
    assert finance.post("/api/v1/customers/", {"name": "x"}, format="json").status_code == 403
    patch = finance.patch(
        f"/api/v1/customers/{customer.pk}/", {"version": 1, "notes": "x"}, format="json"
    )
    assert patch.status_code == 403


def test_contacts_belong_to_customers_the_user_can_see(team, api_client, make_customer):
    mine = make_customer(team["alice"], name="我的客户")
    theirs = make_customer(team["bob"], name="别人的客户")
    client = api_client(team["alice"])

    refused = client.post(
        "/api/v1/contacts/", {"customer": theirs.pk, "name": "王五"}, format="json"
    )
    assert refused.status_code == 400
    assert "customer" in refused.json()

    created = client.post(
        "/api/v1/contacts/",
        {"customer": mine.pk, "name": "王五", "phone": "13900001111", "decision_role": "purchaser"},
        format="json",
    )
    assert created.status_code == 201
    contact_url = f"/api/v1/contacts/{created.json()['id']}/"
    assert (
        client.patch(contact_url, {"version": 1, "title": "采购经理"}, format="json").json()[
            "version"
        ]
        == 2
    )
    assert client.patch(contact_url, {"version": 1, "title": "x"}, format="json").status_code == 409
    assert Contact.objects.get().title == "采购经理"


def test_list_filters_search_and_ordering(team, api_client, make_customer):
    make_customer(team["alice"], name="张三", kind="individual", province="北京市")
    make_customer(team["alice"], name="西安宏达食品有限公司", province="陕西省")
    make_customer(team["bob"], name="广州百盛家具有限公司", province="广东省")
    client = api_client(team["manager"])

    def names(**params):
        return [c["name"] for c in client.get("/api/v1/customers/", params).json()["results"]]

    assert names(search="zs") == ["张三"]
    assert names(kind="company", ordering="name") == sorted(
        ["西安宏达食品有限公司", "广州百盛家具有限公司"]
    )
    assert names(owner="bob") == ["广州百盛家具有限公司"]
    assert names(province="陕西省") == ["西安宏达食品有限公司"]
    assert len(names(page_size=10, ordering="name")) == 3  # parameters that filter nothing
    refused = client.get("/api/v1/customers/", {"kind": "planet", "page_size": 10})
    assert refused.status_code == 400 and "kind" in refused.json()


def test_the_list_costs_the_same_queries_for_5_or_50_customers(team, api_client, make_customer):
    client = api_client(team["manager"])

    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get("/api/v1/customers/").status_code == 200
        return len(context)

    for index in range(5):
        make_customer(team["alice"], name=f"客户{index}", tags=["甲"])
    queries()  # the first request also loads the user's permissions
    few = queries()
    for index in range(5, 50):
        make_customer(team["bob"], name=f"客户{index}", tags=["乙", "丙"] if index % 2 else [])
    assert queries() == few

    listed = client.get("/api/v1/customers/", {"page_size": 50}).json()["results"]
    tags = {customer["name"]: sorted(customer["tags"]) for customer in listed}
    assert tags["客户0"] == ["甲"]
    assert tags["客户7"] == ["丙", "乙"]
    assert tags["客户8"] == []


def test_the_openapi_schema_and_docs_are_served(team, client):
    client.force_login(team["alice"])
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/customers/{id}/history/" in schema.content
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert b"cdn" not in docs.content.lower()
