"""The Redis broker (KEHU_TASKS_BROKER): RQ's worker, and the tasks of a worker in its books.

RQ drops a task as abandoned when its worker has not renewed it for a while; Kehu's workers
renew their tasks at every beat instead, and a worker silent for WORKER_SILENT_AFTER has its
tasks failed through RQ's own abandoned-job handling, so that django-tasks records them
failed, and then recovered by their apps (core.workers)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.management import call_command

# A running task's place in RQ's books is renewed at every beat to last this long; RQ's
# own cleanup fails it as abandoned only when its worker stopped beating that long ago.
TASK_KEPT_SECONDS = 420


@dataclass(frozen=True)
class LostTask:
    task_path: str
    args: list[Any]
    kwargs: dict[str, Any]


def broker_configured() -> bool:
    return bool(settings.TASKS_BROKER) and "RQBackend" in settings.TASKS["default"]["BACKEND"]


def broker_problem() -> str | None:
    """Why the broker does not answer, or None when it does."""
    import django_rq
    from redis.exceptions import RedisError

    try:
        django_rq.get_connection("default").ping()
    except RedisError as error:
        return str(error).strip() or type(error).__name__
    return None


def rq_worker_run(*, worker_id: str) -> None:
    """RQ's worker under the name of Kehu's. It runs each task itself rather than in a
    forked child, so a killed worker leaves no task running behind it."""
    call_command(
        "rqworker",
        "default",
        "--name",
        worker_id,
        "--worker-class",
        "rq.worker.SimpleWorker",
        "--job-class",
        "django_tasks_rq.Job",
    )


def _started(worker_id: str) -> list[tuple[Any, Any, str]]:
    """(registry, job, entry) for each task RQ's books say `worker_id` runs."""
    import django_rq
    from django_tasks_rq import Job
    from rq.exceptions import NoSuchJobError

    queue = django_rq.get_queue("default", job_class=Job)
    registry = queue.started_job_registry
    found = []
    for job_id, execution_id in registry.get_job_and_execution_ids():
        try:
            job = Job.fetch(job_id, connection=queue.connection)
        except NoSuchJobError:
            continue
        if job.worker_name == worker_id:
            found.append((registry, job, f"{job_id}:{execution_id}"))
    return found


def rq_tasks_renew(*, worker_id: str) -> None:
    for registry, _job, entry in _started(worker_id):
        registry.connection.zadd(registry.key, {entry: time.time() + TASK_KEPT_SECONDS}, xx=True)


def rq_tasks_lost(*, worker_id: str) -> list[LostTask]:
    """Fail the tasks `worker_id` was running as RQ fails abandoned ones; what they were."""
    from rq.job import JobStatus

    started = _started(worker_id)
    for registry, _job, entry in started:
        # Expired now, so RQ's cleanup below takes exactly these entries.
        registry.connection.zadd(registry.key, {entry: 0}, xx=True)
    if not started:
        return []
    started[0][0].cleanup(timestamp=1)
    # A task that finished while it was looked at is not lost; the cleanup left it alone.
    return [
        LostTask(job.func_name, list(job.args), dict(job.kwargs))
        for _registry, job, _entry in started
        if job.get_status(refresh=True) == JobStatus.FAILED
    ]
