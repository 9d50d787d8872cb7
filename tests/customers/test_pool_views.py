"""Pages for the pool, handover, duplicates and follow-ups."""

from __future__ import annotations

import pytest

from kehu.customers import services
from kehu.customers.models import Activity, Customer

pytestmark = pytest.mark.django_db


def test_release_from_the_customer_page_then_claim_from_the_pool(team, make_customer, client):
    customer = make_customer(team["alice"], name="渭南金穗粮油有限公司")
    client.force_login(team["alice"])
    assert (
        client.post(f"/customers/{customer.pk}/release/", {"reason": "客户转向竞品"}).status_code
        == 302
    )
    assert Customer.objects.get(pk=customer.pk).owner is None

    client.force_login(team["bob"])
    assert "渭南金穗粮油有限公司" in client.get("/customers/pool/").content.decode()
    row = client.post(f"/customers/{customer.pk}/claim/", HTTP_HX_REQUEST="true")
    assert row.status_code == 200 and 'href="/customers/' in row.content.decode()
    assert Customer.objects.get(pk=customer.pk).owner == team["bob"]


def test_a_release_without_reason_is_refused(team, make_customer, client):
    customer = make_customer(team["alice"])
    client.force_login(team["alice"])
    client.post(f"/customers/{customer.pk}/release/", {"reason": ""})
    assert Customer.objects.get(pk=customer.pk).owner == team["alice"]


def test_a_late_claim_shows_who_was_first(team, make_customer, client):
    customer = make_customer(team["alice"])
    services.customer_release(actor=team["alice"], customer=customer, reason="释放")
    services.customer_claim(actor=team["bob"], customer_id=customer.pk)
    client.force_login(team["alice"])
    assert (
        client.post(f"/customers/{customer.pk}/claim/", HTTP_HX_REQUEST="true").status_code == 404
    )


def test_handover_of_all_customers_through_the_page(team, make_customer, client):
    for index in range(3):
        make_customer(team["alice"], name=f"客户{index}")
    client.force_login(team["manager"])
    checklist = client.get(
        "/customers/handover/", {"from_user": team["alice"].pk}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert checklist.count('name="customers"') == 3
    response = client.post(
        "/customers/handover/",
        {"from_user": team["alice"].pk, "to_user": team["bob"].pk, "reason": "离职交接"},
    )
    assert response.status_code == 302
    assert Customer.objects.filter(owner=team["bob"]).count() == 3


def test_handover_of_ticked_customers_only(team, make_customer, client):
    keep, move = make_customer(team["alice"], name="留"), make_customer(team["alice"], name="走")
    client.force_login(team["manager"])
    client.post(
        "/customers/handover/",
        {
            "from_user": team["alice"].pk,
            "to_user": team["bob"].pk,
            "reason": "调整",
            "customers": [move.pk],
        },
    )
    assert Customer.objects.get(pk=keep.pk).owner == team["alice"]
    assert Customer.objects.get(pk=move.pk).owner == team["bob"]


def test_creating_a_likely_duplicate_asks_first(team, make_customer, client):
    make_customer(team["bob"], name="西安宏达食品有限公司")
    client.force_login(team["alice"])
    form = {
        "name": "西安宏达食品",
        "kind": "company",
        "credit_limit": "0",
        "currency": "CNY",
        "owner": team["alice"].pk,
    }
    warned = client.post("/customers/new/", form).content.decode()
    assert 'data-testid="duplicate-warning"' in warned
    # Bob's customer is outside Alice's scope: she learns that it exists, not its name.
    assert "西安宏达食品有限公司" not in warned and "bob" not in warned
    assert Customer.objects.count() == 1
    created = client.post("/customers/new/", {**form, "confirm_duplicate": "1"})
    assert created.status_code == 302 and Customer.objects.count() == 2


def test_the_duplicates_page_groups_and_merges(team, make_customer, client):
    first = make_customer(team["alice"], name="宏达食品有限公司")
    second = make_customer(team["alice"], name="宏达食品")
    client.force_login(team["alice"])
    page = client.get("/customers/duplicates/").content.decode()
    assert page.count('data-testid="duplicate-group"') == 1
    client.post(f"/customers/{first.pk}/merge/", {"other_id": second.pk})
    assert list(Customer.objects.values_list("pk", flat=True)) == [first.pk]


def test_logging_a_follow_up_on_the_customer_page(team, make_customer, client):
    customer = make_customer(team["alice"])
    client.force_login(team["alice"])
    form = client.get(f"/customers/{customer.pk}/activities/", HTTP_HX_REQUEST="true")
    assert 'data-testid="activity-form"' in form.content.decode()
    card = client.post(
        f"/customers/{customer.pk}/activities/",
        {"kind": "visit", "subject": "上门拜访", "at": "2026-11-20T10:30"},
        HTTP_HX_REQUEST="true",
    )
    assert "上门拜访" in card.content.decode()
    assert Activity.objects.get().at.strftime("%Y-%m-%d") == "2026-11-20"
    missing = client.post(f"/customers/{customer.pk}/activities/", {"kind": "visit"})
    assert 'data-field-error="subject"' in missing.content.decode()
