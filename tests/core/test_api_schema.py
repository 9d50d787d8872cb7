"""The whole API against its own OpenAPI description, fuzzed by Schemathesis, as an
administrator and as a salesperson: no answer may be a server error, and every answer must
be one the schema documents, in the content type and the shape it documents.

The schema is read from /api/schema/ as a client reads it, and the requests go through the
whole WSGI stack (middleware included) in this process, against a small company made through
the services (tests/core/routes.py). A detail route is asked for a record of that company as
often as for an id Schemathesis makes up. Each request runs in a savepoint that is rolled
back, so every example meets the same company and one example's write cannot hide another's
bug. The run is bounded by examples, never by time, and the same on every run and machine
(`derandomize`); the figures of the last measured run are in docs/api.md.
"""

from __future__ import annotations

import traceback
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import hypothesis
import pytest
import schemathesis
from django.apps import apps
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections, transaction
from django.urls import resolve
from hypothesis import strategies as st
from schemathesis.core.failures import FailureGroup
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from kehu.core.services import token_for
from tests.core.routes import MAKERS, World

pytestmark = pytest.mark.django_db

CHECKS = [
    schemathesis.checks.not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# Examples per operation, positive and negative together: enough to reach each route's
# refusals and a few good writes, few enough for the whole run to take about a minute.
EXAMPLES = 12
SHOWN = 20


@dataclass
class Run:
    """What one role's run asked and what it found, one entry per distinct failure."""

    operations: int = 0
    cases: int = 0
    server_errors: int = 0
    failures: dict[tuple[str, str, int], str] = field(default_factory=dict)
    statuses: Counter[int] = field(default_factory=Counter)

    def record(self, operation: str, status: int, report: str, titles: list[str]) -> None:
        for title in titles:
            self.failures.setdefault((operation, title, status), report)

    def summary(self, role: str) -> str:
        nonconforming = len({key for key in self.failures if key[2] < 500})
        return (
            f"{role}: {self.operations} operations, {self.cases} cases, "
            f"{self.server_errors} answers 5xx, {nonconforming} schema failures "
            f"(statuses {dict(sorted(self.statuses.items()))})"
        )


@pytest.fixture
def app() -> Iterator[WSGIHandler]:
    # Like Django's own test client: a request must not close the test's connection, whose
    # transaction holds the company.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def company() -> World:
    world = World()
    for label in MAKERS:
        world.get(apps.get_model(label))
    return world


# Body fields that name another record or a person: a made-up id is refused before any
# service runs, so a good example names one of the company's instead, half of the time.
RELATIONS = {
    "customer": "customers.Customer",
    "dealer": "customers.Customer",
    "other_id": "customers.Customer",
    "referred_by_customer": "customers.Customer",
    "contact": "customers.Contact",
    "referred_by_contact": "customers.Contact",
    "order": "orders.Order",
    "order_line": "orders.OrderLine",
    "product": "orders.Product",
    "opportunity": "sales.Opportunity",
    "stage": "sales.Stage",
    "source": "sales.LeadSource",
    "team": "core.Department",
    "department": "core.Department",
}
PEOPLE = ["owner", "assignee", "user", "to_user", "from_user"]


def _served(path: str, world: World) -> Any:
    """The company's record a detail route serves, or None for a route of no record."""
    if "{id}" not in path:
        return None
    view = resolve(path.replace("{id}", "1")).func.cls
    return world.get(view.serializer_class.Meta.model)


def _known(world: World, record: Any) -> dict[str, Any]:
    known: dict[str, Any] = {
        name: world.get(apps.get_model(label)).pk for name, label in RELATIONS.items()
    }
    known.update(dict.fromkeys(PEOPLE, world.owner.username))
    known["ids"] = [known["customer"]]
    version = getattr(record, "version", None)
    if version is not None:
        # The version stored now: the company's makers may have changed the record since.
        known["version"] = type(record)._base_manager.get(pk=record.pk).version
    return known


def _filled(data: Any, known: dict[str, Any]) -> Any:
    if isinstance(data, dict):
        return {
            name: known[name]
            if name in known and not isinstance(value, dict)
            else _filled(value, known)
            for name, value in data.items()
        }
    if isinstance(data, list):
        return [_filled(item, known) for item in data]
    return data


def _with_known(case: Any, fill: bool, known: dict[str, Any]) -> Any:
    if fill and isinstance(case.body, dict | list):
        case.body = _filled(case.body, known)
    return case


def _cases(operation: Any, world: World) -> st.SearchStrategy[Any]:
    """Good and bad examples, for the company's record and for a made-up id."""
    record = _served(operation.path, world)
    known = _known(world, record)
    strategies = []
    for pk in ([] if record is None else [record.pk]) + [None]:
        params = None if pk is None else {"id": pk}
        good = operation.as_strategy(GenerationMode.POSITIVE, path_parameters=params)
        strategies.append(
            st.tuples(good, st.booleans()).map(lambda pair: _with_known(*pair, known))
        )
        strategies.append(operation.as_strategy(GenerationMode.NEGATIVE, path_parameters=params))
    return st.one_of(strategies)


def _server_exceptions() -> tuple[list[str], Any]:
    caught: list[str] = []

    def keep(sender: Any, request: Any = None, **kwargs: Any) -> None:
        caught.append(traceback.format_exc())

    return caught, keep


def _fuzz(operation: Any, world: World, headers: dict[str, str], run: Run) -> None:
    caught, keep = _server_exceptions()

    @hypothesis.settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(hypothesis.HealthCheck),
        phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
    )
    @hypothesis.given(case=_cases(operation, world))
    def fuzz(case: Any) -> None:
        caught.clear()
        with transaction.atomic():
            response = case.call(headers=headers)
            transaction.set_rollback(True)
        run.cases += 1
        run.statuses[response.status_code] += 1
        if response.status_code >= 500:
            run.server_errors += 1
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except FailureGroup as group:
            report = str(group) + "".join(caught)
            run.record(
                operation.label, response.status_code, report, [f.title for f in group.exceptions]
            )

    signals.got_request_exception.connect(keep)
    try:
        fuzz()
    finally:
        signals.got_request_exception.disconnect(keep)


