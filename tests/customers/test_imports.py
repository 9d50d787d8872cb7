"""Importing customers: encodings, columns, checks, duplicate policies, resuming, big files."""

from __future__ import annotations

import csv
import io
import tracemalloc
import zipfile
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import Workbook

from kehu.core.exceptions import VersionConflict
from kehu.core.models import Change, User
from kehu.customers import selectors, services
from kehu.customers.imports import (
    ImportFileError,
    detect_columns,
    import_files_sweep,
    import_prepare,
    import_run,
    import_start,
    system_actor,
)
from kehu.customers.models import Contact, Customer, ImportJob, ImportStatus, Tag

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

HEADER = ["客户名称", "手机", "邮箱", "省份", "城市", "区县", "行业", "标签", "联系人", "职务"]


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _english() -> Any:
    # Messages are compared as written in English; the Chinese catalogue is checked apart.
    with translation.override("en"):
        yield


@pytest.fixture
def alice(make_user: Callable[..., User]) -> User:
    return make_user("alice")


@pytest.fixture
def chief(make_user: Callable[..., User]) -> User:
    """An administrator: the importer whose files may set credit terms."""
    return make_user("zhangwei", "admin")


def csv_bytes(rows: list[list[Any]], encoding: str = "utf-8", delimiter: str = ",") -> bytes:
    text = io.StringIO()
    csv.writer(text, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return text.getvalue().encode(encoding)


def xlsx_bytes(rows: list[list[Any]]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("客户")
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def run(
    actor: User | None,
    content: bytes,
    *,
    name: str = "customers.csv",
    dry_run: bool = False,
    **options: Any,
) -> ImportJob:
    """Prepare, start and run an import as the wizard and the command do."""
    run_options = {k: options.pop(k) for k in ("batch_size", "on_batch") if k in options}
    prepared = import_prepare(
        actor=actor or system_actor(), stream=io.BytesIO(content), name=name, **options
    )
    import_start(job=prepared.job, dry_run=dry_run)
    return import_run(job=prepared.job, **run_options)


def problems(job: ImportJob) -> list[tuple[int, str, str, str]]:
    return list(job.problems.values_list("row", "column", "value", "message"))


# Encodings ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [("gbk", "gb18030"), ("utf-8", "utf-8-sig"), ("utf-8-sig", "utf-8-sig")],
)
def test_gbk_and_utf8_files_with_or_without_bom_read_without_mojibake(alice, encoding, expected):
    content = csv_bytes(
        [HEADER, ["西安宏达食品有限公司", "13812345678", "", "陕西省", "西安市", "雁塔区"]],
        encoding,
    )
    job = run(alice, content)
    assert (job.status, job.encoding, job.created_count, job.failed_count) == (
        ImportStatus.DONE,
        expected,
        1,
        0,
    )
    customer = Customer.objects.get()
    assert (customer.name, customer.phone, customer.district) == (
        "西安宏达食品有限公司",
        "+8613812345678",
        "雁塔区",
    )
    assert list(selectors.customer_list(user=alice, search="xahd")) == [customer]


def test_characters_only_gb18030_has_are_read_right(alice):
    # 𠮷 (U+20BB7) is not in GBK; GB18030 writes it in four bytes.
    job = run(alice, csv_bytes([["客户名称"], ["𠮷野家餐饮有限公司"]], "gb18030"))
    assert job.encoding == "gb18030"
    assert Customer.objects.get().name == "𠮷野家餐饮有限公司"


def test_excel_unicode_text_is_utf16_with_tabs(alice):
    content = codecs_bom_utf16(
        csv_bytes([["名称", "电话"], ["成都天府茶业", "028-85551234"]], "utf-16-le", "\t")
    )
    job = run(alice, content, name="客户.txt")
    assert Customer.objects.get().phone == "+862885551234"
    assert job.encoding == "utf-16"


def codecs_bom_utf16(content: bytes) -> bytes:
    return b"\xff\xfe" + content


def test_an_explicit_encoding_is_used_and_a_wrong_one_is_a_clear_error(alice):
    content = csv_bytes([["客户名称"], ["渭南金穗粮油有限公司"]], "gbk")
    with pytest.raises(ImportFileError, match="utf-8"):
        run(alice, content, encoding="utf-8")
    with pytest.raises(ImportFileError, match="Unknown encoding"):
        run(alice, content, encoding="klingon")
    run(alice, content, encoding="GBK")
    assert Customer.objects.get().name == "渭南金穗粮油有限公司"


def test_bytes_that_are_no_known_text_are_refused(alice):
    with pytest.raises(ImportFileError, match="neither UTF-8 nor GB18030"):
        run(alice, b"name\r\n\xff\xff\xff\r\n")


# Files and columns -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        (
            ["客户名称", "联系电话", "电子邮件", "省", "市", "区", "详细地址", "负责人", "备注"],
            ["name", "phone", "email", "province", "city", "district", "address", "owner", "notes"],
        ),
        (
            ["Name", "Phone", "E-mail", "Province", "City", "District", "Industry", "Tags", "Kind"],
            ["name", "phone", "email", "province", "city", "district", "industry", "tags", "kind"],
        ),
        (
            [
                "公司名称*",
                "手机号（必填）",
                "联系人姓名",
                "联系人电话",
                "职务",
                "信用等级",
                "信用额度",
            ],
            [
                "name",
                "phone",
                "contact_name",
                "contact_phone",
                "contact_title",
                "credit_rating",
                "credit_limit",
            ],
        ),
        (["姓名", "手机"], ["name", "phone"]),  # a list of individuals
        (["客户名称", "姓名"], ["name", None]),  # 姓名 is a contact's here: left for the user
    ],
)
def test_usual_chinese_and_english_headers_are_recognised(headers, expected):
    columns = detect_columns(headers)
    assert [
        next((k for k, i in columns.items() if i == n), None) for n in range(len(headers))
    ] == expected


