"""`kehu serve`: gunicorn in front of Kehu's WSGI application, static files through WhiteNoise."""

from __future__ import annotations

import atexit
import gc
import subprocess
import sys
from typing import Any

from django.core.management import call_command
from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver
from gunicorn.app.base import BaseApplication


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
    gc.freeze()


def serve(*, host: str, port: int, workers: int, background_worker: bool = True) -> None:
    call_command("collectstatic", interactive=False, verbosity=0)
    if background_worker:
        worker = subprocess.Popen([sys.executable, "-m", "kehu.cli", "worker"])
        atexit.register(worker.terminate)
    _Gunicorn(
        {
            "bind": f"{host}:{port}",
            "workers": workers,
            "accesslog": "-",
            "timeout": 120,
            "preload_app": True,
        }
    ).run()
