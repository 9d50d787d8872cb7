"""Built-in roles across upgrades: new permissions arrive, an admin's removals stay."""

from __future__ import annotations

import pytest

from kehu.core.models import Role
from kehu.core.roles import BUILT_IN_ROLES, roles_ensure

pytestmark = pytest.mark.django_db


def names(role: Role) -> set[str]:
    return {f"{p.content_type.app_label}.{p.codename}" for p in role.permissions.all()}


def test_every_built_in_role_has_its_permissions_after_migrate():
    for code, (_name, _scope, permissions) in BUILT_IN_ROLES.items():
        role = Role.objects.get(code=code)
        assert names(role) == set(permissions)
        assert set(role.granted_defaults) == set(permissions)


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
