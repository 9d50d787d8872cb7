"""Built-in roles across upgrades: new permissions arrive, an admin's removals stay."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission

from kehu.core.models import Role, User
from kehu.core.registry import role_grants
from kehu.core.roles import BUILT_IN_ROLES, roles_ensure

pytestmark = pytest.mark.django_db


def names(role: Role) -> set[str]:
    return {f"{p.content_type.app_label}.{p.codename}" for p in role.permissions.all()}


def test_every_built_in_role_has_what_each_app_grants_it_after_migrate():
    grants = role_grants()
    for code in BUILT_IN_ROLES:
        role = Role.objects.get(code=code)
        assert names(role) == grants.get(code, set())
        assert set(role.granted_defaults) == grants.get(code, set())


def test_the_apps_grant_the_roles_what_they_are_for():
    grants = role_grants()
    assert "customers.change_credit" in grants["finance"]
    assert "customers.change_credit" not in grants["sales"] | grants["sales_manager"]
    assert "core.view_contact_details" in grants["sales"]
    assert "core.view_contact_details" not in grants["finance"] | grants["analyst"]
    assert "core.manage_organisation" in grants["admin"]


def test_an_upgrade_grants_what_was_added_and_not_what_an_admin_took_away():
    sales = Role.objects.get(code="sales")
    sales.permissions.remove(*sales.permissions.filter(codename="delete_contact"))
    # As a role made before "add_activity" was one of its built-in permissions.
    sales.permissions.remove(*sales.permissions.filter(codename="add_activity"))
    sales.granted_defaults.remove("customers.add_activity")
    sales.save()

    roles_ensure()

    sales.refresh_from_db()
    assert "customers.add_activity" in names(sales)
    assert "customers.delete_contact" not in names(sales)
    assert "customers.add_activity" in sales.granted_defaults


def test_a_user_holds_the_permissions_of_their_role_groups_and_own_grants(make_user):
    seller = make_user("seller", "sales")
    make_user("other", "admin")
    by_group = Permission.objects.get(codename="delete_role")
    by_own_grant = Permission.objects.get(codename="change_role")
    group = Group.objects.create(name="auditors")
    group.permissions.add(by_group)
    seller.groups.add(group)
    seller.user_permissions.add(by_own_grant)

    held = User.objects.get(pk=seller.pk).get_all_permissions()

    granted = {"core.delete_role", "core.change_role"}
    # Exactly these: nothing of the administrator's role reaches the salesperson.
    assert held == names(Role.objects.get(code="sales")) | granted


def test_a_user_without_a_role_holds_only_their_groups_and_own_grants(make_user):
    nobody = make_user("nobody")
    nobody.role = None
    nobody.save()
    group = Group.objects.create(name="readers")
    group.permissions.add(Permission.objects.get(codename="view_role"))
    nobody.groups.add(group)

    assert User.objects.get(pk=nobody.pk).get_all_permissions() == {"core.view_role"}
