"""Opportunities in every stage of every business mode, two project deals through the
services, and the year's targets."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Final

from django.utils import timezone

from kehu.core.models import Department, User
from kehu.customers.models import (
    BusinessMode,
    Customer,
    CustomerKind,
    DecisionRole,
)
from kehu.demo.orders.catalogue import FOOD_TRADES
from kehu.demo.orders.history import HISTORY_DAYS, working_hour
from kehu.demo.organisation import Team
from kehu.sales import services
from kehu.sales.models import (
    Attitude,
    Decision,
    PeriodKind,
    Stage,
)
from kehu.sales.services import NewOpportunity

LOST_REASONS: Final = [
    "价格高于竞品",
    "客户预算取消",
    "选择了本地供应商",
    "交期无法满足",
    "样品口味不符",
]
# business mode → (deal names, smallest amount, largest amount)
DEALS: Final = {
    BusinessMode.CONSUMER_GOODS: (
        ["春节礼盒采购", "调味品年度供货", "速冻食品新品入场", "中秋礼盒团购", "饮料夏季铺货"],
        20_000,
        300_000,
    ),
    BusinessMode.INDUSTRIAL_GOODS: (
        ["中央厨房调味料集采", "餐饮连锁复合调味料定制", "食品厂原料油供应", "面粉年度供货"],
        80_000,
        900_000,
    ),
    BusinessMode.PROJECT: (
        ["员工食堂年度配送项目", "学校营养餐供应项目", "景区商超专柜项目", "机场零售店供货项目"],
        300_000,
        3_000_000,
    ),
    BusinessMode.KEY_ACCOUNT: (
        ["连锁商超全年框架协议", "区域总经销合作", "连锁餐饮战略合作"],
        500_000,
        5_000_000,
    ),
}
COMPETITORS: Final = ["海天", "李锦记", "思念", "三全", "康师傅", "本地小作坊"]


def _plan_deal(
    rng: random.Random, mode: str, stages: list[Stage], final: Stage, customer: Customer
) -> NewOpportunity:
    """A deal that went through the open stages up to `final`, dated: closed ones over the
    last two years, open ones started in the last months and expected to close soon."""
    today = timezone.localdate()
    names, low, high = DEALS[BusinessMode(mode)]
    open_stages = [s for s in stages if not s.is_closed]
    if final.is_closed:
        closed_on = today - timedelta(days=rng.randrange(0, HISTORY_DAYS))
        start = closed_on - timedelta(days=rng.randrange(15, 150))
        end = working_hour(closed_on, rng)
        reached = open_stages[: rng.randrange(1, len(open_stages) + 1)]
        if final.is_won:
            reached = open_stages
        expected = closed_on + timedelta(days=rng.randrange(-20, 20))
    else:
        start = today - timedelta(days=rng.randrange(5, 240))
        end = timezone.now() - timedelta(hours=rng.randrange(2, 24 * 5))
        reached = open_stages[: open_stages.index(final) + 1]
        # The further along, the sooner it should close; a few are already late.
        expected = today + timedelta(
            days=rng.randrange(-15, 30 + 30 * (len(open_stages) - len(reached)))
        )
    path_stages = [*reached, final] if final.is_closed else reached
    begun = working_hour(start, rng)
    if begun >= end:
        begun = end - timedelta(days=1)
    span = (end - begun) / max(1, len(path_stages) - 1)
    values = {
        "name": f"{customer.name.removesuffix('有限公司')} {rng.choice(names)}"[:200],
        "business_mode": mode,
        "amount": Decimal(rng.randrange(low, high, 1000)),
        "expected_close_date": expected,
        "competitors": "、".join(rng.sample(COMPETITORS, k=rng.randrange(0, 3))),
    }
    return NewOpportunity(
        actor=customer.owner,
        customer=customer,
        values=values,
        path=[(begun + span * n, stage) for n, stage in enumerate(path_stages)],
        lost_reason=rng.choice(LOST_REASONS) if final.is_lost else "",
    )


def bulk_opportunities_write(rng: random.Random) -> int:
    """Opportunities in every stage of every pipeline, written with their stage history
    and history as the services would have left them."""
    customers = list(
        Customer.objects.filter(owner__isnull=False)
        .exclude(kind=CustomerKind.INDIVIDUAL)
        .select_related("owner")
        .order_by("pk")
    )
    plans = []
    for mode in BusinessMode.values:
        stages = list(Stage.objects.filter(business_mode=mode).order_by("order", "pk"))
        # Staff canteens buy for any company; the rest sell to food and retail trades.
        fitting = [
            c
            for c in customers
            if c.business_mode == mode
            and (mode == BusinessMode.PROJECT or c.industry in FOOD_TRADES)
        ] or customers
        for stage in stages:
            count = rng.randrange(18, 32) if stage.is_won else rng.randrange(6, 14)
            for _ in range(count):
                plans.append(_plan_deal(rng, mode, stages, stage, rng.choice(fitting)))
    return len(services.OpportunityWriter().create(plans))


def project_deals_enter(team: Team) -> int:
    """Two project deals worked through the services: one evaluated and committed to, with
    its decision makers and milestones, in bidding; one just discovered, still evaluated."""
    today = timezone.localdate()
    customers = (
        Customer.objects.filter(kind=CustomerKind.COMPANY, owner__in=team.salespeople)
        .filter(contacts__isnull=False)
        .distinct()
        .order_by("pk")
    )
    chosen = [c for c in customers if c.contacts.count() >= 2][:2]
    stages = {s.name: s for s in Stage.objects.filter(business_mode=BusinessMode.PROJECT)}
    deals = [
        ("中央厨房食材集中采购项目", Decimal("2800000"), 75, "Solution and bidding", Decision.GO),
        (
            "高校食堂年度食材配送项目",
            Decimal("1200000"),
            120,
            "Project evaluation",
            Decision.PENDING,
        ),
    ]
    for customer, (name, amount, days, stage_name, decision) in zip(chosen, deals, strict=False):
        owner = customer.owner
        deal = services.opportunity_create(
            actor=owner,
            customer=customer,
            name=f"{customer.name.removesuffix('有限公司')} {name}",
            business_mode=BusinessMode.PROJECT,
            amount=amount,
            expected_close_date=today + timedelta(days=days),
            competitors="海天、本地食材配送公司",
        )
        deal = services.opportunity_move(
            actor=owner, opportunity=deal, stage=stages["Project evaluation"], version=deal.version
        )
        services.evaluation_save(
            actor=team.manager,
            opportunity=deal,
            budget=amount * Decimal("1.1"),
            decision_process="后勤处提出需求，采购中心公开招标，分管副总审批",
            competitors="海天、本地食材配送公司",
            decision=decision,
            notes="预算已列入明年采购计划" if decision == Decision.GO else "等待客户确认预算",
        )
        contacts = list(customer.contacts.order_by("pk")[:3])
        roles = [DecisionRole.DECISION_MAKER, DecisionRole.PURCHASER, DecisionRole.USER]
        attitudes = [Attitude.SUPPORTER, Attitude.NEUTRAL, Attitude.OPPONENT]
        for contact, role, attitude in zip(contacts, roles, attitudes, strict=False):
            services.decision_maker_save(
                actor=owner, opportunity=deal, contact=contact, role=role, attitude=attitude
            )
        if stage_name != "Project evaluation":
            deal = services.opportunity_move(
                actor=owner, opportunity=deal, stage=stages[stage_name], version=deal.version
            )
        for label, offset, done in [
            ("需求调研完成", -30, True),
            ("提交技术方案", -7, True),
            ("投标", 20, False),
            ("合同签订", days, False),
        ]:
            milestone = services.milestone_add(
                actor=owner, opportunity=deal, name=label, due_date=today + timedelta(days=offset)
            )
            if done and decision == Decision.GO:
                services.milestone_set_done(actor=owner, milestone=milestone, done=True)
    return len(chosen)


def _thousands(amount: Decimal) -> Decimal:
    return Decimal(int(amount) // 1000 * 1000)


def targets_set(rng: random.Random, team: Team) -> None:
    """Monthly targets of this year for each salesperson and each sales team."""
    year = timezone.localdate().year
    people: dict[User, Decimal] = {}
    for person in team.salespeople:
        people[person] = Decimal(rng.randrange(300, 700) * 1000)
    teams = Department.objects.filter(name__in=["销售中心", "华北销售部", "华南销售部"])
    for month in range(1, 13):
        start = date(year, month, 1)
        # More is sold before the Spring Festival and the Mid-Autumn Festival.
        busy = Decimal("1.4") if month in (1, 8, 9, 12) else Decimal("1")
        for person, base in people.items():
            services.target_create(
                actor=team.manager,
                user=person,
                period=PeriodKind.MONTH,
                period_start=start,
                amount=_thousands(base * busy),
            )
        for department in teams:
            members = [
                p for p in people if p.department and p.department.path.startswith(department.path)
            ]
            services.target_create(
                actor=team.manager,
                department=department,
                period=PeriodKind.MONTH,
                period_start=start,
                amount=_thousands(
                    sum((people[p] for p in members), start=Decimal("0")) * busy * Decimal("1.05")
                ),
            )
