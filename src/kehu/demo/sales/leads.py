"""Two years of leads from every channel: most written at once with their follow-ups and
history (services.LeadWriter), conversions and today's leads one by one through the
services."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Final

from django.utils import timezone

from kehu.core.contact_details import phone_normalise
from kehu.core.models import Department
from kehu.customers.models import BusinessMode, Contact, Customer, CustomerKind
from kehu.demo.clock import as_of
from kehu.demo.customers import mobile, person_name
from kehu.demo.orders.history import HISTORY_DAYS, working_hour
from kehu.demo.organisation import Team
from kehu.demo.sales.pipeline import DEALS
from kehu.sales import services
from kehu.sales.models import Lead, LeadSource, LeadStatus
from kehu.sales.services import FollowUp, NewLead, StatusMove

LEAD_COUNT: Final = 420
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


def _lead_name(rng: random.Random, city: str, used: set[str]) -> str:
    while True:
        name = f"{city.removesuffix('市')}{rng.choice(LEAD_BRANDS)}{rng.choice(LEAD_TRADES)}"
        if name not in used:
            used.add(name)
            return name


@dataclass
class _LeadPlan:
    lead: NewLead
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
    created = working_hour(timezone.localdate() - timedelta(days=age), rng)
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
    values = {
        "company": company,
        "person": person_name(rng),
        "phone": phone_normalise(mobile(rng)),
        "province": province,
        "city": city,
        "source": sources[channel],
        "campaign": rng.choice(CAMPAIGNS[channel]),
        "referred_by_customer": referrer,
        "referred_by_contact": referrer_contact,
        "owner": owner,
    }
    lead = NewLead(actor=owner, created_at=created, values=values)
    plan = _LeadPlan(lead)

    def follow_up(at: datetime) -> None:
        kind, subject = rng.choice(FOLLOW_UPS)
        lead.events.append(FollowUp(at=at, kind=kind, subject=subject))

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
                lead.events.append(StatusMove(at=last, status=LeadStatus.QUALIFIED))
        return plan
    steps = sorted(created + timedelta(days=d, hours=rng.randrange(1, 4)) for d in range(0, 30, 7))
    steps = [s for s in steps if s < now][: rng.randrange(1, 5)]
    for at in steps:
        follow_up(at)
    end = steps[-1] if steps else created + timedelta(hours=2)
    if rng.random() < 0.45 and steps and company:
        lead.events.append(StatusMove(at=end, status=LeadStatus.QUALIFIED))
        plan.convert_on = end + timedelta(days=rng.randrange(1, 10))
        if plan.convert_on > now:
            plan.convert_on = now - timedelta(hours=1)
    else:
        reason = rng.choice(DISQUALIFY_REASONS)
        lead.events.append(StatusMove(at=end, status=LeadStatus.DISQUALIFIED, reason=reason))
    return plan


def bulk_leads_write(rng: random.Random, team: Team) -> dict[int, datetime]:
    """Two years of leads, written with their follow-ups and history as the services would
    have left them; the ones that were won, by id, with when they were converted."""
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
    ids = services.LeadWriter().create([plan.lead for plan in plans])
    return {pk: plan.convert_on for pk, plan in zip(ids, plans, strict=True) if plan.convert_on}


def conversions_make(rng: random.Random, won: dict[int, datetime]) -> int:
    """Convert the leads that were won, each at its own date, through the service; the
    recent ones bring an opportunity along."""
    converted = 0
    recent = timezone.now() - timedelta(days=60)
    leads = Lead.objects.select_related("owner").in_bulk(list(won))
    for pk, when in won.items():
        lead = leads[pk]
        deal = None
        if when > recent:
            names, low, high = DEALS[BusinessMode.CONSUMER_GOODS]
            deal = {
                "name": f"{lead} {rng.choice(names)}",
                "business_mode": BusinessMode.CONSUMER_GOODS,
                "amount": Decimal(rng.randrange(low, high, 1000)),
                "expected_close_date": timezone.localdate() + timedelta(days=rng.randrange(20, 90)),
            }
        with as_of(when):
            services.lead_convert(
                actor=lead.owner, lead=lead, version=lead.version, opportunity=deal
            )
        converted += 1
    return converted


def today_leads_enter(team: Team) -> None:
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
