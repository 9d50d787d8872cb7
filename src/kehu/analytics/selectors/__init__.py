"""Reads of the analytics. Every per-customer figure is read through its model's visibility
(`visible_to(user)`: scores and purchases are their customer's owner's), so aggregates never
include anyone else's customers. Runs (visible to all who may see scores) and the scorecard
are the company's."""

from __future__ import annotations

import copy
import datetime as dt
import math
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import numpy as np
import polars as pl
from django.db.models import Avg, Count, Exists, Field, OuterRef, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from kehu.analytics import feeds
from kehu.analytics.maths.kpi import monthly_kpis
from kehu.analytics.maths.parameters import CHURN_HORIZON_DAYS, CHURN_THRESHOLD
from kehu.analytics.maths.scorecard import DEFAULT_SCORECARD
from kehu.analytics.models import (
    AbcClass,
    AnalyticsRun,
    CustomerScore,
    Purchase,
    RunStatus,
    Scorecard,
    Segment,
)
from kehu.core.models import User
from kehu.customers.models import Customer
from kehu.orders.selectors.paying import purchase_orders

if TYPE_CHECKING:
    from kehu.analytics.maths.profit_tree import Condition

HISTOGRAM_BINS = 10


def scorecard_active() -> Scorecard:
    """The active scorecard; while none is saved, an unsaved one with the default
    configuration. The company's one, read by its editor and by every recomputation, which
    no user starts in the worker."""
    active = Scorecard.objects.filter(is_active=True).first()
    if active is not None:
        return active
    # Ranks rather than min–max: spend and lifetime value are heavy-tailed, and on min–max a
    # few large accounts would push everyone else's value and potential towards 0.
    default = {**copy.deepcopy(DEFAULT_SCORECARD), "normalisation": "percentile"}
    return Scorecard(is_active=True, config=default)


def scorecard_config() -> dict[str, Any]:
    """The active scorecard's configuration, or the default one while none is saved."""
    config: dict[str, Any] = scorecard_active().config
    return config


def customers_with_purchases(*, today: dt.date) -> QuerySet[Customer]:
    """Every customer with a purchase on or before `today`: an order or an imported one."""
    orders = purchase_orders().filter(customer=OuterRef("pk"), confirmed_on__lte=today)
    imported = Purchase.objects.filter(customer=OuterRef("pk"), date__lte=today)
    return Customer.objects.filter(Exists(orders) | Exists(imported))


def customers_unscored(*, today: dt.date) -> QuerySet[Customer]:
    """The customers with purchases whom the current run has not scored."""
    scored = CustomerScore.objects.filter(customer=OuterRef("pk"), run__is_current=True)
    return customers_with_purchases(today=today).exclude(Exists(scored))


def scores_out_of_date(*, today: dt.date) -> bool:
    """A recomputation is due: one was asked for and is waiting, the current scores are of
    an earlier day (recency and churn risk move with the calendar), or a customer with
    purchases has none."""
    if AnalyticsRun.objects.filter(status=RunStatus.PENDING).exists():
        return True
    current = AnalyticsRun.objects.filter(is_current=True).first()
    if current is not None and current.as_of is not None and current.as_of < today:
        return customers_with_purchases(today=today).exists()
    return customers_unscored(today=today).exists()


def run_latest(*, user: User) -> AnalyticsRun | None:
    return AnalyticsRun.objects.visible_to(user).first()


def run_current(*, user: User) -> AnalyticsRun | None:
    return AnalyticsRun.objects.visible_to(user).filter(is_current=True).first()


def indicators_without_data(*, user: User) -> list[str]:
    """The codes of the scorecard's indicators the current run had no data for, which score
    a neutral 50 for everyone."""
    run = run_current(user=user)
    absent = set(run.details.get("indicators_without_data", [])) if run else set()
    return [
        code
        for criterion in scorecard_config()["criteria"].values()
        for code, indicator in criterion["indicators"].items()
        if indicator["column"] in absent
    ]


def score_queryset(*, user: User) -> QuerySet[CustomerScore]:
    """The current run's scores of the customers `user` may see."""
    return CustomerScore.objects.visible_to(user).filter(run__is_current=True)


