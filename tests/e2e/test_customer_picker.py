"""A salesperson finds the customer of a new opportunity by typing part of its name, then its
pinyin initials, picks it from the keyboard and saves; only her own customers are offered,
in Chinese and in English."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from kehu.customers import services
from kehu.sales.models import Lead, Opportunity
from tests.conftest import PASSWORD
from tests.e2e.conftest import log_in, pick, switch_language
from tests.texts import t

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def customers(make_user, make_customer):
    alice = make_user("alice", "sales")
    bob = make_user("bob", "sales")
    return {
        "mine": make_customer(alice, name="西安宏达食品有限公司"),
        "also_mine": make_customer(alice, name="西安宏远建材有限公司"),
        "unrelated": make_customer(alice, name="成都蜀味餐饮管理有限公司"),
        "theirs": make_customer(bob, name="西安宏达粮油有限公司"),
    }


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_customer_of_an_opportunity_is_found_by_name_and_initials(
    page, screenshot, customers, language
):
    log_in(page, "alice", PASSWORD, then="/sales/opportunities/new/")
    if language == "en":
        switch_language(page, "en")
    form = page.get_by_test_id("opportunity-form")
    form.locator("#id_name").fill("年度调味品供货")
    form.locator("#id_business_mode").select_option("consumer_goods")
    form.locator("#id_amount").fill("86000")

    search = form.locator("#id_customer_search")
    listed = form.locator("select[name=customer] option")
    search.press_sequentially("西安宏")
    expect(listed).to_have_text(["西安宏达食品有限公司", "西安宏远建材有限公司"])
    screenshot(f"customer-picker-{language}")

    search.fill("")
    search.press_sequentially("xahd")
    expect(listed).to_have_text(["西安宏达食品有限公司"])
    # Enter goes from the box to the matches rather than submitting the form.
    search.press("Enter")
    expect(form.locator("select[name=customer]")).to_be_focused()
    expect(form.locator("select[name=customer]")).to_have_value(str(customers["mine"].pk))
    form.locator("button[type=submit]").click()

    expect(page).to_have_url(re.compile(r"/sales/opportunities/\d+/$"))
    deal = Opportunity.objects.get()
    assert deal.customer == customers["mine"]
    assert deal.name == "年度调味品供货"


def test_a_referrer_and_its_contact_are_picked_on_the_lead_form(page, customers):
    contact = services.contact_create(
        actor=customers["mine"].owner, customer=customers["mine"], name="王建国"
    )
    log_in(page, "alice", PASSWORD, then="/sales/leads/new/")
    form = page.get_by_test_id("lead-form")
    form.locator("#id_company").fill("宁波海天贸易有限公司")
    form.locator("#id_person").fill("陈刚")
    form.locator("#id_source").select_option(label=t("Referral"))
    pick(page, "referred_by_customer", "宏达", "西安宏达食品有限公司")
    pick(page, "referred_by_contact", "wjg", "王建国 · 西安宏达食品有限公司")
    form.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/sales/leads/\d+/$"))

    lead = Lead.objects.get()
    assert lead.referred_by_customer == customers["mine"]
    assert lead.referred_by_contact == contact
