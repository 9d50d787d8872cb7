"""The catalogue, price list, order list with its filter, specifications and the dealer page,
as people see them, in Chinese and in English."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from kehu.orders import services
from tests.conftest import PASSWORD
from tests.e2e.conftest import log_in, switch_language
from tests.texts import t

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def dealer_world(make_user, make_customer):
    admin = make_user("wangjing", "admin")
    valve = services.product_create(
        actor=None, sku="VX-100", name="不锈钢阀门", unit="个", list_price=Decimal("250.00")
    )
    services.product_create(
        actor=None, sku="PP-20", name="PPR管材", unit="米", list_price=Decimal("12.50")
    )
    dealer = make_customer(admin, name="陕西秦丰经销部", kind="dealer")
    end = make_customer(admin, name="咸阳饭店", dealer=dealer)
    group = services.customer_group_save(actor=admin, name="一级经销商", payment_terms_days=45)
    services.customer_group_add(actor=admin, group=group, customer=end)
    services.price_set(actor=admin, group=group, product=valve, price=Decimal("220"))
    order = services.order_create(
        actor=admin,
        customer=end,
        lines=[{"product": valve, "quantity": "12", "specs": {"口径": "DN50", "材质": "316L"}}],
    )
    services.order_confirm(actor=admin, order=order)
    return {"admin": admin, "dealer": dealer, "group": group, "order": order}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_catalogue_price_list_orders_and_dealer(page, screenshot, dealer_world, language):
    log_in(page, "wangjing", PASSWORD)
    if language == "en":
        switch_language(page, "en")
    page.goto("/orders/products/")
    expect(page.get_by_test_id("product-table")).to_contain_text("不锈钢阀门")
    screenshot(f"orders-products-{language}")

    page.goto(f"/orders/price-lists/{dealer_world['group'].pk}/")
    expect(page.locator("tr", has_text="VX-100").locator("input")).to_have_value("220.00")
    screenshot(f"orders-price-list-{language}")

    order = dealer_world["order"]
    page.goto("/orders/?status=confirmed")
    expect(page.get_by_test_id("order-table")).to_contain_text(order.number)
    page.locator("select[name=status]").select_option("draft")
    expect(page.get_by_test_id("order-table")).not_to_contain_text(order.number)
    screenshot(f"orders-list-{language}")

    page.goto(f"/orders/{order.pk}/")
    page.get_by_test_id("edit-specs").click()
    page.locator("input[name=spec-2-name]").fill(t("Specification", language))
    page.locator("input[name=spec-2-value]").fill("RAL 9005")
    page.get_by_test_id("save-specs").click()
    expect(page.get_by_test_id("specs")).to_contain_text("RAL 9005")
    screenshot(f"orders-specs-{language}")

    page.goto(f"/customers/{dealer_world['dealer'].pk}/")
    page.get_by_test_id("dealer-page").click()
    expect(page.get_by_test_id("end-customers")).to_contain_text("咸阳饭店")
    # A locator, not a string of script to wait on: the pages' policy forbids evaluating one.
    expect(page.locator("#dealer-chart canvas")).to_have_count(1)
    screenshot(f"orders-dealer-{language}")
