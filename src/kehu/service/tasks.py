"""The service app's background work: finding breaches within a minute, and closing
resolutions their customers left unanswered."""

from __future__ import annotations

from django.db.models import Q
from django_tasks import task

from kehu.service import services
from kehu.service.services.clocks import open_tickets


@task()
def breaches_sweep_task() -> int:
    return services.breaches_sweep()


@task()
def acceptance_sweep_task() -> int:
    return services.tickets_close_unanswered()


@task()
def clocks_recompute_task(calendar_id: int | None) -> int:
    """Work out again the clocks of the open tickets under the calendar (None: all)."""
    condition = Q(policy__calendar=calendar_id) if calendar_id is not None else None
    return services.tickets_clocks_update(open_tickets(condition))
