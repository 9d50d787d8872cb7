"""A real `kehu worker` process against the test database, and patience with it."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import psycopg
import pytest
from django.db import connection

from kehu.core.models import WorkerBeat
from kehu.core.server import Supervised

QUEUED = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}
# Bounds for waiting on a real process; reaching one fails the test, a slow machine does not.
PATIENCE = 120.0


def until(found: Callable[[], Any]) -> Any:
    deadline = time.monotonic() + PATIENCE
    while time.monotonic() < deadline:
        result = found()
        if result:
            return result
        time.sleep(0.2)
    pytest.fail("waited in vain")


def database_url() -> str:
    database = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{database['NAME']}"
    return f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"


def beating(after: Any = None) -> set[str]:
    beats = WorkerBeat.objects.all()
    if after is not None:
        beats = beats.filter(seen_at__gt=after)
    return set(beats.values_list("worker_id", flat=True))


def database_dsn() -> str:
    database = connection.settings_dict
    return psycopg.conninfo.make_conninfo(
        host=database["HOST"], port=database["PORT"], user=database["USER"], dbname=database["NAME"]
    )


def names_csv(count: int) -> bytes:
    """A customer import's file of `count` names."""
    return "\r\n".join(["客户名称", *(f"客户{n}号" for n in range(count))]).encode()


def stop(*workers: Supervised) -> None:
    """Stop the workers at once and wait until they are gone, so that none is left to touch
    the next test's database or Redis (a worker asked politely may take a minute)."""
    for worker in workers:
        worker.stop()
        if worker.process is not None:
            worker.process.kill()
            worker.process.wait(timeout=PATIENCE)
