"""Believable customers: Chinese companies and individuals across provinces, with contacts
and a little history, written through the same services a user's edits go through."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from kehu.core import regions
from kehu.customers import services
from kehu.customers.models import (
    BusinessMode,
    CreditRating,
    Customer,
    CustomerKind,
    DecisionRole,
    Industry,
    LifecycleStage,
    RelationshipLevel,
    SourceChannel,
)
from kehu.demo.organisation import Team

CUSTOMER_COUNT = 520
SEED = 20261122

SURNAMES = list(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏"
    "魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵"
)
GIVEN_NAMES = [
    "伟",
    "芳",
    "娜",
    "秀英",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀兰",
    "霞",
    "平",
    "刚",
    "桂英",
    "建华",
    "志强",
    "海燕",
    "晓东",
    "国庆",
    "文博",
    "子涵",
    "浩然",
    "欣怡",
    "雨轩",
    "佳琪",
    "俊杰",
    "晓梅",
    "红梅",
    "建国",
    "立新",
    "春生",
]
BRANDS = [
    "宏达",
    "鑫源",
    "华美",
    "恒信",
    "金福",
    "康华",
    "盛世",
    "永兴",
    "利民",
    "天成",
    "嘉和",
    "瑞丰",
    "德胜",
    "富源",
    "兴隆",
    "新华",
    "东方",
    "长城",
    "凯旋",
    "汇通",
    "万家",
    "百盛",
    "顺发",
    "福满",
    "佳禾",
    "益康",
    "鼎盛",
    "同创",
    "昌盛",
    "润泽",
    "海纳",
    "远航",
    "金穗",
    "绿源",
    "红旗",
    "丰收",
]
TRADES: dict[str, list[str]] = {
    Industry.FOOD: ["食品", "粮油", "乳业", "调味品", "副食品"],
    Industry.CONSUMER_GOODS: ["日用品", "百货", "商贸"],
    Industry.RETAIL: ["超市", "连锁超市", "便利店"],
    Industry.CATERING: ["餐饮管理", "酒店管理"],
    Industry.MANUFACTURING: ["制造", "包装", "塑料制品"],
    Industry.MACHINERY: ["机械", "机电设备", "自动化设备"],
    Industry.CHEMICALS: ["化工", "新材料"],
    Industry.FURNITURE: ["家具", "家居", "定制家居"],
    Industry.LOGISTICS: ["物流", "供应链管理", "运输"],
    Industry.CONSTRUCTION: ["建筑工程", "装饰工程"],
    Industry.TECHNOLOGY: ["科技", "信息技术"],
    Industry.AGRICULTURE: ["农业科技", "果蔬种植"],
}
SUFFIXES = ["有限公司", "有限公司", "有限责任公司", "股份有限公司", "商行"]
TITLES = [
    "采购经理",
    "总经理",
    "采购专员",
    "财务经理",
    "门店店长",
    "技术主管",
    "项目经理",
    "董事长",
]
MOBILE_PREFIXES = [
    "130",
    "131",
    "132",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "155",
    "156",
    "158",
    "159",
    "176",
    "177",
    "180",
    "181",
    "185",
    "186",
    "187",
    "188",
    "189",
]
# Where the seeds' companies sell most: Shaanxi, Heilongjiang, Guangdong, and their neighbours.
PROVINCE_WEIGHTS = {
    "陕西省": 8,
    "黑龙江省": 6,
    "广东省": 6,
    "北京市": 4,
    "上海市": 4,
    "浙江省": 4,
    "江苏省": 4,
    "河南省": 3,
    "山东省": 3,
    "四川省": 3,
}


FOLLOW_UPS = [
    ("call", "电话回访，确认上月到货情况"),
    ("visit", "上门拜访，洽谈年度供货合同"),
    ("message", "微信发送新品价目表"),
    ("meeting", "参加客户采购会议"),
    ("note", "客户反馈春节备货需求增加"),
    ("call", "催收上季度货款"),
]
RELEASE_REASONS = ["客户已转向其他供应商", "多次联系无回应", "客户业务收缩，暂无需求"]


@dataclass
class Created:
    customers: int = 0
    contacts: int = 0


def person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN_NAMES)


def mobile(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def _place(rng: random.Random) -> tuple[str, str, str]:
    names = [name for name in regions.provinces() if regions.cities(name)]
    weights = [PROVINCE_WEIGHTS.get(name, 1) for name in names]
    province = rng.choices(names, weights=weights)[0]
    city = rng.choice(regions.cities(province))
    districts = regions.districts(province, city)
    return province, city, rng.choice(districts) if districts else ""


def _company_name(rng: random.Random, city: str, industry: str) -> str:
    short_city = city.removesuffix("市") if len(city) > 2 else city
    return f"{short_city}{rng.choice(BRANDS)}{rng.choice(TRADES[industry])}{rng.choice(SUFFIXES)}"


def _credit_limit(rng: random.Random) -> Decimal | None:
    """A limit, or none set (a sixth of the customers): the company's policy applies."""
    limit = rng.choice([None, 20_000, 50_000, 100_000, 300_000, 1_000_000])
    return None if limit is None else Decimal(limit)


