"""Reads that may come from a PostgreSQL streaming replica.

With `DATABASE_REPLICA_URL` set, the database alias `replica` is a read-only copy of the
primary, a little behind it. What may be read there is declared, never assumed: a page
declared `@reads_replica` (reports, analytics, exports) or a command inside
`replica_reads()`. Everything else, and every write, uses the primary.

A user who has just written is kept on the primary for `KEHU_REPLICA_PIN_SECONDS`, by a
cookie set on the answer to their write, so a report they open next shows their change
however far the replica lags.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS
from django.http import HttpRequest, HttpResponseBase

REPLICA = "replica"
PINNED_COOKIE = "kehu_primary"
_SAFE_METHODS = ("GET", "HEAD", "OPTIONS")

_reads_from: ContextVar[str | None] = ContextVar("kehu_reads_from", default=None)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


@contextmanager
def replica_reads(request: HttpRequest | None = None) -> Iterator[None]:
    """Send the reads made inside to the replica, when there is one and the request's user
    has not just written."""
    pinned = request is not None and (
        request.method not in _SAFE_METHODS or PINNED_COOKIE in request.COOKIES
    )
    token = _reads_from.set(REPLICA if replica_configured() and not pinned else None)
    try:
        yield
    finally:
        _reads_from.reset(token)


def reads_replica(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Declare, above its `@page`, that what a page reads may come from the replica."""

    @functools.wraps(view)
    def reading(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        with replica_reads(request):
            return view(request, *args, **kwargs)

    return reading


def reads_alias() -> str:
    """The database reads go to here: for a queryset read after its context has ended, as a
    streamed export is."""
    return _reads_from.get() or DEFAULT_DB_ALIAS


class ReplicaRouter:
    """Reads go where `replica_reads` says (the primary when it says nothing); writes and
    migrations always go to the primary."""

    def db_for_read(self, model: type[Any], **hints: Any) -> str | None:
        return _reads_from.get()

    def db_for_write(self, model: type[Any], **hints: Any) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # the replica holds the primary's rows

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == DEFAULT_DB_ALIAS


class ReadYourWrites:
    """Keeps a user who has just written on the primary (see the module's note)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if request.method not in _SAFE_METHODS and replica_configured():
            response.set_cookie(
                PINNED_COOKIE,
                "1",
                max_age=settings.KEHU_REPLICA_PIN_SECONDS,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response
