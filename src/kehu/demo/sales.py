"""Two years of the demo company's selling: leads from every channel, opportunities in every
stage of every pipeline, two project deals, and this year's targets.

Through the services: every conversion of a lead (so customer, contact, opportunity and the
lead's follow-ups are linked exactly as a user's conversion links them, then dated back to
when it happened), a few leads entered, round-robined and followed up today, the two project
deals with their evaluation, decision makers and milestones, and the targets.

With bulk_create, in the states the services leave: the other leads with their follow-ups,
last follow-up time and history records, and the other opportunities with their dated stage
history (each move a StageChange and a history record), close dates on the won and lost
ones and a reason on the lost ones.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from itertools import pairwise
from typing import Any, Final

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model
from django.utils import timezone

from kehu.core.contact_details import phone_normalise
from kehu.core.history import creation_changes, diff, snapshot
from kehu.core.models import Change, ChangeAction, Department, User
from kehu.customers.models import (
    Activity,
    BusinessMode,
    Contact,
    Customer,
    CustomerKind,
    DecisionRole,
)
from kehu.demo.customers import mobile, person_name
from kehu.demo.orders import FOOD_TRADES, dated
from kehu.demo.organisation import Team
from kehu.sales import services
from kehu.sales.models import (
    Attitude,
    Decision,
    Lead,
    LeadSource,
    LeadStatus,
    Opportunity,
    PeriodKind,
    Stage,
    StageChange,
)

SEED: Final = 20261125
LEAD_COUNT: Final = 420
HISTORY_DAYS: Final = 730
OVERDUE_USERNAME: Final = "zhaolei"

# channel → campaigns or events its leads come from
CAMPAIGNS: Final = {
    "web": ["官网询价表单", "官网经销商招募页"],
    "trade_fair": [
        "2025 广交会（春季）",
        "2025 广交会（秋季）",
        "2025 全国糖酒会（成都）",
        "2026 全国糖酒会（成都）",
        "2025 中国国际食品餐饮博览会",
    ],
    "referral": [""],
    "personal_network": ["", "校友会", "行业协会年会"],
    "directory": ["企查查行业名录", "餐饮协会会员名录"],
    "advertising": ["抖音信息流广告", "百度搜索推广", "微信朋友圈广告"],
    "b2b_platform": ["1688 询盘", "阿里巴巴国际站", "慧聪网"],
    "other": [""],
}
CHANNEL_WEIGHTS: Final = {
    "web": 18,
    "trade_fair": 22,
    "referral": 16,
    "personal_network": 8,
    "directory": 8,
    "advertising": 12,
    "b2b_platform": 12,
    "other": 4,
}
PLACES: Final = [
    ("陕西省", "西安市"),
    ("陕西省", "咸阳市"),
    ("黑龙江省", "哈尔滨市"),
    ("广东省", "广州市"),
    ("广东省", "深圳市"),
    ("北京市", "北京市"),
    ("上海市", "上海市"),
    ("浙江省", "杭州市"),
    ("四川省", "成都市"),
    ("河南省", "郑州市"),
]
LEAD_BRANDS: Final = [
    "悦来",
    "聚福",
    "香满园",
    "禾丰",
    "锦味",
    "秦川",
    "龙江",
    "粤香",
    "蜀味",
    "豫丰",
]
LEAD_TRADES: Final = [
    "餐饮管理有限公司",
    "连锁超市有限公司",
    "食品贸易有限公司",
    "酒店管理有限公司",
    "便利店有限公司",
    "团餐服务有限公司",
    "商贸有限公司",
]
FOLLOW_UPS: Final = [
    ("call", "电话了解采购需求"),
    ("message", "微信发送产品目录和价格表"),
    ("visit", "上门拜访，品尝样品"),
    ("call", "确认样品反馈"),
    ("meeting", "邀请参观工厂"),
]
DISQUALIFY_REASONS: Final = ["无采购需求", "预算太低", "联系方式无效", "已有长期供应商", "同行询价"]
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


@dataclass
class Loaded:
    leads: int = 0
    opportunities: int = 0


def _at(day: date, rng: random.Random) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(rng.randrange(8, 19), rng.randrange(60))))


def _lead_name(rng: random.Random, city: str, used: set[str]) -> str:
    while True:
        name = f"{city.removesuffix('市')}{rng.choice(LEAD_BRANDS)}{rng.choice(LEAD_TRADES)}"
        if name not in used:
            used.add(name)
            return name


@dataclass
class _LeadPlan:
    lead: Lead
    follow_ups: list[Activity]
    changes: list[tuple[datetime, dict[str, list[Any]]]]
    convert_on: datetime | None = None


def _plan_lead(
    rng: random.Random,
    index: int,
    *,
    team: Team,
    sources: dict[str, LeadSource],
    referrers: list[Customer],
    used: set[str],
    now: datetime,
) -> _LeadPlan:
    """One lead and what became of it: the older it is, the likelier it is settled."""
    channel = rng.choices(list(CHANNEL_WEIGHTS), weights=list(CHANNEL_WEIGHTS.values()))[0]
    province, city = rng.choice(PLACES)
    age = rng.randrange(0, HISTORY_DAYS) if index % 5 else rng.randrange(0, 40)
    created = _at(timezone.localdate() - timedelta(days=age), rng)
    if created > now:
        created = now - timedelta(hours=1)
    owner = rng.choice(team.salespeople)
    if index % 9 == 0:
        owner = next(u for u in team.salespeople if u.username == OVERDUE_USERNAME)
    company = _lead_name(rng, city, used) if rng.random() < 0.85 else ""
    referrer = rng.choice(referrers) if channel == "referral" else None
    referrer_contact = None
    if referrer is not None:
        referrer_contact = referrer.contacts.order_by("pk").first()
    lead = Lead(
        company=company,
        person=person_name(rng),
        phone=phone_normalise(mobile(rng)),
        province=province,
        city=city,
        source=sources[channel],
        campaign=rng.choice(CAMPAIGNS[channel]),
        referred_by_customer=referrer,
        referred_by_contact=referrer_contact,
        owner=owner,
        status=LeadStatus.NEW,
        created_by=owner,
        created_at=created,
        assigned_at=created,
    )
    plan = _LeadPlan(lead, [], [(created, creation_changes(_lead_state(lead)))])

    def follow_up(at: datetime) -> None:
        kind, subject = rng.choice(FOLLOW_UPS)
        plan.follow_ups.append(
            Activity(lead=lead, kind=kind, subject=subject, at=at, author=owner, created_at=at)
        )
        lead.last_activity_at = at
        if lead.status == LeadStatus.NEW:
            set_status(at, LeadStatus.CONTACTED)

    def set_status(at: datetime, status: str, reason: str = "") -> None:
        before = _lead_state(lead)
        lead.status, lead.disqualified_reason = status, reason
        plan.changes.append((at, diff(before, _lead_state(lead))))

    settled = age > 45 or rng.random() < 0.15
    if not settled:
        # Open: most followed up in the last days; some (zhaolei's most of all) left waiting.
        waiting = rng.random() < (0.4 if owner.username == OVERDUE_USERNAME else 0.1)
        last = (
            now - timedelta(days=rng.randrange(4, 20))
            if waiting
            else now - timedelta(hours=rng.randrange(1, 48))
        )
        if last > created and (not waiting or rng.random() < 0.5):
            follow_up(max(created, last - timedelta(days=rng.randrange(1, 6))))
            follow_up(last)
            if rng.random() < 0.4:
                set_status(last, LeadStatus.QUALIFIED)
        return plan
    steps = sorted(created + timedelta(days=d, hours=rng.randrange(1, 4)) for d in range(0, 30, 7))
    steps = [s for s in steps if s < now][: rng.randrange(1, 5)]
    for at in steps:
        follow_up(at)
    end = steps[-1] if steps else created + timedelta(hours=2)
    if rng.random() < 0.45 and steps and lead.company:
        set_status(end, LeadStatus.QUALIFIED)
        plan.convert_on = end + timedelta(days=rng.randrange(1, 10))
        if plan.convert_on > now:
            plan.convert_on = now - timedelta(hours=1)
    else:
        set_status(end, LeadStatus.DISQUALIFIED, rng.choice(DISQUALIFY_REASONS))
    return plan


def _lead_state(lead: Lead) -> dict[str, Any]:
    return snapshot(lead, [*services.LEAD_FIELDS, "status", "disqualified_reason"])


def _bulk_leads(rng: random.Random, team: Team) -> list[_LeadPlan]:
    now = timezone.now()
    sources = {s.channel: s for s in LeadSource.objects.order_by("order", "pk")}
    referrers = list(
        Customer.objects.filter(kind=CustomerKind.COMPANY, owner__isnull=False).order_by("pk")[:120]
    )
    used = set(Customer.objects.values_list("name", flat=True))
    plans = [
        _plan_lead(rng, i, team=team, sources=sources, referrers=referrers, used=used, now=now)
        for i in range(LEAD_COUNT)
    ]
    for plan in plans:
        lead = plan.lead
        lead.updated_at = max(at for at, _changes in plan.changes)
    with dated(Lead, Activity, Change):
        Lead.objects.bulk_create([p.lead for p in plans], batch_size=500)
        for plan in plans:
            for activity in plan.follow_ups:
                activity.lead = plan.lead
        Activity.objects.bulk_create([a for p in plans for a in p.follow_ups], batch_size=1000)
        lead_type = ContentType.objects.get_for_model(Lead)
        Change.objects.bulk_create(
            [
                Change(
                    target_type=lead_type,
                    target_id=p.lead.pk,
                    target_repr=str(p.lead),
                    actor=p.lead.owner,
                    action=ChangeAction.CREATE if n == 0 else ChangeAction.UPDATE,
                    changes=changes,
                    at=at,
                )
                for p in plans
                for n, (at, changes) in enumerate(p.changes)
            ],
            batch_size=1000,
        )
    return plans


def _backdate(since: datetime, when: datetime, created: dict[type[Model], list[int]]) -> None:
    """Move what one service call wrote at `since` or later to the moment it happened."""
    Change.objects.filter(at__gte=since).update(at=when)
    for model, pks in created.items():
        model._default_manager.filter(pk__in=pks).update(created_at=when)


def _convert(rng: random.Random, plans: list[_LeadPlan]) -> int:
    """Convert the leads that were won, each at its own date, through the service; the
    recent ones bring an opportunity along."""
    converted = 0
    recent = timezone.now() - timedelta(days=60)
    for plan in plans:
        if plan.convert_on is None:
            continue
        lead, when = plan.lead, plan.convert_on
        deal = None
        if when > recent:
            names, low, high = DEALS[BusinessMode.CONSUMER_GOODS]
            deal = {
                "name": f"{lead} {rng.choice(names)}",
                "business_mode": BusinessMode.CONSUMER_GOODS,
                "amount": Decimal(rng.randrange(low, high, 1000)),
                "expected_close_date": timezone.localdate() + timedelta(days=rng.randrange(20, 90)),
            }
        since = timezone.now()
        conversion = services.lead_convert(
            actor=lead.owner, lead=lead, version=lead.version, opportunity=deal
        )
        Lead.objects.filter(pk=lead.pk).update(converted_at=when, updated_at=when)
        Customer.objects.filter(pk=conversion.customer.pk).update(owner_since=when)
        _backdate(
            since,
            when,
            {
                Customer: [conversion.customer.pk],
                Contact: [conversion.contact.pk],
                Opportunity: [conversion.opportunity.pk] if conversion.opportunity else [],
            },
        )
        if conversion.opportunity is not None:
            StageChange.objects.filter(opportunity=conversion.opportunity).update(at=when)
        converted += 1
    return converted


def _today_leads(team: Team) -> int:
    """Leads as they come in today: one round-robined to the North China team from a web
    form, one from the trade fair followed up and converted into a customer with an
    opportunity, one referred by an existing customer's contact."""
    north = Department.objects.get(name="华北销售部")
    sources = {s.channel: s for s in LeadSource.objects.all()}
    web = services.lead_create(
        actor=team.manager,
        team=north,
        company="西安曲江悦府酒店管理有限公司",
        person="韩雪",
        phone="13991234567",
        province="陕西省",
        city="西安市",
        source=sources["web"],
        campaign="官网询价表单",
        notes="咨询宴会用调味品和速冻点心",
    )
    fair = services.lead_create(
        actor=team.salespeople[0],
        company="成都蜀锦团餐服务有限公司",
        person="罗斌",
        phone="18628765432",
        province="四川省",
        city="成都市",
        source=sources["trade_fair"],
        campaign="2026 全国糖酒会（成都）",
    )
    services.lead_follow_up(
        actor=fair.owner, lead=fair, kind="visit", subject="糖酒会后上门拜访，确认团餐调味料需求"
    )
    services.lead_convert(
        actor=fair.owner,
        lead=fair,
        version=fair.version,
        opportunity={
            "name": "成都蜀锦团餐 复合调味料定制",
            "business_mode": BusinessMode.INDUSTRIAL_GOODS,
            "amount": Decimal("420000"),
            "expected_close_date": timezone.localdate() + timedelta(days=45),
        },
    )
    contact = Contact.objects.filter(customer__owner=team.salespeople[1]).order_by("pk").first()
    services.lead_create(
        actor=team.salespeople[1],
        person="何静",
        phone="15829876543",
        province="陕西省",
        city="咸阳市",
        source=sources["referral"],
        referred_by_contact=contact,
        notes="老客户介绍，开连锁面馆",
    )
    assert web.owner is not None
    services.lead_follow_up(actor=web.owner, lead=web, kind="call", subject="电话确认宴会用量")
    return 3


