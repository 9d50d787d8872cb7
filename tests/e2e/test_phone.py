"""Kehu on a phone (390 px wide): the menu folds behind a toggler, and the pages a
salesperson uses in the field fit the screen's width or scroll their tables within it."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.conftest import log_in

PHONE = {"width": 390, "height": 844}
FIELD_PAGES = ["/customers/", "/customers/pool/", "/sales/pipeline/", "/orders/receivables/"]


@pytest.fixture
def phone(page: Any) -> Any:
    page.set_viewport_size(PHONE)
    return page


def _overflow(page: Any) -> int:
    """How far the page itself is wider than the screen (a table scrolling inside its own
    box does not count)."""
    return int(page.evaluate("document.documentElement.scrollWidth - window.innerWidth"))


@pytest.mark.django_db(transaction=True)
def test_the_menu_folds_and_opens_on_a_phone(phone, make_user, make_customer, screenshot):
    admin = make_user("admin", "admin")
    make_customer(admin, name="西安宏达食品有限公司")
    log_in(phone, "admin", "correct-horse-battery")
    menu = phone.get_by_test_id("menu-toggle")
    assert menu.is_visible()
    assert not phone.get_by_test_id("logout").is_visible()
    menu.click()
    phone.get_by_test_id("logout").wait_for(state="visible")
    phone.locator("#kehu-menu.show").wait_for()
    screenshot("phone-menu")
    for url in FIELD_PAGES:
        phone.goto(url)
        assert _overflow(phone) <= 0, url
    phone.goto("/customers/")
    phone.get_by_role("link", name="西安宏达食品有限公司").first.click()
    assert _overflow(phone) <= 0
    screenshot("phone-customer")