def test_a_title_row_above_the_header_is_passed_over(alice):
    content = csv_bytes([["2026年客户清单"], [], HEADER, ["西安宏达食品有限公司", "13812345678"]])
    job = run(alice, content)
    assert job.mapping["header_row"] == 3 and job.created_count == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty."),
        (b"\r\n\r\n,,\r\n", "The file is empty."),
        ("客户名称,电话\r\n".encode(), "no rows below its header"),
        (b"Firma,Telefon\r\nACME,123\r\n", "“Firma”, “Telefon”"),
    ],
)
def test_an_empty_file_or_one_without_a_name_column_is_a_clear_error(alice, content, message):
    with pytest.raises(ImportFileError, match=message):
        run(alice, content)
    assert not Customer.objects.exists()


def test_a_file_that_is_not_csv_or_xlsx_is_refused_by_name(alice):
    with pytest.raises(ImportFileError, match=r"客户\.xls"):
        run(alice, b"\xd0\xcf\x11\xe0", name="客户.xls")
    with pytest.raises(ImportFileError, match="not a valid Excel workbook"):
        run(alice, b"PK but not really", name="客户.xlsx")


def test_a_workbook_that_would_unpack_to_a_gigabyte_is_refused_unread(alice):
    """A zip bomb: 65 MiB of zeros packs into ~64 KB, a ratio no spreadsheet has."""
    packed = io.BytesIO()
    with (
        zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open("xl/worksheets/sheet1.xml", "w") as part,
    ):
        for _ in range(65):
            part.write(bytes(1 << 20))
    assert len(packed.getvalue()) < 1 << 20
    with pytest.raises(ImportFileError, match="would unpack to 65 MB"):
        run(alice, packed.getvalue(), name="客户.xlsx")
    assert not Customer.objects.exists()


def test_errors_are_in_the_readers_language(alice):
    with translation.override("zh-hans"), pytest.raises(ImportFileError) as error:
        run(alice, b"")
    with translation.override("zh-hans"):
        assert str(error.value) == translation.gettext("The file is empty.")


def test_an_xlsx_workbook_with_numbers_and_a_title_row(chief):
    content = xlsx_bytes(
        [
            ["客户清单"],
            ["客户名称", "手机", "信用额度", "员工数", "客户类型", "行业"],
            ["上海明辉机械有限公司", 13912345678, 150000.5, 120, "企业", "机械设备"],
            ["张三", 13800001111, None, None, "个人", ""],
        ]
    )
    job = run(chief, content, name="客户.xlsx")
    assert (job.created_count, job.failed_count, job.total_rows) == (2, 0, 2)
    company = Customer.objects.get(name="上海明辉机械有限公司")
    assert company.phone == "+8613912345678"
    assert company.credit_limit == Decimal("150000.5") and company.employee_count == 120
    assert Customer.objects.get(name="张三").kind == "individual"


