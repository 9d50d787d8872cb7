"""Every write of the analytics: recomputing scores, saving the scorecard (importing past
purchases is in `purchases`, churn actions in `churn_actions`)."""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable
from datetime import timedelta
from decimal import Decimal
from typing import Any, Final

import polars as pl
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from kehu.analytics import feeds
from kehu.analytics.labels import criterion_label
from kehu.analytics.maths.ahp import CONSISTENCY_LIMIT, AHPError, Entry, ahp_weights
from kehu.analytics.maths.scorecard import ScorecardError, scorecard_from_dict
from kehu.analytics.maths.scores import ScoresResult, customer_scores
from kehu.analytics.maths.transactions import CUSTOMER
from kehu.analytics.models import (
    AnalyticsRun,
    CustomerScore,
    RunStatus,
    Scorecard,
    StageOverride,
)
from kehu.analytics.selectors import scorecard_config, scores_out_of_date
from kehu.core.exceptions import VersionConflict
from kehu.core.history import actor_or_none, change_records_bulk
from kehu.core.locking import save_versioned
from kehu.core.models import ChangeAction, User
from kehu.customers.models import Customer

logger = logging.getLogger(__name__)

BATCH: Final = 2_000
# A run still pending or running after this long was lost with its worker; a new one may start.
RUN_ABANDONED_AFTER: Final = timedelta(hours=2)


# Runs ------------------------------------------------------------------------------------


def analytics_run_request(*, actor: User | None) -> AnalyticsRun:
    """Queue a recomputation, unless one is already waiting or running."""
    return _run_queue(actor=actor, joins=[RunStatus.PENDING, RunStatus.RUNNING])


def scores_refresh_request() -> AnalyticsRun:
    """Say that the scores are out of date (an order or a purchase changed): a recomputation
    is queued unless one is waiting. A waiting run reads the purchases only when it starts,
    so however many changes are made before that, they make one run; a change made while a
    run is under way queues the next."""
    return _run_queue(actor=None, joins=[RunStatus.PENDING])


def _run_queue(*, actor: User | None, joins: list[RunStatus]) -> AnalyticsRun:
    """The run with a status of `joins` that is not abandoned, or a new one in the queue."""
    from kehu.analytics.tasks import scores_recompute_task

    with transaction.atomic():
        busy = (
            AnalyticsRun.objects.select_for_update()
            .filter(status__in=joins, created_at__gte=timezone.now() - RUN_ABANDONED_AFTER)
            .first()
        )
        if busy is not None:
            return busy
        run = AnalyticsRun.objects.create(requested_by=actor_or_none(actor))
        # Enqueued once the run row is committed, so the worker always finds it.
        transaction.on_commit(lambda: scores_recompute_task.enqueue(run.pk))
    return run


def run_start(run: AnalyticsRun) -> bool:
    """Start `run` if it is still waiting and no other run is under way: a task delivered
    twice, or two workers, compute it once, and two runs never write at the same time (a
    run left waiting is started by the next scheduled refresh)."""
    running = AnalyticsRun.objects.filter(
        status=RunStatus.RUNNING, started_at__gte=timezone.now() - RUN_ABANDONED_AFTER
    ).exclude(pk=run.pk)
    if running.exists():
        return False
    started = AnalyticsRun.objects.filter(pk=run.pk, status=RunStatus.PENDING).update(
        status=RunStatus.RUNNING, started_at=timezone.now()
    )
    return started == 1


def run_lost(*, run_id: int) -> AnalyticsRun | None:
    """The worker computing the run stopped part-way: the run failed, saying so, and a new
    one is queued in its place (the scores in use stay those of the last finished run)."""
    lost = AnalyticsRun.objects.filter(
        pk=run_id, status__in=[RunStatus.PENDING, RunStatus.RUNNING]
    ).update(
        status=RunStatus.FAILED,
        error=_("The background worker stopped during this run; a new run was queued."),
        finished_at=timezone.now(),
    )
    return scores_refresh_request() if lost else None


