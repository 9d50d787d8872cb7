"""Screenshots of the main pages in both languages, under var/screenshots/, for people to check.

Each step also checks that the page is in the language asked for and shows what it should.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from kehu.core.models import Role, User
from kehu.customers import services
from tests.conftest import PASSWORD
from tests.e2e.conftest import log_in, switch_language
from tests.texts import t

pytestmark = pytest.mark.django_db(transaction=True)

LANGUAGES = {"zh": "zh-hans", "en": "en"}


def _named(user: User, last_name: str, first_name: str) -> User:
    User.objects.filter(pk=user.pk).update(last_name=last_name, first_name=first_name)
    user.refresh_from_db()
    return user


@pytest.fixture
def company(make_department, make_user, make_customer):
    """A small company: an admin, a sales team, and a few customers with contacts and history."""
    department = make_department("华东销售部")
    admin = _named(make_user("admin", role="admin"), "管", "理员")
    manager = _named(make_user("liming", role="sales_manager", department=department), "李", "明")
    sales = _named(
        make_user("zhaolei", role="sales", department=department, manager=manager), "赵", "磊"
    )
    _named(make_user("huangmin", role="finance"), "黄", "敏")
    main = make_customer(
        sales,
        name="西安宏达食品有限公司",
        phone="029 8765 4321",
        email="info@hongda.example.com",
        province="陕西省",
        city="西安市",
        district="雁塔区",
        address="雁塔路1号",
        industry="food",
        business_mode="consumer_goods",
        source_channel="trade_fair",
        relationship_level="preferred_supplier",
        lifecycle_stage="formation",
        credit_rating="A",
        credit_limit="200000",
        employee_count=120,
        tags=["重点客户", "食品"],
    )
    services.contact_create(
        actor=sales,
        customer=main,
        name="王建国",
        title="采购经理",
        phone="13812345678",
        decision_role="purchaser",
        is_primary=True,
    )
    services.customer_update(
        actor=sales, customer=main, version=main.version, lifecycle_stage="stability"
    )
    make_customer(sales, name="张三", kind="individual", phone="13900001111", province="北京市")
    make_customer(
        manager,
        name="上海明辉机械有限公司",
        province="上海市",
        city="上海市",
        industry="machinery",
        relationship_level="partnership",
        lifecycle_stage="decline",
    )
    return {"admin": admin, "customer": main}


@pytest.mark.parametrize("suffix", list(LANGUAGES))
def test_screenshots_of_the_main_pages(page, screenshot, company, suffix):
    language = LANGUAGES[suffix]
    html = page.locator("html")

    page.goto("/login/")
    if language != "zh-hans":
        switch_language(page, language)
    expect(html).to_have_attribute("lang", language)
    expect(page.get_by_role("button", name=t("Log in", language))).to_be_visible()
    screenshot(f"login_{suffix}")

    log_in(page, "admin", PASSWORD)
    expect(html).to_have_attribute("lang", language)
    expect(page.get_by_test_id("customer-table").locator("tbody tr")).to_have_count(3)
    screenshot(f"customer_list_{suffix}")

    page.goto(f"/customers/{company['customer'].pk}/")
    expect(page.get_by_test_id("customer-name")).to_contain_text("西安宏达食品有限公司")
    # Created, its credit terms set apart from it (finance's), a contact, an edit.
    expect(page.get_by_test_id("history").locator(":scope > li")).to_have_count(4)
    screenshot(f"customer_page_{suffix}")

    page.get_by_test_id("contacts").get_by_role("button", name=t("Add contact", language)).click()
    contact_form = page.get_by_test_id("contact-form")
    contact_form.locator("[name=phone]").fill("12345")
    contact_form.locator("button[type=submit]").click()
    expect(contact_form.locator("[data-field-error=phone]")).to_be_visible()
    screenshot(f"contact_form_error_{suffix}")

    page.goto("/customers/new/")
    form = page.get_by_test_id("customer-form")
    form.locator("#id_name").fill("成都天府茶业有限公司")
    form.locator("#id_phone").fill("12345")
    form.locator("button[type=submit]").click()
    expect(form.locator("[data-field-error=phone]")).to_be_visible()
    screenshot(f"customer_form_error_{suffix}")

    page.goto("/organisation/users/")
    expect(page.get_by_test_id("user-table").locator("tbody tr")).to_have_count(4)
    screenshot(f"organisation_users_{suffix}")

    page.goto(f"/organisation/roles/{Role.objects.get(code='sales').pk}/")
    expect(page.get_by_test_id("org-form").locator("[name=code]")).to_have_value("sales")
    expect(html).to_have_attribute("lang", language)
    screenshot(f"role_edit_{suffix}")
    expect(page).to_have_title(re.compile(re.escape(t("Edit role", language))))