# Checking rows ---------------------------------------------------------------------------


def test_bad_phones_and_emails_are_reported_by_row_and_column_and_not_applied(alice):
    content = csv_bytes(
        [
            ["客户名称", "手机", "邮箱"],
            ["好客户", "13812345678", "Info@Example.com"],
            ["坏电话", "12345", ""],
            ["坏邮箱", "", "not-an-email"],
            ["", "13912345678", ""],
        ]
    )
    job = run(alice, content)
    assert (job.created_count, job.failed_count) == (1, 3)
    assert problems(job) == [
        (
            3,
            "手机",
            "12345",
            "“12345” is not a valid phone number. Write it like 13812345678 or 010-12345678.",
        ),
        (4, "邮箱", "not-an-email", "Enter a valid email address."),
        (5, "客户名称", "", "This field cannot be blank."),
    ]
    assert Customer.objects.get().email == "info@example.com"


def test_a_dry_run_reports_the_same_problems_and_changes_nothing(alice):
    content = csv_bytes([["客户名称", "手机"], ["好客户", "13812345678"], ["坏电话", "12345"]])
    job = run(alice, content, dry_run=True)
    assert (job.dry_run, job.created_count, job.failed_count) == (True, 1, 1)
    assert [p[:3] for p in problems(job)] == [(3, "手机", "12345")]
    assert not Customer.objects.exists() and not Change.objects.exists()


def test_a_100_kb_field_is_too_long_for_its_column_not_a_crash(alice):
    content = csv_bytes([["客户名称", "地址", "备注"], ["宏达", "路" * 102_400, "长备注" * 30_000]])
    job = run(alice, content)
    [(row, column, value, message)] = problems(job)
    assert (row, column) == (2, "地址")
    assert message == "Ensure this value has at most 255 characters (it has 102400)."
    assert len(value) < 300  # the report keeps the start of the value, not all of it
    assert not Customer.objects.exists()


def test_region_choices_owner_and_tags_follow_the_models_rules(alice, make_user):
    bob = make_user("bob")
    User.objects.filter(pk=alice.pk).update(last_name="李", first_name="丽")
    content = csv_bytes(
        [
            ["客户名称", "省份", "城市", "行业", "负责人", "标签"],
            ["一号", "陕西省", "广州市", "", "", ""],
            ["二号", "", "", "造飞船", "", ""],
            ["三号", "", "", "食品饮料", "李丽", "重点客户，经销商、食品"],
            ["四号", "", "", "", "bob", ""],
            ["五号", "", "", "", "nobody", ""],
            ["六号", "", "", "", "", "长" * 51],
        ]
    )
    job = run(alice, content)
    assert [(p[0], p[1], p[3]) for p in problems(job)] == [
        (2, "城市", "“广州市” is not a city of 陕西省."),
        (3, "行业", "Value '造飞船' is not a valid choice."),
        (5, "负责人", f"You cannot assign this to {bob.username}."),
        (6, "负责人", "There is no active user “nobody”."),
        (7, "标签", "Ensure this value has at most 50 characters (it has 51)."),
    ]
    customer = Customer.objects.get()
    assert (customer.industry, customer.owner) == ("food", alice)
    assert sorted(customer.tags.values_list("name", flat=True)) == ["经销商", "重点客户", "食品"]


def test_divisions_written_short_or_a_city_alone_import_under_their_full_names(alice):
    content = csv_bytes(
        [
            ["客户名称", "省份", "城市", "区县"],
            ["一号", "陕西", "西安", "雁塔"],
            ["二号", "", "苏州", ""],
            ["三号", "北京", "", "朝阳"],
            ["四号", "广西", "南宁", ""],
        ]
    )
    job = run(alice, content)
    assert problems(job) == []
    assert list(Customer.objects.order_by("name").values_list("province", "city", "district")) == [
        ("陕西省", "西安市", "雁塔区"),
        ("北京市", "北京市", "朝阳区"),
        ("江苏省", "苏州市", ""),
        ("广西壮族自治区", "南宁市", ""),
    ]


