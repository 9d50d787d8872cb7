"""The background workers' heartbeats, and the work of a worker that is gone.

A worker beats every WORKER_BEAT_SECONDS. One silent for WORKER_SILENT_AFTER was killed or
lost its machine: the task it was running is marked failed in the task queue, and the app
that owns the task recovers its work (an import resumes from its last batch; a recomputation
is queued again). Every live worker looks for silent ones at each beat, so a lost import
moves again within a minute."""

from __future__ import annotations

import logging
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from kehu.core.broker import LostTask, broker_configured, rq_tasks_lost, rq_tasks_renew
from kehu.core.models import PeriodicRun, WorkerBeat
from kehu.core.registry import lost_task_handlers, periodic_tasks
from kehu.core.selectors import WORKER_SILENT_AFTER

logger = logging.getLogger(__name__)


class WorkerLost(Exception):
    """The worker running the task stopped before the task finished."""


def worker_beat(*, worker_id: str) -> None:
    """Renew the worker's heartbeat (and, under the broker, its tasks' place in RQ's
    books), and recover the work of workers gone silent."""
    now = timezone.now()
    WorkerBeat.objects.update_or_create(worker_id=worker_id, defaults={"seen_at": now})
    if broker_configured():
        rq_tasks_renew(worker_id=worker_id)
    lost_workers_recover(now=now)


def periodic_tasks_enqueue(*, now: datetime | None = None) -> list[str]:
    """Enqueue every app's periodic task that is due (their `periodic_tasks`): of all the
    workers asking, the one whose update moves the task's next time on enqueues it, so each
    runs once a period however many workers run."""
    now = now or timezone.now()
    enqueued = []
    for path, every in periodic_tasks().items():
        PeriodicRun.objects.get_or_create(task_path=path, defaults={"due_at": now})
        # A claim whose enqueue fails is undone, so the task is not skipped for a period.
        with transaction.atomic():
            due = PeriodicRun.objects.filter(task_path=path, due_at__lte=now)
            if due.update(due_at=now + every):
                import_string(path).enqueue()
                enqueued.append(path)
    return enqueued


def worker_gone(*, worker_id: str) -> None:
    """A worker's clean exit: a task it was stopped in is recovered at once."""
    WorkerBeat.objects.filter(worker_id=worker_id).delete()
    _tasks_recover(worker_id)


def lost_workers_recover(*, now: datetime | None = None) -> list[str]:
    """Recover the tasks of every worker silent for WORKER_SILENT_AFTER; their ids."""
    cutoff = (now or timezone.now()) - WORKER_SILENT_AFTER
    lost = []
    for beat in WorkerBeat.objects.filter(seen_at__lt=cutoff):
        # Of two workers looking at once, the one whose delete takes the beat recovers it.
        if WorkerBeat.objects.filter(pk=beat.pk, seen_at=beat.seen_at).delete()[0]:
            _tasks_recover(beat.worker_id)
            lost.append(beat.worker_id)
    return lost


def _tasks_recover(worker_id: str) -> None:
    lost = rq_tasks_lost(worker_id=worker_id) if broker_configured() else _db_tasks_lost(worker_id)
    handlers = lost_task_handlers()
    for task in lost:
        logger.warning("task %s lost with worker %s", task.task_path, worker_id)
        handler = handlers.get(task.task_path)
        if handler is not None:
            import_string(handler)(*task.args, **task.kwargs)


def _db_tasks_lost(worker_id: str) -> list[LostTask]:
    """Mark failed the tasks the database queue says `worker_id` was running; what they were."""
    lost = []
    for result in DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING):
        if result.worker_ids and result.worker_ids[-1] == worker_id:
            result.set_failed(WorkerLost(worker_id))
            arguments = result.args_kwargs
            lost.append(LostTask(result.task_path, arguments["args"], arguments["kwargs"]))
    return lost
