"""The background workers' heartbeats, and the work of a worker that is gone.

A worker beats every WORKER_BEAT_SECONDS. One silent for WORKER_SILENT_AFTER was killed or
lost its machine: the task it was running is marked failed in the task queue, and the app
that owns the task recovers its work (an import resumes from its last batch; a recomputation
is queued again). Every live worker looks for silent ones at each beat, so a lost import
moves again within a minute."""

from __future__ import annotations

import logging
from datetime import datetime

from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from kehu.core.models import WorkerBeat
from kehu.core.registry import lost_task_handlers
from kehu.core.selectors import WORKER_SILENT_AFTER

logger = logging.getLogger(__name__)


class WorkerLost(Exception):
    """The worker running the task stopped before the task finished."""


def worker_beat(*, worker_id: str) -> None:
    """Renew the worker's heartbeat, and recover the work of workers gone silent."""
    now = timezone.now()
    WorkerBeat.objects.update_or_create(worker_id=worker_id, defaults={"seen_at": now})
    lost_workers_recover(now=now)


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
    running = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING)
    handlers = lost_task_handlers()
    for result in running:
        if not result.worker_ids or result.worker_ids[-1] != worker_id:
            continue
        result.set_failed(WorkerLost(worker_id))
        handler = handlers.get(result.task_path)
        logger.warning("task %s (%s) lost with worker %s", result.pk, result.task_path, worker_id)
        if handler is not None:
            import_string(handler)(*result.args_kwargs["args"], **result.args_kwargs["kwargs"])