def test_an_imported_customer_is_the_one_customer_create_makes_with_the_same_history(
    chief, make_user
):
    """The bulk path must not drift from the service every other write goes through."""
    values = {
        "name": "西安宏达食品有限公司",
        "phone": "+8602987654321",
        "email": "info@hongda.example.com",
        "province": "陕西省",
        "city": "西安市",
        "district": "雁塔区",
        "industry": "food",
        "credit_rating": "A",
        "credit_limit": "200000",
        "employee_count": "120",
        "notes": "老客户",
    }
    made = services.customer_create(actor=chief, tags=["重点客户", "食品"], **values)
    services.contact_create(
        actor=chief,
        customer=made,
        name="王建国",
        title="采购经理",
        phone="13812345678",
        is_primary=True,
    )
    made.refresh_from_db()
    made_changes = [c.changes for c in Change.objects.order_by("pk")]
    Change.objects.all().delete()
    Customer.objects.all().delete()

    header = [
        "客户名称",
        "电话",
        "邮箱",
        "省份",
        "城市",
        "区县",
        "行业",
        "信用等级",
        "信用额度",
        "员工数",
        "备注",
        "标签",
        "联系人",
        "职务",
        "联系人电话",
    ]
    row = [
        *(values[k] for k in ("name", "phone", "email", "province", "city", "district")),
        "食品饮料",
        "A",
        "200,000",
        "120",
        "老客户",
        "食品,重点客户",
        "王建国",
        "采购经理",
        "13812345678",
    ]
    run(chief, csv_bytes([header, row]), on_duplicate="create")

    imported = Customer.objects.get()
    compared = [
        *services.CUSTOMER_FIELDS,
        "name_key",
        "name_pinyin",
        "name_initials",
        "name_grams",
        "created_by",
        "version",
    ]
    assert {f: getattr(imported, f) for f in compared} == {f: getattr(made, f) for f in compared}
    contact = Contact.objects.get()
    assert (contact.name_pinyin, contact.is_primary) == ("wangjianguo", True)
    changes = list(Change.objects.order_by("pk"))
    assert [c.changes for c in changes] == made_changes
    assert all(c.actor == chief and c.customer_id == imported.pk for c in changes)


# Duplicates ------------------------------------------------------------------------------


@pytest.fixture
def existing(alice, make_customer):
    return make_customer(alice, name="西安宏达食品有限公司", phone="13812345678")


DUPLICATES = [
    ["客户名称", "手机", "备注"],
    ["西安宏达食品有限责任公司", "", "同名"],  # the same company, another legal form
    ["另一个名字", "138 1234 5678", "同电话"],
    ["新客户", "13900001111", "新的"],
]


def test_skip_leaves_existing_customers_alone(alice, existing):
    job = run(alice, csv_bytes(DUPLICATES), on_duplicate="skip")
    assert (job.created_count, job.skipped_count) == (1, 2)
    existing.refresh_from_db()
    assert existing.notes == "" and Customer.objects.count() == 2


def test_update_changes_the_existing_customer_through_the_service_with_history(alice, existing):
    job = run(alice, csv_bytes(DUPLICATES[:2]), on_duplicate="update")
    assert (job.created_count, job.updated_count) == (0, 1)
    existing.refresh_from_db()
    assert (existing.notes, existing.name, existing.version) == (
        "同名",
        "西安宏达食品有限责任公司",
        2,
    )
    update = Change.objects.filter(action="update").get()
    assert update.changes["notes"] == ["", "同名"] and update.actor == alice


def test_a_refused_update_leaves_the_next_row_for_that_customer_a_clean_start(
    alice, existing, monkeypatch
):
    real_update = services.customer_update
    calls = []

    def conflicts_once(**fields: Any) -> Customer:
        calls.append(fields["version"])
        if len(calls) == 1:
            fields["customer"].notes = "半途"  # assigned before the write is refused
            raise VersionConflict(fields["version"] + 1)
        return real_update(**fields)

    monkeypatch.setattr(services, "customer_update", conflicts_once)
    rows = [["客户名称", "手机"], ["西安宏达食品有限公司", ""], ["宏达食品", "13812345678"]]
    job = run(alice, csv_bytes(rows), on_duplicate="update")
    assert (job.updated_count, job.failed_count) == (1, 1)
    assert "Someone else changed this record" in problems(job)[0][3]
    existing.refresh_from_db()
    assert (existing.notes, existing.name, existing.version) == ("", "宏达食品", 2)


def test_create_anyway_makes_a_second_customer(alice, existing):
    job = run(alice, csv_bytes(DUPLICATES), on_duplicate="create")
    assert job.created_count == 3 and Customer.objects.count() == 4