def scores_refresh(*, today: dt.date | None = None) -> AnalyticsRun | None:
    """The scheduled refresh: when the scores are out of date (see
    `selectors.scores_out_of_date`), compute them now, in the run waiting or a new one;
    nothing while another run is under way."""
    today = today or timezone.localdate()
    if not scores_out_of_date(today=today):
        return None
    run = scores_refresh_request()
    if not run_start(run):
        return None
    return scores_recompute(as_of=today, run=run)


def scores_recompute(
    *, as_of: dt.date | None = None, run: AnalyticsRun | None = None
) -> AnalyticsRun:
    """Recompute every customer's scores from all purchases, and make them current.

    Without `run`, the run waiting in the queue is done now (its task then finds it done),
    or a new one. Rows are written in batches, each in its own transaction, under this run;
    the run becomes the current one only at the end, so a crash leaves the previous run's
    scores in place. Computed stages and levels are then copied to the customers whose
    fields no person has set by hand.
    """
    run = run or AnalyticsRun.objects.filter(status=RunStatus.PENDING).first()
    run = run or AnalyticsRun.objects.create()
    run.as_of = as_of or timezone.localdate()
    run.status, run.started_at = RunStatus.RUNNING, run.started_at or timezone.now()
    run.save(update_fields=["as_of", "status", "started_at"])
    try:
        # Rows of earlier runs that never finished: invisible, so safe to drop.
        CustomerScore.objects.filter(run__is_current=False).exclude(run=run).delete()
        transactions = feeds.purchases_frame()
        run.purchases = transactions.height
        result = _scores(transactions, as_of=run.as_of)
        if result is not None:
            _scores_write(run, result)
        _run_finish(run, result)
    except Exception as error:
        logger.exception("analytics run %s failed", run.pk)
        run.status, run.error, run.finished_at = RunStatus.FAILED, str(error), timezone.now()
        run.save(update_fields=["status", "error", "finished_at"])
        raise
    return run


def _scores(transactions: pl.DataFrame, *, as_of: dt.date) -> ScoresResult | None:
    if transactions.filter(pl.col("date") <= as_of).is_empty():
        return None
    scorecard = scorecard_from_dict(scorecard_config())
    return customer_scores(
        transactions,
        as_of=as_of,
        scorecard=scorecard,
        extra=feeds.paying_frame(today=as_of),
    )


def _money(value: float) -> Decimal:
    return Decimal(f"{value:.2f}")


def _scores_write(run: AnalyticsRun, result: ScoresResult) -> None:
    computed_at = timezone.now()
    for batch in result.customers.iter_slices(BATCH):
        rows = batch.to_dicts()
        existing = set(
            Customer.objects.filter(pk__in=[int(row[CUSTOMER]) for row in rows]).values_list(
                "pk", flat=True
            )
        )
        scores = [
            CustomerScore(
                run=run,
                customer_id=int(row[CUSTOMER]),
                recency_days=row["recency_days"],
                frequency=row["frequency"],
                monetary=_money(row["monetary"]),
                r=row["r"],
                f=row["f"],
                m=row["m"],
                segment=row["segment"],
                abc_class=row["class"],
                sales_share=row["share"],
                expected_purchases=row["expected_purchases"],
                probability_alive=row["probability_alive"],
                clv=None if row["clv"] is None else _money(row["clv"]),
                churn_probability=row["churn_probability"],
                churn_reasons=result.reasons.get(row[CUSTOMER], []),
                score=row["score"],
                grade=row["grade"],
                computed_lifecycle_stage=row["stage"],
                computed_relationship_level=row["level"],
                computed_at=computed_at,
            )
            # A customer deleted since the purchases were read has nothing left to score.
            for row in rows
            if int(row[CUSTOMER]) in existing
        ]
        with transaction.atomic():
            CustomerScore.objects.bulk_create(scores)
        run.customers += len(scores)
    run.save(update_fields=["purchases", "customers"])


@transaction.atomic
def _run_finish(run: AnalyticsRun, result: ScoresResult | None) -> None:
    AnalyticsRun.objects.filter(is_current=True).update(is_current=False)
    if result is not None:
        computed = result.customers.select(CUSTOMER, "stage", "level").iter_rows()
        run.customers_updated = _customer_fields_apply(
            (int(pk), stage, level) for pk, stage, level in computed
        )
        run.details = result.details
    run.status, run.finished_at, run.is_current = RunStatus.DONE, timezone.now(), True
    run.save()
    # The previous run's rows are invisible from here on.
    CustomerScore.objects.exclude(run=run).delete()


