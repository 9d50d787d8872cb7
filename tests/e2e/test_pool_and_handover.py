"""The customer pool, handover, duplicates and follow-ups, as people use them in the browser."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from kehu.core.models import Role, User
from kehu.customers import services
from kehu.customers.models import Activity, Customer
from tests.conftest import PASSWORD
from tests.e2e.conftest import assert_not_reloaded, log_in, log_out, remember_page, switch_language
from tests.texts import t, tn

pytestmark = pytest.mark.django_db(transaction=True)

LANGUAGES = {"zh": "zh-hans", "en": "en"}


@pytest.fixture
def sales_team(make_department, make_user):
    """A sales manager with two salespeople reporting to them."""
    department = make_department("华东销售部")
    manager = make_user("liming", role="sales_manager", department=department)
    return {
        "manager": manager,
        "zhaolei": make_user("zhaolei", role="sales", department=department, manager=manager),
        "sunli": make_user("sunli", role="sales", department=department, manager=manager),
    }


def in_the_pool(make_customer, owner: User, name: str) -> Customer:
    customer = make_customer(owner, name=name)
    return services.customer_release(actor=owner, customer=customer, reason="客户不再采购")


def pool_row(page, customer: Customer):
    return page.get_by_test_id("pool-table").locator(f"#pool-{customer.pk}")


def customer_rows(page):
    return page.get_by_test_id("customer-table").locator("tbody tr")


def alerts(page):
    return page.locator(".page-body .alert")


# The pool ------------------------------------------------------------------------------


def test_a_customer_returned_to_the_pool_is_claimed_by_a_colleague(page, sales_team, make_customer):
    customer = make_customer(sales_team["zhaolei"], name="西安宏达食品有限公司")
    log_in(page, "zhaolei", PASSWORD)
    page.goto(f"/customers/{customer.pk}/")
    release_form = page.get_by_test_id("release-form")
    expect(release_form).to_be_hidden()
    page.get_by_test_id("release").click()
    expect(release_form).to_be_visible()
    release_form.locator("#id_reason").fill("客户已改从别家采购")
    release_form.get_by_role("button", name=t("Return to pool")).click()

    expect(page).to_have_url(re.compile(r"/customers/pool/$"))
    expect(alerts(page)).to_contain_text(
        t("“%(name)s” is back in the pool.") % {"name": "西安宏达食品有限公司"}
    )
    expect(pool_row(page, customer)).to_contain_text("西安宏达食品有限公司")
    expect(page.get_by_test_id("pool-quota")).to_have_text(
        tn("You own %(owned)s customer.", "You own %(owned)s customers.", 0) % {"owned": 0}
    )
    customer.refresh_from_db()
    assert customer.owner is None and customer.released_at is not None

    log_out(page)
    log_in(page, "sunli", PASSWORD)
    expect(page.get_by_test_id("no-customers")).to_be_visible()
    page.goto("/customers/pool/")
    remember_page(page)
    row = pool_row(page, customer)
    row.get_by_role("button", name=t("Claim")).click()

    claimed = row.get_by_role("link", name=t("Claimed — now yours"))
    expect(claimed).to_be_visible()
    expect(claimed).to_have_attribute("href", f"/customers/{customer.pk}/")
    assert_not_reloaded(page)
    customer.refresh_from_db()
    assert customer.owner == sales_team["sunli"]

    page.goto("/customers/")
    expect(customer_rows(page)).to_have_count(1)
    expect(customer_rows(page)).to_contain_text("西安宏达食品有限公司")


def test_returning_a_customer_needs_a_reason(page, sales_team, make_customer):
    customer = make_customer(sales_team["zhaolei"])
    log_in(page, "zhaolei", PASSWORD)
    page.goto(f"/customers/{customer.pk}/")
    page.get_by_test_id("release").click()
    release_form = page.get_by_test_id("release-form")
    release_form.locator("#id_reason").fill("   ")
    release_form.get_by_role("button", name=t("Return to pool")).click()

    expect(page).to_have_url(re.compile(rf"/customers/{customer.pk}/$"))
    expect(page.locator(".alert-danger")).to_have_count(1)
    customer.refresh_from_db()
    assert customer.owner == sales_team["zhaolei"]


def test_the_reason_for_returning_a_customer_is_in_its_history(page, sales_team, make_customer):
    customer = in_the_pool(make_customer, sales_team["zhaolei"], "西安宏达食品有限公司")
    log_in(page, "sunli", PASSWORD)
    page.goto("/customers/pool/")
    pool_row(page, customer).get_by_role("button", name=t("Claim")).click()
    pool_row(page, customer).get_by_role("link", name=t("Claimed — now yours")).click()

    history = page.get_by_test_id("history").locator(":scope > li")
    released = history.filter(has_text=t("Returned to the pool"))
    expect(released).to_have_count(1)
    expect(released).to_contain_text("客户不再采购")
    expect(released).to_contain_text("zhaolei")
    expect(history.filter(has_text=t("Claimed from the pool"))).to_contain_text("sunli")


def test_the_pool_shows_the_quota_and_refuses_a_claim_beyond_it(page, sales_team, make_customer):
    Role.objects.filter(code="sales").update(customer_limit=1)
    make_customer(sales_team["sunli"], name="上海明辉机械有限公司")
    customer = in_the_pool(make_customer, sales_team["zhaolei"], "西安宏达食品有限公司")

    log_in(page, "sunli", PASSWORD)
    page.goto("/customers/pool/")
    expect(page.get_by_test_id("pool-quota")).to_have_text(
        tn(
            "You own %(owned)s of at most %(limit)s customer.",
            "You own %(owned)s of at most %(limit)s customers.",
            1,
        )
        % {"owned": 1, "limit": 1}
    )
    remember_page(page)
    row = pool_row(page, customer)
    row.get_by_role("button", name=t("Claim")).click()

    refusal = tn(
        "%(user)s would own more than the role's limit of %(limit)d customer.",
        "%(user)s would own more than the role's limit of %(limit)d customers.",
        1,
    )
    expect(row.get_by_role("alert")).to_have_text(refusal % {"user": "sunli", "limit": 1})
    expect(row.get_by_role("button", name=t("Claim"))).to_have_count(0)
    assert_not_reloaded(page)
    customer.refresh_from_db()
    assert customer.owner is None


# Handover ------------------------------------------------------------------------------


def choose_from(page, username: str, expected_customers: int) -> None:
    """Pick whose customers to hand over; their checklist loads in place."""
    page.select_option("#id_from_user", label=username)
    checklist = page.locator("#handover-customers input[name=customers]")
    expect(checklist).to_have_count(expected_customers)


def test_a_manager_hands_over_all_customers_of_a_salesperson(page, sales_team, make_customer):
    zhaolei, sunli = sales_team["zhaolei"], sales_team["sunli"]
    make_customer(zhaolei, name="西安宏达食品有限公司")
    make_customer(zhaolei, name="成都天府茶业有限公司")
    make_customer(sunli, name="上海明辉机械有限公司")

    log_in(page, "liming", PASSWORD)
    page.goto("/customers/handover/")
    remember_page(page)
    choices = page.locator("#handover-customers")
    expect(choices).to_contain_text(t("Choose whose customers to hand over."))
    choose_from(page, "zhaolei", 2)
    expect(choices).to_contain_text("西安宏达食品有限公司")
    expect(choices).to_contain_text("成都天府茶业有限公司")
    expect(choices).not_to_contain_text("上海明辉机械有限公司")
    assert_not_reloaded(page)
    page.select_option("#id_to_user", label="sunli")
    page.locator("#id_reason").fill("赵磊调往西南区")
    page.get_by_test_id("handover-form").get_by_role("button", name=t("Hand over")).click()

    expect(page).to_have_url(re.compile(r"/customers/handover/$"))
    expect(alerts(page)).to_contain_text(
        tn(
            "%(count)d customer handed over to %(user)s.",
            "%(count)d customers handed over to %(user)s.",
            2,
        )
        % {"count": 2, "user": "sunli"}
    )
    assert not Customer.objects.filter(owner=zhaolei).exists()
    assert Customer.objects.filter(owner=sunli).count() == 3

    page.goto("/customers/")
    for name in ["西安宏达食品有限公司", "成都天府茶业有限公司"]:
        expect(customer_rows(page).filter(has_text=name)).to_contain_text("sunli")


def test_a_manager_hands_over_only_the_ticked_customers(page, sales_team, make_customer):
    zhaolei, sunli = sales_team["zhaolei"], sales_team["sunli"]
    moving = make_customer(zhaolei, name="西安宏达食品有限公司")
    staying = make_customer(zhaolei, name="成都天府茶业有限公司")

    log_in(page, "liming", PASSWORD)
    page.goto("/customers/handover/")
    choose_from(page, "zhaolei", 2)
    page.get_by_label("西安宏达食品有限公司").check()
    page.select_option("#id_to_user", label="sunli")
    page.locator("#id_reason").fill("孙丽负责食品行业")
    page.get_by_test_id("handover-form").get_by_role("button", name=t("Hand over")).click()

    expect(alerts(page)).to_contain_text(
        tn(
            "%(count)d customer handed over to %(user)s.",
            "%(count)d customers handed over to %(user)s.",
            1,
        )
        % {"count": 1, "user": "sunli"}
    )
    moving.refresh_from_db()
    staying.refresh_from_db()
    assert moving.owner == sunli
    assert staying.owner == zhaolei


def test_a_handover_without_a_reason_keeps_the_choices_made(page, sales_team, make_customer):
    zhaolei = sales_team["zhaolei"]
    ticked = make_customer(zhaolei, name="西安宏达食品有限公司")
    make_customer(zhaolei, name="成都天府茶业有限公司")
    make_customer(sales_team["sunli"], name="上海明辉机械有限公司")

    log_in(page, "liming", PASSWORD)
    page.goto("/customers/handover/")
    choose_from(page, "zhaolei", 2)
    page.get_by_label("西安宏达食品有限公司").check()
    page.select_option("#id_to_user", label="sunli")
    page.get_by_test_id("handover-form").get_by_role("button", name=t("Hand over")).click()

    form = page.get_by_test_id("handover-form")
    expect(form.locator("[data-field-error=reason]")).to_be_visible()
    # The checklist still lists zhaolei's customers only, with the ticked one still ticked.
    checklist = page.locator("#handover-customers input[name=customers]")
    expect(checklist).to_have_count(2)
    expect(page.locator("#handover-customers")).not_to_contain_text("上海明辉机械有限公司")
    expect(page.get_by_label("西安宏达食品有限公司")).to_be_checked()
    expect(page.get_by_label("成都天府茶业有限公司")).not_to_be_checked()
    ticked.refresh_from_db()
    assert ticked.owner == zhaolei


# Duplicates ----------------------------------------------------------------------------


def test_a_duplicate_is_flagged_created_on_request_and_merged(page, sales_team, make_customer):
    zhaolei = sales_team["zhaolei"]
    existing = make_customer(zhaolei, name="西安宏达食品有限公司")
    services.contact_create(actor=zhaolei, customer=existing, name="王建国", title="采购经理")

    log_in(page, "zhaolei", PASSWORD)
    page.goto("/customers/new/")
    form = page.get_by_test_id("customer-form")
    form.locator("#id_name").fill("西安宏达食品")
    form.locator("button[type=submit]").click()

    warning = form.get_by_test_id("duplicate-warning")
    expect(warning).to_contain_text(t("A customer like this already exists:"))
    expect(warning).to_contain_text("西安宏达食品有限公司")
    expect(form.locator("#id_name")).to_have_value("西安宏达食品")
    assert Customer.objects.count() == 1

    warning.get_by_label(t("It is a different customer: create it anyway")).check()
    form.locator("button[type=submit]").click()
    second = Customer.objects.get(name="西安宏达食品")
    expect(page).to_have_url(re.compile(rf"/customers/{second.pk}/$"))
    on_page = page.get_by_test_id("duplicate-warning")
    expect(on_page).to_contain_text(t("This customer may be entered twice:"))
    expect(on_page.get_by_role("link", name="西安宏达食品有限公司")).to_be_visible()
    services.contact_create(actor=zhaolei, customer=second, name="李娜", title="财务主管")

    page.goto("/customers/duplicates/")
    group = page.get_by_test_id("duplicate-group")
    expect(group).to_have_count(1)
    rows = group.locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("西安宏达食品有限公司")
    expect(rows.first).to_contain_text(t("kept"))
    page.once("dialog", lambda dialog: dialog.accept())
    rows.nth(1).get_by_role("button", name=t("Merge")).click()

    expect(page).to_have_url(re.compile(rf"/customers/{existing.pk}/$"))
    expect(alerts(page)).to_contain_text(
        t("“%(other)s” was merged into “%(survivor)s”.")
        % {"other": "西安宏达食品", "survivor": "西安宏达食品有限公司"}
    )
    contacts = page.get_by_test_id("contacts")
    expect(contacts).to_contain_text("王建国")
    expect(contacts).to_contain_text("李娜")
    expect(page.get_by_test_id("duplicate-warning")).to_have_count(0)
    assert list(Customer.objects.values_list("name", flat=True)) == ["西安宏达食品有限公司"]
    assert sorted(existing.contacts.values_list("name", flat=True)) == ["李娜", "王建国"]

    page.goto("/customers/duplicates/")
    expect(page.get_by_text(t("No duplicates found."))).to_be_visible()


def test_declining_the_merge_dialog_merges_nothing(page, sales_team, make_customer):
    make_customer(sales_team["zhaolei"], name="西安宏达食品有限公司")
    make_customer(sales_team["zhaolei"], name="西安宏达食品")
    log_in(page, "zhaolei", PASSWORD)
    page.goto("/customers/duplicates/")
    remember_page(page)
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.get_by_test_id("duplicate-group").get_by_role("button", name=t("Merge")).click()

    expect(page.get_by_test_id("duplicate-group").locator("tbody tr")).to_have_count(2)
    assert_not_reloaded(page)
    assert Customer.objects.count() == 2


# Follow-ups ----------------------------------------------------------------------------


def test_a_follow_up_is_logged_on_the_customer_page_without_a_reload(
    page, sales_team, make_customer
):
    customer = make_customer(sales_team["zhaolei"])
    log_in(page, "zhaolei", PASSWORD)
    page.goto(f"/customers/{customer.pk}/")
    remember_page(page)
    card = page.get_by_test_id("activities")
    expect(card).to_contain_text(t("No follow-ups yet."))

    card.get_by_test_id("log-activity").click()
    form = page.get_by_test_id("activity-form")
    form.locator("[name=kind]").select_option("visit")
    form.locator("[name=subject]").fill("拜访采购部，商谈年度框架合同")
    form.locator("[name=notes]").fill("对方希望月底前报价")
    form.get_by_role("button", name=t("Save")).click()

    expect(form).to_have_count(0)
    entry = card.locator(".list-group-item", has_text="拜访采购部，商谈年度框架合同")
    expect(entry).to_contain_text(t("Visit"))
    expect(entry).to_contain_text("对方希望月底前报价")
    expect(entry).to_contain_text("zhaolei")
    expect(card).not_to_contain_text(t("No follow-ups yet."))
    assert_not_reloaded(page)
    activity = Activity.objects.get()
    assert (activity.customer, activity.kind, activity.author) == (
        customer,
        "visit",
        sales_team["zhaolei"],
    )
    customer.refresh_from_db()
    assert customer.last_activity_at == activity.at


def test_a_follow_up_without_a_subject_shows_the_field_error(page, sales_team, make_customer):
    customer = make_customer(sales_team["zhaolei"])
    log_in(page, "zhaolei", PASSWORD)
    page.goto(f"/customers/{customer.pk}/")
    remember_page(page)
    page.get_by_test_id("log-activity").click()
    form = page.get_by_test_id("activity-form")
    form.locator("[name=kind]").select_option("call")
    form.get_by_role("button", name=t("Save")).click()

    expect(form.locator("[data-field-error=subject]")).to_be_visible()
    expect(form.locator("[data-field-error]")).to_have_count(1)
    expect(form.locator("[name=kind]")).to_have_value("call")
    assert_not_reloaded(page)
    assert not Activity.objects.exists()

    form.get_by_role("button", name=t("Cancel")).click()
    expect(form).to_have_count(0)
    expect(page.get_by_test_id("log-activity")).to_be_visible()


# Screenshots ---------------------------------------------------------------------------


def _named(user: User, last_name: str, first_name: str) -> User:
    User.objects.filter(pk=user.pk).update(last_name=last_name, first_name=first_name)
    user.refresh_from_db()
    return user


@pytest.fixture
def busy_team(sales_team, make_customer):
    """The sales team with names, a pool, a duplicate pair, contacts and follow-ups."""
    Role.objects.filter(code="sales_manager").update(customer_limit=50)
    manager = _named(sales_team["manager"], "李", "明")
    zhaolei = _named(sales_team["zhaolei"], "赵", "磊")
    sunli = _named(sales_team["sunli"], "孙", "丽")
    main = make_customer(
        zhaolei,
        name="西安宏达食品有限公司",
        phone="029 8765 4321",
        province="陕西省",
        city="西安市",
        industry="food",
    )
    services.contact_create(actor=zhaolei, customer=main, name="王建国", title="采购经理")
    services.activity_create(
        actor=zhaolei,
        customer=main,
        kind="call",
        subject="电话确认样品已收到",
        notes="对方对包装提出两点修改意见",
    )
    make_customer(zhaolei, name="西安宏达食品", province="陕西省", city="西安市")
    make_customer(zhaolei, name="成都天府茶业有限公司", province="四川省", city="成都市")
    make_customer(sunli, name="上海明辉机械有限公司", province="上海市", city="上海市")
    for name, province, city in [
        ("广州华南电子有限公司", "广东省", "广州市"),
        ("杭州西湖丝绸有限公司", "浙江省", "杭州市"),
    ]:
        customer = make_customer(
            manager, name=name, province=province, city=city, industry="manufacturing"
        )
        services.customer_release(actor=manager, customer=customer, reason="半年未成交")
    return {"main": main}


@pytest.mark.parametrize("suffix", list(LANGUAGES))
def test_screenshots_of_the_pool_handover_and_duplicate_pages(page, screenshot, busy_team, suffix):
    language = LANGUAGES[suffix]
    page.goto("/login/")
    if language != "zh-hans":
        switch_language(page, language)
    log_in(page, "liming", PASSWORD)
    expect(page.locator("html")).to_have_attribute("lang", language)

    page.goto("/customers/pool/")
    rows = page.get_by_test_id("pool-table").locator("tbody tr")
    expect(rows).to_have_count(2)
    rows.first.get_by_role("button", name=t("Claim", language)).click()
    expect(rows.first.get_by_role("link", name=t("Claimed — now yours", language))).to_be_visible()
    screenshot(f"pool_{suffix}")

    page.goto("/customers/handover/")
    choose_from(page, "赵磊", 3)
    page.select_option("#id_to_user", label="孙丽")
    page.locator("#id_reason").fill("赵磊调往西南区")
    page.get_by_label("成都天府茶业有限公司").check()
    screenshot(f"handover_{suffix}")

    page.goto("/customers/duplicates/")
    expect(page.get_by_test_id("duplicate-group").locator("tbody tr")).to_have_count(2)
    screenshot(f"duplicates_{suffix}")

    page.goto(f"/customers/{busy_team['main'].pk}/")
    expect(page.get_by_test_id("duplicate-warning")).to_contain_text("西安宏达食品")
    page.get_by_test_id("log-activity").click()
    form = page.get_by_test_id("activity-form")
    form.locator("[name=kind]").select_option("visit")
    form.get_by_role("button", name=t("Save", language)).click()
    expect(form.locator("[data-field-error=subject]")).to_be_visible()
    page.get_by_test_id("release").click()
    # Wait for the collapse to finish opening, so the picture shows the whole reason form.
    expect(page.locator("#release-form")).to_have_class(re.compile(r"\bcollapse show\b"))
    screenshot(f"customer_followups_{suffix}")

    page.goto("/customers/new/")
    customer_form = page.get_by_test_id("customer-form")
    customer_form.locator("#id_name").fill("西安宏达食品有限责任公司")
    customer_form.locator("button[type=submit]").click()
    expect(customer_form.get_by_test_id("duplicate-warning")).to_have_count(1)
    screenshot(f"customer_form_duplicate_{suffix}")
