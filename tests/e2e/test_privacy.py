"""The privacy pages in a browser: a consent granted and withdrawn in place on the customer
page, an erasure carried out after its confirmation, and the audit of who looked."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.e2e.conftest import assert_not_reloaded, log_in, log_out, remember_page

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_consent_is_granted_and_withdrawn_in_place(page, screenshot, make_user, make_customer):
    seller = make_user("zhaolei", role="sales")
    customer = make_customer(seller, name="张伟", kind="individual", phone="13912345678")
    log_in(page, "zhaolei", PASSWORD, then=f"/customers/{customer.pk}/")
    remember_page(page)
    card = page.get_by_test_id("consents")

    card.locator("select[name=purpose]").select_option("sms")
    card.locator("select[name=channel]").select_option("paper")
    card.locator("input[name=wording_version]").fill("2026-01")
    card.get_by_test_id("consent-grant").click()

    expect(card.get_by_test_id("consent-row")).to_have_count(1)
    expect(card.get_by_test_id("consent-row")).to_contain_text("短信")
    screenshot("privacy-consent-granted")
    card.get_by_test_id("consent-withdraw").click()
    expect(card.get_by_test_id("consent-withdraw")).to_have_count(0)
    expect(card.get_by_test_id("consent-row")).to_contain_text("已撤回")
    assert_not_reloaded(page)


def test_an_admin_erases_a_person_after_confirming_and_sees_the_audit(
    page, screenshot, make_user, make_customer
):
    seller = make_user("zhaolei", role="sales")
    make_user("root", role="admin")
    customer = make_customer(seller, name="张伟", kind="individual", phone="13912345678")
    log_in(page, "zhaolei", PASSWORD, then=f"/customers/{customer.pk}/")
    expect(page.get_by_test_id("subject-rights")).to_have_count(0)
    log_out(page)

    log_in(page, "root", PASSWORD, then=f"/customers/{customer.pk}/")
    expect(page.get_by_test_id("subject-export")).to_be_visible()
    page.get_by_test_id("erasure-request").click()
    page.wait_for_url("**/privacy/erasures/")
    page.get_by_test_id("erasure-execute").click()
    expect(page.get_by_test_id("erasure-confirm")).to_contain_text("张伟")
    screenshot("privacy-erasure-confirm")
    page.get_by_test_id("erasure-confirm-button").click()
    page.wait_for_url("**/privacy/erasures/")
    expect(page.get_by_test_id("erasure-row")).to_contain_text("已执行")
    expect(page.get_by_test_id("erasure-execute")).to_have_count(0)

    page.get_by_test_id("nav-privacy").click()
    page.wait_for_url("**/privacy/audit/")
    rows = page.get_by_test_id("audit-row")
    expect(rows).to_have_count(2)
    expect(rows.last).to_contain_text("zhaolei")
    screenshot("privacy-audit")