def customer_score(*, user: User, customer: Customer) -> CustomerScore | None:
    """The current score of `customer`, if `user` may see it."""
    return score_queryset(user=user).filter(customer=customer).select_related("run").first()


@dataclass(frozen=True)
class SegmentRow:
    code: str
    label: str
    customers: int
    share: float  # of the visible customers with a score
    sales: Decimal
    average_clv: float | None


def segment_summary(*, user: User) -> list[SegmentRow]:
    """Customers, sales and mean lifetime value per RFM segment, best segment first."""
    per_segment = {
        row["segment"]: row
        for row in score_queryset(user=user)
        .values("segment")
        .annotate(customers=Count("pk"), sales=Sum("monetary"), average_clv=Avg("clv"))
        .order_by()
    }
    total = sum(row["customers"] for row in per_segment.values())
    return [
        SegmentRow(
            code=segment.value,
            label=str(segment.label),
            customers=row["customers"],
            share=row["customers"] / total,
            sales=row["sales"],
            average_clv=None if row["average_clv"] is None else float(row["average_clv"]),
        )
        for segment in Segment
        if (row := per_segment.get(segment.value))
    ]


@dataclass(frozen=True)
class AbcRow:
    code: str
    label: str
    customers: int
    customer_share: float
    sales: Decimal
    sales_share: float


def abc_summary(*, user: User) -> list[AbcRow]:
    """Customers and sales per ABC class (classes ranked over the whole company)."""
    per_class: dict[str, dict[str, Any]] = {
        row["abc_class"]: dict(row)
        for row in score_queryset(user=user)
        .values("abc_class")
        .annotate(customers=Count("pk"), sales=Sum("monetary"))
        .order_by()
    }
    customers = sum(row["customers"] for row in per_class.values())
    sales = sum((row["sales"] for row in per_class.values()), Decimal(0))
    rows = []
    for abc in AbcClass:
        row = per_class.get(abc.value, {"customers": 0, "sales": Decimal(0)})
        rows.append(
            AbcRow(
                code=abc.value,
                label=str(abc.label),
                customers=row["customers"],
                customer_share=row["customers"] / customers if customers else 0.0,
                sales=row["sales"],
                sales_share=float(row["sales"] / sales) if sales else 0.0,
            )
        )
    return rows


@dataclass(frozen=True)
class HistogramBin:
    low: float
    high: float | None  # None: the open last bin
    customers: int


