"""Background work of the analytics: recomputing the scores."""

from __future__ import annotations

from django_tasks import task

from kehu.analytics.models import AnalyticsRun, RunStatus
from kehu.analytics.services import scores_recompute


@task()
def scores_recompute_task(run_id: int) -> None:
    """Run a requested recomputation; a run already started or finished is left alone, so a
    task delivered twice does the work once."""
    run = AnalyticsRun.objects.filter(pk=run_id, status=RunStatus.PENDING).first()
    if run is not None:
        scores_recompute(run=run)
