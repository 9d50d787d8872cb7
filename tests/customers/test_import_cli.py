"""`kehu import customers` and `kehu export customers`, run in-process on the test database."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation
from openpyxl import load_workbook

from kehu.cli import main
from kehu.customers.imports.applying import Run
from kehu.customers.models import Customer, ImportJob

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture(autouse=True)
def _setup(settings: Any, tmp_path: Path) -> Any:
    settings.MEDIA_ROOT = tmp_path / "media"
    with translation.override("en"):
        yield


def write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8") -> Path:
    text = io.StringIO()
    csv.writer(text).writerows(rows)
    path.write_bytes(text.getvalue().encode(encoding))
    return path


@pytest.fixture
def good(tmp_path: Path) -> Path:
    return write_csv(
        tmp_path / "customers.csv",
        [["客户名称", "手机"], ["西安宏达食品有限公司", "13812345678"], ["张三", ""]],
        "gbk",
    )


@pytest.fixture
def mixed(tmp_path: Path) -> Path:
    return write_csv(
        tmp_path / "mixed.csv",
        [
            ["客户名称", "手机", "邮箱"],
            ["好客户", "", ""],
            ["坏电话", "123", ""],
            ["坏邮箱", "", "x@"],
        ],
    )


def test_an_import_prints_its_summary_and_exits_zero(good, make_user, capsys):
    zhaolei = make_user("zhaolei")
    assert main(["import", "customers", str(good), "--owner", "zhaolei"]) == 0
    assert capsys.readouterr().out.strip() == "Created 2, updated 0, skipped 0, failed 0."
    assert {c.owner for c in Customer.objects.all()} == {zhaolei}
    assert Customer.objects.get(name="西安宏达食品有限公司").phone == "+8613812345678"


def test_failed_rows_are_listed_and_the_exit_status_is_non_zero(mixed, capsys):
    assert main(["import", "customers", str(mixed)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("row 3, 手机: “123”: ")
    assert lines[1] == "row 4, 邮箱: “x@”: Enter a valid email address."
    assert lines[2] == "Created 1, updated 0, skipped 0, failed 2."
    assert list(Customer.objects.values_list("name", flat=True)) == ["好客户"]


def test_a_dry_run_lists_the_problems_and_changes_nothing(mixed, capsys):
    assert main(["import", "customers", str(mixed), "--dry-run"]) == 1
    out = capsys.readouterr().out
    assert "row 3, 手机" in out and "row 4, 邮箱" in out
    assert (
        "Dry run, nothing changed: would create 1, update 0, skip 0; 2 rows have problems." in out
    )
    assert not Customer.objects.exists()


def test_duplicates_are_skipped_updated_or_created_as_asked(good, make_user, make_customer, capsys):
    existing = make_customer(make_user("zhaolei"), name="张三", kind="individual")
    main(["import", "customers", str(good)])
    assert "skipped 1" in capsys.readouterr().out
    Customer.objects.exclude(pk=existing.pk).delete()
    ImportJob.objects.all().delete()
    main(["import", "customers", str(good), "--on-duplicate", "update"])
    assert "Created 1, updated 1," in capsys.readouterr().out
    ImportJob.objects.all().delete()
    main(["import", "customers", str(good), "--on-duplicate", "create"])
    assert Customer.objects.filter(name="张三").count() == 2


def test_an_explicit_encoding_is_used(tmp_path, capsys):
    path = write_csv(tmp_path / "big5.csv", [["name"], ["台北貿易有限公司"]], "big5")
    assert main(["import", "customers", str(path), "--encoding", "big5"]) == 0
    assert Customer.objects.get().name == "台北貿易有限公司"


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["missing.csv"], "cannot read"),
        (["wrong.csv"], "No column holds the customer name"),
        (["good.csv", "--owner", "ghost"], "There is no active user “ghost”."),
        (["good.csv", "--encoding", "klingon"], "Unknown encoding “klingon”."),
    ],
)
def test_bad_input_is_a_clear_error(tmp_path, good, arguments, message, capsys, monkeypatch):
    write_csv(tmp_path / "wrong.csv", [["Firma", "Telefon"], ["ACME", "1"]])
    good.rename(tmp_path / "good.csv")
    monkeypatch.chdir(tmp_path)
    assert main(["import", "customers", *arguments]) == 1
    assert message in capsys.readouterr().err
    assert not Customer.objects.exists()


def test_running_a_killed_import_again_resumes_it(tmp_path, monkeypatch, capsys):
    rows = 2500
    path = write_csv(tmp_path / "many.csv", [["客户名称"], *([f"客户{n}号"] for n in range(rows))])
    batch = Run.batch
    calls = []

    def dies_after_two_batches(self: Any, *args: Any, **kwargs: Any) -> None:
        batch(self, *args, **kwargs)
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt

    monkeypatch.setattr(Run, "batch", dies_after_two_batches)
    with pytest.raises(KeyboardInterrupt):
        main(["import", "customers", str(path)])
    assert Customer.objects.count() == 2000
    monkeypatch.undo()

    assert main(["import", "customers", str(path)]) == 0
    captured = capsys.readouterr()
    assert "Resuming the import of this file after row 2001" in captured.err
    assert "Created 2500, updated 0, skipped 0, failed 0." in captured.out
    assert Customer.objects.count() == rows == len(set(Customer.objects.values_list("name")))


def test_export_writes_csv_or_xlsx_and_applies_a_users_scope(
    tmp_path, make_user, make_customer, capsys
):
    zhaolei, sunli = make_user("zhaolei"), make_user("sunli")
    make_customer(zhaolei, name="赵磊的客户", phone="13812345678")
    make_customer(sunli, name="孙丽的客户")

    assert main(["export", "customers", str(tmp_path / "all.csv")]) == 0
    assert "Exported 2 customers" in capsys.readouterr().out
    text = (tmp_path / "all.csv").read_text(encoding="utf-8-sig")
    assert "赵磊的客户" in text and "孙丽的客户" in text and "13812345678" in text

    assert main(["export", "customers", str(tmp_path / "mine.xlsx"), "--user", "zhaolei"]) == 0
    sheet = load_workbook(tmp_path / "mine.xlsx", read_only=True).worksheets[0]
    names = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert names == ["赵磊的客户"]

    assert main(["export", "customers", str(tmp_path / "x.txt")]) == 1
    assert "Name the file .csv or .xlsx." in capsys.readouterr().err
