"""The built-in roles. They are created after every migrate if missing; admins may edit them.

Each app grants its own permissions to these roles (its `role_grants`, see core.registry);
the kernel grants its own here.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Permission
from django.db.models import Q
from django.utils.translation import gettext_noop

from kehu.core.models import DataScope, Role
from kehu.core.registry import role_grants

VIEW_CONTACT_DETAILS = "core.view_contact_details"
MANAGE_ORGANISATION = "core.manage_organisation"

# code: (name, data scope). Names are stored in English and shown translated.
BUILT_IN_ROLES: dict[str, tuple[str, str]] = {
    "admin": (gettext_noop("Administrator"), DataScope.ALL),
    "sales_manager": (gettext_noop("Sales manager"), DataScope.SUBORDINATES),
    "sales": (gettext_noop("Salesperson"), DataScope.OWN),
    "service": (gettext_noop("Service agent"), DataScope.ALL),
    "marketing": (gettext_noop("Marketing"), DataScope.ALL),
    "finance": (gettext_noop("Finance"), DataScope.ALL),
    "analyst": (gettext_noop("Analyst"), DataScope.ALL),
}

GRANTS = {
    "admin": [MANAGE_ORGANISATION, VIEW_CONTACT_DETAILS],
    "sales_manager": [VIEW_CONTACT_DETAILS],
    "sales": [VIEW_CONTACT_DETAILS],
    "service": [VIEW_CONTACT_DETAILS],
}


def _permissions(names: set[str]) -> list[Permission]:
    condition = Q(pk__in=[])
    for name in names:
        app_label, codename = name.split(".")
        condition |= Q(content_type__app_label=app_label, codename=codename)
    return list(Permission.objects.filter(condition).select_related("content_type"))


def roles_ensure(**_: Any) -> None:
    """Create the built-in roles that do not exist yet, and give each built-in role the
    permissions Kehu has added to it since it last ran; leave admins' edits alone.

    Runs after each app's migration; it waits until every permission the roles name has
    been created, so no role is ever born without its permissions.
    """
    named = role_grants()
    grants = {code: _permissions(named.get(code, set())) for code in BUILT_IN_ROLES}
    if any(len(grants[code]) != len(named.get(code, set())) for code in BUILT_IN_ROLES):
        return
    for code, (name, scope) in BUILT_IN_ROLES.items():
        role, _created = Role.objects.get_or_create(
            code=code, defaults={"name": name, "data_scope": scope}
        )
        by_name = {f"{p.content_type.app_label}.{p.codename}": p for p in grants[code]}
        new = sorted(by_name.keys() - set(role.granted_defaults))
        if new:
            role.permissions.add(*(by_name[n] for n in new))
            role.granted_defaults = sorted({*role.granted_defaults, *new})
            role.save(update_fields=["granted_defaults"])