def _opportunity_state(opportunity: Opportunity) -> dict[str, Any]:
    return snapshot(opportunity, [*services.OPPORTUNITY_FIELDS, "customer"])


@dataclass
class _DealPlan:
    opportunity: Opportunity
    path: list[tuple[datetime, Stage]]


def _plan_deal(
    rng: random.Random, mode: str, stages: list[Stage], final: Stage, customer: Customer
) -> _DealPlan:
    """A deal that went through the open stages up to `final`, dated: closed ones over the
    last two years, open ones started in the last months and expected to close soon."""
    today = timezone.localdate()
    names, low, high = DEALS[BusinessMode(mode)]
    open_stages = [s for s in stages if not s.is_closed]
    if final.is_closed:
        closed_on = today - timedelta(days=rng.randrange(0, HISTORY_DAYS))
        start = closed_on - timedelta(days=rng.randrange(15, 150))
        end = _at(closed_on, rng)
        reached = open_stages[: rng.randrange(1, len(open_stages) + 1)]
        if final.is_won:
            reached = open_stages
        expected = closed_on + timedelta(days=rng.randrange(-20, 20))
    else:
        start = today - timedelta(days=rng.randrange(5, 240))
        end = timezone.now() - timedelta(hours=rng.randrange(2, 24 * 5))
        reached = open_stages[: open_stages.index(final) + 1]
        closed_on = None
        # The further along, the sooner it should close; a few are already late.
        expected = today + timedelta(
            days=rng.randrange(-15, 30 + 30 * (len(open_stages) - len(reached)))
        )
    path_stages = [*reached, final] if final.is_closed else reached
    begun = _at(start, rng)
    if begun >= end:
        begun = end - timedelta(days=1)
    span = (end - begun) / max(1, len(path_stages) - 1)
    path = [(begun + span * n, stage) for n, stage in enumerate(path_stages)]
    opportunity = Opportunity(
        name=f"{customer.name.removesuffix('有限公司')} {rng.choice(names)}"[:200],
        customer=customer,
        owner=customer.owner,
        business_mode=mode,
        stage=final,
        amount=Decimal(rng.randrange(low, high, 1000)),
        expected_close_date=expected,
        closed_on=closed_on,
        competitors="、".join(rng.sample(COMPETITORS, k=rng.randrange(0, 3))),
        lost_reason=rng.choice(LOST_REASONS) if final.is_lost else "",
        created_by=customer.owner,
        created_at=path[0][0],
        updated_at=path[-1][0],
    )
    return _DealPlan(opportunity, path)


