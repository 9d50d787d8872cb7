"""Switching between Simplified Chinese (the default) and English."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.e2e.conftest import log_in, switch_language

pytestmark = pytest.mark.django_db(transaction=True)


def test_switching_to_english_and_back_to_chinese(page, make_user):
    make_user("zhaolei", role="sales")
    log_in(page, "zhaolei", PASSWORD)
    navbar = page.locator("header.navbar")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(navbar.get_by_role("link", name="客户", exact=True)).to_be_visible()

    switch_language(page, "en")
    expect(navbar.get_by_role("link", name="Customers", exact=True)).to_be_visible()
    expect(page.locator("h2.page-title")).to_have_text("Customers")
    expect(page.locator("select[name=language]")).to_have_value("en")

    switch_language(page, "zh-hans")
    expect(navbar.get_by_role("link", name="客户", exact=True)).to_be_visible()
    expect(page.locator("h2.page-title")).to_have_text("客户")


def test_the_language_can_be_chosen_on_the_log_in_page(page, make_user):
    make_user("zhaolei", role="sales")
    page.goto("/login/")
    expect(page.get_by_role("button", name="登录")).to_be_visible()

    switch_language(page, "en")
    expect(page.get_by_role("button", name="Log in")).to_be_visible()

    log_in(page, "zhaolei", PASSWORD)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h2.page-title")).to_have_text("Customers")
