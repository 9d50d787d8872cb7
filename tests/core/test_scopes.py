"""Each data scope shows exactly the customers it promises, and nothing else."""

from __future__ import annotations

import pytest

from kehu.core.models import DataScope, Role
from kehu.customers.selectors import customer_queryset

pytestmark = pytest.mark.django_db


@pytest.fixture
def company(make_department, make_user, make_customer):
    centre = make_department("销售中心")
    north = make_department("华北销售部", parent=centre)
    south = make_department("华南销售部", parent=centre)
    manager = make_user("manager", "sales_manager", department=centre)
    alice = make_user("alice", department=north, manager=manager)
    bob = make_user("bob", department=north, manager=alice)
    carol = make_user("carol", department=south)
    customers = {
        user.username: make_customer(user, name=f"{user.username}的客户")
        for user in (manager, alice, bob, carol)
    }
    return {"centre": centre, "north": north, "users": locals(), "customers": customers}


def visible_names(user) -> set[str]:
    return {c.name.removesuffix("的客户") for c in customer_queryset(user=user)}


def with_scope(user, scope: str):
    role, _created = Role.objects.get_or_create(
        code=f"scope-{scope}", defaults={"name": scope, "data_scope": scope}
    )
    user.role = role
    user.save()
    return user


def test_a_salesperson_sees_only_their_own_customers(company):
    assert visible_names(company["users"]["carol"]) == {"carol"}


def test_a_manager_sees_subordinates_all_the_way_down(company):
    assert visible_names(company["users"]["manager"]) == {"manager", "alice", "bob"}


def test_a_middle_manager_sees_their_own_reports_only(company):
    alice = with_scope(company["users"]["alice"], DataScope.SUBORDINATES)
    assert visible_names(alice) == {"alice", "bob"}


def test_department_scope_covers_colleagues_but_not_sub_departments(company):
    manager = with_scope(company["users"]["manager"], DataScope.DEPARTMENT)
    assert visible_names(manager) == {"manager"}
    alice = with_scope(company["users"]["alice"], DataScope.DEPARTMENT)
    assert visible_names(alice) == {"alice", "bob"}


def test_department_tree_scope_covers_every_sub_department(company):
    manager = with_scope(company["users"]["manager"], DataScope.DEPARTMENT_TREE)
    assert visible_names(manager) == {"manager", "alice", "bob", "carol"}


def test_all_scope_sees_everything(company, make_user):
    assert visible_names(make_user("analyst", "analyst")) == {"manager", "alice", "bob", "carol"}


def test_an_inactive_user_sees_nothing(company):
    carol = company["users"]["carol"]
    carol.is_active = False
    assert visible_names(carol) == set()
