"""The pipeline board in the browser: dragging cards between stages, a lost deal's reason,
a refused move; and the targets page with its chart."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone, translation
from playwright.sync_api import expect

from kehu.customers import services as customer_services
from kehu.sales import services
from kehu.sales.models import Decision, Opportunity, Stage
from tests.conftest import PASSWORD
from tests.e2e.conftest import log_in, switch_language
from tests.texts import t

pytestmark = pytest.mark.django_db(transaction=True)

LANGUAGES = {"zh": "zh-hans", "en": "en"}


@pytest.fixture
def deals(make_department, make_user, make_customer):
    department = make_department("华东销售部")
    manager = make_user("liming", role="sales_manager", department=department)
    seller = make_user("zhaolei", role="sales", department=department, manager=manager)
    made = {}
    for name, customer, amount, days in [
        ("年度饮料供货", "西安宏达食品有限公司", "280000", 12),
        ("超市渠道铺货", "杭州联华超市有限公司", "96000", 25),
        ("春节礼盒", "苏州月明食品有限公司", "45000", 40),
    ]:
        made[name] = services.opportunity_create(
            actor=seller,
            customer=make_customer(seller, name=customer),
            name=name,
            business_mode="consumer_goods",
            amount=amount,
            expected_close_date=timezone.localdate() + timedelta(days=days),
        )
    return made


def stage(name: str) -> Stage:
    return Stage.objects.get(business_mode="consumer_goods", name=name)


def column(page, name: str):
    return page.get_by_test_id(f"stage-{stage(name).pk}")


def drag(page, card, target) -> None:
    """Drag with the mouse, in steps, as a person does (SortableJS's pointer mode)."""
    card.scroll_into_view_if_needed()
    start = card.bounding_box()
    end = target.locator(".kehu-cards").bounding_box()
    page.mouse.move(start["x"] + start["width"] / 2, start["y"] + 20)
    page.mouse.down()
    page.mouse.move(start["x"] + start["width"] / 2 + 10, start["y"] + 30, steps=5)
    page.mouse.move(end["x"] + end["width"] / 2, end["y"] + end["height"] / 2, steps=20)
    page.mouse.up()


def test_a_card_dragged_to_another_stage_moves_the_opportunity(page, deals):
    deal = deals["年度饮料供货"]
    log_in(page, "zhaolei", PASSWORD, then="/sales/pipeline/")
    first = column(page, "Initial contact")
    expect(first.get_by_test_id("stage-count")).to_have_text("3")

    drag(page, page.get_by_test_id(f"deal-{deal.pk}"), column(page, "Negotiation"))

    expect(column(page, "Negotiation").get_by_test_id("stage-count")).to_have_text("1")
    expect(column(page, "Negotiation").get_by_test_id(f"deal-{deal.pk}")).to_be_visible()
    expect(column(page, "Initial contact").get_by_test_id("stage-count")).to_have_text("2")
    deal.refresh_from_db()
    assert (deal.stage, deal.version) == (stage("Negotiation"), 2)


def test_a_lost_deal_asks_why_and_a_cancelled_answer_puts_the_card_back(page, deals):
    deal = deals["超市渠道铺货"]
    log_in(page, "zhaolei", PASSWORD, then="/sales/pipeline/")
    page.once("dialog", lambda dialog: dialog.dismiss())
    drag(page, page.get_by_test_id(f"deal-{deal.pk}"), column(page, "Closed lost"))
    expect(column(page, "Initial contact").get_by_test_id(f"deal-{deal.pk}")).to_be_visible()
    assert Opportunity.objects.get(pk=deal.pk).stage == stage("Initial contact")

    page.once("dialog", lambda dialog: dialog.accept("竞争对手报价更低"))
    drag(page, page.get_by_test_id(f"deal-{deal.pk}"), column(page, "Closed lost"))
    expect(column(page, "Closed lost").get_by_test_id("stage-count")).to_have_text("1")
    expect(column(page, "Closed lost").get_by_test_id(f"deal-{deal.pk}")).to_be_visible()
    deal.refresh_from_db()
    assert (deal.stage, deal.lost_reason) == (stage("Closed lost"), "竞争对手报价更低")


def test_a_move_of_a_card_someone_else_changed_is_refused(page, deals):
    deal = deals["春节礼盒"]
    log_in(page, "zhaolei", PASSWORD, then="/sales/pipeline/")
    services.opportunity_move(
        actor=None, opportunity=deal, stage=stage("Needs confirmed"), version=1
    )
    drag(page, page.get_by_test_id(f"deal-{deal.pk}"), column(page, "Trial order"))
    expect(page.get_by_test_id("board-error")).to_have_text(
        t("Someone else changed this record after you opened it. Reload it and try again.")
    )
    expect(column(page, "Needs confirmed").get_by_test_id(f"deal-{deal.pk}")).to_be_visible()


@pytest.mark.parametrize("language", LANGUAGES)
def test_screenshots_of_the_board_and_the_targets(page, deals, screenshot, language):
    code = LANGUAGES[language]
    seller = deals["春节礼盒"].owner
    won = deals["年度饮料供货"]
    services.opportunity_move(actor=seller, opportunity=won, stage=stage("Closed won"), version=1)
    services.target_create(
        actor=None,
        user=seller,
        period="month",
        period_start=timezone.localdate().replace(day=1),
        amount="500000",
    )
    log_in(page, "liming", PASSWORD, then="/sales/pipeline/")
    if code != "zh-hans":
        switch_language(page, code)
    expect(column(page, "Closed won").get_by_test_id(f"deal-{won.pk}")).to_be_visible()
    screenshot(f"sales-pipeline-{language}")
    page.goto("/sales/targets/")
    expect(page.get_by_test_id("target-chart").locator("canvas")).to_have_count(1)
    expect(page.get_by_test_id("target-table")).to_contain_text("zhaolei")
    screenshot(f"sales-targets-{language}")
    page.goto("/sales/opportunities/")
    expect(page.get_by_test_id("opportunity-table").locator("tbody tr")).to_have_count(3)
    screenshot(f"sales-opportunities-{language}")


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_project_deal_is_evaluated_and_planned(page, deals, screenshot, language):
    code = LANGUAGES[language]
    seller = deals["春节礼盒"].owner
    customer = deals["春节礼盒"].customer
    boss = customer_services.contact_create(
        actor=seller, customer=customer, name="周明", title="总经理"
    )
    project = services.opportunity_create(
        actor=seller,
        customer=customer,
        name="新厂区自动化产线",
        business_mode="project",
        amount="3600000",
        expected_close_date=timezone.localdate() + timedelta(days=90),
    )
    services.decision_maker_save(
        actor=seller, opportunity=project, contact=boss, role="decision_maker", attitude="supporter"
    )
    log_in(page, "zhaolei", PASSWORD, then=f"/sales/opportunities/{project.pk}/")
    if code != "zh-hans":
        switch_language(page, code)
    page.get_by_test_id("edit-evaluation").click()
    form = page.get_by_test_id("evaluation-form")
    form.locator("#id_budget").fill("4000000")
    form.locator("#id_decision_process").fill("总经理办公会决策，采购部比价")
    form.locator("#id_decision").select_option("go")
    form.get_by_role("button", name=t("Save", code)).click()
    with translation.override(code):
        go = str(Decision.GO.label)
    expect(page.get_by_test_id("decision")).to_contain_text(go)
    milestones = page.get_by_test_id("milestone-form")
    milestones.locator("#id_name").fill("技术方案评审")
    milestones.locator("#id_due_date").fill(str(timezone.localdate() + timedelta(days=14)))
    milestones.get_by_role("button", name=t("Add", code)).click()
    expect(page.get_by_test_id("milestone")).to_contain_text("技术方案评审")
    expect(page.get_by_test_id("decision-maker")).to_contain_text("周明")
    screenshot(f"sales-project-{language}")
    assert project.evaluation.decided_by == seller


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_home_page_shows_overdue_deals_apart_from_those_closing_soon(
    page, screenshot, deals, make_customer, language
) -> None:
    code = LANGUAGES[language]
    seller = deals["年度饮料供货"].owner
    services.opportunity_create(
        actor=seller,
        customer=make_customer(seller, name="成都川味调料厂"),
        name="上月就该签的调料合同",
        business_mode="consumer_goods",
        amount="60000",
        expected_close_date=timezone.localdate() - timedelta(days=20),
    )
    log_in(page, "zhaolei", PASSWORD, then=None)
    if code != "zh-hans":
        switch_language(page, code)

    overdue = page.get_by_test_id("closing-overdue")
    upcoming = page.get_by_test_id("closing-upcoming")
    expect(overdue).to_contain_text("上月就该签的调料合同")
    expect(overdue).to_contain_text(t("overdue", code))
    expect(upcoming).to_contain_text("年度饮料供货")
    expect(upcoming).not_to_contain_text("上月就该签的调料合同")
    expect(upcoming).not_to_contain_text("春节礼盒")  # 40 days away
    for width in (1400, 390):
        page.set_viewport_size({"width": width, "height": 900})
        screenshot(f"home-closing-{language}-{width}")
