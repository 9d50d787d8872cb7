"""A salesperson enters an order without a quote from the customer's page, is told about a
negative quantity with every row kept as typed, fixes it, and then changes the draft's lines,
in Chinese and in English."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from kehu.orders import services
from kehu.orders.models import Order
from tests.conftest import PASSWORD
from tests.e2e.conftest import log_in, switch_language
from tests.e2e.orders_pages import add_spec, choose_line, money
from tests.texts import t

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def customer(make_user, make_customer):
    alice = make_user("alice", "sales")
    services.product_create(
        actor=None, sku="VX-100", name="不锈钢阀门", unit="个", list_price=Decimal("250.00")
    )
    services.product_create(
        actor=None, sku="PP-20", name="PPR管材", unit="米", list_price=Decimal("12.50")
    )
    return make_customer(alice, name="西安宏达食品有限公司")


def _line_problem(number: int, field: str, language: str) -> str:
    """The start of the message naming a line's field, as the page writes it."""
    message = t("Line %(n)d, %(field)s: %(problem)s", language)
    return (message % {"n": number, "field": t(field, language), "problem": ""}).strip()


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_an_order_is_entered_fixed_and_edited(page, screenshot, customer, language):
    log_in(page, "alice", PASSWORD, then=f"/customers/{customer.pk}/")
    if language == "en":
        switch_language(page, "en")
    page.get_by_test_id("customer-orders").get_by_test_id("order-customer").click()
    expect(page.locator("select[name=customer]")).to_have_value(str(customer.pk))
    choose_line(page, 0, "VX-100", "-2")
    add_spec(page, 0, "口径", "DN50")
    page.get_by_test_id("add-line").click()
    expect(page.get_by_test_id("line-row")).to_have_count(2)
    choose_line(page, 1, "PP-20", "40", "5")
    page.locator("textarea[name=notes]").fill("展会样品单")
    screenshot(f"orders-order-new-{language}")
    page.get_by_test_id("save").click()

    expect(page.get_by_test_id("line-errors")).to_contain_text(
        _line_problem(1, "quantity", language)
    )
    rows = page.get_by_test_id("line-row")
    expect(rows).to_have_count(2)
    expect(rows.nth(0).locator("input[name$=-quantity]")).to_have_value("-2")
    expect(rows.nth(0).locator(".spec-row input[name$=-value]")).to_have_value("DN50")
    expect(rows.nth(1).locator("input[name$=-discount_percent]")).to_have_value("5")
    expect(page.locator("textarea[name=notes]")).to_have_value("展会样品单")
    screenshot(f"orders-order-new-error-{language}")
    assert not Order.objects.exists()

    rows.nth(0).locator("input[name$=-quantity]").fill("2")
    page.get_by_test_id("save").click()
    expect(page.get_by_test_id("order-status")).to_have_text(t("Draft", language))
    # 2 × 250 + 40 × 12.50 less 5 %
    expect(page.get_by_test_id("document-total")).to_contain_text(money("975", language))
    expect(page.get_by_test_id("specs").first).to_contain_text("DN50")

    page.get_by_test_id("edit-order").click()
    rows = page.get_by_test_id("line-row")
    expect(rows.nth(0).locator(".spec-row input[name$=-value]")).to_have_value("DN50")
    rows.nth(1).locator("input[name$=-quantity]").fill("100")
    screenshot(f"orders-order-edit-{language}")
    page.get_by_test_id("save").click()
    # 2 × 250 + 100 × 12.50 less 5 %
    expect(page.get_by_test_id("document-total")).to_contain_text(money("1687.50", language))
    expect(page.get_by_test_id("specs").first).to_contain_text("DN50")
    screenshot(f"orders-order-edited-{language}")
    assert Order.objects.get().total == Decimal("1687.50")