def test_update_refuses_a_customer_the_importer_cannot_see_or_an_ambiguous_match(
    alice, make_user, make_customer
):
    bob = make_user("bob")
    make_customer(bob, name="鲍勃贸易有限公司")
    make_customer(alice, name="甲公司", phone="13812345678")
    make_customer(alice, name="乙公司", email="b@example.com")
    content = csv_bytes(
        [["客户名称", "手机", "邮箱"], ["鲍勃贸易", "", ""], ["甲公司", "", "b@example.com"]]
    )
    job = run(alice, content, on_duplicate="update")
    assert job.failed_count == 2
    messages = [p[3] for p in problems(job)]
    assert "outside your data scope" in messages[0]
    assert "matches 2 existing customers (甲公司、乙公司)" in messages[1]


@pytest.mark.parametrize(
    ("policy", "customers", "notes"), [("skip", 1, "第一"), ("update", 1, "第二")]
)
def test_a_customer_twice_in_one_file_is_one_customer(alice, policy, customers, notes):
    content = csv_bytes([["客户名称", "备注"], ["宏达食品", "第一"], ["宏达食品有限公司", "第二"]])
    dry = run(alice, content, dry_run=True, on_duplicate=policy)
    job = run(alice, content, on_duplicate=policy)
    assert Customer.objects.count() == customers and Customer.objects.get().notes == notes
    counts = ("created_count", "updated_count", "skipped_count", "failed_count")
    assert [getattr(dry, c) for c in counts] == [getattr(job, c) for c in counts]


def test_a_dry_run_counts_repeats_across_batches_like_the_import(alice):
    rows = [["客户名称"], *([f"公司{n % 7}"] for n in range(40))]
    dry = run(alice, csv_bytes(rows), dry_run=True, batch_size=5)
    job = run(alice, csv_bytes(rows), batch_size=5)
    assert (
        (dry.created_count, dry.skipped_count) == (job.created_count, job.skipped_count) == (7, 33)
    )


# Resuming --------------------------------------------------------------------------------


class Killed(Exception):
    pass


def kill_after(batches: int) -> Callable[[ImportJob], None]:
    seen = []

    def on_batch(job: ImportJob) -> None:
        seen.append(job.rows_done)
        if len(seen) == batches:
            raise Killed

    return on_batch


def test_a_killed_import_resumes_after_its_last_batch_and_applies_no_row_twice(alice):
    content = csv_bytes([["客户名称", "手机"], *([f"客户{n}号", ""] for n in range(35))])
    with pytest.raises(Killed):
        run(alice, content, batch_size=10, on_batch=kill_after(2))
    job = ImportJob.objects.get()
    assert (job.status, job.rows_done, Customer.objects.count()) == (ImportStatus.FAILED, 20, 20)

    prepared = import_prepare(actor=alice, stream=io.BytesIO(content), name="again.csv")
    assert prepared.resumed and prepared.job == job
    import_start(job=job, dry_run=False)
    job = import_run(job=job, batch_size=10)
    assert (job.status, job.rows_done, job.created_count) == (ImportStatus.DONE, 35, 35)
    names = list(Customer.objects.values_list("name", flat=True))
    assert len(names) == len(set(names)) == 35
    assert Change.objects.count() == 35


def test_a_begun_import_cannot_be_dry_run_and_a_finished_one_is_not_repeated(alice):
    content = csv_bytes([["客户名称"], *([f"客户{n}号"] for n in range(5))])
    with pytest.raises(Killed):
        run(alice, content, batch_size=2, on_batch=kill_after(1))
    job = ImportJob.objects.get()
    with pytest.raises(ImportFileError, match="can only be resumed"):
        import_start(job=job, dry_run=True)
    import_start(job=job, dry_run=False)
    import_run(job=job)
    with pytest.raises(ImportFileError, match="imported already"):
        import_start(job=job, dry_run=False)
    again = run(alice, content)  # the same file once more: a new import, all skipped
    assert again.pk != job.pk and again.skipped_count == 5


def test_a_run_that_another_run_overtook_stops_without_touching_the_job(alice):
    content = csv_bytes([["客户名称"], *([f"客户{n}号"] for n in range(6))])
    prepared = import_prepare(actor=alice, stream=io.BytesIO(content), name="a.csv")
    import_start(job=prepared.job, dry_run=False)

    def overtaken(job: ImportJob) -> None:
        ImportJob.objects.filter(pk=job.pk).update(rows_done=4)

    job = import_run(job=prepared.job, batch_size=2, on_batch=overtaken)
    job.refresh_from_db()
    assert (job.rows_done, job.status, Customer.objects.count()) == (4, ImportStatus.RUNNING, 2)


