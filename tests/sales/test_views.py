"""The sales pages through the Django test client: what each shows, who may see it, and that
the board and lists cost the same number of queries however much data there is."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kehu.core.pages import access_of, url_patterns
from kehu.customers.models import Customer
from kehu.sales import services
from kehu.sales.models import Lead, LeadSource, Opportunity, OpportunityDocument, SalesTarget
from tests.sales.conftest import source, stage
from tests.texts import t

pytestmark = pytest.mark.django_db


def test_the_home_page_flags_overdue_leads_and_sums_the_pipeline(
    team, client, make_lead, make_opportunity
):
    late = make_lead(team["alice"], company="迟迟未跟进")
    Lead.objects.filter(pk=late.pk).update(assigned_at=timezone.now() - timedelta(days=5))
    make_lead(team["alice"], company="刚分配")
    make_opportunity(
        team["alice"],
        name="本月签约",
        amount="200000",
        stage=stage("consumer_goods", "Negotiation"),
        expected_close_date=timezone.localdate() + timedelta(days=10),
    )
    client.force_login(team["alice"])
    page = client.get("/").content.decode()
    assert "迟迟未跟进" in page and "刚分配" not in page
    assert "本月签约" in page
    assert "150000.00 CNY" in page.replace(",", "")
    client.force_login(team["manager"])
    assert "迟迟未跟进" in client.get("/").content.decode()
    client.force_login(team["bob"])
    assert "迟迟未跟进" not in client.get("/").content.decode()


def test_deals_past_their_close_date_are_overdue_not_closing_soon(
    team, client, make_opportunity, settings
):
    settings.LANGUAGE_CODE = "en"
    today = timezone.localdate()
    make_opportunity(
        team["alice"], name="上月就该签", expected_close_date=today - timedelta(days=40)
    )
    make_opportunity(team["alice"], name="下周签约", expected_close_date=today + timedelta(days=7))
    make_opportunity(team["alice"], name="明年再说", expected_close_date=today + timedelta(days=90))
    client.force_login(team["alice"])
    response = client.get("/")
    page = response.content.decode()

    upcoming = page.split('data-testid="closing-upcoming"')[1].split("</div>\n  </div>")[0]
    overdue = page.split('data-testid="closing-overdue"')[1].split(
        'data-testid="closing-upcoming"'
    )[0]
    assert "下周签约" in upcoming and "上月就该签" not in upcoming and "明年再说" not in upcoming
    assert "上月就该签" in overdue and "下周签约" not in overdue
    assert "Past their expected close date" in page


def test_someone_elses_lead_and_opportunity_pages_are_not_found(
    team, client, make_lead, make_opportunity
):
    lead = make_lead(team["bob"])
    deal = make_opportunity(team["bob"])
    client.force_login(team["alice"])
    for url in (
        f"/sales/leads/{lead.pk}/",
        f"/sales/leads/{lead.pk}/convert/",
        f"/sales/opportunities/{deal.pk}/",
        f"/sales/opportunities/{deal.pk}/edit/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/sales/opportunities/{deal.pk}/move/").status_code == 404


def test_finance_sees_no_sales_pages(team, client):
    client.force_login(team["finance"])
    for url in ("/sales/leads/", "/sales/pipeline/", "/sales/targets/", "/sales/settings/"):
        assert client.get(url).status_code == 403, url


def test_a_lead_is_created_followed_up_and_converted_through_the_pages(team, client):
    client.force_login(team["alice"])
    created = client.post(
        "/sales/leads/new/",
        {
            "company": "宁波海天贸易有限公司",
            "person": "陈刚",
            "source": source("web").pk,
            "owner": team["alice"].pk,
        },
    )
    lead = Lead.objects.get()
    assert created.url == f"/sales/leads/{lead.pk}/"
    card = client.post(
        f"/sales/leads/{lead.pk}/follow-ups/",
        {"kind": "call", "subject": "确认需求"},
        headers={"HX-Request": "true"},
    )
    assert "确认需求" in card.content.decode()
    lead.refresh_from_db()
    converted = client.post(
        f"/sales/leads/{lead.pk}/convert/",
        {
            "version": lead.version,
            "create_opportunity": "on",
            "name": "海天首单",
            "business_mode": "consumer_goods",
            "amount": "12000",
            "currency": "CNY",
        },
    )
    customer = Customer.objects.get()
    assert converted.url == f"/customers/{customer.pk}/"
    assert "确认需求" in client.get(converted.url).content.decode()
    assert Opportunity.objects.get().lead == lead


def test_a_move_refused_on_the_board_says_why(team, client, make_opportunity):
    deal = make_opportunity(team["alice"])
    client.force_login(team["alice"])
    response = client.post(
        f"/sales/opportunities/{deal.pk}/move/",
        {"stage": stage("consumer_goods", "Closed lost").pk, "version": 1},
    )
    assert response.status_code == 400
    assert t("Say why the opportunity was lost.") in response.content.decode()
    stale = client.post(
        f"/sales/opportunities/{deal.pk}/move/",
        {"stage": stage("consumer_goods", "Closed won").pk, "version": 7},
    )
    assert stale.status_code == 409
    assert Opportunity.objects.get(pk=deal.pk).stage.name == "Initial contact"


def test_the_targets_page_shows_actual_and_forecast(team, client, make_opportunity):
    start = timezone.localdate().replace(day=1)
    services.target_create(
        actor=team["manager"],
        user=team["alice"],
        period="month",
        period_start=start,
        amount="100000",
    )
    won = make_opportunity(team["alice"], amount="40000")
    services.opportunity_move(
        actor=team["alice"], opportunity=won, stage=stage("consumer_goods", "Closed won"), version=1
    )
    client.force_login(team["manager"])
    page = client.get("/sales/targets/").content.decode().replace(",", "")
    assert "100000.00 CNY" in page and "40000.00 CNY" in page and "40%" in page


# Query counts ------------------------------------------------------------------------------


def _queries(get: Callable[[], Any]) -> int:
    with CaptureQueriesContext(connection) as context:
        assert get().status_code == 200
    return len(context)


def _grow(team: dict[str, Any], make_customer: Any, first: int, last: int) -> None:
    """Leads (with a follow-up) and opportunities in every open stage, for both salespeople."""
    names = ("Initial contact", "Needs confirmed", "Trial order")
    open_stages = [stage("consumer_goods", name) for name in names]
    for index in range(first, last):
        owner = team["alice"] if index % 2 else team["bob"]
        lead = services.lead_create(
            actor=owner, company=f"线索公司{index}", person="张三", source=source("web")
        )
        services.lead_follow_up(actor=owner, lead=lead, kind="call", subject="跟进")
        customer = make_customer(owner, name=f"客户{index}号")
        services.opportunity_create(
            actor=owner,
            customer=customer,
            name=f"商机{index}",
            business_mode="consumer_goods",
            stage=open_stages[index % 3],
            amount="1000",
            expected_close_date=timezone.localdate() + timedelta(days=index % 20),
        )


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/sales/leads/",
        "/sales/leads/?overdue=on&q=线索",
        "/sales/pipeline/",
        "/sales/opportunities/?sort=-amount",
        "/sales/targets/",
        "/api/v1/leads/",
        "/api/v1/opportunities/",
    ],
)
def test_pages_cost_the_same_queries_for_few_and_many(team, make_customer, client, url):
    client.force_login(team["manager"])
    _grow(team, make_customer, 0, 4)
    _queries(lambda: client.get(url))
    few = _queries(lambda: client.get(url))
    _grow(team, make_customer, 4, 40)
    assert _queries(lambda: client.get(url)) == few


def test_the_board_stays_within_its_query_budget(
    team, make_customer, client, django_assert_max_num_queries
):
    _grow(team, make_customer, 0, 30)
    client.force_login(team["manager"])
    client.get("/sales/pipeline/")
    # Session, user, permissions (2), role, department, the manager's team (2, read once for
    # the scope and the owner filter), the owner filter's people, the stages, one totals
    # query and one capped query per stage (six in this pipeline).
    with django_assert_max_num_queries(17):
        assert client.get("/sales/pipeline/").status_code == 200


def test_admins_edit_stages_sources_and_team_limits(team, client):
    negotiation = stage("consumer_goods", "Negotiation")
    client.force_login(team["alice"])
    assert client.get(f"/sales/settings/stages/{negotiation.pk}/").status_code == 403
    client.force_login(team["admin"])
    assert client.get("/sales/settings/").status_code == 200
    changed = client.post(
        f"/sales/settings/stages/{negotiation.pk}/",
        {"business_mode": "consumer_goods", "name": "Negotiation", "order": 4, "probability": 85},
    )
    assert changed.status_code == 302
    negotiation.refresh_from_db()
    assert negotiation.probability == 85
    refused = client.post(
        f"/sales/settings/stages/{negotiation.pk}/",
        {
            "business_mode": "consumer_goods",
            "name": "Negotiation",
            "order": 4,
            "probability": 50,
            "is_won": "on",
        },
    )
    assert refused.status_code == 200
    negotiation.refresh_from_db()
    assert not negotiation.is_won
    client.post(
        "/sales/settings/sources/new/",
        {"name": "抖音直播", "channel": "advertising", "order": 9, "is_active": "on"},
    )
    assert LeadSource.objects.filter(channel="advertising").count() == 2
    client.post(f"/sales/settings/teams/{team['department'].pk}/", {"lead_follow_up_days": 5})
    assert team["department"].sales_settings.lead_follow_up_days == 5


# Declarations --------------------------------------------------------------------------------


def _sales_routes():
    return [
        (route, pattern) for route, name, pattern in url_patterns() if name.startswith("sales:")
    ]


def test_every_sales_page_declares_its_permission_and_loads_its_records():
    # A URL names a record by its model, some more shortly: a target, a source, a document.
    short = {"target": SalesTarget, "source": LeadSource, "document": OpportunityDocument}
    routes = _sales_routes()
    assert routes
    for route, pattern in routes:
        access = access_of(pattern.callback)
        assert access is not None, route
        assert access.permission.startswith("sales."), route
        # Each id in the URL is a record's, loaded by the kernel.
        assert set(pattern.pattern.converters) == set(access.records), route
        for name, loader in access.records.items():
            expected = short[name]._meta.model_name if name in short else name
            assert loader.model._meta.model_name == expected, route


def test_another_salespersons_target_is_not_found(team, client):
    target = services.target_create(
        actor=None,
        user=team["bob"],
        period="month",
        period_start=timezone.localdate().replace(day=1),
        amount="1000",
    )
    client.force_login(team["alice"])
    assert client.get(f"/sales/targets/{target.pk}/edit/").status_code == 403
    client.force_login(team["manager"])
    assert client.get(f"/sales/targets/{target.pk}/edit/").status_code == 200
    team["alice"].role.permissions.add(
        Permission.objects.get(content_type__app_label="sales", codename="change_salestarget")
    )
    client.force_login(team["alice"])
    assert client.get(f"/sales/targets/{target.pk}/edit/").status_code == 404