def clv_histogram(*, user: User, bins: int = HISTOGRAM_BINS) -> list[HistogramBin]:
    """Lifetime values in `bins` equal bins of a round width up to about the 95th percentile,
    and one open bin above, so a few very large customers do not squash the rest."""
    values = np.array(
        score_queryset(user=user).exclude(clv=None).values_list("clv", flat=True), dtype=float
    )
    if values.size == 0:
        return []
    width = _round_up(float(np.quantile(values, 0.95)) / bins)
    index = np.minimum(values // width, bins).astype(int)
    counts = np.bincount(index, minlength=bins + 1)
    return [
        HistogramBin(
            low=k * width, high=None if k == bins else (k + 1) * width, customers=int(counts[k])
        )
        for k in range(bins + 1)
    ]


def _round_up(value: float) -> float:
    """The smallest 1, 2 or 5 × 10ⁿ at least `value` (at least 1)."""
    if value <= 1:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    return next(step * power for step in (1, 2, 5, 10) if step * power >= value)


def score_list(
    *, user: User, segment: str = "", abc_class: str = "", at_risk: bool = False
) -> QuerySet[CustomerScore]:
    """Visible scores, by segment, class or churn risk; the riskiest first when by risk."""
    scores = score_queryset(user=user).select_related("customer", "customer__owner")
    filters = {"segment": segment, "abc_class": abc_class}
    scores = scores.filter(**{name: value for name, value in filters.items() if value})
    if at_risk:
        return scores.filter(churn_probability__gte=CHURN_THRESHOLD).order_by(
            "-churn_probability", "customer_id"
        )
    return scores.order_by("-monetary", "customer_id")


@dataclass(frozen=True)
class AtRisk:
    riskiest: list[CustomerScore]  # at most the number asked for, the riskiest first
    customers: int  # all the visible customers at risk


def at_risk(*, user: User, shown: int) -> AtRisk:
    """The visible customers likely to churn: how many, and the riskiest `shown` of them."""
    scores = score_list(user=user, at_risk=True)
    return AtRisk(riskiest=list(scores[:shown]), customers=scores.count())


def monthly_kpi_rows(*, user: User) -> list[dict[str, Any]]:
    """Relationship KPIs by month over the purchases of the customers `user` may see."""
    purchases = feeds.purchases_frame(user=user)
    if purchases.is_empty():
        return []
    # Up to today: the current month is partial, and is marked and compared as such.
    table = monthly_kpis(purchases, inactivity_days=CHURN_HORIZON_DAYS, as_of=timezone.localdate())
    return [{name: _finite(value) for name, value in row.items()} for row in table.to_dicts()]


def _finite(value: object) -> object:
    return None if isinstance(value, float) and not math.isfinite(value) else value


# Attributes the profit tree may split on: what a salesperson knows before the first order,
# and so what a manager can aim at (which industries, regions, channels, sizes). Not the credit
# rating: finance gives it, largely for how a customer has bought and paid, so it would explain
# contribution by its own consequence.
PROFIT_ATTRIBUTES = [
    "kind",
    "industry",
    "province",
    "business_mode",
    "source_channel",
    "employee_count",
]
# A tree over more customers says nothing more, and the page must stay quick.
PROFIT_SAMPLE = 50_000
PROFIT_MIN_CUSTOMERS = 20


@dataclass(frozen=True)
class ProfitRuleRow:
    conditions: list[str]
    high_share: float
    customers: int
    support: float

    @property
    def mostly_high(self) -> bool:
        """Most of the customers the rule describes are high contributors."""
        return self.high_share >= 0.5


def profit_rules(*, user: User) -> tuple[list[ProfitRuleRow], float | None]:
    """Which customer attributes go with a top-20 % contribution among the visible customers,
    as readable rules with translated attribute names and values; and the contribution from
    which a customer counts as high. Empty when there is too little to explain."""
    # scikit-learn loads only for the page that grows a tree.
    from kehu.analytics.maths.profit_tree import ProfitTreeError, profit_tree

    rows = list(
        score_queryset(user=user)
        .order_by("customer_id")
        .values_list("monetary", *(f"customer__{name}" for name in PROFIT_ATTRIBUTES))[
            :PROFIT_SAMPLE
        ]
    )
    if len(rows) < PROFIT_MIN_CUSTOMERS:
        return [], None
    columns: dict[str, list[Any]] = {"contribution": [float(row[0]) for row in rows]}
    for index, name in enumerate(PROFIT_ATTRIBUTES, start=1):
        columns[name] = [row[index] if row[index] not in ("",) else None for row in rows]
    try:
        tree = profit_tree(pl.DataFrame(columns, strict=False))
    except ProfitTreeError:
        return [], None
    fields = {
        field.name: field
        for field in Customer._meta.concrete_fields
        if field.name in PROFIT_ATTRIBUTES
    }
    return [
        ProfitRuleRow(
            conditions=[_condition_text(fields[c.attribute], c) for c in rule.conditions],
            high_share=rule.high_share,
            customers=rule.customers,
            support=rule.support,
        )
        for rule in tree.rules
    ], tree.threshold


def _condition_text(field: Field[Any, Any], condition: Condition) -> str:
    """A profit-tree condition in the reader's words: “industry is retail”."""
    label = str(field.verbose_name)
    if isinstance(condition.value, float):
        bound = f"{condition.value:,.0f}"
        if condition.operator == "<=":
            return _("%(field)s at most %(value)s") % {"field": label, "value": bound}
        return _("%(field)s over %(value)s") % {"field": label, "value": bound}
    value = str(dict(field.flatchoices).get(condition.value, condition.value))
    if condition.operator == "==":
        return _("%(field)s is %(value)s") % {"field": label, "value": value}
    return _("%(field)s is not %(value)s") % {"field": label, "value": value}
