"""Exporting the customer list: what the reader may see, as they see it, safe to open."""

from __future__ import annotations

import codecs
import csv
import io
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from kehu.customers import services
from kehu.customers.exports import export_rows, neutralise, write_export
from kehu.customers.imports import detect_columns, import_prepare, import_run, import_start
from kehu.customers.models import Customer

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture(autouse=True)
def _english() -> Any:
    with translation.override("en"):
        yield


@pytest.fixture
def team(make_department, make_user, make_customer):
    department = make_department("华东销售部")
    manager = make_user("liming", role="sales_manager", department=department)
    zhaolei = make_user("zhaolei", department=department, manager=manager)
    sunli = make_user("sunli", department=department, manager=manager)
    hongda = make_customer(
        zhaolei,
        name="西安宏达食品有限公司",
        phone="13812345678",
        email="zhang@hongda.example.com",
        industry="food",
        province="陕西省",
        city="西安市",
        tags=["重点客户"],
    )
    services.contact_create(
        actor=zhaolei, customer=hongda, name="王建国", title="采购经理", is_primary=True
    )
    make_customer(zhaolei, name="张三", kind="individual")
    make_customer(sunli, name="上海明辉机械有限公司", industry="machinery")
    return {"manager": manager, "zhaolei": zhaolei, "sunli": sunli}


def read_csv(content: bytes) -> list[dict[str, str]]:
    assert content.startswith(codecs.BOM_UTF8), "Excel needs the byte-order mark"
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def download(client: Any, user: Any, fmt: str, **query: str) -> bytes:
    client.force_login(user)
    response = client.get(reverse(f"customers:export-{fmt}"), query, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    return b"".join(response.streaming_content)


def test_a_salespersons_export_holds_only_their_customers(client, team):
    rows = read_csv(download(client, team["zhaolei"], "csv"))
    assert sorted(r["Name"] for r in rows) == ["张三", "西安宏达食品有限公司"]
    manager_rows = read_csv(download(client, team["manager"], "csv"))
    assert len(manager_rows) == 3


def test_the_export_follows_the_lists_search_filters_and_order(client, team):
    rows = read_csv(download(client, team["manager"], "csv", q="xahd"))
    assert [r["Name"] for r in rows] == ["西安宏达食品有限公司"]
    rows = read_csv(download(client, team["manager"], "csv", kind="individual"))
    assert [r["Name"] for r in rows] == ["张三"]
    rows = read_csv(download(client, team["manager"], "csv", sort="name", page="2"))
    assert [r["Name"] for r in rows] == sorted(r["Name"] for r in rows) and len(rows) == 3


def test_the_export_shows_values_as_the_list_does(client, team):
    [hongda] = [
        r
        for r in read_csv(download(client, team["zhaolei"], "csv"))
        if r["Name"].startswith("西安")
    ]
    assert hongda["Phone"] == "13812345678" and hongda["E-mail"] == "zhang@hongda.example.com"
    assert (hongda["Industry"], hongda["Tags"], hongda["Owner"]) == (
        "Food and beverages",
        "重点客户",
        "zhaolei",
    )
    assert (hongda["Contact name"], hongda["Contact title"]) == ("王建国", "采购经理")


def test_contact_details_are_masked_for_readers_without_the_permission(client, team, make_user):
    finance = make_user("huangmin", role="finance")
    for fmt in ("csv", "xlsx"):
        content = download(client, finance, fmt)
        rows = read_csv(content) if fmt == "csv" else xlsx_dicts(content)
        [hongda] = [r for r in rows if r["Name"].startswith("西安")]
        assert (hongda["Phone"], hongda["E-mail"]) == ("138****5678", "zh****@hongda.example.com")


def xlsx_dicts(content: bytes) -> list[dict[str, Any]]:
    sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    header, *rows = sheet.iter_rows(values_only=True)
    return [dict(zip(header, row, strict=False)) for row in rows]


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ('=HYPERLINK("http://evil.example")', '\'=HYPERLINK("http://evil.example")'),
        ("+86 cmd", "'+86 cmd"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("普通备注", "普通备注"),
    ],
)
def test_text_a_spreadsheet_would_run_as_a_formula_is_neutralised(text, shown):
    assert neutralise(text) == shown


def test_exported_files_carry_no_formulas(client, make_user, make_customer):
    user = make_user("alice", role="admin")
    make_customer(user, name="=cmd|' /C calc'!A0", notes="@SUM(1+1)", address="-1+1")
    csv_row = read_csv(download(client, user, "csv"))[0]
    assert (csv_row["Name"], csv_row["Notes"], csv_row["Address"]) == (
        "'=cmd|' /C calc'!A0",
        "'@SUM(1+1)",
        "'-1+1",
    )
    sheet = load_workbook(io.BytesIO(download(client, user, "xlsx"))).worksheets[0]
    name = sheet.cell(row=2, column=1)
    assert (name.value, name.data_type) == ("'=cmd|' /C calc'!A0", "s")


def test_an_export_imports_back_with_every_column_recognised(team, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    customers = Customer.objects.order_by("pk")
    header = next(export_rows(customers, reveal=True))
    assert len(detect_columns(header)) == len(header) - 2  # all but created and updated
    out = io.BytesIO()
    write_export(customers, out, reveal=True, fmt="xlsx")
    out.seek(0)
    job = import_prepare(actor=team["manager"], stream=out, name="export.xlsx").job
    import_start(job=job, dry_run=True)
    job = import_run(job=job)
    assert (job.skipped_count, job.failed_count) == (3, 0)


def test_headers_follow_the_readers_language():
    with translation.override("zh-hans"):
        header = next(export_rows(Customer.objects.none(), reveal=True))
    assert header[:3] == ["名称", "客户类型", "电话"]
