"""The organisation admin: an administrator sets up a department and a salesperson in it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from kehu.core.models import Department, Role, User
from tests.conftest import PASSWORD
from tests.e2e.conftest import log_in
from tests.texts import t

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def admin(page, make_user):
    user = make_user("admin", role="admin")
    log_in(page, "admin", PASSWORD)
    return user


def test_an_admin_creates_a_department_and_a_salesperson_in_it(page, admin):
    page.goto("/organisation/departments/")
    page.get_by_role("link", name=t("New department")).click()
    form = page.get_by_test_id("org-form")
    form.locator("[name=name]").fill("华东销售部")
    form.locator("button[type=submit]").click()

    expect(page).to_have_url(re.compile(r"/organisation/departments/$"))
    expect(page.locator("table")).to_contain_text("华东销售部")
    department = Department.objects.get(name="华东销售部")

    page.goto("/organisation/users/")
    page.get_by_role("link", name=t("New user")).click()
    form = page.get_by_test_id("org-form")
    form.locator("[name=username]").fill("xiaowang")
    form.locator("[name=last_name]").fill("王")
    form.locator("[name=first_name]").fill("小明")
    form.locator("[name=email]").fill("xiaowang@example.com")
    form.locator("[name=role]").select_option(str(Role.objects.get(code="sales").pk))
    form.locator("[name=department]").select_option(label="华东销售部")
    form.locator("[name=manager]").select_option(label="admin")
    form.locator("[name=password]").fill(PASSWORD)
    form.locator("button[type=submit]").click()

    expect(page).to_have_url(re.compile(r"/organisation/users/$"))
    row = page.get_by_test_id("user-table").locator("tbody tr", has_text="xiaowang")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("王小明")
    expect(row).to_contain_text(t("Salesperson"))
    expect(row).to_contain_text("华东销售部")
    user = User.objects.get(username="xiaowang")
    assert (user.role.code, user.department, user.manager) == ("sales", department, admin)
    assert user.check_password(PASSWORD)


def test_the_role_choices_are_in_the_pages_language(page, admin):
    page.goto("/organisation/users/new/")
    roles = page.get_by_test_id("org-form").locator("[name=role] option")

    expect(roles.get_by_text(t("Salesperson"), exact=True)).to_have_count(1)
    expect(roles.get_by_text("Salesperson", exact=True)).to_have_count(0)


def test_a_salesperson_cannot_open_the_organisation_admin(page, make_user):
    make_user("zhaolei", role="sales")
    log_in(page, "zhaolei", PASSWORD)
    expect(page.locator("header.navbar a[href='/organisation/users/']")).to_have_count(0)

    response = page.goto("/organisation/users/")
    assert response is not None and response.status == 403
