"""Background work of the analytics: recomputing the scores when asked, and on a schedule."""

from __future__ import annotations

from django_tasks import task

from kehu.analytics.models import AnalyticsRun
from kehu.analytics.services import run_lost, run_start, scores_recompute, scores_refresh


@task()
def scores_recompute_task(run_id: int) -> None:
    """Run a requested recomputation. A run already started or finished is left alone, so a
    task delivered twice does the work once; one that finds another run under way leaves its
    run waiting for the scheduled refresh."""
    run = AnalyticsRun.objects.filter(pk=run_id).first()
    if run is not None and run_start(run):
        scores_recompute(run=run)


@task()
def scores_refresh_task() -> None:
    """The schedule: recompute when the scores are out of date, else nothing."""
    scores_refresh()


def scores_recompute_lost(run_id: int) -> None:
    """The recomputation's worker was lost (core.workers)."""
    run_lost(run_id=run_id)
