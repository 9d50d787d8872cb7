"""Settings of the peer CRM (PyPI django-crm 0.9.0) for bench_peer: its own settings with
the database bench_peer made for it (SQLite, as Kehu's default) and quiet logs.

Imported only by the peer's own Python, in the virtual environment bench_peer makes for it.
"""

import os

from crm.settings import *  # noqa: F403 (the peer's settings, as it ships them)

DATABASES = {
    "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.environ["PEER_DATABASE"]}
}
DEBUG = False
LOGGING = {"version": 1, "disable_existing_loggers": False}
