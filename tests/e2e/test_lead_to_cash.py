"""The whole way in the browser: a salesperson enters a lead from a trade fair, converts it
with an opportunity, quotes, and the order waits on finance's credit approval until it is
confirmed and paid."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from kehu.customers.models import Customer
from kehu.orders import services
from kehu.orders.models import Order
from kehu.sales.models import Opportunity
from tests.conftest import PASSWORD
from tests.e2e.conftest import log_in, log_out
from tests.e2e.orders_pages import choose_line, money
from tests.texts import t

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_lead_from_a_trade_fair_ends_as_a_paid_order(page, make_user, screenshot):
    make_user("zhaolei", "sales")
    make_user("huangmin", "finance")
    services.product_create(
        actor=None, sku="JY-500", name="特级酱油 500ml", unit="箱", list_price=Decimal("96.00")
    )

    log_in(page, "zhaolei", PASSWORD, then="/sales/leads/new/")
    form = page.get_by_test_id("lead-form")
    form.locator("#id_company").fill("成都蜀味餐饮管理有限公司")
    form.locator("#id_person").fill("李娜")
    form.locator("#id_source").select_option(label=t("Trade fair / conference"))
    form.locator("#id_campaign").fill("2026 全国糖酒会")
    form.get_by_role("button", name=t("Save")).click()
    page.get_by_test_id("convert").click()
    convert = page.get_by_test_id("convert-form")
    convert.locator("#id_create_opportunity").check()
    convert.locator("#id_amount").fill("9600")
    convert.get_by_role("button", name=t("Convert")).click()

    customer = Customer.objects.get()
    expect(page).to_have_url(re.compile(rf"/customers/{customer.pk}/$"))
    assert Opportunity.objects.get().customer == customer
    # Finance gives the new customer a limit below the first order.
    Customer.objects.filter(pk=customer.pk).update(credit_limit=Decimal("5000"))

    page.get_by_test_id("quote-customer").click()
    page.fill("input[name=valid_until]", "2099-12-31")
    choose_line(page, 0, "JY-500", "100")
    page.get_by_test_id("quote-form").locator("button[type=submit]").click()
    expect(page.get_by_test_id("document-total")).to_contain_text(money("9600", "zh-hans"))
    page.get_by_test_id("accept").click()
    page.get_by_test_id("confirm").click()
    expect(page.get_by_test_id("credit-block")).to_contain_text(money("5000", "zh-hans"))
    page.get_by_test_id("approval-form").locator("input[name=reason]").fill("糖酒会新客户")
    page.get_by_test_id("approval-form").locator("button").click()
    order = Order.objects.get()
    log_out(page)

    log_in(page, "huangmin", PASSWORD, then="/orders/approvals/")
    page.get_by_test_id(f"decide-{order.pk}").locator("button[value=approve]").click()
    expect(page.get_by_test_id("pending-approvals")).not_to_contain_text(order.number)
    log_out(page)

    log_in(page, "zhaolei", PASSWORD, then=f"/orders/{order.pk}/")
    page.get_by_test_id("confirm").click()
    expect(page.get_by_test_id("order-status")).to_have_text(t("Confirmed"))
    log_out(page)

    log_in(page, "huangmin", PASSWORD, then=f"/orders/{order.pk}/")
    form = page.get_by_test_id("payment-form")
    form.locator("input[name=amount]").fill("9600")
    form.locator("button[type=submit]").click()
    expect(page.get_by_test_id("outstanding")).to_have_text(money("0", "zh-hans"))
    screenshot("lead-to-cash-paid-zh")
    assert Order.objects.get().paid == Decimal("9600.00")
