"""The live search on the customer list: names, pinyin, initials and parts of company names."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.e2e.conftest import assert_not_reloaded, log_in, remember_page
from tests.texts import t

pytestmark = pytest.mark.django_db(transaction=True)

NAMES = ["张三", "李四", "王五", "西安宏达食品有限公司", "上海明辉机械有限公司"]


@pytest.fixture
def customer_list(page, make_user, make_customer):
    """A salesperson on their customer list, which holds the customers in NAMES."""
    salesperson = make_user("zhaolei", role="sales")
    for name in NAMES:
        kind = "company" if name.endswith("公司") else "individual"
        make_customer(salesperson, name=name, kind=kind)
    log_in(page, "zhaolei", PASSWORD)
    rows = page.get_by_test_id("customer-table").locator("tbody tr")
    expect(rows).to_have_count(len(NAMES))
    remember_page(page)
    return rows


def search(page, text: str) -> None:
    page.locator("#id_q").fill(text)


@pytest.mark.parametrize("typed", ["zs", "zhangsan", "张三"])
def test_typing_initials_pinyin_or_the_name_finds_zhang_san(page, customer_list, typed):
    search(page, typed)

    expect(customer_list).to_have_count(1)
    expect(customer_list.first).to_contain_text("张三")
    expect(page.get_by_test_id("customer-count")).to_have_text(re.compile(r"(?<!\d)1(?!\d)"))
    expect(page).to_have_url(re.compile(r"[?&]q="))
    assert_not_reloaded(page)


def test_part_of_a_company_name_finds_the_company(page, customer_list):
    search(page, "宏达")

    expect(customer_list).to_have_count(1)
    expect(customer_list.first).to_contain_text("西安宏达食品有限公司")
    assert_not_reloaded(page)


def test_a_search_without_matches_says_so_and_clearing_it_shows_everyone(page, customer_list):
    search(page, "不存在的客户")
    expect(page.get_by_test_id("no-customers")).to_have_text(t("No customers match."))

    search(page, "")
    expect(customer_list).to_have_count(len(NAMES))
    assert_not_reloaded(page)
