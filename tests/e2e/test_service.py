"""An agent takes a customer's call: finds the customer by the digits of the phone number it
rings from, writes the ticket, resolves it and sends the acceptance link; the customer opens
the link on a phone, accepts and rates the service, and the ticket is closed with the rating."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from kehu.service import services
from kehu.service.models import Ticket, TicketKind, TicketStatus
from kehu.service.services import setup
from tests.conftest import PASSWORD
from tests.e2e.conftest import log_in, pick, switch_language

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def desk(make_user, make_customer):
    agent = make_user("kefu_li", "service")
    owner = make_user("sales_zhang", "sales")
    customer = make_customer(owner, name="西安宏达食品有限公司", phone="13912345678")
    weekly = setup.weekly_from_text(dict.fromkeys(range(7), "00:00-24:00"))
    calendar = setup.calendar_create(
        actor=None, name="全天", weekly=weekly, follows_national_holidays=False
    )
    setup.policy_create(
        actor=None,
        name="标准",
        calendar=calendar,
        first_response_minutes=120,
        resolution_minutes=16 * 60,
    )
    setup.team_create(actor=None, name="售后服务组", calendar=calendar, members=[agent])
    # Last autumn's case of the same problem, in other words.
    past = services.ticket_create(
        actor=agent,
        customer=make_customer(owner, name="成都蜀味餐饮管理有限公司"),
        kind=TicketKind.objects.get(code="complaint"),
        subject="中秋礼盒运输挤压变形",
        description="礼盒到货时纸盒变形、提手断裂，没法送礼。",
    )
    services.ticket_resolve(actor=agent, ticket=past, resolution="补发礼盒，外箱加护角。")
    return customer


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_call_becomes_a_ticket_that_the_customer_accepts(
    page, browser, live_server, screenshot, desk, language
):
    log_in(page, "kefu_li", PASSWORD, then="/service/tickets/new/")
    if language == "en":
        switch_language(page, "en")
    form = page.get_by_test_id("ticket-form")
    pick(page, "customer", "912345", "西安宏达食品有限公司")
    form.locator("#id_kind").select_option(label="投诉" if language == "zh-hans" else "Complaint")
    form.locator("#id_subject").fill("月饼礼盒破损")
    form.locator("#id_description").press_sequentially(
        "收到的 200 盒月饼礼盒中有 12 盒外包装压坏。"
    )
    # As the agent writes, last autumn's case and how it was solved come up.
    expect(page.get_by_test_id("similar-cases")).to_contain_text("补发礼盒，外箱加护角。")
    screenshot(f"service-new-ticket-{language}")
    form.locator("button[type=submit]").click()

    expect(page).to_have_url(re.compile(r"/service/tickets/\d+/$"))
    expect(page.get_by_test_id("first-responsible")).to_have_text("kefu_li")
    expect(page.get_by_test_id("assignee")).to_have_text("kefu_li")
    expect(page.get_by_test_id("resolution-due")).not_to_have_text("—")

    page.get_by_test_id("resolve-form").locator("textarea").fill("补发 12 盒，运费由我方承担。")
    page.get_by_test_id("resolve-form").locator("button").click()
    link = page.get_by_test_id("acceptance-link").input_value()
    screenshot(f"service-resolved-{language}")

    phone = browser.new_context(
        locale="zh-CN", viewport={"width": 390, "height": 844}, base_url=live_server.url
    )
    customer_page = phone.new_page()
    customer_page.goto(link)
    expect(customer_page.get_by_test_id("resolution")).to_have_text("补发 12 盒，运费由我方承担。")
    customer_page.get_by_label("比较满意").check()
    customer_page.get_by_test_id("accept-form").locator("button").click()
    expect(customer_page.get_by_test_id("done")).to_be_visible()
    customer_page.goto(link)
    expect(customer_page.get_by_test_id("void")).to_be_visible()
    phone.close()

    ticket = Ticket.objects.get(subject="月饼礼盒破损")
    assert (ticket.status, ticket.satisfaction) == (TicketStatus.CLOSED, 4)
    page.reload()
    expect(page.get_by_test_id("ticket-status")).to_have_text(
        "已关闭" if language == "zh-hans" else "Closed"
    )
    expect(page.get_by_test_id("satisfaction")).to_contain_text(
        "比较满意" if language == "zh-hans" else "Fairly satisfied"
    )
