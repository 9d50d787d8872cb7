"""`kehu analytics …` run as a user would, in a subprocess of `python -m kehu.cli`.

These need the whole `kehu` command to start, Django settings included; the analytics
themselves are tested without Django in the other modules.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from .conftest import CDNOW

SMALL = """customer_id,date,amount
a,2024-01-05,30
a,2024-02-10,20
b,2024-02-01,25
c,2024-03-01,10
d,2024-03-02,10
e,2024-03-03,5
"""


# Messages are checked in English; Kehu's default language is Simplified Chinese.
ENGLISH = os.environ | {"KEHU_LANGUAGE": "en"}


def kehu(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kehu.cli", "analytics", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=300,
        env=ENGLISH,
    )


def kehu_json(*args: str | Path) -> Any:
    result = kehu(*args, "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture(scope="module", autouse=True)
def _kehu_starts() -> None:
    started = kehu("--help")
    if started.returncode != 0:
        pytest.skip(f"the kehu command does not start yet: {started.stderr.strip()[-300:]}")


@pytest.fixture
def small(tmp_path: Path) -> Path:
    path = tmp_path / "transactions.csv"
    path.write_text(SMALL)
    return path


def test_rfm_json(small: Path) -> None:
    rows = kehu_json("rfm", "--transactions", small, "--as-of", "2024-03-31")

    assert [row["customer_id"] for row in rows] == ["a", "b", "c", "d", "e"]
    assert rows[0] == {
        "customer_id": "a",
        "recency_days": 50,
        "frequency": 2,
        "monetary": 50.0,
        "r": 2,
        "f": 5,
        "m": 5,
        "segment": "cannot_lose",
    }


def test_rfm_table_is_readable(small: Path) -> None:
    result = kehu("rfm", "--transactions", small, "--as-of", "20240331")

    assert result.returncode == 0, result.stderr
    header, first, *_rest = result.stdout.splitlines()
    assert header.split() == [
        "customer_id", "recency_days", "frequency", "monetary", "r", "f", "m", "segment",
    ]  # fmt: skip
    assert first.split() == ["a", "50", "2", "50.00", "2", "5", "5", "cannot_lose"]


def test_abc_json(small: Path) -> None:
    rows = kehu_json("abc", "--transactions", small)

    assert [(row["customer_id"], row["class"]) for row in rows] == [
        ("a", "A"), ("b", "A"), ("c", "A"), ("d", "B"), ("e", "C"),
    ]  # fmt: skip
    assert rows[0]["share"] == 0.5 and rows[-1]["cumulative_share"] == pytest.approx(1.0)


def test_abc_table_reports_the_80_20_check(small: Path) -> None:
    result = kehu("abc", "--transactions", small)

    assert "60.0% of the customers (class A) make the first 80% of sales." in result.stdout


def test_other_column_names(tmp_path: Path) -> None:
    path = tmp_path / "orders.csv"
    path.write_text("client,day,total\nx,2024-01-01,5\ny,2024-01-02,15\n")

    rows = kehu_json(
        "abc", "--transactions", path, "--customer-col", "client", "--date-col", "day",
        "--amount-col", "total",
    )  # fmt: skip

    assert [row["customer_id"] for row in rows] == ["y", "x"]


def test_clv_on_cdnow_reproduces_the_published_parameters() -> None:
    output = kehu_json(
        "clv", "--transactions", CDNOW / "cdnow_sample.csv", "--calibration-end", "1997-09-30",
        "--time-unit", "week", "--horizon", "52", "--discount-rate", "0.01",
    )  # fmt: skip

    assert output["bgnbd"] == pytest.approx(
        {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}, rel=0.01
    )
    assert output["gamma_gamma"] == pytest.approx({"p": 6.25, "q": 3.74, "v": 15.44}, rel=0.01)
    assert len(output["customers"]) == 2357
    assert {"probability_alive", "expected_purchases", "expected_spend", "clv"} <= set(
        output["customers"][0]
    )


def test_churn_on_cdnow_reports_both_aucs_and_reasons() -> None:
    output = kehu_json(
        "churn", "--transactions", CDNOW / "cdnow_sample.csv", "--calibration-end", "1997-09-30",
        "--horizon-days", "273", "--train-horizon-days", "91", "--limit", "5",
    )  # fmt: skip

    evaluation = output["evaluation"]
    assert evaluation["auc"] > 0.7 and evaluation["baseline_bgnbd_auc"] > 0.7
    assert 0 < evaluation["precision_top_decile"] <= 1
    assert len(evaluation["calibration"]) == 10
    assert len(output["at_risk"]) == 5 and output["at_risk_customers"] >= 5
    reason = output["at_risk"][0]["reasons"][0]
    assert set(reason) == {"code", "feature", "value", "typical", "contribution", "text"}


def test_kpi_json(small: Path) -> None:
    months = kehu_json("kpi", "--transactions", small, "--inactivity-days", "31")

    assert [m["month"] for m in months] == ["2024-01", "2024-02", "2024-03"]
    assert [m["new_customers"] for m in months] == [1, 1, 3]
    assert months[0]["lead_conversion_rate"] is None


def test_ahp_json() -> None:
    output = kehu_json("ahp", "--matrix", '[[1, 3, 5], ["1/3", 1, 3], ["1/5", "1/3", 1]]')

    assert set(output) == {"weights", "lambda_max", "ci", "cr", "consistent"}
    assert output["weights"] == pytest.approx([0.637, 0.258, 0.105], abs=0.001)
    assert output["consistent"] is True


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("id,date,amount\n1,2024-01-01,3\n", "missing column 'customer_id'; the columns are"),
        ("customer_id,date,amount\n1,2024-31-01,3\n", "column 'date', row 1: '2024-31-01'"),
        ("customer_id,date,amount\n1,2024-01-01,-3\n", "column 'amount', row 1: '-3' is negative"),
        ("customer_id,date,amount\n1,2024-01-01,abc\n", "'abc' is not a number"),
        ("", "the transactions file is empty"),
    ],
)  # fmt: skip
def test_bad_transactions_fail_with_a_clear_message(
    tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(content)

    result = kehu("rfm", "--transactions", path, "--as-of", "2024-12-31")

    assert result.returncode != 0
    assert message in result.stderr


def test_a_missing_file_fails_naming_it(tmp_path: Path) -> None:
    result = kehu("abc", "--transactions", tmp_path / "nowhere.csv")

    assert result.returncode != 0
    assert f"cannot read {tmp_path / 'nowhere.csv'}: No such file or directory" in result.stderr


def test_a_non_reciprocal_matrix_fails_naming_the_cell() -> None:
    result = kehu("ahp", "--matrix", "[[1, 3], [2, 1]]")

    assert result.returncode != 0
    assert "cell (2, 1) is 2 but cell (1, 2) is 3" in result.stderr


def test_a_bad_date_option_is_a_usage_error(small: Path) -> None:
    result = kehu("rfm", "--transactions", small, "--as-of", "yesterday")

    assert result.returncode == 2
    assert "argument --as-of: 'yesterday' is not a date" in result.stderr


def test_errors_print_one_line_without_a_traceback() -> None:
    result = kehu("ahp", "--matrix", "[[1, 3], [2, 1]]")

    assert result.returncode == 1
    assert result.stderr.startswith("kehu: cell (2, 1) is 2") and "Traceback" not in result.stderr


def test_the_command_starts_without_the_model_libraries() -> None:
    """SciPy and scikit-learn take seconds to import: only a command that fits a model
    loads them."""
    script = (
        "import sys\n"
        "from kehu.cli import main\n"
        "code = main(['analytics', 'ahp', '--matrix', '[[1, 3], [\"1/3\", 1]]'])\n"
        "print(sorted(name for name in ('scipy', 'sklearn') if name in sys.modules))\n"
        "sys.exit(code)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300, env=ENGLISH
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[]"
