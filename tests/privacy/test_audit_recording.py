"""The access audit records who saw whose personal data: a customer's page, its contact
details unmasked through the API, an export with its row count; and forgets it after the
retention period."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kehu.core.access import AccessKind
from kehu.core.models import User
from kehu.core.registry import periodic_tasks
from kehu.customers.models import Customer
from kehu.customers.services import contact_create
from kehu.privacy.models import AccessEvent
from kehu.privacy.services.audit import access_event_record, access_events_purge
from kehu.privacy.tasks import access_events_purge_task

pytestmark = pytest.mark.django_db


@pytest.fixture
def seller(make_user: Callable[..., User]) -> User:
    return make_user("wang", "sales")


@pytest.fixture
def customer(seller: User, make_customer: Callable[..., Customer]) -> Customer:
    return make_customer(seller, phone="13912345678")


def _events() -> list[tuple[Any, ...]]:
    return list(
        AccessEvent.objects.order_by("id").values_list("user__username", "kind", "customer_id")
    )


def test_a_customer_page_is_recorded_unmasked_for_those_who_see_contact_details(
    client: Any, seller: User, customer: Customer
) -> None:
    client.force_login(seller)
    assert client.get(reverse("customers:detail", args=[customer.pk])).status_code == 200
    assert _events() == [("wang", AccessKind.UNMASKED, customer.pk)]
    assert AccessEvent.objects.get().path == f"/customers/{customer.pk}/"


def test_a_customer_page_is_recorded_as_viewed_for_those_who_see_it_masked(
    client: Any, customer: Customer, make_user: Callable[..., User]
) -> None:
    client.force_login(make_user("ma", "marketing"))
    assert client.get(reverse("customers:detail", args=[customer.pk])).status_code == 200
    assert _events() == [("ma", AccessKind.VIEWED, customer.pk)]


def test_a_page_one_may_not_see_records_nothing(
    client: Any, customer: Customer, make_user: Callable[..., User]
) -> None:
    client.force_login(make_user("li", "sales"))
    assert client.get(reverse("customers:detail", args=[customer.pk])).status_code == 404
    assert _events() == []


def test_the_api_records_a_customer_or_contact_read_unmasked_only(
    api_client: Callable[[User], Any],
    seller: User,
    customer: Customer,
    make_user: Callable[..., User],
) -> None:
    contact = contact_create(actor=seller, customer=customer, name="王建国", phone="13800001111")
    api = api_client(seller)
    assert api.get(f"/api/v1/customers/{customer.pk}/").status_code == 200
    assert api.get(f"/api/v1/contacts/{contact.pk}/").status_code == 200
    assert api.get("/api/v1/customers/").status_code == 200
    masked = api_client(make_user("ma", "marketing"))
    assert masked.get(f"/api/v1/customers/{customer.pk}/").status_code == 200

    assert _events() == [
        ("wang", AccessKind.UNMASKED, customer.pk),
        ("wang", AccessKind.UNMASKED, customer.pk),
    ]
    assert AccessEvent.objects.order_by("id").last().path == f"/api/v1/contacts/{contact.pk}/"  # type: ignore[union-attr]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_is_recorded_with_its_row_count_and_without_its_query(
    client: Any, seller: User, make_customer: Callable[..., Customer], fmt: str
) -> None:
    for name in ["西安宏达食品有限公司", "渭南金穗粮油有限公司", "咸阳饭店"]:
        make_customer(seller, name=name)
    client.force_login(seller)
    response = client.get(reverse(f"customers:export-{fmt}"), {"q": "有限公司"})
    b"".join(response.streaming_content)

    event = AccessEvent.objects.get()
    assert (event.user, event.kind, event.customer_id, event.rows) == (
        seller,
        AccessKind.EXPORTED,
        None,
        2,
    )
    assert event.path == f"/customers/export.{fmt}"


def test_recording_is_one_insert(seller: User) -> None:
    with CaptureQueriesContext(connection) as queries:
        access_event_record(user=seller, kind=AccessKind.VIEWED, customer_id=1, rows=None, path="/")
    assert len(queries) == 1


def test_the_purge_forgets_what_is_older_than_the_retention(settings: Any, seller: User) -> None:
    settings.KEHU_ACCESS_AUDIT_DAYS = 30
    old, recent = (
        access_event_record(user=seller, kind=AccessKind.VIEWED, customer_id=1, rows=None, path="/")
        for _ in range(2)
    )
    AccessEvent.objects.filter(pk=old.pk).update(at=timezone.now() - timedelta(days=31))
    AccessEvent.objects.filter(pk=recent.pk).update(at=timezone.now() - timedelta(days=29))

    assert access_events_purge() == 1
    assert list(AccessEvent.objects.values_list("pk", flat=True)) == [recent.pk]


def test_the_purge_runs_on_the_workers_schedule(seller: User) -> None:
    assert "kehu.privacy.tasks.access_events_purge_task" in periodic_tasks()
    event = access_event_record(
        user=seller, kind=AccessKind.VIEWED, customer_id=1, rows=None, path="/"
    )
    AccessEvent.objects.filter(pk=event.pk).update(at=timezone.now() - timedelta(days=400))
    access_events_purge_task.enqueue()
    assert not AccessEvent.objects.exists()
