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


@pytest.fixture
def broker(settings: Any, monkeypatch: Any) -> Iterator[str]:
    """Tasks through the Redis broker on 127.0.0.1:6379, in a database of Redis's own that no
    other test run uses, for this process and the workers it starts; its URL."""
    import redis

    try:
        redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=3).ping()
    except redis.RedisError as error:
        if os.environ.get("CI"):
            pytest.fail(f"no Redis at 127.0.0.1:6379, and CI must test on it ({error})")
        pytest.skip(f"the broker tests: no Redis at 127.0.0.1:6379 ({error})")
    url = _redis_database_claim()
    settings.TASKS_BROKER = url
    settings.RQ_QUEUES = {"default": {"URL": url, "DEFAULT_TIMEOUT": -1}}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend"}}
    monkeypatch.setenv("KEHU_TASKS_BROKER", url)
    yield url
    redis.Redis.from_url(url).flushdb()


def _redis_database_claim() -> str:
    """An empty Redis database, marked taken until the test that claims it empties it."""
    import redis

    for number in range(1, 16):
        url = f"redis://127.0.0.1:6379/{number}"
        database = redis.Redis.from_url(url)
        if database.dbsize() == 0 and database.set("kehu:test-run", os.getpid(), nx=True, ex=3600):
            return url
    pytest.fail("every Redis database on 127.0.0.1:6379 is in use")
