"""Reads of opportunities: lists, the board with its totals, the open pipeline, and the
parts of a project deal."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import F, Q, QuerySet, Sum
from django.utils import timezone

from kehu.core.models import User
from kehu.core.money import ZERO, cents
from kehu.sales.models import (
    DecisionMaker,
    Milestone,
    Opportunity,
    OpportunityDocument,
    PipelineSum,
    ProjectEvaluation,
    Stage,
    StageChange,
)

BOARD_CARDS_PER_STAGE = 25
# What a card on the board shows: a board holds hundreds, and a whole customer row each
# would cost more to load than the rest of the board.
BOARD_CARD_FIELDS = [
    "name",
    "amount",
    "currency",
    "expected_close_date",
    "closed_on",
    "version",
    "stage_id",
    "customer__name",
    "owner__username",
    "owner__first_name",
    "owner__last_name",
]


def opportunity_queryset(*, user: User) -> QuerySet[Opportunity]:
    return Opportunity.objects.visible_to(user)


def opportunity_rows(*, user: User) -> QuerySet[Opportunity]:
    """The opportunities `user` may see, with the records an opportunity's page names."""
    return opportunity_queryset(user=user).select_related("owner", "stage", "customer", "lead")


def opportunity_list(
    *, user: User, search: str = "", filters: dict[str, Any] | None = None
) -> QuerySet[Opportunity]:
    opportunities = opportunity_queryset(user=user)
    search = search.strip()
    if search:
        opportunities = opportunities.filter(
            Q(name__icontains=search) | Q(customer__name__icontains=search)
        )
    if filters:
        opportunities = opportunities.filter(
            **{k: v for k, v in filters.items() if v not in ("", None)}
        )
    return opportunities.select_related("owner", "stage", "customer")


@dataclass
class Total:
    currency: str
    count: int = 0
    amount: Decimal = ZERO
    weighted: Decimal = ZERO


def pipeline_totals(
    sums: QuerySet[PipelineSum], by: str, stages: Iterable[Stage]
) -> dict[Any, list[Total]]:
    """{group: [Total per currency]}: count, amount and probability-weighted amount of the
    deals `sums` hold (all in `stages`), grouped by `by` ("stage" or "currency").

    Read from the sums per salesperson, stage and currency, which the database keeps as
    deals are written: a few rows per salesperson, however many deals there are. Each
    stage's sum is weighted here.
    """
    grouping = list(dict.fromkeys([by, "stage", "currency"]))
    rows = (
        sums.order_by()
        .values(*grouping)
        .annotate(count=Sum("opportunities"), cents=Sum("amount_cents"))
    )
    probability = {stage.pk: stage.probability for stage in stages}
    totals: dict[tuple[Any, str], Total] = {}
    for row in rows:
        amount = Decimal(row["cents"]) / 100
        total = totals.setdefault((row[by], row["currency"]), Total(row["currency"]))
        total.count += row["count"]
        total.amount += amount
        total.weighted += amount * probability[row["stage"]] / 100
    grouped: dict[Any, list[Total]] = defaultdict(list)
    for (key, _currency), total in totals.items():
        grouped[key].append(
            replace(total, amount=cents(total.amount), weighted=cents(total.weighted))
        )
    return grouped


@dataclass
class Column:
    stage: Stage
    cards: list[Opportunity]
    totals: list[Total] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(t.count for t in self.totals)

    @property
    def more(self) -> int:
        return self.count - len(self.cards)


def pipeline_board(
    *,
    user: User,
    business_mode: str,
    owner_id: int | None = None,
    cap: int = BOARD_CARDS_PER_STAGE,
) -> list[Column]:
    """The board of one business mode's pipeline (of one owner's deals, if given): each
    stage with its first `cap` cards (closing soonest first; latest closed first for won
    and lost) and the totals of all.

    Its cost is one query per stage plus one for all the totals, however many
    opportunities there are.
    """
    opportunities = opportunity_queryset(user=user).filter(business_mode=business_mode)
    if owner_id is not None:
        opportunities = opportunities.filter(owner_id=owner_id)
    stages = list(Stage.objects.filter(business_mode=business_mode).order_by("order", "pk"))
    sums = PipelineSum.objects.visible_to(user).filter(stage__in=stages)
    if owner_id is not None:
        sums = sums.filter(owner_id=owner_id)
    totals = pipeline_totals(sums, "stage", stages)
    columns = []
    for stage in stages:
        # A closed deal always has its close date: the plain descending order is the index's.
        order: list[Any] = (
            ["-closed_on", "-pk"]
            if stage.is_closed
            else [F("expected_close_date").asc(nulls_last=True), "pk"]
        )
        cards = list(
            opportunities.filter(stage=stage)
            .select_related("customer", "owner")
            .only(*BOARD_CARD_FIELDS)
            .order_by(*order)[:cap]
        )
        columns.append(Column(stage, cards, totals.get(stage.pk, [])))
    return columns


def open_opportunities(*, user: User) -> QuerySet[Opportunity]:
    return opportunity_queryset(user=user).filter(stage__is_won=False, stage__is_lost=False)


def closing_soon(*, user: User, days: int = 30, today: date | None = None) -> QuerySet[Opportunity]:
    """Open opportunities expected to close from `today` to `days` days on, soonest first;
    those whose day has passed are `closing_overdue`'s."""
    today = today or timezone.localdate()
    return _by_close_date(
        open_opportunities(user=user).filter(
            expected_close_date__gte=today, expected_close_date__lte=today + timedelta(days=days)
        )
    )


def closing_overdue(*, user: User, today: date | None = None) -> QuerySet[Opportunity]:
    """Open opportunities still open after the day they were expected to close, the longest
    overdue first."""
    today = today or timezone.localdate()
    return _by_close_date(open_opportunities(user=user).filter(expected_close_date__lt=today))


def _by_close_date(opportunities: QuerySet[Opportunity]) -> QuerySet[Opportunity]:
    return opportunities.select_related("customer", "stage", "owner").order_by(
        "expected_close_date", "pk"
    )


def weighted_pipeline(*, user: User) -> list[Total]:
    """The user's open pipeline, in total and weighted by each stage's win probability."""
    stages = Stage.objects.filter(is_won=False, is_lost=False)
    sums = PipelineSum.objects.visible_to(user).filter(stage__in=stages)
    totals = pipeline_totals(sums, "currency", stages)
    return [total for per_currency in totals.values() for total in per_currency]


def stage_changes(*, opportunity: Opportunity) -> QuerySet[StageChange]:
    """The opportunity's moves through the pipeline, newest first."""
    return opportunity.stage_changes.select_related("from_stage", "to_stage", "actor")


@dataclass(frozen=True)
class ProjectParts:
    """What an opportunity page shows beyond the deal itself: its evaluation (a project
    deal's), its decision makers, milestones and documents."""

    evaluation: ProjectEvaluation | None
    decision_makers: QuerySet[DecisionMaker]
    milestones: QuerySet[Milestone]
    documents: QuerySet[OpportunityDocument]


def evaluation_of(*, opportunity: Opportunity) -> ProjectEvaluation | None:
    return ProjectEvaluation.objects.filter(opportunity=opportunity).first()


def project_parts(*, opportunity: Opportunity) -> ProjectParts:
    return ProjectParts(
        evaluation=evaluation_of(opportunity=opportunity),
        decision_makers=opportunity.decision_makers.select_related("contact"),
        milestones=opportunity.milestones.all(),
        documents=opportunity.documents.select_related("uploaded_by"),
    )
