"""Fixtures for the analytics tests: CDNOW data and small hand-made transaction logs.

These tests need neither Django nor a database.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest

from kehu.analytics.maths.transactions import read_transactions, validate_transactions

REPO = Path(__file__).resolve().parents[2]
CDNOW = REPO / "tests" / "data" / "cdnow"
CDNOW_MASTER = REPO.parent / "shared" / "data" / "cdnow" / "cdnow_master.csv"

Transactions = Callable[..., pl.DataFrame]


@pytest.fixture(scope="session")
def cdnow_sample() -> pl.DataFrame:
    return read_transactions(CDNOW / "cdnow_sample.csv")


@pytest.fixture(scope="session")
def cdnow_master() -> pl.DataFrame:
    if not CDNOW_MASTER.exists():
        pytest.skip(f"the full CDNOW cohort is not at {CDNOW_MASTER}")
    return read_transactions(CDNOW_MASTER)


@pytest.fixture(scope="session")
def published_summary() -> pl.DataFrame:
    return pl.read_csv(CDNOW / "cdnow_customers_summary.csv")


@pytest.fixture
def transactions() -> Transactions:
    """Build validated transactions from (customer_id, "YYYY-MM-DD", amount) tuples."""

    def build(*rows: tuple[str, str, float]) -> pl.DataFrame:
        customers, dates, amounts = zip(*rows, strict=True)
        return validate_transactions(
            pl.DataFrame({"customer_id": customers, "date": dates, "amount": amounts})
        )

    return build