@pytest.mark.parametrize("role", ["admin", "sales"])
def test_every_answer_is_one_the_schema_documents(
    role: str, app: WSGIHandler, company: World
) -> None:
    user = company.admin if role == "admin" else company.owner
    headers = {"Authorization": f"Token {token_for(user=user)}"}
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", app, headers=headers)
    run = Run()
    for result in schema.get_all_operations():
        operation = result.ok()
        run.operations += 1
        _fuzz(operation, company, headers, run)
    print(run.summary(role))
    listed = "\n".join(f"{op}: {title} ({status})" for op, title, status in run.failures)
    shown = "\n".join(
        f"== {operation}: {title} ({status})\n{report}"
        for (operation, title, status), report in list(run.failures.items())[:SHOWN]
    )
    assert not run.failures, f"{run.summary(role)}\n{listed}\n{shown}"


def test_the_kernels_refusals_are_documented_once_for_every_operation(make_user, api_client):
    schema = api_client(make_user("chief", "admin")).get("/api/schema/?format=json").json()
    paths = schema["paths"]
    record = paths["/api/v1/customers/{id}/"]["get"]["responses"]
    assert set(record) == {"200", "400", "401", "403", "404"}
    token = paths["/api/v1/auth/token/"]["post"]["responses"]
    assert set(token) == {"200", "400", "413", "415", "429"}
    created = paths["/api/v1/customers/"]["post"]["responses"]["409"]
    assert created["content"]["application/json"]["schema"] == {
        "anyOf": [
            {"$ref": "#/components/schemas/Duplicates"},
            {"$ref": "#/components/schemas/Conflict"},
        ]
    }
    assert {"Error", "ValidationError", "Conflict"} <= set(schema["components"]["schemas"])
