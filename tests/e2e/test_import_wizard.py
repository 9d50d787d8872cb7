"""The import wizard in Chromium: a GBK file from upload to report, in Chinese and English.

The check runs at once (the immediate task backend); the import is left queued, so the page
shows its progress card polling, and the test runs the job the way the worker would.
"""

from __future__ import annotations

import csv
import io

import pytest
from playwright.sync_api import expect

from kehu.core.models import User
from kehu.customers.models import Customer, ImportJob
from kehu.customers.tasks import import_customers
from tests.conftest import PASSWORD
from tests.e2e.conftest import log_in, switch_language
from tests.texts import t

pytestmark = pytest.mark.django_db(transaction=True)

LANGUAGES = {"zh": "zh-hans", "en": "en"}
ROWS = [
    ["客户名称", "手机", "邮箱", "省份", "城市", "区县", "行业", "联系人", "职务", "备注"],
    ["西安宏达食品有限公司", "029-87654321", "info@hongda.example.com", "陕西省", "西安市",
     "雁塔区", "食品饮料", "王建国", "采购经理", "老客户"],
    ["成都天府茶业有限公司", "13812345678", "", "四川省", "成都市", "武侯区", "", "", "", ""],
    ["张三", "13900001111", "zhangsan@example.com", "北京市", "北京市", "朝阳区", "", "", "", ""],
    ["号码写错的公司", "12345", "", "", "", "", "", "", "", ""],
]  # fmt: skip


@pytest.fixture
def salesperson(make_user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    user = make_user("zhaolei", role="sales")
    User.objects.filter(pk=user.pk).update(last_name="赵", first_name="磊")
    return user


@pytest.mark.parametrize("suffix", list(LANGUAGES))
def test_importing_a_gbk_file_through_the_wizard(
    page, screenshot, salesperson, settings, tmp_path, suffix
):
    language = LANGUAGES[suffix]
    text = io.StringIO()
    csv.writer(text).writerows(ROWS)
    path = tmp_path / "客户清单.csv"
    path.write_bytes(text.getvalue().encode("gbk"))

    page.goto("/login/")
    if language != "zh-hans":
        switch_language(page, language)
    log_in(page, "zhaolei", PASSWORD)
    page.get_by_test_id("import").click()
    expect(page.get_by_test_id("import-steps").locator(".active")).to_have_text(
        t("Upload", language)
    )
    screenshot(f"import_upload_{suffix}")

    page.set_input_files("input[name=file]", str(path))
    page.get_by_test_id("import-upload").locator("button[type=submit]").click()
    columns = page.get_by_test_id("column-table")
    expect(columns.locator("select").first).to_have_value("name")
    expect(columns.locator("select").nth(8)).to_have_value("contact_title")
    expect(page.get_by_test_id("preview-table")).to_contain_text("西安宏达食品有限公司")
    screenshot(f"import_columns_{suffix}")

    page.get_by_test_id("import-columns").locator("button[type=submit]").click()
    expect(page.get_by_test_id("count-created")).to_have_text("3")
    expect(page.get_by_test_id("count-failed")).to_have_text("1")
    expect(page.get_by_test_id("import-problems")).to_contain_text("12345")
    assert not Customer.objects.exists()
    screenshot(f"import_check_{suffix}")

    # Leave the import queued, as for the worker, to watch the page follow it.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    page.get_by_test_id("start-import").click()
    expect(page.get_by_test_id("progress-percent")).to_have_text("0%")
    expect(page.get_by_test_id("import-progress")).to_have_attribute("hx-trigger", "every 1s")
    screenshot(f"import_progress_{suffix}")

    import_customers.call(ImportJob.objects.get().pk, language)  # as the worker runs it
    expect(page.get_by_test_id("import-report")).to_be_visible()
    expect(page.get_by_test_id("progress-percent")).to_have_text("100%")
    expect(page.get_by_test_id("count-created")).to_have_text("3")
    expect(page.get_by_test_id("import-problems")).to_contain_text(
        t(
            "“%(value)s” is not a valid phone number. Write it like 13812345678 or 010-12345678.",
            language,
        )
        % {"value": "12345"}
    )
    screenshot(f"import_report_{suffix}")

    page.get_by_role("link", name=t("See the customers", language)).click()
    expect(page.get_by_test_id("customer-table").locator("tbody tr")).to_have_count(3)
    assert Customer.objects.get(name="西安宏达食品有限公司").contacts.get().name == "王建国"


def test_the_export_links_follow_the_filters_chosen_on_the_page(page, salesperson, make_customer):
    make_customer(salesperson, name="西安宏达食品有限公司")
    make_customer(salesperson, name="张三", kind="individual")
    log_in(page, "zhaolei", PASSWORD)
    page.fill("#id_q", "xahd")
    expect(page.get_by_test_id("customer-table").locator("tbody tr")).to_have_count(1)
    with page.expect_download() as download:
        page.get_by_test_id("export-csv").click()
    rows = list(csv.reader(io.StringIO(download.value.path().read_text(encoding="utf-8-sig"))))
    assert [row[0] for row in rows[1:]] == ["西安宏达食品有限公司"]