def _bulk_opportunities(rng: random.Random) -> int:
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
    opportunity_type = ContentType.objects.get_for_model(Opportunity)
    changes = []
    for plan in plans:
        opportunity = plan.opportunity
        first = plan.path[0][1]
        state = _opportunity_state(opportunity)
        state.update(stage=str(first), lost_reason="")
        changes.append((plan, plan.path[0][0], ChangeAction.CREATE, creation_changes(state)))
        for (_at_before, before), (at, after) in pairwise(plan.path):
            moved: dict[str, list[Any]] = {"stage": [str(before), str(after)]}
            if after.is_lost:
                moved["lost_reason"] = ["", opportunity.lost_reason]
            changes.append((plan, at, ChangeAction.UPDATE, moved))
    with dated(Opportunity, StageChange, Change):
        Opportunity.objects.bulk_create([p.opportunity for p in plans], batch_size=500)
        StageChange.objects.bulk_create(
            [
                StageChange(
                    opportunity=p.opportunity,
                    from_stage=p.path[n - 1][1] if n else None,
                    to_stage=stage,
                    at=at,
                    actor=p.opportunity.owner,
                )
                for p in plans
                for n, (at, stage) in enumerate(p.path)
            ],
            batch_size=1000,
        )
        Change.objects.bulk_create(
            [
                Change(
                    target_type=opportunity_type,
                    target_id=p.opportunity.pk,
                    target_repr=str(p.opportunity),
                    customer_id=p.opportunity.customer_id,
                    actor=p.opportunity.owner,
                    action=action,
                    changes=change,
                    at=at,
                )
                for p, at, action, change in changes
            ],
            batch_size=1000,
        )
    return len(plans)


def _project_deals(team: Team) -> int:
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


def _targets(rng: random.Random, team: Team) -> None:
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
            services.target_save(
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
            services.target_save(
                actor=team.manager,
                department=department,
                period=PeriodKind.MONTH,
                period_start=start,
                amount=_thousands(
                    sum((people[p] for p in members), start=Decimal("0")) * busy * Decimal("1.05")
                ),
            )


def sales_load(*, team: Team) -> Loaded:
    rng = random.Random(SEED)
    plans = _bulk_leads(rng, team)
    _convert(rng, plans)
    leads = len(plans) + _today_leads(team)
    _bulk_opportunities(rng)
    _project_deals(team)
    _targets(rng, team)
    return Loaded(leads=leads, opportunities=Opportunity.objects.count())
