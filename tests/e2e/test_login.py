"""Logging in: a wrong password keeps you out, the right one takes you to your customers."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from kehu.core.models import User
from tests.conftest import PASSWORD
from tests.e2e.conftest import log_in
from tests.texts import t

pytestmark = pytest.mark.django_db(transaction=True)

WRONG_PASSWORD = (
    "Wrong username or password. After several failed attempts the account is locked for a while."
)


@pytest.fixture
def salesperson(make_user):
    user = make_user("wangfang", role="sales")
    User.objects.filter(pk=user.pk).update(last_name="王", first_name="芳")
    return user


def test_a_wrong_password_shows_an_error_and_stays_on_the_log_in_page(page, salesperson):
    page.goto("/login/")
    page.fill("input[name=username]", "wangfang")
    page.fill("input[name=password]", "not-the-password")
    page.click("button[type=submit]")

    expect(page.get_by_role("alert")).to_contain_text(t(WRONG_PASSWORD))
    expect(page).to_have_url(re.compile(r"/login/$"))
    expect(page.locator("input[name=password]")).to_be_visible()
    expect(page.get_by_test_id("current-user")).to_have_count(0)


def test_the_right_password_lands_on_the_customer_list_with_the_users_name(page, salesperson):
    log_in(page, "wangfang", PASSWORD)

    expect(page).to_have_url(re.compile(r"/customers/$"))
    expect(page.get_by_test_id("customer-table")).to_be_visible()
    expect(page.get_by_test_id("current-user")).to_have_text("王芳")
