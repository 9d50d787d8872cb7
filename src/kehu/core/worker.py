"""`kehu worker`: runs the background tasks waiting in the database, and the periodic ones.

`kehu serve` starts one beside the web processes, so a small company needs nothing else;
a larger one runs `kehu worker` on its own machines.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import timedelta

from django.core.management import call_command
from django.db import close_old_connections
from django.utils.module_loading import import_string

from kehu.core.registry import periodic_tasks

logger = logging.getLogger(__name__)


def _enqueue_periodically(stop: threading.Event, every: Callable[[], None], seconds: float) -> None:
    while not stop.is_set():
        try:
            every()
        except Exception:  # a failed enqueue must not end the loop; it is logged and retried
            logger.exception("could not enqueue periodic tasks")
        finally:
            close_old_connections()
        stop.wait(seconds)


def periodic_tasks_enqueue() -> None:
    """Enqueue every app's periodic tasks (their `periodic_tasks`); each must be safe to
    run twice."""
    for path in periodic_tasks():
        import_string(path).enqueue()


def run_worker() -> None:
    stop = threading.Event()
    shortest = min(periodic_tasks().values(), default=timedelta(hours=1)).total_seconds()
    scheduler = threading.Thread(
        target=_enqueue_periodically,
        args=(stop, periodic_tasks_enqueue, shortest),
        name="kehu-periodic",
        daemon=True,
    )
    scheduler.start()
    try:
        call_command("db_worker", "--queue-name", "*", "--no-reload", verbosity=1)
    finally:
        stop.set()
