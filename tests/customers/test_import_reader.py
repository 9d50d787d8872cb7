"""The process that reads and checks an import's file ahead of its writer: it hands on what
it read and what went wrong, and never outlives the import."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from itertools import count
from pathlib import Path

import pytest
from django.utils import translation

from kehu.customers.imports.jobs import _read_ahead
from kehu.customers.imports.reading import ImportFileError
from tests.core.workers import until


def _children(pid: int) -> set[int]:
    tasks = Path(f"/proc/{pid}/task")
    return {
        int(child) for task in tasks.iterdir() for child in (task / "children").read_text().split()
    }


def _gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return True
    return state == "Z"  # ended, not yet reaped by a parent that is itself gone


def test_items_arrive_in_order_and_the_reader_ends_with_them():
    before = _children(os.getpid())
    assert list(_read_ahead(iter(range(100)))) == list(range(100))
    assert until(lambda: _children(os.getpid()) <= before)


def test_a_consumer_that_stops_early_stops_the_reader():
    before = _children(os.getpid())
    items = _read_ahead(count())
    assert [next(items) for _ in range(3)] == [0, 1, 2]
    readers = _children(os.getpid()) - before
    assert len(readers) == 1
    items.close()
    assert all(_gone(pid) for pid in readers)


def test_the_readers_error_reaches_the_consumer():
    def fails() -> Iterator[int]:
        yield 1
        raise ImportFileError("the file ends in the middle of a row")

    items = _read_ahead(fails())
    assert next(items) == 1
    with pytest.raises(ImportFileError, match="ends in the middle"):
        next(items)


def test_a_reader_that_dies_is_a_clear_error():
    def dies() -> Iterator[int]:
        yield 1
        os._exit(1)

    with translation.override("en"), pytest.raises(ImportFileError, match="reader stopped"):
        list(_read_ahead(dies()))


KILLED_MID_IMPORT = """
import os, signal
from itertools import count
import django
django.setup()
from kehu.customers.imports.jobs import _read_ahead
items = _read_ahead(count())
next(items)
tasks = os.listdir(f"/proc/{os.getpid()}/task")
print(" ".join(open(f"/proc/{os.getpid()}/task/{t}/children").read() for t in tasks), flush=True)
os.kill(os.getpid(), signal.SIGKILL)
"""


def test_a_reader_whose_import_is_killed_exits():
    """Killed, the import cannot stop its reader; the reader, its queue full, sees its parent
    gone and exits."""
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_MID_IMPORT],
        capture_output=True,
        text=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "kehu.settings"},
    )
    readers = [int(pid) for pid in killed.stdout.split()]
    assert len(readers) == 1
    assert until(lambda: _gone(readers[0]))
