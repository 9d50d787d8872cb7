"""Background work through the Redis broker (KEHU_TASKS_BROKER): real `kehu worker` processes
run RQ's worker against a Redis database of this test run's own."""

from __future__ import annotations

import io
from collections import Counter
from typing import Any

import pytest
import redis
from django.urls import reverse
from django.utils import timezone
from django_tasks import task_backends
from django_tasks.base import TaskResultStatus
from rq.job import Job

from kehu.analytics.models import AnalyticsRun, RunStatus
from kehu.core.models import PeriodicRun
from kehu.core.registry import periodic_tasks
from kehu.core.server import Supervised
from kehu.customers.imports import import_prepare, import_start
from kehu.customers.models import Customer, ImportJob, ImportStatus
from kehu.customers.tasks import import_enqueue, pool_sweep_task
from tests.core.workers import beating, names_csv, stop, until


@pytest.fixture
def media(settings: Any, tmp_path: Any, monkeypatch: Any) -> None:
    """Uploads in a folder of the test's own, for this process and its workers."""
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setenv("KEHU_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("KEHU_SECRET_KEY", "kehu-broker-tests")


def _status(result_id: str) -> str:
    return task_backends["default"].get_result(result_id).status


def _workers(command: list[str], count: int) -> list[Supervised]:
    workers = [Supervised(command) for _ in range(count)]
    for worker in workers:
        worker.start()
    return workers


def _jobs_run(url: str) -> Counter[str]:
    """How many times RQ was given each task, whatever became of it."""
    database = redis.Redis.from_url(url)
    ids = [key.decode().removeprefix("rq:job:") for key in database.scan_iter("rq:job:*")]
    return Counter(Job.fetch(job_id, connection=database).func_name for job_id in ids)


def test_a_task_enqueued_here_is_run_by_a_worker_process(worker_command, broker, client):
    result = pool_sweep_task.enqueue()
    assert _status(result.id) == TaskResultStatus.READY
    workers = _workers(worker_command, 1)
    try:
        until(lambda: _status(result.id) == TaskResultStatus.SUCCESSFUL)
        done = task_backends["default"].get_result(result.id)
        assert done.return_value == 0 and done.worker_ids == list(until(beating))
        assert client.get("/readyz").json() == {"status": "ok"}
    finally:
        stop(*workers)


def test_two_workers_enqueue_each_periodic_task_once_a_period(worker_command, broker):
    workers = _workers(worker_command, 2)
    try:
        both = until(lambda: len(beating()) == 2 and beating())
        # Each worker asks for due periodic tasks as it starts and at every beat after.
        asked = timezone.now()
        until(lambda: beating(after=asked) == both)
        periods = periodic_tasks()

        def once_a_period() -> bool:
            # A task due every minute may come again on a slow machine, once a minute.
            ran, elapsed = _jobs_run(broker), timezone.now() - asked
            return set(ran) == set(periods) and all(
                count <= 1 + elapsed // periods[name] for name, count in ran.items()
            )

        assert until(once_a_period)
        for run in PeriodicRun.objects.all():
            assert run.due_at > asked + periods[run.task_path] * 0.8
    finally:
        stop(*workers)


@pytest.mark.usefixtures("media")
def test_a_customer_import_runs_through_the_broker(worker_command, broker, client, make_user):
    alice = make_user("alice", "admin")
    job = import_prepare(actor=alice, stream=io.BytesIO(names_csv(40)), name="brokered.csv").job
    import_enqueue(import_start(job=job, dry_run=False))
    workers = _workers(worker_command, 1)
    try:
        done = until(lambda: ImportJob.objects.filter(pk=job.pk, status=ImportStatus.DONE).first())
        assert (done.rows_done, done.created_count, Customer.objects.count()) == (40, 40, 40)
        client.force_login(alice)
        progress = client.get(reverse("customers:import-progress", args=[job.pk]))
        assert progress["HX-Refresh"] == "true" and "100%" in progress.content.decode()
    finally:
        stop(*workers)


def test_a_recomputation_asked_for_on_its_page_runs_through_the_broker(
    worker_command, broker, client, make_user
):
    client.force_login(make_user("admin", "admin"))
    client.post(reverse("analytics:run-request"))
    status = reverse("analytics:run-status")
    assert 'data-testid="show-new-figures"' not in client.get(status).content.decode()
    workers = _workers(worker_command, 1)
    try:
        until(lambda: AnalyticsRun.objects.filter(status=RunStatus.DONE).exists())
        assert 'data-testid="show-new-figures"' in client.get(status).content.decode()
    finally:
        stop(*workers)


@pytest.mark.django_db
def test_readyz_names_a_broker_that_does_not_answer(client, settings):
    settings.TASKS_BROKER = "redis://127.0.0.1:1/0"
    settings.RQ_QUEUES = {"default": {"URL": settings.TASKS_BROKER}}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend"}}
    response = client.get("/readyz")
    assert response.status_code == 503 and "broker" in response.json()