# Big files -------------------------------------------------------------------------------


def test_a_50_mb_file_streams_in_flat_memory(alice, tmp_path):
    """Rows are read, checked and applied a batch at a time: memory holds a batch, never the
    file. (Wide rows keep the test quick; batches of 100 of them weigh what 1000 usual rows
    do.)"""
    path = tmp_path / "big.csv"
    note = "这是一段很长的备注，" * 250  # ~7.5 KB in UTF-8
    rows = 7000
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["客户名称", "手机", "备注"])
        for n in range(rows):
            writer.writerow([f"客户{n}", f"139{n:08d}", note])
    size = path.stat().st_size
    assert size > 50 * 1024 * 1024

    tracemalloc.start()
    try:
        with path.open("rb") as stream:
            prepared = import_prepare(
                actor=alice, stream=stream, name=path.name, on_duplicate="create"
            )
        import_start(job=prepared.job, dry_run=False)
        job = import_run(job=prepared.job, batch_size=100)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert (job.status, job.created_count, job.total_rows) == (ImportStatus.DONE, rows, rows)
    assert peak < size / 4, f"peak {peak / 2**20:.0f} MB for a {size / 2**20:.0f} MB file"
    assert Customer.objects.count() == rows


# Pages -----------------------------------------------------------------------------------


