"""Erasure on request: no trace of the person's name, phone or e-mail is left in any table,
while the customer's records stay."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from kehu.core.models import User
from kehu.customers.models import Customer
from kehu.customers.services import (
    activity_create,
    contact_create,
    contact_delete,
    customer_update,
)
from kehu.privacy.models import ErasureStatus
from kehu.privacy.services import erasure_execute, erasure_request
from kehu.sales.models import LeadSource
from kehu.sales.services import lead_convert, lead_create

pytestmark = pytest.mark.django_db

SECRETS = ["张伟", "张大伟", "13912345678", "zhang.wei@example.cn", "李娜", "13800001111"]


def _tables_holding(text: str) -> list[str]:
    """Every table with a row whose text contains `text`, plain or as JSON escapes it."""
    forms = {text, json.dumps(text)[1:-1]}
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            rows = " ".join(str(row) for row in cursor.fetchall())
            if any(form in rows for form in forms):
                found.append(table)
    return found


@pytest.fixture
def admin(make_user: Callable[..., User]) -> User:
    return make_user("root", "admin")


@pytest.fixture
def person(make_customer: Callable[..., Customer], make_user: Callable[..., User]) -> Customer:
    seller = make_user("wang", "sales")
    customer = make_customer(
        seller, "张大伟", kind="individual", phone="13912345678", email="zhang.wei@example.cn"
    )
    customer = customer_update(
        actor=seller, customer=customer, version=customer.version, name="张伟"
    )
    contact_create(actor=seller, customer=customer, name="李娜", phone="13800001111")
    gone = contact_create(actor=seller, customer=customer, name="李娜娜")
    contact_delete(actor=seller, contact=gone)
    activity_create(actor=seller, customer=customer, kind="call", subject="给张伟回电话")
    lead = lead_create(
        actor=seller,
        owner=seller,
        person="张伟",
        phone="13912345678",
        source=LeadSource.objects.get(channel="trade_fair"),
    )
    lead_convert(actor=seller, lead=lead, version=lead.version, customer=customer)
    customer.refresh_from_db()
    return customer


def test_the_people_are_in_the_database_before_the_erasure(person: Customer) -> None:
    for secret in SECRETS:
        assert _tables_holding(secret), secret


def test_erasure_leaves_no_trace_of_the_person_in_any_table(admin: User, person: Customer) -> None:
    request = erasure_request(actor=admin, customer=person)

    erasure_execute(actor=admin, request=request)

    assert {secret: _tables_holding(secret) for secret in SECRETS} == {s: [] for s in SECRETS}
    kept = Customer.objects.get(pk=person.pk)
    assert kept.contacts.count() == 2 and kept.activities.count() == 1
    assert kept.leads.count() == 1


def test_the_request_records_who_asked_who_carried_it_out_and_when(
    admin: User, person: Customer, make_user: Callable[..., User]
) -> None:
    other_admin = make_user("li", "admin")
    request = erasure_request(actor=admin, customer=person)

    erasure_execute(actor=other_admin, request=request)

    request.refresh_from_db()
    assert request.status == ErasureStatus.EXECUTED
    assert request.requested_by == admin and request.executed_by == other_admin
    assert request.executed_at is not None and request.requested_at <= request.executed_at


def test_a_request_is_carried_out_once(admin: User, person: Customer) -> None:
    request = erasure_execute(actor=admin, request=erasure_request(actor=admin, customer=person))

    with pytest.raises(ValidationError):
        erasure_execute(actor=admin, request=request)


def test_only_an_administrator_carries_out_an_erasure(
    admin: User, person: Customer, make_user: Callable[..., User]
) -> None:
    request = erasure_request(actor=admin, customer=person)
    with pytest.raises(PermissionDenied):
        erasure_execute(actor=make_user("li", "sales_manager"), request=request)
    request.refresh_from_db()
    assert request.status == ErasureStatus.REQUESTED
