"""The pages salespeople open on a phone in the field, at 390 px wide."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.core.routes import PASSWORD as ROUTES_PASSWORD
from tests.core.routes import World, all_routes
from tests.e2e.conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}


def page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def test_the_menu_folds_away_on_a_phone_and_opens_to_a_working_link(
    page, screenshot, make_user, make_customer
):
    seller = make_user("zhaolei", role="sales")
    customer = make_customer(seller, name="西安宏达食品有限公司")
    page.set_viewport_size(PHONE)
    log_in(page, "zhaolei", PASSWORD)

    for path in ("/customers/", f"/customers/{customer.pk}/", "/customers/pool/"):
        page.goto(path)
        assert page_width(page) <= PHONE["width"], path
        screenshot(f"phone{path.replace('/', '-').rstrip('-')}")

    pool_link = page.locator("#kehu-menu a[href='/customers/pool/']")
    expect(pool_link).to_be_hidden()
    page.get_by_test_id("menu-toggle").click()
    expect(pool_link).to_be_visible()
    # The menu slides open; the picture is taken once it has finished.
    expect(page.locator("#kehu-menu")).to_have_class(re.compile(r"\bshow\b"))
    screenshot("phone-menu-open")
    page.goto("/customers/")
    page.get_by_test_id("menu-toggle").click()
    page.locator("#kehu-menu a[href='/customers/pool/']").click()
    page.wait_for_url("**/customers/pool/")


def test_the_menu_stays_in_the_top_bar_on_a_wide_screen(page, screenshot, make_user):
    make_user("zhaolei", role="sales")
    log_in(page, "zhaolei", PASSWORD)
    expect(page.get_by_test_id("menu-toggle")).to_be_hidden()
    expect(page.locator("#kehu-menu a[href='/customers/pool/']")).to_be_visible()
    screenshot("wide-customers")


def test_a_follow_up_is_logged_from_a_phone(page, make_user, make_customer):
    seller = make_user("zhaolei", role="sales")
    customer = make_customer(seller, name="西安宏达食品有限公司")
    page.set_viewport_size(PHONE)
    log_in(page, "zhaolei", PASSWORD, then=f"/customers/{customer.pk}/")
    page.get_by_test_id("log-activity").click()
    form = page.get_by_test_id("activity-form")
    form.locator("[name=kind]").select_option("call")
    form.locator("[name=subject]").fill("电话回访")
    save = form.locator("button[type=submit]")
    save.scroll_into_view_if_needed()
    expect(save).to_be_visible()
    assert page_width(page) <= PHONE["width"]
    save.click()
    expect(form).to_have_count(0)
    expect(page.get_by_test_id("activity").first).to_contain_text("电话回访")


def test_the_board_and_receivables_fit_a_phone(page, screenshot, make_user):
    make_user("liming", role="sales_manager")
    page.set_viewport_size(PHONE)
    log_in(page, "liming", PASSWORD)
    for name in ("sales:pipeline", "orders:receivables"):
        page.goto(reverse(name))
        expect(page.locator("h2, .page-title").first).to_be_visible()
        assert page_width(page) <= PHONE["width"], name
        screenshot(f"phone-{name.replace(':', '-')}")


def test_no_page_is_wider_than_a_phone(page):
    """Every page the route walk knows, with one record of each kind, at 390 px: its
    tables scroll inside their cards, so the page itself never scrolls sideways."""
    world = World()
    pages = [route for route in all_routes()[0] if not route.api and "GET" in route.permissions]
    page.set_viewport_size(PHONE)
    wider = []
    for user in (world.admin, world.owner):
        log_in(page, user.username, ROUTES_PASSWORD, then=None)
        for route in pages:
            kwargs = {name: world.get(model).pk for name, model in route.records.items()}
            url = reverse(route.name, kwargs=kwargs)
            # Files (exports, PDFs) are downloads, not pages.
            answer = page.request.get(url)
            if not answer.ok or "text/html" not in answer.headers["content-type"]:
                continue
            page.goto(url)
            if page_width(page) > PHONE["width"]:
                wider.append(f"{route} ({page_width(page)} px)")
        page.context.clear_cookies()
    assert wider == [], "\n".join(wider)
