"""Who sees what: data scopes on the list, the search and customer pages; masked phone numbers."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.e2e.conftest import log_in
from tests.texts import t

pytestmark = pytest.mark.django_db(transaction=True)

NOT_FOUND = "This page or record does not exist, or you may not see it."


@pytest.fixture
def sales_team(make_department, make_user, make_customer):
    """A manager with two salespeople, each of whom owns one customer."""
    department = make_department("华东销售部")
    manager = make_user("liming", role="sales_manager", department=department)
    a = make_user("zhaolei", role="sales", department=department, manager=manager)
    b = make_user("sunli", role="sales", department=department, manager=manager)
    return {
        "a": make_customer(a, name="西安宏达食品有限公司"),
        "b": make_customer(b, name="上海明辉机械有限公司"),
    }


def customer_rows(page):
    return page.get_by_test_id("customer-table").locator("tbody tr")


def test_a_salesperson_does_not_see_a_colleagues_customer(page, sales_team):
    log_in(page, "zhaolei", PASSWORD)
    expect(customer_rows(page)).to_have_count(1)
    expect(customer_rows(page)).to_contain_text("西安宏达食品有限公司")

    page.locator("#id_q").fill("明辉")
    expect(page.get_by_test_id("no-customers")).to_be_visible()
    page.locator("#id_q").fill("shanghai")
    expect(page.get_by_test_id("no-customers")).to_be_visible()

    response = page.goto(f"/customers/{sales_team['b'].pk}/")
    assert response is not None and response.status == 404
    expect(page.get_by_text(t(NOT_FOUND))).to_be_visible()
    expect(page.locator("body")).not_to_contain_text("上海明辉机械有限公司")

    response = page.goto(f"/customers/{sales_team['b'].pk}/edit/")
    assert response is not None and response.status == 404


def test_their_manager_sees_both_customers(page, sales_team):
    log_in(page, "liming", PASSWORD)

    expect(customer_rows(page)).to_have_count(2)
    expect(page.get_by_test_id("customer-table")).to_contain_text("西安宏达食品有限公司")
    expect(page.get_by_test_id("customer-table")).to_contain_text("上海明辉机械有限公司")
    page.locator("#id_q").fill("明辉")
    expect(customer_rows(page)).to_have_count(1)
    expect(customer_rows(page)).to_contain_text("上海明辉机械有限公司")

    page.goto(f"/customers/{sales_team['b'].pk}/")
    expect(page.get_by_test_id("customer-name")).to_contain_text("上海明辉机械有限公司")


@pytest.fixture
def customer_with_phone(make_user, make_customer):
    owner = make_user("zhaolei", role="sales")
    return make_customer(owner, phone="138 1234 5678")


def test_finance_sees_the_phone_number_masked(page, make_user, customer_with_phone):
    make_user("huangmin", role="finance")
    log_in(page, "huangmin", PASSWORD)
    expect(page.get_by_test_id("customer-table")).to_contain_text("138****5678")

    page.goto(f"/customers/{customer_with_phone.pk}/")
    expect(page.get_by_test_id("customer-phone")).to_have_text("138****5678")
    # Not in the history either, nor anywhere else on the page.
    expect(page.get_by_test_id("history")).to_contain_text("138****5678")
    expect(page.locator("body")).not_to_contain_text(re.compile(r"1381234\s*5678"))


def test_an_administrator_sees_the_phone_number_in_full(page, make_user, customer_with_phone):
    make_user("admin", role="admin")
    log_in(page, "admin", PASSWORD)
    page.goto(f"/customers/{customer_with_phone.pk}/")

    expect(page.get_by_test_id("customer-phone")).to_have_text("13812345678")
    expect(page.get_by_test_id("history")).to_contain_text("13812345678")
