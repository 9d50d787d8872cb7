"""Every page Kehu renders carries the Content-Security-Policy and needs nothing it refuses:
no inline script, no style attribute or element, no on… handler, no htmx expression to
evaluate. The pages are those of the route-walking test, each shown to an administrator (or,
for a record only its owner sees, to the salesperson) with one record of every kind, so a new
page is checked without anyone listing it."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.core.routes import Route, World, all_routes

pytestmark = pytest.mark.django_db

PAGES = [route for route in all_routes()[0] if not route.api and "GET" in route.permissions]

REFUSED = {
    "an inline script": re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>"),
    "a style element": re.compile(r"<style\b"),
    "a style attribute": re.compile(r"<[^>]+\sstyle="),
    "an event handler attribute": re.compile(r"<[^>]+\son[a-z]+="),
    "an htmx expression": re.compile(r"""<[^>]+\s(?:hx-on[:-]|hx-(?:vals|headers)=["']js:)"""),
}


def _page(route: Route, world: World) -> str:
    kwargs = {name: world.get(model).pk for name, model in route.records.items()}
    return reverse(route.name, kwargs=kwargs)


@pytest.mark.parametrize("route", PAGES, ids=str)
def test_the_page_runs_nothing_inline(route: Route) -> None:
    world = World()
    url = _page(route, world)
    for user in (world.admin, world.owner):
        client = Client()
        client.force_login(user)
        response = client.get(url, follow=True)
        if response.status_code == 200:
            break
    assert response.status_code == 200, route
    assert "Content-Security-Policy" in response.headers, route
    if not response["Content-Type"].startswith("text/html"):
        return
    html = response.content.decode()
    for what, pattern in REFUSED.items():
        found = pattern.search(html)
        assert found is None, f"{route} has {what}: {found and found.group(0)[:120]}"


def test_the_policy_allows_only_kehus_own_files(client):
    policy = client.get(reverse("core:login"))["Content-Security-Policy"]
    assert "script-src 'self';" in policy
    assert "style-src 'self';" in policy
    assert "unsafe" not in policy
