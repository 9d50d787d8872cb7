"""Each data scope shows exactly the customers it promises, and nothing else."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q

from kehu.core.models import DataScope, Department, Role
from kehu.core.scopes import Everyone, Visibility, scoped
from kehu.customers.models import Customer
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


# The kernel's visibility, beyond customers' owners ---------------------------------------


def test_a_record_reached_by_several_paths_is_seen_through_any_of_them_once(company):
    """As a ticket will be seen through its customer's owner and through the members of its
    service team: here a department through its members, or through a rule naming it."""
    manager, carol = company["users"]["manager"], company["users"]["carol"]
    by_members_or_rule = Visibility("members", rules=[lambda user: Q(name="华南销售部")])
    condition = by_members_or_rule.condition(Department, manager)
    seen = list(Department.objects.filter(condition).values_list("name", flat=True))
    # The manager sees alice and bob, both members of 华北: it is listed once all the same.
    assert sorted(seen) == ["华北销售部", "华南销售部", "销售中心"]
    by_carol = by_members_or_rule.condition(Department, carol)
    assert list(Department.objects.filter(by_carol).values_list("name", flat=True)) == [
        "华南销售部"
    ]


def test_a_model_that_declares_no_visibility_cannot_be_read_for_a_user(company):
    from kehu.customers.models import ImportProblem

    with pytest.raises(ImproperlyConfigured, match="declares no visibility"):
        scoped(ImportProblem.objects.all(), company["users"]["alice"])


def test_a_queryset_remembers_whom_it_was_limited_for_until_combined(company):
    alice, carol = company["users"]["alice"], company["users"]["carol"]
    mine = Customer.objects.visible_to(alice).filter(name__contains="客户").order_by("name")
    assert mine.is_visible_to(alice) and not mine.is_visible_to(carol)
    assert not (mine | Customer.objects.all()).is_visible_to(alice)
    assert (mine | Customer.objects.visible_to(alice)).is_visible_to(alice)
    assert scoped(mine, alice) is mine


def test_nobody_logged_in_sees_nothing_and_everyone_rows_need_only_a_login(company):
    assert not Customer.objects.visible_to(AnonymousUser()).exists()
    assert Everyone().condition(Department, company["users"]["carol"]) is None
    assert not Department.objects.filter(Everyone().condition(Department, AnonymousUser()))
