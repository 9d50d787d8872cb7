"""Bad input gets a clear refusal naming what is wrong, never a server error: on every route
the walk knows (tests/core/routes.py), and for bodies too large or too deep to read."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from kehu.core.models import DataScope
from tests.core.routes import Route, World, all_routes, person_with
from tests.core.test_routes import _kehu_permissions

pytestmark = pytest.mark.django_db

ROUTES, _ = all_routes()
READ_ROUTES = [route for route in ROUTES if "GET" in route.permissions]
DETAIL_API_ROUTES = [route for route in ROUTES if route.api and "pk" in route.records]


def _administrator(*clients: Client) -> Client:
    chief = person_with("chief", list(_kehu_permissions()), scope=DataScope.ALL)
    for client in clients:
        client.force_login(chief)
    return clients[0]


def _url(route: Route, world: World, **replaced: object) -> str:
    kwargs = {name: world.get(model).pk for name, model in route.records.items()}
    return reverse(route.name, kwargs={**kwargs, **replaced})


@pytest.mark.parametrize("route", READ_ROUTES, ids=str)
def test_a_nul_character_in_a_search_or_filter_is_a_400_naming_it(route, english):
    client = _administrator(APIClient() if route.api else Client())
    url = _url(route, World())
    response = client.get(url, {"search": "张\x00三", "q": "x"})
    assert response.status_code == 400, route
    message = "“search” contains a NUL character, which no text may hold."
    if route.api:
        assert response.json() == {"detail": message, "search": [message]}
    else:
        assert message in response.content.decode()


@pytest.mark.parametrize("route", DETAIL_API_ROUTES, ids=str)
def test_an_id_that_is_not_a_number_is_not_found(route):
    client = _administrator(APIClient())
    url = _url(route, World(), pk=987654321).replace("987654321", "abc")
    for method in route.permissions:
        if method != "HEAD":
            assert client.generic(method, url).status_code == 404, f"{route} {method}"


def test_json_nested_too_deep_is_a_400(english):
    client = _administrator(APIClient())
    body = "[" * 100_000 + "]" * 100_000
    response = client.post("/api/v1/customers/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"detail": "The JSON body is nested too deeply to read."}


def test_a_body_over_the_limit_is_a_413_before_it_is_read(settings, english):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    client, pages = APIClient(), Client()
    _administrator(client, pages)
    body = json.dumps({"name": "宏达" * 1000})
    response = client.post("/api/v1/customers/", body, content_type="application/json")
    assert response.status_code == 413
    assert response.json() == {"detail": "The request is larger than 1 MB."}
    assert pages.post("/customers/new/", {"name": "宏达" * 1000}).status_code == 413


def test_an_api_address_no_route_matches_is_the_apis_404_a_page_stays_a_page(english):
    client, pages = APIClient(), Client()
    _administrator(client, pages)
    response = client.patch("/api/v1/customers/1.5/", {"name": "宏达"}, format="json")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
    page = pages.get("/customers/nowhere/")
    assert page.status_code == 404
    assert page["Content-Type"].startswith("text/html")


SPOOFED = "宏\u202e达\u2066食品\u2069"


def test_bidirectional_controls_are_dropped_from_names_on_every_path(make_user):
    from kehu.customers.models import Customer
    from tests.customers.test_imports import csv_bytes, run

    chief = make_user("chief", "admin")
    api = APIClient()
    api.force_login(chief)
    created = api.post("/api/v1/customers/", {"name": SPOOFED}, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["name"] == "宏达食品"
    contact = api.post(
        "/api/v1/contacts/",
        {"customer": created.json()["id"], "name": "张\u202d三"},
        format="json",
    )
    assert contact.status_code == 201, contact.json()
    assert contact.json()["name"] == "张三"
    page = Client()
    page.force_login(chief)
    form = {"name": "甲\u202b乙", "kind": "company", "currency": "CNY", "owner": chief.pk}
    assert page.post("/customers/new/", {**form, "credit_limit": "0"}).status_code == 302
    run(chief, csv_bytes([["客户名称"], ["丙\u2067丁"]]))
    names = set(Customer.objects.values_list("name", flat=True))
    assert {"宏达食品", "甲乙", "丙丁"} <= names
    assert not any(control in "".join(names) for control in "\u202b\u202e\u2066\u2067\u2069")
