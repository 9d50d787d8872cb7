"""Background work of the privacy app: purging the access audit past its retention."""

from __future__ import annotations

from django_tasks import task

from kehu.privacy.services.audit import access_events_purge


@task()
def access_events_purge_task() -> None:
    """The schedule: delete the access events older than KEHU_ACCESS_AUDIT_DAYS."""
    access_events_purge()
