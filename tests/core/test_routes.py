"""The route-walking test: every route Kehu serves, read from the URL configuration and the
API router, so that a new route is covered without anyone writing a test for it.

For each route and each HTTP method it answers:
- anonymous: a page sends the visitor to log in, the API answers 401 (unless the route is
  declared public);
- a user whose role has every permission but the route's: 403;
- a user with the permission but another data scope, asking for a salesperson's records by
  id: 404, exactly as for a record that does not exist; and a write changes nothing;
- an API list shows that user none of the salesperson's records, and an API create refuses
  each of the salesperson's records that its relations name, and changes nothing.

It fails on a route that declares no access, or whose records nothing here can make, with
the route's name.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

import pytest
from django.contrib.auth.models import Permission
from django.db.models import Model
from django.test import Client
from django.urls import resolve, reverse
from rest_framework.test import APIClient

from kehu.core.api.fields import VisibleRecordField
from kehu.core.models import DataScope
from kehu.core.pages import LOGGED_IN, PUBLIC
from kehu.core.registry import kehu_apps
from kehu.core.scopes import Everyone, visibility_of
from tests.core.routes import Route, World, all_routes, fingerprint, person_with

pytestmark = pytest.mark.django_db

ROUTES, UNDECLARED = all_routes()
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def test_every_route_declares_its_access():
    assert UNDECLARED == [], "routes without @page and outside the API"


def test_the_walk_covers_every_app():
    prefixes = {route.name.split(":")[0] for route in ROUTES if ":" in route.name}
    assert {"core", "customers", "sales", "orders", "analytics"} <= prefixes


def _kehu_permissions() -> Any:
    labels = [app.label for app in kehu_apps()]
    return Permission.objects.filter(content_type__app_label__in=labels)


def _without(permission: str) -> list[Permission]:
    app_label, codename = permission.split(".")
    return list(_kehu_permissions().exclude(content_type__app_label=app_label, codename=codename))


def _url(route: Route, world: World) -> str:
    kwargs = {name: _made(route, world, model).pk for name, model in route.records.items()}
    return reverse(route.name, kwargs=kwargs)


def _client(route: Route, user: Any = None) -> Client | APIClient:
    client: Client | APIClient = APIClient() if route.api else Client()
    if user is not None:
        client.force_login(user)
    return client


def _send(client: Client | APIClient, method: str, url: str, data: dict[str, Any] | None = None):
    if isinstance(client, APIClient):
        return client.generic(method, url, data=_json(data or {}), content_type="application/json")
    return client.generic(method, url, data=_form(data or {}), content_type=_FORM)


_FORM = "application/x-www-form-urlencoded"


def _json(data: dict[str, Any]) -> str:
    return json.dumps(data)


def _form(data: dict[str, Any]) -> str:
    return urlencode(data)


def _asked(route: Route) -> list[tuple[str, str]]:
    # HEAD is answered as GET: walking it again would check nothing new.
    return [(m, p) for m, p in route.permissions.items() if m != "HEAD"]


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_route(route: Route) -> None:
    world = World()
    url = _url(route, world)
    for method, permission in _asked(route):
        _anonymous(route, method, permission, url)
        _without_permission(route, method, permission, url)
        _other_scope(route, method, permission, url, world)


def _anonymous(route: Route, method: str, permission: str, url: str) -> None:
    if permission == PUBLIC:
        return
    response = _send(_client(route), method, url)
    where = f"{route} {method} anonymous"
    if route.api:
        assert response.status_code == 401, where
    else:
        assert response.status_code == 302, where
        assert response["Location"].startswith(reverse("core:login")), where


def _without_permission(route: Route, method: str, permission: str, url: str) -> None:
    if permission in (PUBLIC, LOGGED_IN):
        return
    user = person_with(f"lacks-{method}", _without(permission), scope=DataScope.ALL)
    client = _client(route, user)
    before = fingerprint() if method in WRITE_METHODS else None
    response = _send(client, method, url)
    assert response.status_code == 403, f"{route} {method} without {permission}"
    if before is not None:
        assert fingerprint() == before, f"{route} {method} without {permission} wrote"


def _other_scope(route: Route, method: str, permission: str, url: str, world: World) -> None:
    if permission == PUBLIC:
        return
    outsider = person_with(f"other-{method}", list(_kehu_permissions()), scope=DataScope.OWN)
    client = _client(route, outsider)
    where = f"{route} {method} by another scope"
    if route.scoped_records:
        before = fingerprint()
        response = _send(client, method, url, {"version": 1})
        assert response.status_code == 404, where
        assert fingerprint() == before, f"{where} wrote"
    elif route.list_model is not None and method == "GET":
        _list_hides(route, client, url, world, where)
    elif route.creates and method == "POST":
        _create_refuses(route, client, url, world, where)


def _made(route: Route, world: World, model: type[Model]) -> Model:
    try:
        return world.get(model)
    except LookupError:
        pytest.fail(f"{route}: nothing makes a {model._meta.label}; add a maker to MAKERS")


def _list_hides(route: Route, client: Any, url: str, world: World, where: str) -> None:
    model = route.list_model
    if model is None or isinstance(visibility_of(model), Everyone):
        return
    record = _made(route, world, model)
    response = client.get(url)
    assert response.status_code == 200, where
    assert record.pk not in [row["id"] for row in response.json()["results"]], where


def _relations(route: Route, world: World) -> dict[str, int]:
    """The create's relations to scoped records, each given the salesperson's record."""
    serializer = resolve(reverse(route.name)).func.cls.serializer_class()
    return {
        name: _made(route, world, field.nothing.model).pk
        for name, field in serializer.fields.items()
        if isinstance(field, VisibleRecordField)
        and not field.read_only
        and not isinstance(visibility_of(field.nothing.model), Everyone)
    }


def _create_refuses(route: Route, client: Any, url: str, world: World, where: str) -> None:
    payload = _relations(route, world)
    if not payload:
        return
    before = fingerprint()
    response = client.post(url, payload, format="json")
    assert response.status_code == 400, where
    body = response.json()
    for name in payload:
        assert name in body, f"{where}: {name} accepted another scope's record"
    assert fingerprint() == before, f"{where} wrote"
