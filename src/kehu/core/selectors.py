"""Reads of the organisation."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, Max, QuerySet
from django.utils import timezone

from kehu.core.models import Department, Role, User, WorkerBeat

# A worker renews its heartbeat every WORKER_BEAT_SECONDS; three missed beats mean it is gone.
WORKER_BEAT_SECONDS = 10
WORKER_SILENT_AFTER = timedelta(seconds=3 * WORKER_BEAT_SECONDS)


def user_list() -> QuerySet[User]:
    return User.objects.select_related("role", "department", "manager").order_by(
        "-is_active", "username"
    )


def department_list() -> QuerySet[Department]:
    return Department.objects.select_related("parent").annotate(member_count=Count("members"))


def role_list() -> QuerySet[Role]:
    return Role.objects.annotate(user_count=Count("users"))


def worker_last_seen() -> datetime | None:
    return WorkerBeat.objects.aggregate(last=Max("seen_at"))["last"]


def tasks_run_in_background() -> bool:
    """Whether enqueued work waits for a worker (the database queue) rather than running at
    once in the process that enqueues it."""
    return "Immediate" not in settings.TASKS["default"]["BACKEND"]


def worker_missing() -> bool:
    """Work is queued for a worker, and none has beaten lately: it will wait."""
    if not tasks_run_in_background():
        return False
    last = worker_last_seen()
    return last is None or timezone.now() - last > WORKER_SILENT_AFTER
