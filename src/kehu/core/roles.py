"""The built-in roles. They are created after every migrate if missing; admins may edit them."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Permission
from django.db.models import Q
from django.utils.translation import gettext_noop

from kehu.core.models import DataScope, Role

VIEW_CONTACT_DETAILS = "customers.view_contact_details"
MANAGE_ORGANISATION = "core.manage_organisation"

_CUSTOMERS_READ = [
    "customers.view_customer",
    "customers.view_contact",
    "customers.view_activity",
    "analytics.view_customerscore",
]
_CUSTOMERS_WRITE = [
    *_CUSTOMERS_READ,
    "customers.add_customer",
    "customers.change_customer",
    "customers.add_contact",
    "customers.change_contact",
    "customers.delete_contact",
    "customers.add_activity",
    VIEW_CONTACT_DETAILS,
]
_CUSTOMERS_ALL = [*_CUSTOMERS_WRITE, "customers.delete_customer"]

_ORDERS_READ = [
    "orders.view_product",
    "orders.view_customergroup",
    "orders.view_quote",
    "orders.view_order",
    "orders.view_payment",
    "orders.view_creditapproval",
    "orders.view_receivables",
]
_ORDERS_SALES = [
    *_ORDERS_READ,
    "orders.add_quote",
    "orders.change_quote",
    "orders.add_order",
    "orders.change_order",
    "orders.add_creditapproval",
]
CHANGE_CREDIT = "customers.change_credit"
_ORDERS_FINANCE = [*_ORDERS_READ, "orders.add_payment", "orders.approve_credit", CHANGE_CREDIT]
_ORDERS_ALL = [
    *_ORDERS_SALES,
    *_ORDERS_FINANCE,
    "orders.add_product",
    "orders.change_product",
    "orders.add_customergroup",
    "orders.change_customergroup",
]

_SALES_READ = [
    "sales.view_lead",
    "sales.view_leadsource",
    "sales.view_opportunity",
    "sales.view_stage",
    "sales.view_salestarget",
]
_SALES_WRITE = [
    *_SALES_READ,
    "sales.add_lead",
    "sales.change_lead",
    "sales.add_opportunity",
    "sales.change_opportunity",
]
_SALES_MANAGE = [
    *_SALES_WRITE,
    "sales.delete_lead",
    "sales.delete_opportunity",
    "sales.add_salestarget",
    "sales.change_salestarget",
    "sales.delete_salestarget",
]
_SALES_ADMIN = [
    *_SALES_MANAGE,
    "sales.add_leadsource",
    "sales.change_leadsource",
    "sales.add_stage",
    "sales.change_stage",
    "sales.change_teamsettings",
]

# code: (name, data scope, permissions). Names are stored in English and shown translated.
BUILT_IN_ROLES: dict[str, tuple[str, str, list[str]]] = {
    "admin": (
        gettext_noop("Administrator"),
        DataScope.ALL,
        [
            *_CUSTOMERS_ALL,
            *_SALES_ADMIN,
            *_ORDERS_ALL,
            MANAGE_ORGANISATION,
            "analytics.change_scorecard",
        ],
    ),
    "sales_manager": (
        gettext_noop("Sales manager"),
        DataScope.SUBORDINATES,
        [*_CUSTOMERS_ALL, *_SALES_MANAGE, *_ORDERS_SALES],
    ),
    "sales": (
        gettext_noop("Salesperson"),
        DataScope.OWN,
        [*_CUSTOMERS_WRITE, *_SALES_WRITE, *_ORDERS_SALES],
    ),
    "service": (
        gettext_noop("Service agent"),
        DataScope.ALL,
        [*_CUSTOMERS_READ, "customers.add_activity", VIEW_CONTACT_DETAILS],
    ),
    "marketing": (
        gettext_noop("Marketing"),
        DataScope.ALL,
        [*_CUSTOMERS_READ, "sales.view_lead", "sales.view_leadsource", "sales.add_lead"],
    ),
    "finance": (gettext_noop("Finance"), DataScope.ALL, [*_CUSTOMERS_READ, *_ORDERS_FINANCE]),
    "analyst": (gettext_noop("Analyst"), DataScope.ALL, [*_CUSTOMERS_READ, *_SALES_READ]),
}


def _permissions(names: list[str]) -> list[Permission]:
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
    grants = {code: _permissions(names) for code, (_n, _s, names) in BUILT_IN_ROLES.items()}
    if any(len(grants[code]) != len(set(spec[2])) for code, spec in BUILT_IN_ROLES.items()):
        return
    for code, (name, scope, _names) in BUILT_IN_ROLES.items():
        role, _created = Role.objects.get_or_create(
            code=code, defaults={"name": name, "data_scope": scope}
        )
        by_name = {f"{p.content_type.app_label}.{p.codename}": p for p in grants[code]}
        new = sorted(by_name.keys() - set(role.granted_defaults))
        if new:
            role.permissions.add(*(by_name[n] for n in new))
            role.granted_defaults = sorted({*role.granted_defaults, *new})
            role.save(update_fields=["granted_defaults"])
