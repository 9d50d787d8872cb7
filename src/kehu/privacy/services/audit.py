"""The access audit: recording each read of personal data, and purging what is older than
the retention period (KEHU_ACCESS_AUDIT_DAYS)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone

from kehu.core.models import User
from kehu.privacy.models import AccessEvent

_PATH_LENGTH = AccessEvent._meta.get_field("path").max_length or 500


def access_event_record(
    *, user: User | None, kind: str, customer_id: int | None, rows: int | None, path: str
) -> AccessEvent:
    """One insert, on every audited read."""
    return AccessEvent.objects.create(
        user=user if user is not None and user.is_authenticated else None,
        kind=kind,
        customer_id=customer_id,
        rows=rows,
        path=path[:_PATH_LENGTH],
    )


def access_read_received(
    sender: Any,
    *,
    user: User | None,
    kind: str,
    customer_id: int | None,
    rows: int | None,
    path: str,
    **_: Any,
) -> None:
    """The receiver of core.access.personal_data_read."""
    access_event_record(user=user, kind=kind, customer_id=customer_id, rows=rows, path=path)


def access_events_purge(*, now: datetime | None = None) -> int:
    """Delete the events older than the retention period; how many went."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.KEHU_ACCESS_AUDIT_DAYS)
    deleted, _ = AccessEvent.objects.filter(at__lt=cutoff).delete()
    return deleted
