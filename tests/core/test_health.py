"""The health endpoints, the worker's heartbeat, and a worker that comes back: kept alive by
`kehu serve`, and living through a lost database connection."""

from __future__ import annotations

import os
import signal
import subprocess
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from kehu.core.models import WorkerBeat
from kehu.core.server import Supervised
from kehu.core.workers import worker_beat
from tests.core.workers import QUEUED, beating, stop, until


@pytest.mark.django_db
def test_healthz_answers_without_reading_anything(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_needs_a_worker_seen_lately_when_work_is_queued(client, settings):
    assert client.get("/readyz").json() == {"status": "ok"}  # tasks run at once in tests
    settings.TASKS = QUEUED
    missing = client.get("/readyz")
    assert missing.status_code == 503
    assert missing.json()["worker"] == "no background worker seen in the last 30 seconds"
    worker_beat(worker_id="host:1")
    assert client.get("/readyz").status_code == 200
    WorkerBeat.objects.update(seen_at=timezone.now() - timedelta(minutes=1))
    assert client.get("/readyz").status_code == 503


@pytest.mark.django_db
def test_pages_that_queue_work_say_when_no_worker_runs(client, settings, make_user):
    client.force_login(make_user("admin", "admin"))
    settings.TASKS = QUEUED
    for url in ("/customers/pool/", "/customers/import/", "/analytics/"):
        assert b'data-testid="worker-missing"' in client.get(url).content, url
    worker_beat(worker_id="host:1")
    for url in ("/customers/pool/", "/customers/import/", "/analytics/"):
        assert b'data-testid="worker-missing"' not in client.get(url).content, url


def test_a_killed_worker_is_started_again(worker_command):
    supervised = Supervised(worker_command)
    supervised.start()
    try:
        first = until(beating)
        os.kill(until(lambda: supervised.process).pid, signal.SIGKILL)
        second = until(lambda: beating() - first)
        assert second and not second & first
    finally:
        stop(supervised)


def test_the_worker_lives_through_a_lost_database_connection(worker_command):
    if connection.vendor != "postgresql":
        pytest.skip("terminating a server's connections is PostgreSQL's")
    worker = subprocess.Popen(worker_command)
    try:
        alive = until(beating)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            terminated = cursor.rowcount
        cut = timezone.now()
        assert terminated >= 1
        assert until(lambda: beating(after=cut)) == alive
        assert worker.poll() is None
    finally:
        worker.terminate()
        worker.wait()
