"""The work of a background worker that is gone: every live worker looks for silent ones at
each beat; the task a lost worker was running is marked failed in the queue, and its app
recovers the work: an import resumes after its last batch, a recomputation is queued again."""

from __future__ import annotations

import io
import os
import signal
from datetime import timedelta
from typing import Any

import psycopg
import pytest
from django.db import connection
from django.utils import timezone, translation
from django_tasks import task_backends
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from kehu.analytics.models import AnalyticsRun, RunStatus
from kehu.core.models import WorkerBeat
from kehu.core.server import Supervised
from kehu.core.workers import worker_beat, worker_gone
from kehu.customers.imports import import_prepare, import_run, import_start
from kehu.customers.models import Customer, ImportJob, ImportStatus
from tests.core.workers import QUEUED, beating, database_dsn, names_csv, stop, until

LOST = "host:9"


@pytest.fixture
def media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def _running(task: str, *args: Any, worker: str = LOST) -> DBTaskResult:
    """A task the queue says `worker` is running."""
    return DBTaskResult.objects.create(
        status=TaskResultStatus.RUNNING,
        started_at=timezone.now(),
        args_kwargs={"args": list(args), "kwargs": {}},
        task_path=task,
        worker_ids=[worker],
        backend_name="default",
        run_after=timezone.now(),
    )


def _silent(worker: str, seconds: int) -> None:
    WorkerBeat.objects.create(worker_id=worker, seen_at=timezone.now() - timedelta(seconds=seconds))


def _begun_import(make_user: Any, rows: int) -> ImportJob:
    """An import whose worker died after its first batch, with no chance to say so."""
    prepared = import_prepare(
        actor=make_user("alice"), stream=io.BytesIO(names_csv(rows)), name="customers.csv"
    )
    job = import_start(job=prepared.job, dry_run=False)

    def dies(job: ImportJob) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        import_run(job=job, batch_size=10, on_batch=dies)
    job.refresh_from_db()
    assert (job.status, job.rows_done) == (ImportStatus.RUNNING, 10)
    return job


@pytest.mark.django_db
@pytest.mark.usefixtures("media")
def test_an_import_whose_worker_went_silent_resumes_after_its_last_batch(make_user):
    job = _begun_import(make_user, rows=30)
    lost = _running("kehu.customers.tasks.import_customers", job.pk, "en")
    _silent(LOST, seconds=31)

    worker_beat(worker_id="host:1")  # tasks run at once in tests: the import goes on here

    lost.refresh_from_db()
    assert lost.status == TaskResultStatus.FAILED
    assert lost.exception_class_path == "kehu.core.workers.WorkerLost"
    job.refresh_from_db()
    assert (job.status, job.rows_done, job.created_count) == (ImportStatus.DONE, 30, 30)
    assert Customer.objects.count() == 30
    assert beating() == {"host:1"}


@pytest.mark.django_db
@pytest.mark.usefixtures("media")
def test_a_worker_that_still_beats_keeps_its_task(make_user):
    job = _begun_import(make_user, rows=30)
    running = _running("kehu.customers.tasks.import_customers", job.pk, "en")
    _silent(LOST, seconds=20)

    worker_beat(worker_id="host:1")

    running.refresh_from_db()
    assert running.status == TaskResultStatus.RUNNING
    job.refresh_from_db()
    assert (job.status, job.rows_done) == (ImportStatus.RUNNING, 10)
    assert beating() == {"host:1", LOST}


@pytest.mark.django_db
@pytest.mark.usefixtures("media")
def test_a_worker_stopped_mid_task_hands_its_work_on_as_it_exits(make_user):
    job = _begun_import(make_user, rows=25)
    _running("kehu.customers.tasks.import_customers", job.pk, "en", worker="host:1")
    worker_beat(worker_id="host:1")

    worker_gone(worker_id="host:1")

    job.refresh_from_db()
    assert (job.status, job.created_count) == (ImportStatus.DONE, 25)
    assert not beating()


@pytest.mark.django_db
def test_a_recomputation_whose_worker_went_silent_fails_and_is_queued_again(
    django_capture_on_commit_callbacks,
):
    run = AnalyticsRun.objects.create(status=RunStatus.RUNNING, started_at=timezone.now())
    _running("kehu.analytics.tasks.scores_recompute_task", run.pk)
    _silent(LOST, seconds=45)

    with django_capture_on_commit_callbacks(execute=True), translation.override("en"):
        worker_beat(worker_id="host:1")

    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert "worker stopped" in run.error
    again = AnalyticsRun.objects.exclude(pk=run.pk).get()
    assert again.status == RunStatus.DONE  # computed at once here; queued on a real worker


@pytest.mark.parametrize("queue", ["database", "broker"])
def test_an_import_goes_on_within_a_minute_after_its_worker_is_killed(
    worker_command, settings, request, queue
):
    """The worker is held inside the import's first batch by a lock on the job's row, killed
    there, and started again: the new worker sees the old one's silence, the queue (the
    database's, or RQ's on the broker) records the task failed, and the import resumes."""
    if connection.vendor != "postgresql":
        pytest.skip("holding a worker inside a batch takes a row lock, PostgreSQL's")
    if queue == "broker":
        request.getfixturevalue("broker")
    else:
        settings.TASKS = QUEUED
    from django.contrib.auth import get_user_model

    owner = get_user_model().objects.create_user("importer", password="x")
    job = import_prepare(actor=owner, stream=io.BytesIO(names_csv(50)), name="killed.csv").job
    import_start(job=job, dry_run=False)
    holder = psycopg.connect(database_dsn())
    holder.execute("SELECT 1 FROM customers_importjob WHERE id = %s FOR UPDATE", [job.pk])
    from kehu.customers.tasks import import_customers

    result = import_customers.enqueue(job.pk, "en")
    supervised = Supervised(worker_command)
    supervised.start()
    try:
        until(lambda: _status(result.id) == TaskResultStatus.RUNNING)
        first = until(beating)
        os.kill(until(lambda: supervised.process).pid, signal.SIGKILL)
        holder.rollback()
        until(lambda: beating() - first)
        assert until(lambda: _status(result.id) == TaskResultStatus.FAILED)
        done = until(lambda: ImportJob.objects.filter(pk=job.pk, status=ImportStatus.DONE).first())
        assert (done.rows_done, done.created_count, Customer.objects.count()) == (50, 50, 50)
    finally:
        holder.close()
        stop(supervised)


def _status(result_id: str) -> str:
    return task_backends["default"].get_result(result_id).status
