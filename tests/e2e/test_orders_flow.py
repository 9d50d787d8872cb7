"""From quote to cash in the browser: a two-line quote, its order, the credit block and
finance's approval, a payment, and the receivables ageing, in Chinese and in English."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from kehu.orders import services
from kehu.orders.models import Order
from tests.conftest import PASSWORD
from tests.e2e.conftest import SCREENSHOTS, log_in, log_out, switch_language
from tests.e2e.orders_pages import choose_line, money
from tests.orders.pdf_text import embeds_a_font, mapped_characters
from tests.texts import t

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def shop(make_user, make_customer):
    alice = make_user("alice", "sales")
    finance = make_user("huangmin", "finance")
    customer = make_customer(alice, name="西安宏达食品有限公司", credit_limit=Decimal("5000"))
    earlier = services.order_create(
        actor=alice,
        customer=customer,
        lines=[
            {
                "product": services.product_create(
                    actor=None, sku="OLD-1", name="旧货", list_price=Decimal("3000")
                ),
                "quantity": "1",
            }
        ],
    )
    services.order_confirm(actor=alice, order=earlier)
    services.product_create(
        actor=None, sku="VX-100", name="不锈钢阀门", unit="个", list_price=Decimal("250.00")
    )
    services.product_create(
        actor=None, sku="PP-20", name="PPR管材", unit="米", list_price=Decimal("12.50")
    )
    return {"alice": alice, "finance": finance, "customer": customer}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_from_quote_to_cash(page, screenshot, shop, live_server, language):
    log_in(page, "alice", PASSWORD)
    if language == "en":
        switch_language(page, "en")
    page.goto(f"/orders/quotes/new/?customer={shop['customer'].pk}")
    page.fill("input[name=valid_until]", "2099-12-31")
    choose_line(page, 0, "VX-100", "8", "10")
    page.get_by_test_id("add-line").click()
    expect(page.get_by_test_id("line-row")).to_have_count(2)
    choose_line(page, 1, "PP-20", "40")
    screenshot(f"orders-quote-form-{language}")
    page.get_by_test_id("quote-form").locator("button[type=submit]").click()
    expect(page.get_by_test_id("document-total")).to_contain_text(money("2300", language))
    screenshot(f"orders-quote-{language}")

    pdf = page.request.get(page.get_by_test_id("quote-pdf").get_attribute("href")).body()
    assert embeds_a_font(pdf)
    (SCREENSHOTS / f"orders-quote-{language}.pdf").write_bytes(pdf)  # for a person to look at
    assert set(t("Quote", language) + "西安宏达食品有限公司不锈钢阀门") <= mapped_characters(pdf)

    page.get_by_test_id("accept").click()
    expect(page.get_by_test_id("order-status")).to_have_text(t("Draft", language))
    page.get_by_test_id("confirm").click()
    block = page.get_by_test_id("credit-block")
    expect(block).to_contain_text(money("5000", language))
    expect(page.get_by_test_id("order-status")).to_have_text(t("Draft", language))
    page.get_by_test_id("approval-form").locator("input[name=reason]").fill("老客户，月底回款")
    page.get_by_test_id("approval-form").locator("button").click()
    screenshot(f"orders-credit-block-{language}")
    order = Order.objects.get(quote__isnull=False)
    log_out(page)

    log_in(page, "huangmin", PASSWORD)
    page.get_by_test_id("orders-menu").click()
    page.get_by_role("link", name=t("Credit approvals", language)).click()
    decision = page.get_by_test_id(f"decide-{order.pk}")
    decision.locator("input[name=note]").fill("已核实回款计划")
    screenshot(f"orders-approvals-{language}")
    decision.locator("button[value=approve]").click()
    expect(page.get_by_test_id("pending-approvals")).not_to_contain_text(order.number)
    log_out(page)

    log_in(page, "alice", PASSWORD)
    page.goto(f"/orders/{order.pk}/")
    page.get_by_test_id("confirm").click()
    expect(page.get_by_test_id("order-status")).to_have_text(t("Confirmed", language))
    log_out(page)

    log_in(page, "huangmin", PASSWORD)
    page.goto(f"/orders/{order.pk}/")
    form = page.get_by_test_id("payment-form")
    form.locator("input[name=amount]").fill("1300")
    form.locator("input[name=reference]").fill("HD-20261122")
    form.locator("button[type=submit]").click()
    expect(page.get_by_test_id("outstanding")).to_have_text(money("1000", language))
    screenshot(f"orders-order-{language}")

    page.goto("/orders/receivables/")
    totals = page.get_by_test_id("ageing-totals")
    expect(totals).to_contain_text(money("4000", language))
    screenshot(f"orders-receivables-{language}")
    page.get_by_test_id("by-owner").click()
    expect(page.get_by_test_id("ageing")).to_contain_text("alice")