def _customer_fields_apply(computed: Iterable[tuple[int, str, str]]) -> int:
    """Write computed stages and levels to the customers, except those set by hand.

    Each write bumps the customer's version, so a person editing the same customer meanwhile
    is told to reload instead of silently undoing it; `updated_at` stays, as it orders the
    lists by people's work. Every change is in the customer's history, by no actor.
    """
    updated = 0
    pending = list(computed)
    for start in range(0, len(pending), BATCH):
        batch = {pk: (stage, level) for pk, stage, level in pending[start : start + BATCH]}
        locks = {
            pk: (lifecycle, relationship)
            for pk, lifecycle, relationship in StageOverride.objects.filter(
                customer_id__in=batch
            ).values_list("customer_id", "lifecycle_locked", "relationship_locked")
        }
        groups: dict[tuple[str | None, str | None], list[int]] = defaultdict(list)
        history = []
        for customer in Customer.objects.filter(pk__in=batch).only(
            "pk", "name", "lifecycle_stage", "relationship_level"
        ):
            stage, level = batch[customer.pk]
            stage_locked, level_locked = locks.get(customer.pk, (False, False))
            new_stage = None if stage_locked or customer.lifecycle_stage == stage else stage
            new_level = None if level_locked or customer.relationship_level == level else level
            if new_stage is None and new_level is None:
                continue
            groups[new_stage, new_level].append(customer.pk)
            changes = {}
            if new_stage is not None:
                changes["lifecycle_stage"] = [customer.lifecycle_stage, new_stage]
            if new_level is not None:
                changes["relationship_level"] = [customer.relationship_level, new_level]
            history.append((customer, changes, customer.pk))
        for (new_stage, new_level), pks in groups.items():
            values: dict[str, Any] = {"version": F("version") + 1}
            if new_stage is not None:
                values["lifecycle_stage"] = new_stage
            if new_level is not None:
                values["relationship_level"] = new_level
            Customer.objects.filter(pk__in=pks).update(**values)
        change_records_bulk(actor=None, action=ChangeAction.UPDATE, entries=history)
        updated += len(history)
    return updated


# Scorecard -------------------------------------------------------------------------------


def scorecard_save(
    *, actor: User | None, scorecard: Scorecard, version: int, config: dict[str, Any]
) -> Scorecard:
    """Make `config` the active scorecard, `scorecard` as read at `version` (the unsaved
    default: none saved yet). Refused while any comparison matrix has CR ≥ 0.10, and with
    VersionConflict when the scorecard was saved since it was read."""
    for level, matrix in _matrices(config):
        try:
            result = ahp_weights(matrix)
        except AHPError as error:
            raise ValidationError(f"{level}: {error}") from error
        if not result.consistent:
            raise ValidationError(
                _(
                    "The comparisons of %(level)s are not consistent enough (CR = %(cr).3f; "
                    "it must be below %(limit).2f). Revise them before saving."
                )
                % {"level": level, "cr": result.cr, "limit": CONSISTENCY_LIMIT}
            )
    try:
        scorecard_from_dict(config)
    except ScorecardError as error:
        raise ValidationError(str(error)) from error
    scorecard.config, scorecard.updated_by = config, actor_or_none(actor)
    if scorecard.pk is not None:
        save_versioned(scorecard, expected_version=version, fields=["config", "updated_by"])
        return scorecard
    try:
        # The first save: another manager's first save at the same time breaks the
        # one-active-scorecard constraint, and is as much a conflict as a later save.
        with transaction.atomic():
            scorecard.save()
    except IntegrityError as error:
        raise VersionConflict(None) from error
    return scorecard


def _matrices(config: dict[str, Any]) -> list[tuple[str, list[list[Entry]]]]:
    matrices = [(_("the criteria"), config["comparisons"])]
    for code, criterion in config["criteria"].items():
        matrices.append(
            (
                _("the indicators of “%(criterion)s”") % {"criterion": criterion_label(code)},
                criterion.get("comparisons", [[1]]),
            )
        )
    return matrices
