"""Creating and editing customers through the forms, and adding contacts on the customer page."""

from __future__ import annotations

import re

import pytest
from django.utils.text import capfirst
from playwright.sync_api import expect

from kehu.customers.models import Customer
from tests.conftest import PASSWORD
from tests.e2e.conftest import assert_not_reloaded, choose_region, log_in, remember_page
from tests.texts import t

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def salesperson(make_user):
    return make_user("zhaolei", role="sales")


def history_entries(page):
    return page.get_by_test_id("history").locator(":scope > li")


def test_a_salesperson_creates_a_customer_and_sees_it_with_its_history(page, salesperson):
    log_in(page, "zhaolei", PASSWORD)
    page.goto("/customers/new/")
    form = page.get_by_test_id("customer-form")
    form.locator("#id_name").fill("西安宏达食品有限公司")
    form.locator("#id_phone").fill("138 1234 5678")
    form.locator("#id_tags").fill("重点客户, 食品")
    choose_region(page, "陕西省", "西安市", "雁塔区")
    form.locator("button[type=submit]").click()

    customer = Customer.objects.get()
    expect(page).to_have_url(re.compile(rf"/customers/{customer.pk}/$"))
    expect(page.get_by_test_id("customer-name")).to_contain_text("西安宏达食品有限公司")
    expect(page.get_by_test_id("customer-phone")).to_have_text("13812345678")
    expect(page.get_by_test_id("customer-owner")).to_have_text("zhaolei")
    expect(page.get_by_test_id("customer-facts")).to_contain_text("陕西省 · 西安市 · 雁塔区")
    expect(page.get_by_text("重点客户", exact=True)).to_be_visible()
    expect(page.get_by_text("食品", exact=True)).to_be_visible()
    created = history_entries(page).filter(has_text=t("Created"))
    expect(created).to_have_count(1)
    expect(created).to_contain_text("西安宏达食品有限公司")
    expect(created).to_contain_text("13812345678")

    assert customer.owner == salesperson
    assert customer.phone == "+8613812345678"
    assert (customer.province, customer.city, customer.district) == ("陕西省", "西安市", "雁塔区")
    assert sorted(tag.name for tag in customer.tags.all()) == ["重点客户", "食品"]


def test_an_invalid_phone_is_shown_next_to_the_field_and_nothing_is_created(page, salesperson):
    log_in(page, "zhaolei", PASSWORD)
    page.goto("/customers/new/")
    form = page.get_by_test_id("customer-form")
    form.locator("#id_name").fill("西安宏达食品有限公司")
    form.locator("#id_phone").fill("138 1234")
    form.locator("button[type=submit]").click()

    phone_field = form.locator(".mb-3", has=page.locator("#id_phone"))
    expect(phone_field.locator("[data-field-error=phone]")).to_contain_text("138 1234")
    expect(form.locator("#id_phone")).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(form.locator("[data-field-error]")).to_have_count(1)
    expect(form.locator("#id_name")).to_have_value("西安宏达食品有限公司")
    expect(page).to_have_url(re.compile(r"/customers/new/$"))
    assert Customer.objects.count() == 0


def test_an_edit_shows_old_and_new_value_in_the_history(page, salesperson, make_customer):
    customer = make_customer(salesperson, address="雁塔路1号")
    log_in(page, "zhaolei", PASSWORD)
    page.goto(f"/customers/{customer.pk}/edit/")
    form = page.get_by_test_id("customer-form")
    expect(form.locator("#id_address")).to_have_value("雁塔路1号")
    form.locator("#id_address").fill("长安南路2号")
    form.locator("button[type=submit]").click()

    expect(page).to_have_url(re.compile(rf"/customers/{customer.pk}/$"))
    updated = history_entries(page).filter(has_text=t("Updated"))
    expect(updated).to_have_count(1)
    expect(updated.locator(".kehu-change-old")).to_have_text("雁塔路1号")
    label = capfirst(t("address"))
    expect(updated).to_contain_text(f"{label}: 雁塔路1号 → 长安南路2号")
    customer.refresh_from_db()
    assert customer.address == "长安南路2号"


def test_a_contact_added_on_the_customer_page_appears_without_a_reload(
    page, salesperson, make_customer
):
    customer = make_customer(salesperson)
    log_in(page, "zhaolei", PASSWORD)
    page.goto(f"/customers/{customer.pk}/")
    remember_page(page)
    contacts = page.get_by_test_id("contacts")
    expect(contacts).to_contain_text(t("No contacts yet."))

    contacts.get_by_role("button", name=t("Add contact")).click()
    form = page.get_by_test_id("contact-form")
    form.locator("[name=name]").fill("李建国")
    form.locator("[name=title]").fill("采购经理")
    form.locator("[name=phone]").fill("139 8765 4321")
    form.locator("[name=decision_role]").select_option("decision_maker")
    form.locator("button[type=submit]").click()

    expect(form).to_have_count(0)
    row = contacts.locator("tbody tr", has_text="李建国")
    expect(row).to_contain_text("采购经理")
    expect(row).to_contain_text("13987654321")
    expect(row).to_contain_text(t("Decision maker"))
    # The history card refreshes itself after the contact is saved.
    expect(history_entries(page).filter(has_text="李建国")).to_have_count(1)
    assert_not_reloaded(page)
    assert customer.contacts.get().name == "李建国"
