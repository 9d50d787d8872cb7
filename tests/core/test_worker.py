"""The worker's periodic tasks, enqueued and run as `kehu worker` does."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from kehu.core.registry import periodic_tasks
from kehu.core.workers import periodic_tasks_enqueue
from kehu.customers.models import Customer

pytestmark = pytest.mark.django_db


def test_every_periodic_task_the_apps_declare_exists():
    from django.utils.module_loading import import_string

    tasks = periodic_tasks()
    assert "kehu.customers.tasks.pool_sweep_task" in tasks
    for path in tasks:
        assert hasattr(import_string(path), "enqueue")


def test_enqueuing_the_periodic_tasks_sweeps_the_pool(make_user, make_customer):
    alice = make_user("alice")
    forgotten = make_customer(alice)
    Customer.objects.filter(pk=forgotten.pk).update(owner_since=timezone.now() - timedelta(days=45))
    periodic_tasks_enqueue()
    assert Customer.objects.get(pk=forgotten.pk).owner is None


def test_a_periodic_task_is_enqueued_once_a_period_however_often_workers_ask():
    now = timezone.now()
    periods = periodic_tasks()
    assert periodic_tasks_enqueue(now=now) == list(periods)
    assert periodic_tasks_enqueue(now=now + timedelta(seconds=30)) == []
    # Within the hour only those due more often than hourly (the breach sweep) come again.
    later = now + timedelta(minutes=59)
    assert periodic_tasks_enqueue(now=later) == [
        name for name, every in periods.items() if every <= timedelta(minutes=59)
    ]
    assert periodic_tasks_enqueue(now=now + timedelta(minutes=61)) == list(periods)
