"""A sales department with a manager, two salespeople and an admin; leads and opportunities
written through the real services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from kehu.sales import services
from kehu.sales.models import Lead, LeadSource, Opportunity, Stage


@pytest.fixture
def team(make_department: Any, make_user: Any) -> dict[str, Any]:
    department = make_department("华东销售部")
    manager = make_user("liming", "sales_manager", department=department)
    return {
        "department": department,
        "manager": manager,
        "alice": make_user("alice", department=department, manager=manager),
        "bob": make_user("bob", department=department, manager=manager),
        "admin": make_user("admin", "admin"),
        "finance": make_user("huangmin", "finance"),
    }


def source(channel: str) -> LeadSource:
    return LeadSource.objects.get(channel=channel)


def stage(mode: str, name: str) -> Stage:
    return Stage.objects.get(business_mode=mode, name=name)


@pytest.fixture
def make_lead(db: Any) -> Callable[..., Lead]:
    def make(owner: Any, company: str = "杭州云帆科技有限公司", **fields: Any) -> Lead:
        fields.setdefault("source", source("trade_fair"))
        fields.setdefault("person", "王强")
        return services.lead_create(actor=owner, owner=owner, company=company, **fields)

    return make


@pytest.fixture
def make_opportunity(make_customer: Any) -> Callable[..., Opportunity]:
    def make(owner: Any, name: str = "年度供货", **fields: Any) -> Opportunity:
        customer = fields.pop("customer", None) or make_customer(owner, name=f"{name}客户")
        fields.setdefault("business_mode", "consumer_goods")
        fields.setdefault("amount", "100000.00")
        return services.opportunity_create(actor=owner, customer=customer, name=name, **fields)

    return make
