"""`kehu worker`: runs the background tasks waiting in the database (or on the Redis broker,
KEHU_TASKS_BROKER), and the periodic ones.

`kehu serve` starts one beside the web processes, so a small company needs nothing else;
a larger one runs `kehu worker` on its own machines.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable

from django.core.management import call_command
from django.db import close_old_connections

from kehu.core.broker import broker_configured, rq_worker_run
from kehu.core.selectors import WORKER_BEAT_SECONDS
from kehu.core.workers import periodic_tasks_enqueue, worker_beat, worker_gone

logger = logging.getLogger(__name__)


def _repeat(stop: threading.Event, every: Callable[[], object], seconds: float) -> None:
    while not stop.is_set():
        try:
            every()
        except Exception:  # a failure (a lost connection) must not end the loop; it is retried
            logger.exception("%s failed", threading.current_thread().name)
        finally:
            close_old_connections()
        stop.wait(seconds)


def _in_background(
    stop: threading.Event, every: Callable[[], object], seconds: float, name: str
) -> None:
    threading.Thread(target=_repeat, args=(stop, every, seconds), name=name, daemon=True).start()


def run_worker() -> None:
    stop = threading.Event()
    worker_id = f"{socket.gethostname()}:{os.getpid()}"
    _in_background(stop, periodic_tasks_enqueue, WORKER_BEAT_SECONDS, "kehu-periodic")
    _in_background(stop, lambda: worker_beat(worker_id=worker_id), WORKER_BEAT_SECONDS, "kehu-beat")
    try:
        if broker_configured():
            rq_worker_run(worker_id=worker_id)
        else:
            call_command(
                "db_worker",
                "--queue-name",
                "*",
                "--no-reload",
                "--worker-id",
                worker_id,
                verbosity=1,
            )
    finally:
        stop.set()
        worker_gone(worker_id=worker_id)