def customers_load(*, team: Team) -> Created:
    rng = random.Random(SEED)
    created = Created()
    used_names: set[str] = set()
    for index in range(CUSTOMER_COUNT):
        owner = rng.choice(team.salespeople)
        province, city, district = _place(rng)
        kind = CustomerKind.INDIVIDUAL if index % 7 == 0 else CustomerKind.COMPANY
        industry = rng.choice(list(TRADES))
        if index == 0:
            name = "张三"
        elif kind == CustomerKind.INDIVIDUAL:
            name = person_name(rng)
        else:
            name = _company_name(rng, city, industry)
        if name in used_names:
            continue
        used_names.add(name)
        values: dict[str, Any] = dict(
            owner=owner,
            name=name,
            kind=kind,
            phone=mobile(rng),
            email=f"contact{index}@example.cn" if kind == CustomerKind.COMPANY else "",
            province=province,
            city=city,
            district=district,
            address=f"{rng.choice(['人民路', '建设路', '解放路', '中山路', '长安街', '朝阳路'])}"
            f"{rng.randrange(1, 400)}号",
            industry=industry if kind == CustomerKind.COMPANY else "",
            business_mode=rng.choice(BusinessMode.values),
            source_channel=rng.choice(SourceChannel.values),
            credit_rating=rng.choice(CreditRating.values),
            credit_limit=_credit_limit(rng),
            relationship_level=rng.choice(RelationshipLevel.values),
            lifecycle_stage=rng.choice(LifecycleStage.values),
            tags=rng.sample(
                ["重点客户", "经销商", "新客户", "展会", "老客户", "华北", "华南"],
                k=rng.randrange(0, 3),
            ),
        )
        # The owner enters the customer; finance sets its credit terms.
        credit = {name: values.pop(name) for name in Customer.restricted_fields}
        customer = services.customer_create(actor=owner, **values)
        customer = services.customer_update(
            actor=team.finance, customer=customer, version=customer.version, **credit
        )
        created.customers += 1
        if kind == CustomerKind.COMPANY:
            for position in range(rng.randrange(1, 4)):
                services.contact_create(
                    actor=owner,
                    customer=customer,
                    name=person_name(rng),
                    title=rng.choice(TITLES),
                    phone=mobile(rng),
                    decision_role=rng.choice(DecisionRole.values),
                    is_primary=position == 0,
                )
                created.contacts += 1
        for days_ago in sorted(rng.sample(range(1, 60), k=rng.randrange(0, 4)), reverse=True):
            activity_kind, subject = rng.choice(FOLLOW_UPS)
            services.activity_create(
                actor=owner,
                customer=customer,
                kind=activity_kind,
                subject=subject,
                at=timezone.now() - timedelta(days=days_ago, hours=rng.randrange(0, 9)),
            )
        if index % 17 == 3:
            services.customer_release(
                actor=owner, customer=customer, reason=rng.choice(RELEASE_REASONS)
            )
            continue
        if index % 5 == 0:
            customer = services.customer_update(
                actor=team.manager,
                customer=customer,
                version=customer.version,
                relationship_level=RelationshipLevel.PARTNERSHIP,
            )
            services.customer_update(
                actor=team.finance,
                customer=customer,
                version=customer.version,
                credit_rating=CreditRating.AA,
            )
    return created
