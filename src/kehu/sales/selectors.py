"""Reads of leads, opportunities and targets. Every one is limited to the user's data scope."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, DecimalField, F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from kehu.core.models import Change, DataScope, Department, User
from kehu.core.scopes import user_scope, visible_users
from kehu.customers.models import Activity, Customer
from kehu.customers.selectors import activities_about
from kehu.sales.models import (
    DEFAULT_FOLLOW_UP_DAYS,
    OPEN_LEAD_STATUSES,
    Lead,
    Opportunity,
    OpportunityDocument,
    SalesTarget,
    Stage,
    TeamSettings,
)
from kehu.sales.periods import period_end

CENT = Decimal("0.01")
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


# Leads -----------------------------------------------------------------------------------


def lead_queryset(*, user: Any) -> QuerySet[Lead]:
    """The leads `user` may see: by their owner, through the user's data scope."""
    return Lead.objects.visible_to(user)


def lead_get(*, user: Any, pk: Any) -> Lead:
    lead = (
        lead_queryset(user=user)
        .select_related(
            "owner", "source", "customer", "referred_by_customer", "referred_by_contact"
        )
        .filter(pk=pk)
        .first()
    )
    if lead is None:
        raise Http404(_("No such lead."))
    return lead


def lead_list(
    *, user: Any, search: str = "", filters: dict[str, Any] | None = None
) -> QuerySet[Lead]:
    leads = lead_queryset(user=user)
    search = search.strip()
    if search:
        leads = leads.filter(
            Q(company__icontains=search)
            | Q(person__icontains=search)
            | Q(phone__contains=search)
            | Q(email__icontains=search)
        )
    if filters:
        leads = leads.filter(**{k: v for k, v in filters.items() if v not in ("", None)})
    return leads.select_related("owner", "source")


def follow_up_days_by_department() -> dict[int, int]:
    """Each department's follow-up limit for leads: its own setting, else the nearest parent
    department's, else the default."""
    own = dict(
        TeamSettings.objects.filter(lead_follow_up_days__isnull=False).values_list(
            "department__path", "lead_follow_up_days"
        )
    )
    days: dict[int, int] = {}
    for pk, path in Department.objects.values_list("pk", "path"):
        nearest = max((p for p in own if path.startswith(p)), key=len, default=None)
        days[pk] = own[nearest] or DEFAULT_FOLLOW_UP_DAYS if nearest else DEFAULT_FOLLOW_UP_DAYS
    return days


def overdue_only(leads: QuerySet[Lead], now: datetime | None = None) -> QuerySet[Lead]:
    """The open ones of `leads` whose owner has not followed them up (or, never followed
    up, not touched them since they got them) within their department's limit."""
    now = now or timezone.now()
    by_days: dict[int, list[int]] = defaultdict(list)
    for department, days in follow_up_days_by_department().items():
        by_days[days].append(department)
    late = Q(owner__department__isnull=True, last_touch__lt=now - timedelta(DEFAULT_FOLLOW_UP_DAYS))
    for days, departments in by_days.items():
        late |= Q(owner__department__in=departments, last_touch__lt=now - timedelta(days))
    return (
        leads.filter(status__in=OPEN_LEAD_STATUSES, owner__isnull=False)
        .alias(last_touch=Coalesce("last_activity_at", "assigned_at", "created_at"))
        .filter(late)
    )


def overdue_leads(*, user: Any, now: datetime | None = None) -> QuerySet[Lead]:
    """The user's overdue leads (a manager's: their team's), the longest waiting first."""
    return (
        overdue_only(lead_queryset(user=user), now)
        .select_related("owner", "source")
        .order_by(Coalesce("last_activity_at", "assigned_at", "created_at").asc(), "pk")
    )


def lead_activities(*, lead: Lead) -> QuerySet[Activity]:
    return activities_about(record=lead)


def history(*, target: Lead | Opportunity) -> QuerySet[Change]:
    return Change.objects.filter(
        target_type=ContentType.objects.get_for_model(target), target_id=target.pk
    ).select_related("actor", "target_type")


def referral_chain(*, customer: Customer, user: Any, longest: int = 20) -> list[Lead]:
    """Who introduced this customer, and who introduced them, back to the first: the
    leads the customer came from, oldest referrer last."""
    chain: list[Lead] = []
    seen = {customer.pk}
    current: Customer | None = customer
    while current is not None and len(chain) < longest:
        lead = (
            Lead.objects.filter(customer=current, referred_by_customer__isnull=False)
            .select_related("referred_by_customer", "referred_by_contact", "source")
            .order_by("converted_at")
            .first()
        )
        if lead is None or lead.referred_by_customer is None:
            break
        if lead.referred_by_customer.pk in seen:
            break
        chain.append(lead)
        seen.add(lead.referred_by_customer.pk)
        current = lead.referred_by_customer
    return chain


