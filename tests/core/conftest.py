"""Fixtures of the kernel's tests."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from tests.core.workers import database_url


@pytest.fixture
def worker_command(transactional_db: Any) -> Iterator[list[str]]:
    """`kehu worker` against the test database."""
    os.environ["KEHU_TEST_WORKER_DATABASE"] = database_url()
    yield [
        sys.executable,
        "-c",
        "import os, sys; os.environ['DATABASE_URL'] = os.environ['KEHU_TEST_WORKER_DATABASE'];"
        "sys.argv = ['kehu', 'worker']; from kehu.cli import main; main()",
    ]
    del os.environ["KEHU_TEST_WORKER_DATABASE"]
