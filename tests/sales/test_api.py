"""The sales REST API over real HTTP: leads, conversion, assignment, opportunities and their
moves, stages and targets, each within the caller's data scope."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from kehu.customers.models import Customer
from kehu.sales.models import Lead, Opportunity, SalesTarget
from tests.sales.conftest import source, stage

pytestmark = pytest.mark.django_db


def test_a_salesperson_creates_and_lists_their_leads(team, api_client, make_lead):
    make_lead(team["bob"], company="别人的线索")
    client = api_client(team["alice"])
    created = client.post(
        "/api/v1/leads/",
        {
            "company": "苏州恒通机械有限公司",
            "person": "周敏",
            "phone": "13912345678",
            "source": source("b2b_platform").pk,
            "campaign": "1688 店铺",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["owner"], body["status"], body["version"]) == ("alice", "new", 1)
    listed = client.get("/api/v1/leads/").json()
    assert [lead["company"] for lead in listed["results"]] == ["苏州恒通机械有限公司"]
    assert client.get("/api/v1/leads/", {"status": "qualified"}).json()["count"] == 0


def test_someone_elses_lead_is_not_found(team, api_client, make_lead):
    lead = make_lead(team["bob"])
    client = api_client(team["alice"])
    assert client.get(f"/api/v1/leads/{lead.pk}/").status_code == 404
    assert client.post(f"/api/v1/leads/{lead.pk}/convert/", {"version": 1}).status_code == 404
    assert api_client(team["manager"]).get(f"/api/v1/leads/{lead.pk}/").status_code == 200


def test_bad_lead_input_names_the_field(team, api_client):
    client = api_client(team["alice"])
    response = client.post(
        "/api/v1/leads/",
        {"company": "", "person": "", "phone": "12", "source": source("web").pk},
        format="json",
    )
    assert response.status_code == 400
    assert {"company", "phone"} <= set(response.json())
    assert not Lead.objects.exists()


def test_editing_a_lead_needs_its_current_version(team, api_client, make_lead):
    lead = make_lead(team["alice"])
    client = api_client(team["alice"])
    missing = client.patch(f"/api/v1/leads/{lead.pk}/", {"notes": "x"}, format="json")
    assert missing.status_code == 400 and "version" in missing.json()
    ok = client.patch(f"/api/v1/leads/{lead.pk}/", {"notes": "名片", "version": 1}, format="json")
    assert ok.status_code == 200 and ok.json()["version"] == 2
    stale = client.patch(f"/api/v1/leads/{lead.pk}/", {"notes": "旧", "version": 1}, format="json")
    assert stale.status_code == 409 and stale.json()["current_version"] == 2


def test_follow_ups_on_a_lead(team, api_client, make_lead):
    lead = make_lead(team["alice"])
    client = api_client(team["alice"])
    logged = client.post(
        f"/api/v1/leads/{lead.pk}/activities/", {"kind": "call", "subject": "电话沟通需求"}
    )
    assert logged.status_code == 201 and logged.json()["customer"] is None
    listed = client.get(f"/api/v1/leads/{lead.pk}/activities/").json()
    assert [a["subject"] for a in listed["results"]] == ["电话沟通需求"]
    assert client.get(f"/api/v1/leads/{lead.pk}/").json()["status"] == "contacted"
    assert client.get("/api/v1/activities/").json()["count"] == 0
    bad = client.post(f"/api/v1/leads/{lead.pk}/activities/", {"kind": "fax", "subject": "x"})
    assert bad.status_code == 400 and "kind" in bad.json()


def test_converting_through_the_api_and_twice_refused(team, api_client, make_lead):
    lead = make_lead(team["alice"])
    client = api_client(team["alice"])
    payload = {
        "version": 1,
        "opportunity": {"name": "首单", "business_mode": "consumer_goods", "amount": "30000.00"},
    }
    converted = client.post(f"/api/v1/leads/{lead.pk}/convert/", payload, format="json")
    assert converted.status_code == 201, converted.json()
    body = converted.json()
    customer = Customer.objects.get(pk=body["customer"])
    assert body["customer_created"] and customer.source_channel == "trade_fair"
    assert Opportunity.objects.get(pk=body["opportunity"]).lead_id == lead.pk
    again = client.post(f"/api/v1/leads/{lead.pk}/convert/", {"version": 2}, format="json")
    assert again.status_code == 400 and "status" in again.json()


def test_converting_a_lead_like_an_existing_customer_asks_which(
    team, api_client, make_lead, make_customer
):
    existing = make_customer(team["alice"], name="杭州云帆科技有限公司")
    lead = make_lead(team["alice"])
    client = api_client(team["alice"])
    refused = client.post(f"/api/v1/leads/{lead.pk}/convert/", {"version": 1}, format="json")
    assert refused.status_code == 400 and "customer" in refused.json()
    linked = client.post(
        f"/api/v1/leads/{lead.pk}/convert/",
        {"version": 1, "customer": existing.pk},
        format="json",
    )
    assert linked.status_code == 201 and linked.json()["customer"] == existing.pk


def test_a_lead_cannot_be_linked_to_a_customer_one_cannot_see(
    team, api_client, make_lead, make_customer
):
    hidden = make_customer(team["bob"], name="鲍勃的客户")
    lead = make_lead(team["alice"])
    response = api_client(team["alice"]).post(
        f"/api/v1/leads/{lead.pk}/convert/", {"version": 1, "customer": hidden.pk}, format="json"
    )
    assert response.status_code == 400 and "customer" in response.json()


def test_assigning_by_hand_and_round_robin(team, api_client, make_lead):
    lead = make_lead(team["manager"])
    client = api_client(team["manager"])
    by_hand = client.post(
        f"/api/v1/leads/{lead.pk}/assign/", {"owner": "bob", "version": 1}, format="json"
    )
    assert by_hand.status_code == 200 and by_hand.json()["owner"] == "bob"
    created = client.post(
        "/api/v1/leads/",
        {"company": "轮转线索", "source": source("web").pk, "team": team["department"].pk},
        format="json",
    )
    assert created.json()["owner"] == "alice"
    neither = client.post(f"/api/v1/leads/{lead.pk}/assign/", {"version": 2}, format="json")
    assert neither.status_code == 400 and "owner" in neither.json()


def test_disqualifying_through_the_api_needs_a_reason(team, api_client, make_lead):
    lead = make_lead(team["alice"])
    client = api_client(team["alice"])
    url = f"/api/v1/leads/{lead.pk}/status/"
    refused = client.post(url, {"status": "disqualified", "version": 1}, format="json")
    assert refused.status_code == 400 and "disqualified_reason" in refused.json()
    done = client.post(
        url, {"status": "disqualified", "reason": "无采购计划", "version": 1}, format="json"
    )
    assert done.json()["status"] == "disqualified"


def test_finance_may_not_see_leads(team, api_client):
    assert api_client(team["finance"]).get("/api/v1/leads/").status_code == 403


def test_opportunities_create_list_and_move(team, api_client, make_customer):
    customer = make_customer(team["alice"])
    client = api_client(team["alice"])
    created = client.post(
        "/api/v1/opportunities/",
        {
            "customer": customer.pk,
            "name": "季度补货",
            "business_mode": "consumer_goods",
            "amount": "45000.00",
            "expected_close_date": str(timezone.localdate()),
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    deal = created.json()
    assert deal["stage"] == stage("consumer_goods", "Initial contact").pk
    url = f"/api/v1/opportunities/{deal['id']}/move/"
    lost = stage("consumer_goods", "Closed lost").pk
    no_reason = client.post(url, {"stage": lost, "version": 1}, format="json")
    assert no_reason.status_code == 400 and "lost_reason" in no_reason.json()
    moved = client.post(url, {"stage": stage("consumer_goods", "Trial order").pk, "version": 1})
    assert moved.status_code == 200 and moved.json()["version"] == 2
    stale = client.post(url, {"stage": lost, "version": 1, "lost_reason": "价格"})
    assert stale.status_code == 409
    trial = stage("consumer_goods", "Trial order").pk
    listed = client.get("/api/v1/opportunities/", {"stage": trial})
    assert listed.json()["count"] == 1


def test_an_opportunity_on_a_hidden_customer_is_refused(team, api_client, make_customer):
    hidden = make_customer(team["bob"])
    response = api_client(team["alice"]).post(
        "/api/v1/opportunities/",
        {"customer": hidden.pk, "name": "越权", "business_mode": "consumer_goods"},
        format="json",
    )
    assert response.status_code == 400 and "customer" in response.json()


def test_someone_elses_opportunity_is_not_found(team, api_client, make_opportunity):
    deal = make_opportunity(team["bob"])
    client = api_client(team["alice"])
    assert client.get(f"/api/v1/opportunities/{deal.pk}/").status_code == 404
    move = client.post(
        f"/api/v1/opportunities/{deal.pk}/move/",
        {"stage": stage("consumer_goods", "Closed won").pk, "version": 1},
    )
    assert move.status_code == 404


def test_stages_are_read_by_all_and_edited_by_admins(team, api_client):
    listed = api_client(team["alice"]).get("/api/v1/stages/", {"business_mode": "project"})
    names = [s["name"] for s in listed.json()["results"]]
    assert names[0] == "Project discovery" and names[-2:] == ["Closed won", "Closed lost"]
    negotiation = stage("project", "Contract negotiation")
    refused = api_client(team["alice"]).patch(
        f"/api/v1/stages/{negotiation.pk}/", {"probability": 90}, format="json"
    )
    assert refused.status_code == 403
    admin = api_client(team["admin"])
    changed = admin.patch(f"/api/v1/stages/{negotiation.pk}/", {"probability": 90}, format="json")
    assert changed.status_code == 200 and changed.json()["probability"] == 90
    impossible = admin.patch(
        f"/api/v1/stages/{negotiation.pk}/", {"probability": 101}, format="json"
    )
    assert impossible.status_code == 400 and "probability" in impossible.json()


def test_targets_by_managers_for_their_team(team, api_client, make_user):
    start = str(timezone.localdate().replace(day=1))
    manager = api_client(team["manager"])
    created = manager.post(
        "/api/v1/targets/",
        {"user": "alice", "period": "month", "period_start": start, "amount": "300000"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    outsider = make_user("outsider")
    refused = manager.post(
        "/api/v1/targets/",
        {"user": "outsider", "period": "month", "period_start": start, "amount": "1"},
        format="json",
    )
    assert refused.status_code == 400 and "user" in refused.json()
    assert api_client(team["alice"]).get("/api/v1/targets/").json()["count"] == 1
    assert api_client(team["bob"]).get("/api/v1/targets/").json()["count"] == 0
    assert api_client(outsider).post("/api/v1/targets/", {}).status_code == 403
    assert SalesTarget.objects.count() == 1


def test_targets_are_changed_with_their_version_and_deleted(team, api_client):
    manager = api_client(team["manager"])
    start = str(timezone.localdate().replace(day=1))
    created = manager.post(
        "/api/v1/targets/",
        {"user": "alice", "period": "month", "period_start": start, "amount": "300000"},
        format="json",
    ).json()
    url = f"/api/v1/targets/{created['id']}/"
    changed = manager.patch(url, {"amount": "350000", "version": 1}, format="json")
    assert changed.status_code == 200 and changed.json()["version"] == 2
    assert manager.patch(url, {"amount": "1", "version": 1}, format="json").status_code == 409
    refused = manager.patch(url, {"user": "admin", "version": 2}, format="json")
    assert refused.status_code == 400 and "user" in refused.json()
    assert api_client(team["alice"]).delete(url).status_code == 403
    assert manager.delete(url).status_code == 204
    assert not SalesTarget.objects.exists()


def test_converting_into_a_new_customer_needs_the_permission_to_add_one(
    team, api_client, make_lead
):
    team["alice"].role.permissions.remove(
        Permission.objects.get(content_type__app_label="customers", codename="add_customer")
    )
    lead = make_lead(team["alice"])
    response = api_client(team["alice"]).post(
        f"/api/v1/leads/{lead.pk}/convert/", {"version": 1}, format="json"
    )
    assert response.status_code == 403
    assert not Customer.objects.exists()


def test_a_lead_is_given_to_a_team_only_by_assigning_it(team, api_client, make_lead):
    lead = make_lead(team["manager"])
    response = api_client(team["manager"]).patch(
        f"/api/v1/leads/{lead.pk}/", {"team": team["department"].pk, "version": 1}, format="json"
    )
    assert response.status_code == 400 and "team" in response.json()


def test_an_opportunity_stays_with_its_customer(team, api_client, make_opportunity, make_customer):
    deal = make_opportunity(team["alice"])
    other = make_customer(team["alice"], name="另一家客户")
    response = api_client(team["alice"]).patch(
        f"/api/v1/opportunities/{deal.pk}/", {"customer": other.pk, "version": 1}, format="json"
    )
    assert response.status_code == 400 and "customer" in response.json()
    assert Opportunity.objects.get(pk=deal.pk).customer == deal.customer


def test_admins_add_stages(team, api_client):
    payload = {"business_mode": "project", "name": "Site survey", "order": 15, "probability": 30}
    assert api_client(team["alice"]).post("/api/v1/stages/", payload).status_code == 403
    created = api_client(team["admin"]).post("/api/v1/stages/", payload)
    assert created.status_code == 201 and created.json()["name"] == "Site survey"
