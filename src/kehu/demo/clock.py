"""The demo company's past, written as it was written at the time.

The services date what they write with the current time (Django's `auto_now` fields, a
claim's `owner_since`, a history row's `at`). To load two years of a company through those
same services, the loader sets the clock to each moment in turn. It runs alone, before
anything is served, so nothing else reads the clock meanwhile.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from django.utils import timezone


@contextmanager
def as_of(moment: datetime) -> Iterator[None]:
    """Inside the block, `timezone.now()` is `moment`."""
    real = timezone.now
    timezone.now = lambda: moment
    try:
        yield
    finally:
        timezone.now = real