def test_the_wizard_uploads_maps_checks_and_imports(
    alice, client, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    content = csv_bytes([["公司", "电话"], ["宏达", "13812345678"], ["坏", "123"]], "gbk")
    upload = io.BytesIO(content)
    upload.name = "客户.csv"
    response = client.post(
        reverse("customers:import"),
        {"file": upload, "encoding": "", "on_duplicate": "skip", "owner": alice.pk},
    )
    job = ImportJob.objects.get()
    assert response["Location"] == reverse("customers:import-columns", args=[job.pk])

    page = client.get(response["Location"]).content.decode()
    assert "“公司”, “电话”" in page and "宏达" in page and 'data-testid="name-missing"' in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("customers:import-columns", args=[job.pk]),
            {"column_0": "name", "column_1": "phone"},
        )
    job.refresh_from_db()
    assert (job.dry_run, job.status, job.created_count, job.failed_count) == (True, "done", 1, 1)
    report = client.get(response["Location"]).content.decode()
    assert 'data-testid="start-import"' in report and "123" in report

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("customers:import-run", args=[job.pk]))
    job.refresh_from_db()
    assert (job.dry_run, job.status, job.created_count) == (False, "done", 1)
    assert Customer.objects.get().owner == alice

    download = client.get(reverse("customers:import-problems", args=[job.pk]))
    text = b"".join(download.streaming_content).decode("utf-8-sig")
    assert text.splitlines()[1] == f"3,电话,123,{problems(job)[0][3]}"
    chinese = client.get(
        reverse("customers:import-problems", args=[job.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    header = b"".join(chinese.streaming_content).decode("utf-8-sig").splitlines()[0]
    assert header == "行,列,值,问题"


def test_the_progress_card_polls_while_running_and_reloads_when_done(alice, client):
    client.force_login(alice)
    job = ImportJob.objects.create(
        created_by=alice,
        file="x.csv",
        original_name="x.csv",
        status="running",
        total_rows=200,
        rows_done=50,
    )
    response = client.get(reverse("customers:import-progress", args=[job.pk]))
    assert (
        'hx-trigger="every 1s"' in response.content.decode() and "25%" in response.content.decode()
    )
    assert "HX-Refresh" not in response
    ImportJob.objects.filter(pk=job.pk).update(status="done", rows_done=200)
    response = client.get(reverse("customers:import-progress", args=[job.pk]))
    assert response["HX-Refresh"] == "true" and "100%" in response.content.decode()


def test_a_job_whose_worker_died_says_so_and_runs_again_from_its_last_batch(
    alice, client, django_capture_on_commit_callbacks
):
    content = csv_bytes([["客户名称"], *([f"客户{n}号"] for n in range(30))])

    def dies(job: ImportJob) -> None:
        raise KeyboardInterrupt  # as a killed process: no chance to mark the job failed

    with pytest.raises(KeyboardInterrupt):
        run(alice, content, batch_size=10, on_batch=dies)
    job = ImportJob.objects.get()
    client.force_login(alice)
    progress = reverse("customers:import-progress", args=[job.pk])
    assert 'data-testid="import-stalled"' not in client.get(progress).content.decode()

    ImportJob.objects.filter(pk=job.pk).update(moved_at=timezone.now() - timedelta(minutes=6))
    assert 'data-testid="import-stalled"' in client.get(progress).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("customers:import-resume", args=[job.pk]))
    job.refresh_from_db()
    assert (job.status, job.rows_done, job.created_count) == ("done", 30, 30)
    assert Customer.objects.count() == 30


def test_the_columns_step_insists_on_a_name_column_and_one_column_per_field(alice, client):
    client.force_login(alice)
    upload = io.BytesIO(csv_bytes([["Firma", "Telefon"], ["ACME", "13812345678"]]))
    upload.name = "x.csv"
    client.post(
        reverse("customers:import"), {"file": upload, "on_duplicate": "skip", "owner": alice.pk}
    )
    job = ImportJob.objects.get()
    page = client.get(reverse("customers:import-columns", args=[job.pk])).content.decode()
    assert 'data-testid="name-missing"' in page and "“Firma”" in page
    url = reverse("customers:import-columns", args=[job.pk])
    page = client.post(url, {"column_0": "", "column_1": "phone"}).content.decode()
    assert "Choose the column that holds the customer name." in page
    page = client.post(url, {"column_0": "phone", "column_1": "phone"}).content.decode()
    assert "is chosen for two columns" in page
    assert ImportJob.objects.get().status == ImportStatus.PENDING


def test_someone_elses_import_is_not_found(alice, make_user, client):
    job = ImportJob.objects.create(created_by=alice, file="x.csv", original_name="x.csv")
    client.force_login(make_user("bob"))
    assert client.get(reverse("customers:import-job", args=[job.pk])).status_code == 404
    assert client.get(reverse("customers:import-problems", args=[job.pk])).status_code == 404


def test_people_who_may_not_add_customers_cannot_import(make_user, client):
    client.force_login(make_user("huangmin", role="finance"))
    assert client.get(reverse("customers:import")).status_code == 403


def test_uploading_a_begun_import_again_resumes_it(
    alice, client, django_capture_on_commit_callbacks
):
    content = csv_bytes([["客户名称"], *([f"客户{n}号"] for n in range(5))])
    with pytest.raises(Killed):
        run(alice, content, batch_size=2, on_batch=kill_after(1))
    client.force_login(alice)
    upload = io.BytesIO(content)
    upload.name = "again.csv"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("customers:import"), {"file": upload, "on_duplicate": "skip", "owner": alice.pk}
        )
    job = ImportJob.objects.get()
    assert response["Location"] == reverse("customers:import-job", args=[job.pk])
    assert (job.status, job.created_count, Customer.objects.count()) == ("done", 5, 5)
    assert Tag.objects.count() == 0


# Uploaded files ------------------------------------------------------------------------------


def test_a_finished_import_deletes_its_upload_and_keeps_its_report(alice, settings):
    job = run(alice, csv_bytes([["客户名称", "电话"], ["宏达", "123"], ["长城", ""]]))
    assert (job.status, job.created_count, job.failed_count) == ("done", 1, 1)
    job.refresh_from_db()
    assert not job.file and not any(Path(settings.MEDIA_ROOT).rglob("*.csv"))
    assert problems(job)[0][:3] == (2, "电话", "123")


def test_uploads_abandoned_for_a_week_are_deleted_and_recent_ones_kept(alice, settings):
    checked = run(alice, csv_bytes([["客户名称"], ["宏达"]]), dry_run=True)
    pending = import_prepare(
        actor=alice, stream=io.BytesIO(csv_bytes([["客户名称"], ["长城"]])), name="b.csv"
    ).job
    assert import_files_sweep() == 0

    week_ago = timezone.now() - timedelta(days=8)
    ImportJob.objects.filter(pk=checked.pk).update(created_at=week_ago, moved_at=week_ago)
    assert import_files_sweep() == 1
    assert not ImportJob.objects.get(pk=checked.pk).file
    assert ImportJob.objects.get(pk=pending.pk).file
    assert [p.name for p in Path(settings.MEDIA_ROOT).rglob("*.csv")] == ["b.csv"]
