"""The analytics pages in a browser: charts drawn, both languages, the AHP editor live."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from kehu.analytics.demo import analytics_demo_load
from kehu.core.models import User
from kehu.customers.models import Customer
from tests.conftest import PASSWORD
from tests.e2e.conftest import log_in, switch_language
from tests.texts import t

pytestmark = pytest.mark.django_db(transaction=True)

LANGUAGES = {"zh": "zh-hans", "en": "en"}
COMPANY_NAMES = ["宏达食品", "恒通商贸", "鑫源超市", "华联百货", "金穗粮油", "美佳日化"]
CITIES = ["西安", "杭州", "成都", "青岛", "长沙", "郑州", "合肥", "昆明"]


@pytest.fixture
def scored_company(make_user: Callable[..., User], make_customer: Callable[..., Customer]) -> User:
    """An admin and a salesperson's 80 customers with two years of demo purchases, scored."""
    admin = make_user("admin", role="admin")
    sales = make_user("zhaolei")
    for index in range(80):
        name = (
            f"{CITIES[index % len(CITIES)]}{COMPANY_NAMES[index % len(COMPANY_NAMES)]}{index}号店"
        )
        make_customer(sales, name=name)
    analytics_demo_load(Customer.objects.order_by("pk"))
    return admin


def _chart_drawn(page: Any, test_id: str) -> None:
    expect(page.get_by_test_id(test_id).locator("svg").first).to_be_visible()


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_analytics_pages(
    page: Any, screenshot: Any, scored_company: User, language: str
) -> None:
    code = LANGUAGES[language]
    log_in(page, scored_company.username, PASSWORD)
    if code != "zh-hans":
        switch_language(page, code)

    page.goto("/analytics/")
    expect(page.locator("h2.page-title")).to_have_text(t("Customer value", code))
    for chart in ("chart-segments", "chart-abc", "chart-clv"):
        _chart_drawn(page, chart)
    expect(page.get_by_test_id("at-risk").locator("tbody tr").first).to_be_visible()
    expect(page.get_by_test_id("pareto-sentence")).to_contain_text("%")
    screenshot(f"analytics-value-{language}")

    page.get_by_test_id("segment-table").locator("tbody a").first.click()
    expect(page.get_by_test_id("score-table").locator("tbody tr").first).to_be_visible()
    screenshot(f"analytics-customers-{language}")

    page.goto("/analytics/kpis/")
    _chart_drawn(page, "chart-kpi-counts")
    _chart_drawn(page, "chart-kpi-rates")
    expect(page.get_by_test_id("kpi-table").locator("tbody tr").first).to_be_visible()
    screenshot(f"analytics-kpis-{language}")

    page.goto("/analytics/scorecard/")
    result = page.get_by_test_id("result-criteria")
    expect(result.get_by_test_id("consistency")).to_have_text(t("consistent", code))
    cr_before = result.get_by_test_id("cr").inner_text()
    # Value ≫ loyalty ≫ credit, yet credit ≫ value: the editor must say so at once.
    page.fill("#cell-criteria-0-1", "9")
    page.fill("#cell-criteria-1-2", "9")
    page.fill("#cell-criteria-0-2", "1/9")
    expect(result.get_by_test_id("consistency")).to_have_text(
        t("not consistent (CR must be below %(limit)s)", code) % {"limit": "0.10"}
    )
    expect(result.get_by_test_id("cr")).not_to_have_text(cr_before)
    expect(page.locator("#cell-criteria-1-0")).to_have_text("1/9")
    screenshot(f"analytics-scorecard-inconsistent-{language}")

    page.get_by_test_id("save-scorecard").click()
    expect(page.get_by_test_id("save-refused")).to_be_visible()

    page.fill("#cell-criteria-0-1", "2")
    page.fill("#cell-criteria-1-2", "2")
    page.fill("#cell-criteria-0-2", "3")
    expect(result.get_by_test_id("consistency")).to_have_text(t("consistent", code))

    customer = Customer.objects.filter(scores__isnull=False).order_by("pk").first()
    assert customer is not None
    page.goto(f"/customers/{customer.pk}/")
    expect(page.get_by_test_id("customer-value")).to_be_visible()
    screenshot(f"analytics-customer-card-{language}")


@pytest.mark.parametrize("language", ["zh", "en"])
def test_a_salesperson_acts_on_a_customer_at_risk(
    page: Any, screenshot: Any, scored_company: User, language: str
) -> None:
    """From the at-risk list to an action given and done, on a wide screen and a phone."""
    code = LANGUAGES[language]
    log_in(page, "zhaolei", PASSWORD)
    if code != "zh-hans":
        switch_language(page, code)

    page.goto("/analytics/customers/?risk=1")
    first = page.get_by_test_id("score-table").locator("tbody tr").first
    name = first.locator("a.fw-semibold").inner_text()
    first.get_by_test_id("give-action").click()
    form = page.get_by_test_id("churn-action-form")
    expect(form).to_be_visible()
    page.fill("#id_description", "上门拜访，了解停购原因")
    page.fill("#id_due_date", "2030-01-15")
    form.locator("button[type=submit]").click()

    panel = page.get_by_test_id("churn-actions")
    expect(panel.get_by_test_id("churn-action")).to_contain_text("上门拜访，了解停购原因")
    expect(page.locator("h2.page-title")).to_contain_text(name)
    for width in (1400, 390):
        page.set_viewport_size({"width": width, "height": 900})
        panel.scroll_into_view_if_needed()
        screenshot(f"analytics-churn-panel-{language}-{width}")

    page.set_viewport_size({"width": 1400, "height": 900})
    panel.get_by_test_id("mark-done").click()
    expect(panel.get_by_test_id("churn-action")).to_contain_text(t("Done", code))

    page.goto("/analytics/customers/?risk=1")
    expect(page.get_by_test_id("at-risk-action").first).to_be_visible()
    for width in (1400, 390):
        page.set_viewport_size({"width": width, "height": 900})
        screenshot(f"analytics-at-risk-{language}-{width}")

    page.goto("/analytics/kpis/")
    expect(page.get_by_test_id("outcome-acted-on")).to_have_text("1")
    _chart_drawn(page, "chart-kpi-counts")
    for width in (1400, 390):
        page.set_viewport_size({"width": width, "height": 900})
        screenshot(f"analytics-kpis-actions-{language}-{width}")
