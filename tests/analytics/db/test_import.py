"""Importing purchases from CSV: good rows applied, every bad row reported, nothing half-done."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from kehu.analytics.models import Purchase
from kehu.analytics.services.purchases import purchases_import
from kehu.cli import main
from kehu.core.models import User
from kehu.customers.models import Customer

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer(make_user: Callable[..., User], make_customer: Callable[..., Customer]) -> Customer:
    return make_customer(make_user("wangwu"))


def _csv(text: str) -> io.BytesIO:
    return io.BytesIO(text.encode())


def test_good_rows_are_applied_and_each_bad_row_reported(customer: Customer) -> None:
    pk = customer.pk
    result = purchases_import(
        _csv(
            "customer_id,date,amount\n"
            f"{pk},2024-01-05,120.50\n"
            f"{pk},20240210,0\n"
            f"{pk},2024-02-30,10\n"
            f"{pk},2024-03-01,-5\n"
            f"{pk + 1000},2024-03-01,5\n"
            "abc,2024-03-01,5\n"
            ",2024-03-01,5\n"
            f"{pk},2024-03-02,lots\n"
        ),
        source_label="erp",
    )

    assert (result.rows, result.imported) == (8, 2)
    assert [(p.row, p.column, p.value) for p in result.problems] == [
        (3, "date", "2024-02-30"),
        (4, "amount", "-5"),
        (5, "customer_id", str(pk + 1000)),
        (6, "customer_id", "abc"),
        (7, "customer_id", ""),
        (8, "amount", "lots"),
    ]
    assert all(problem.message for problem in result.problems)
    stored = list(Purchase.objects.order_by("date").values_list("date", "amount", "source"))
    assert [(str(day), amount, source) for day, amount, source in stored] == [
        ("2024-01-05", Decimal("120.50"), "erp"),
        ("2024-02-10", Decimal("0.00"), "erp"),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("customer,date,amount\n1,2024-01-01,1\n", "customer_id"),
        ("", "empty"),
        ("customer_id,date,amount\n", "no purchases"),
    ],
)
def test_an_unusable_file_changes_nothing(
    customer: Customer, text: str, message: str, settings: Any
) -> None:
    settings.LANGUAGE_CODE = "en"
    with pytest.raises(ValidationError, match=message):
        purchases_import(_csv(text))
    assert not Purchase.objects.exists()


def test_the_command_imports_and_reports(
    customer: Customer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "purchases.csv"
    path.write_text(f"customer_id,date,amount\n{customer.pk},2024-01-05,9\n0,2024-01-05,9\n")

    status = main(["analytics", "import-purchases", str(path)])

    out = capsys.readouterr().out
    assert status == 1  # a row was reported, so scripts notice
    assert Purchase.objects.get().amount == Decimal("9.00")
    assert "1" in out.splitlines()[0] and "2" in out.splitlines()[0]
    assert len(out.splitlines()) == 2


def test_analyses_read_the_database_with_from_db(
    hand_set: dict[str, Customer], capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(["analytics", "rfm", "--from-db", "--as-of", "2024-12-31", "--json"])

    rows = {row["customer_id"]: row for row in json.loads(capsys.readouterr().out)}
    assert status == 0
    c5 = rows[str(hand_set["c5"].pk)]
    assert (c5["frequency"], c5["monetary"], c5["segment"]) == (4, 2000.0, "champions")
    assert rows[str(hand_set["c4"].pk)]["segment"] == "lost"

    assert main(["analytics", "kpi", "--from-db", "--json"]) == 0
    months = json.loads(capsys.readouterr().out)
    assert months[0]["month"] == "2023-01" and months[-1]["month"] == "2024-12"


def test_from_db_without_purchases_says_so(
    db: Any, capsys: pytest.CaptureFixture[str], settings: Any
) -> None:
    settings.LANGUAGE_CODE = "en"
    assert main(["analytics", "abc", "--from-db"]) == 1
    assert "no purchases" in capsys.readouterr().err