def referred_leads(*, customer: Customer, user: Any) -> QuerySet[Lead]:
    """The leads this customer (or one of its contacts) brought, as far as `user` may see."""
    return (
        lead_queryset(user=user)
        .filter(Q(referred_by_customer=customer) | Q(referred_by_contact__customer=customer))
        .select_related("owner", "customer", "referred_by_contact")
    )


# Opportunities and the pipeline ----------------------------------------------------------


def opportunity_queryset(*, user: Any) -> QuerySet[Opportunity]:
    return Opportunity.objects.visible_to(user)


def opportunity_get(*, user: Any, pk: Any) -> Opportunity:
    opportunity = (
        opportunity_queryset(user=user)
        .select_related("owner", "stage", "customer", "lead")
        .filter(pk=pk)
        .first()
    )
    if opportunity is None:
        raise Http404(_("No such opportunity."))
    return opportunity


def opportunity_list(
    *, user: Any, search: str = "", filters: dict[str, Any] | None = None
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


def _weighted() -> Any:
    return Sum(
        F("amount") * F("stage__probability"),
        output_field=DecimalField(max_digits=20, decimal_places=2),
    )


def _money(value: Any) -> Decimal:
    return Decimal(value or 0).quantize(CENT)


@dataclass
class Total:
    currency: str
    count: int = 0
    amount: Decimal = Decimal("0.00")
    weighted: Decimal = Decimal("0.00")


def pipeline_totals(
    opportunities: QuerySet[Opportunity], by: str, stages: Iterable[Stage]
) -> dict[Any, list[Total]]:
    """{group: [Total per currency]}: count, amount and probability-weighted amount of
    `opportunities` (all in `stages`) grouped by `by`, in one aggregate query.

    The query sums the amounts per stage too, and each stage's sum is weighted here: a
    multiplication on every row cost the database more than the sums themselves.
    """
    grouping = list(dict.fromkeys([by, "stage", "currency"]))
    rows = opportunities.order_by().values(*grouping).annotate(count=Count("pk"), sum=Sum("amount"))
    probability = {stage.pk: stage.probability for stage in stages}
    totals: dict[tuple[Any, str], Total] = {}
    for row in rows:
        total = totals.setdefault((row[by], row["currency"]), Total(row["currency"]))
        total.count += row["count"]
        total.amount += row["sum"]
        total.weighted += row["sum"] * probability[row["stage"]] / 100
    grouped: dict[Any, list[Total]] = defaultdict(list)
    for (key, _currency), total in totals.items():
        grouped[key].append(
            replace(total, amount=_money(total.amount), weighted=_money(total.weighted))
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
    *, user: Any, business_mode: str, owner: Any = None, cap: int = BOARD_CARDS_PER_STAGE
) -> list[Column]:
    """The board of one business mode's pipeline: each stage with its first `cap` cards
    (closing soonest first; latest closed first for won and lost) and the totals of all.

    Its cost is one query per stage plus one for all the totals, however many
    opportunities there are.
    """
    opportunities = opportunity_queryset(user=user).filter(business_mode=business_mode)
    if owner:
        opportunities = opportunities.filter(owner=owner)
    stages = list(Stage.objects.filter(business_mode=business_mode).order_by("order", "pk"))
    totals = pipeline_totals(opportunities, "stage", stages)
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


def document_get(*, user: Any, pk: Any) -> OpportunityDocument:
    """A document of an opportunity the user may see; a 404 otherwise."""
    document = (
        OpportunityDocument.objects.filter(opportunity__in=opportunity_queryset(user=user))
        .filter(pk=pk)
        .first()
    )
    if document is None:
        raise Http404(_("No such document."))
    return document


def open_opportunities(*, user: Any) -> QuerySet[Opportunity]:
    return opportunity_queryset(user=user).filter(stage__is_won=False, stage__is_lost=False)


def closing_soon(*, user: Any, days: int = 30, today: date | None = None) -> QuerySet[Opportunity]:
    today = today or timezone.localdate()
    return (
        open_opportunities(user=user)
        .filter(expected_close_date__lte=today + timedelta(days=days))
        .select_related("customer", "stage", "owner")
        .order_by("expected_close_date", "pk")
    )


def weighted_pipeline(*, user: Any) -> list[Total]:
    """The user's open pipeline, in total and weighted by each stage's win probability."""
    totals = pipeline_totals(open_opportunities(user=user), "currency", Stage.objects.all())
    return [total for per_currency in totals.values() for total in per_currency]


# Targets ---------------------------------------------------------------------------------


def team_visible(*, user: Any, department: Department) -> bool:
    """Whether `user` sees the team `department`: beyond the own-records scope, their own
    department and its sub-departments; with the all-records scope, every team."""
    scope = user_scope(user)
    if scope == DataScope.ALL:
        return True
    if scope in ("", DataScope.OWN) or user.department_id is None:
        return False
    return department.path.startswith(user.department.path)


def target_queryset(*, user: Any) -> QuerySet[SalesTarget]:
    """A salesperson's own targets; a manager's team's too: those of the people they see
    and of the teams they see (see team_visible)."""
    targets = SalesTarget.objects.select_related("user", "department")
    scope = user_scope(user)
    if scope == DataScope.ALL:
        return targets
    people = Q(user__in=visible_users(user))
    if scope in ("", DataScope.OWN) or user.department_id is None:
        return targets.filter(people)
    return targets.filter(people | Q(department__path__startswith=user.department.path))


@dataclass
class Progress:
    label: str
    target: SalesTarget | None
    currency: str
    won: Decimal
    forecast: Decimal

    @property
    def target_amount(self) -> Decimal | None:
        return self.target.amount if self.target else None

    @property
    def achieved_percent(self) -> int | None:
        if not self.target or not self.target.amount:
            return None
        return int(self.won * 100 / self.target.amount)


def _won_and_forecast(
    opportunities: QuerySet[Opportunity], by: str | None, start: date, end: date
) -> dict[tuple[Any, str], tuple[Decimal, Decimal]]:
    """{(group, currency): (won, forecast)}: amounts won in the period (by their close date)
    and open amounts expected to close in it, weighted by stage probability. Without `by`,
    the group is None."""
    grouping = [by, "currency"] if by else ["currency"]

    def rows(queryset: QuerySet[Opportunity], total: Any) -> Any:
        for row in queryset.order_by().values_list(*grouping).annotate(total=total):
            yield (row[0] if by else None), row[-2], row[-1]

    won = opportunities.filter(stage__is_won=True, closed_on__gte=start, closed_on__lt=end)
    expected = opportunities.filter(
        stage__is_won=False,
        stage__is_lost=False,
        expected_close_date__gte=start,
        expected_close_date__lt=end,
    )
    zero = Decimal("0.00")
    result: dict[tuple[Any, str], tuple[Decimal, Decimal]] = defaultdict(lambda: (zero, zero))
    for key, currency, total in rows(won, Sum("amount")):
        result[(key, currency)] = (_money(total), result[(key, currency)][1])
    for key, currency, weighted in rows(expected, _weighted()):
        result[(key, currency)] = (result[(key, currency)][0], _money(Decimal(weighted or 0) / 100))
    return result


def target_progress(*, user: Any, period: str, start: date) -> list[Progress]:
    """Target, amount won and forecast for the period, per person the user may see (who
    has a target or a deal in it) and per team with a target."""
    end = period_end(period, start)
    targets = list(target_queryset(user=user).filter(period=period, period_start=start))
    visible = opportunity_queryset(user=user)
    by_user = _won_and_forecast(visible, "owner", start, end)
    user_targets = {t.user_id: t for t in targets if t.user_id}
    people_ids = set(user_targets) | {owner for owner, _c in by_user}
    people = User.objects.filter(pk__in=people_ids).order_by("username")
    rows = []
    for person in people:
        target = user_targets.get(person.pk)
        currencies = {c for owner, c in by_user if owner == person.pk} | (
            {target.currency} if target else set()
        )
        for currency in sorted(currencies):
            won, forecast = by_user[(person.pk, currency)]
            matching = target if target and target.currency == currency else None
            rows.append(Progress(person.display_name, matching, currency, won, forecast))
    for target in targets:
        department = target.department
        if department is None:
            continue
        team = visible.filter(owner__department__path__startswith=department.path)
        won, forecast = _won_and_forecast(team, None, start, end)[(None, target.currency)]
        rows.append(Progress(department.name, target, target.currency, won, forecast))
    return rows
