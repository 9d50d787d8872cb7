"""`kehu serve`: gunicorn in front of Kehu's WSGI application, static files through WhiteNoise."""

from __future__ import annotations

import atexit
import subprocess
import sys
from typing import Any

from django.core.management import call_command
from gunicorn.app.base import BaseApplication


class _Gunicorn(BaseApplication):
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from kehu.wsgi import application

        return application


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
