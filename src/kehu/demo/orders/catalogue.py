"""The demo's catalogue, customer groups with their price lists, and dealers with their
end customers, all through the services."""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Final

from kehu.core.models import User
from kehu.customers import services as customer_services
from kehu.customers.models import BusinessMode, Customer, CustomerKind, Industry
from kehu.demo.organisation import Team
from kehu.orders import services
from kehu.orders.models import (
    Product,
    Unit,
)

# sku, name, unit, list price
CATALOGUE: Final = [
    ("TW-001", "特级生抽酱油 500ml×12", Unit.BOX, "96.00"),
    ("TW-002", "老抽王酱油 500ml×12", Unit.BOX, "88.00"),
    ("TW-003", "山西老陈醋 420ml×12", Unit.BOX, "72.00"),
    ("TW-004", "鲜味蚝油 700g×12", Unit.BOX, "118.00"),
    ("TW-005", "鸡精调味料 1kg", Unit.BAG, "28.50"),
    ("TW-006", "牛油火锅底料 400g×20", Unit.BOX, "156.00"),
    ("TW-007", "红油辣椒油 250ml", Unit.BOTTLE, "16.80"),
    ("TW-008", "陕西油泼辣子 200g×24", Unit.BOX, "132.00"),
    ("SD-001", "猪肉白菜水饺 1kg", Unit.BAG, "26.00"),
    ("SD-002", "三鲜水饺 1kg", Unit.BAG, "32.00"),
    ("SD-003", "黑芝麻汤圆 500g", Unit.BAG, "14.50"),
    ("SD-004", "原味手抓饼 900g×10", Unit.BOX, "118.00"),
    ("SD-005", "鲜肉大包 1.2kg×8", Unit.BOX, "145.00"),
    ("SD-006", "冷冻薯条", Unit.KILOGRAM, "11.80"),
    ("YL-001", "天然矿泉水 550ml×24", Unit.BOX, "28.00"),
    ("YL-002", "凉茶植物饮料 310ml×24", Unit.BOX, "72.00"),
    ("YL-003", "核桃乳 240ml×20", Unit.BOX, "68.00"),
    ("YL-004", "苹果醋饮料 280ml×15", Unit.BOX, "66.00"),
    ("YL-005", "NFC鲜榨橙汁 1L", Unit.BOTTLE, "19.90"),
    ("LY-001", "五常大米 5kg", Unit.BAG, "58.00"),
    ("LY-002", "压榨菜籽油 5L", Unit.BOTTLE, "89.00"),
    ("LY-003", "鸡蛋挂面 1kg×10", Unit.BOX, "52.00"),
    ("LY-004", "特一级小麦粉", Unit.TONNE, "3980.00"),
    ("XX-001", "五香牛肉干 200g", Unit.BAG, "39.80"),
    ("XX-002", "每日坚果 25g×30", Unit.BOX, "98.00"),
    ("XX-003", "手工麻花 500g×10", Unit.BOX, "85.00"),
    ("LH-001", "春节年货礼盒", Unit.SET, "198.00"),
    ("LH-002", "中秋月饼礼盒", Unit.SET, "168.00"),
    ("LH-003", "企业定制礼盒", Unit.SET, "258.00"),
    ("LH-004", "调味品精选礼盒", Unit.SET, "128.00"),
    ("LH-005", "坚果炒货礼盒", Unit.SET, "158.00"),
]
RETIRED_SKU: Final = "YL-004"
# name, payment terms (days), price as a share of the list price
GROUPS: Final = [
    ("经销商", 60, Decimal("0.80")),
    ("连锁商超", 45, Decimal("0.88")),
    ("餐饮客户", 30, Decimal("0.93")),
]
# name, province, city, district, credit limit
DEALERS: Final = [
    ("西安秦丰食品经销有限公司", "陕西省", "西安市", "雁塔区", 800_000),
    ("哈尔滨北国粮油商贸有限公司", "黑龙江省", "哈尔滨市", "南岗区", 600_000),
    ("广州粤通食品贸易有限公司", "广东省", "广州市", "白云区", 1_000_000),
    ("北京京味源商贸有限公司", "北京市", "北京市", "丰台区", 500_000),
]
END_CUSTOMERS_PER_DEALER: Final = 10
# the trades that buy food and consumer goods to sell or serve
FOOD_TRADES: Final = [Industry.FOOD, Industry.CONSUMER_GOODS, Industry.RETAIL, Industry.CATERING]


def catalogue_load(actor: User) -> dict[str, Product]:
    products = {}
    for sku, name, unit, price in CATALOGUE:
        products[sku] = services.product_create(
            actor=actor, sku=sku, name=name, unit=unit, list_price=Decimal(price)
        )
    retired = products[RETIRED_SKU]
    products[RETIRED_SKU] = services.product_update(
        actor=actor, product=retired, version=retired.version, is_active=False
    )
    return products


def dealers_load(rng: random.Random, team: Team, customers: list[Customer]) -> list[Customer]:
    """The dealers, each with end customers of its province who buy through it."""
    dealers = []
    taken: set[int] = set()
    for name, province, city, district, limit in DEALERS:
        owner = rng.choice(team.salespeople)
        dealer = customer_services.customer_create(
            actor=owner,
            owner=owner,
            name=name,
            kind=CustomerKind.DEALER,
            phone=f"029{rng.randrange(10**8):08d}",
            province=province,
            city=city,
            district=district,
            address=f"物流园区{rng.randrange(1, 30)}号库",
            industry=Industry.FOOD,
            business_mode=BusinessMode.CONSUMER_GOODS,
            tags=["经销商"],
        )
        dealer = customer_services.customer_update(
            actor=team.finance,
            customer=dealer,
            version=dealer.version,
            credit_rating="A",
            credit_limit=Decimal(limit),
        )
        dealers.append(dealer)
        nearby = [
            c
            for c in customers
            if c.province == province
            and c.kind == CustomerKind.COMPANY
            and c.owner_id is not None
            and c.pk not in taken
        ]
        nearby.sort(key=lambda c: c.industry not in FOOD_TRADES)
        for end_customer in nearby[:END_CUSTOMERS_PER_DEALER]:
            taken.add(end_customer.pk)
            customer_services.customer_update(
                actor=team.admin,
                customer=end_customer,
                version=end_customer.version,
                dealer=dealer,
            )
    return dealers


def groups_load(
    actor: User, products: dict[str, Product], customers: list[Customer], dealers: list[Customer]
) -> None:
    """Dealers, supermarket chains and caterers buy at their group's prices and terms."""
    industries = {"连锁商超": Industry.RETAIL, "餐饮客户": Industry.CATERING}
    for name, terms, share in GROUPS:
        group = services.customer_group_save(actor=actor, name=name, payment_terms_days=terms)
        for product in products.values():
            price = (product.list_price * share).quantize(Decimal("0.1"))
            services.price_set(actor=actor, group=group, product=product, price=price)
        members = (
            dealers
            if name == "经销商"
            else [c for c in customers if c.industry == industries[name] and not c.dealer_id]
        )
        for customer in members:
            services.customer_group_add(actor=actor, group=group, customer=customer)
