"""`kehu serve`: gunicorn in front of Kehu's WSGI application, static files through WhiteNoise."""

from __future__ import annotations

import atexit
import gc
import importlib
import logging
import subprocess
import sys
import threading
import time
from typing import Any

from django.core.management import call_command
from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver
from gunicorn.app.base import BaseApplication

logger = logging.getLogger(__name__)


class _Gunicorn(BaseApplication):
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        application = get_wsgi_application()
        _settle()
        return application


def _settle() -> None:
    """Load what requests use before the workers fork, then exempt it from garbage
    collection. The pinyin dictionaries alone are hundreds of thousands of objects, and each
    collection of the oldest generation walked them all: a pause of ~250 ms every few dozen
    requests, the slowest percent of every kind of request."""
    get_resolver().url_patterns  # noqa: B018 -- reading them imports every view
    # Customers' search keys read them on first use (so commands start without them); a
    # server reads them here, once for all its workers.
    importlib.import_module("pypinyin.seg.simpleseg")
    gc.freeze()


class Supervised:
    """A process kept running: when it ends (killed, or out after losing its database) it
    is started again, after a pause that doubles with each quick failure, up to a minute."""

    QUICK = 60.0  # a run shorter than this counts as a failure to start
    LONGEST_PAUSE = 60.0

    def __init__(self, command: list[str]) -> None:
        self.command = command
        self.stopping = threading.Event()
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        threading.Thread(target=self._keep_running, name="kehu-supervisor", daemon=True).start()

    def stop(self) -> None:
        self.stopping.set()
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()

    def _keep_running(self) -> None:
        pause = 1.0
        while not self.stopping.is_set():
            started = time.monotonic()
            self.process = subprocess.Popen(self.command)
            code = self.process.wait()
            if self.stopping.is_set():
                return
            pause = 1.0 if time.monotonic() - started > self.QUICK else pause
            logger.warning(
                "%s ended (exit code %s); starting it again in %.0f s",
                " ".join(self.command[-1:]),
                code,
                pause,
            )
            self.stopping.wait(pause)
            pause = min(pause * 2, self.LONGEST_PAUSE)


def serve(*, host: str, port: int, workers: int, background_worker: bool = True) -> None:
    call_command("collectstatic", interactive=False, verbosity=0)
    if background_worker:
        worker = Supervised([sys.executable, "-m", "kehu.cli", "worker"])
        worker.start()
        atexit.register(worker.stop)
    _Gunicorn(
        {
            "bind": f"{host}:{port}",
            "workers": workers,
            "accesslog": "-",
            "timeout": 120,
            "preload_app": True,
        }
    ).run()
