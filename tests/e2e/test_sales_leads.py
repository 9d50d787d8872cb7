"""Leads in the browser: entered, followed up, converted into a customer; and the home page
that flags the leads nobody followed up in time."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone, translation
from playwright.sync_api import expect

from kehu.customers.models import Customer
from kehu.sales import services
from kehu.sales.models import Lead, LeadSource, LeadStatus
from tests.conftest import PASSWORD
from tests.e2e.conftest import (
    assert_not_reloaded,
    choose_region,
    log_in,
    remember_page,
    switch_language,
)
from tests.texts import t

pytestmark = pytest.mark.django_db(transaction=True)

LANGUAGES = {"zh": "zh-hans", "en": "en"}


def label(status: LeadStatus, language: str = "zh-hans") -> str:
    with translation.override(language):
        return str(status.label)


@pytest.fixture
def sales_team(make_department, make_user):
    department = make_department("华东销售部")
    manager = make_user("liming", role="sales_manager", department=department)
    return {
        "department": department,
        "manager": manager,
        "zhaolei": make_user("zhaolei", role="sales", department=department, manager=manager),
        "sunli": make_user("sunli", role="sales", department=department, manager=manager),
    }


def test_a_lead_is_entered_followed_up_and_converted(page, sales_team, screenshot):
    log_in(page, "zhaolei", PASSWORD, then="/sales/leads/")
    page.get_by_test_id("new-lead").click()
    form = page.get_by_test_id("lead-form")
    form.locator("#id_company").fill("宁波海天贸易有限公司")
    form.locator("#id_person").fill("陈刚")
    form.locator("#id_phone").fill("13912345678")
    choose_region(page, "浙江省", "宁波市", "鄞州区")
    form.locator("#id_source").select_option(label=t("Trade fair / conference"))
    form.locator("#id_campaign").fill("2026 广交会")
    form.get_by_role("button", name=t("Save")).click()

    expect(page.get_by_test_id("lead-name")).to_contain_text("宁波海天贸易有限公司")
    expect(page.get_by_test_id("lead-status")).to_have_text(label(LeadStatus.NEW))
    remember_page(page)
    page.get_by_test_id("log-activity").click()
    follow_up = page.get_by_test_id("activity-form")
    follow_up.locator("#id_kind").select_option("visit")
    follow_up.locator("#id_subject").fill("展会后上门拜访")
    follow_up.get_by_role("button", name=t("Save")).click()
    expect(page.get_by_test_id("activity")).to_contain_text("展会后上门拜访")
    expect(page.get_by_test_id("lead-status")).to_have_text(label(LeadStatus.CONTACTED))
    assert_not_reloaded(page)
    screenshot("sales-lead-zh")

    page.get_by_test_id("convert").click()
    convert = page.get_by_test_id("convert-form")
    convert.locator("#id_create_opportunity").check()
    convert.locator("#id_amount").fill("88000")
    screenshot("sales-lead-convert-zh")
    convert.get_by_role("button", name=t("Convert")).click()

    customer = Customer.objects.get()
    expect(page).to_have_url(re.compile(rf"/customers/{customer.pk}/$"))
    expect(page.get_by_test_id("customer-name")).to_contain_text("宁波海天贸易有限公司")
    expect(page.get_by_test_id("activities")).to_contain_text("展会后上门拜访")
    assert customer.source_channel == "trade_fair"
    assert (customer.province, customer.city, customer.district) == ("浙江省", "宁波市", "鄞州区")
    assert Lead.objects.get().status == "converted"


def test_converting_a_lead_like_an_existing_customer_links_it(page, sales_team, make_customer):
    existing = make_customer(sales_team["zhaolei"], name="宁波海天贸易股份有限公司")
    lead = services.lead_create(
        actor=sales_team["zhaolei"],
        company="宁波海天贸易有限公司",
        person="陈刚",
        source=LeadSource.objects.get(channel="referral"),
    )
    log_in(page, "zhaolei", PASSWORD, then=f"/sales/leads/{lead.pk}/convert/")
    expect(page.get_by_test_id("duplicate-warning")).to_contain_text("宁波海天贸易股份有限公司")
    page.locator("#id_customer").select_option(str(existing.pk))
    page.get_by_test_id("convert-form").get_by_role("button", name=t("Convert")).click()
    expect(page).to_have_url(re.compile(rf"/customers/{existing.pk}/$"))
    assert Customer.objects.count() == 1


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_home_page_flags_a_lead_nobody_followed_up(page, sales_team, screenshot, language):
    code = LANGUAGES[language]
    source = LeadSource.objects.get(channel="web")
    seller = sales_team["zhaolei"]
    late = services.lead_create(
        actor=sales_team["manager"], owner=seller, company="杭州云帆科技", source=source
    )
    Lead.objects.filter(pk=late.pk).update(assigned_at=timezone.now() - timedelta(days=4))
    services.lead_create(
        actor=sales_team["manager"], owner=seller, company="今天的线索", source=source
    )
    log_in(page, "liming", PASSWORD, then=None)
    if code != "zh-hans":
        switch_language(page, code)
    flagged = page.get_by_test_id("overdue-lead")
    expect(flagged).to_have_count(1)
    expect(flagged).to_contain_text("杭州云帆科技")
    expect(page.get_by_test_id("overdue-leads")).to_contain_text(
        t("Leads waiting for a follow-up", code)
    )
    screenshot(f"sales-home-{language}")
    flagged.click()
    expect(page.get_by_test_id("lead-name")).to_contain_text("杭州云帆科技")
    screenshot(f"sales-lead-detail-{language}")
