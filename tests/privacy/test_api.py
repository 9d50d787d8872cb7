"""The privacy API: the consent ledger, erasure requests and the access audit."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from kehu.core.access import AccessKind
from kehu.core.models import User
from kehu.customers.models import Contact, Customer
from kehu.privacy.models import Consent, ErasureStatus
from kehu.privacy.services.audit import access_event_record

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
Api = Callable[[User], Any]


def test_a_consent_is_granted_listed_and_withdrawn(
    api_client: Api, seller: User, customer: Customer, contact: Contact
) -> None:
    api = api_client(seller)
    created = api.post(
        "/api/v1/consents/",
        {
            "customer": customer.pk,
            "contact": contact.pk,
            "purpose": "phone",
            "channel": "in_person",
            "wording_version": "v3",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["granted_by"], body["withdrawn_at"]) == ("wang", None)

    listed = api.get("/api/v1/consents/", {"customer": customer.pk}).json()["results"]
    assert [row["id"] for row in listed] == [body["id"]]

    withdrawn = api.post(f"/api/v1/consents/{body['id']}/withdraw/")
    assert withdrawn.status_code == 200 and withdrawn.json()["withdrawn_by"] == "wang"
    again = api.post(f"/api/v1/consents/{body['id']}/withdraw/")
    assert again.status_code == 400 and "consent" in again.json()
    assert Consent.objects.get().withdrawn_at is not None


def test_a_consent_names_the_field_it_lacks(
    api_client: Api, seller: User, customer: Customer
) -> None:
    response = api_client(seller).post(
        "/api/v1/consents/", {"customer": customer.pk, "purpose": "sms"}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()) == {"channel", "wording_version"}


def test_marketing_reads_consents_but_records_none(
    api_client: Api, customer: Customer, make_user: Callable[..., User]
) -> None:
    api = api_client(make_user("ma", "marketing"))
    assert api.get("/api/v1/consents/").status_code == 200
    payload = {"customer": customer.pk, "purpose": "sms", "channel": "paper"}
    assert api.post("/api/v1/consents/", payload, format="json").status_code == 403


def test_an_erasure_request_is_recorded_and_executed_by_an_admin(
    api_client: Api, admin: User, seller: User, customer: Customer
) -> None:
    api = api_client(admin)
    created = api.post("/api/v1/erasure-requests/", {"customer": customer.pk}, format="json")
    assert created.status_code == 201
    number = created.json()["id"]
    assert api_client(seller).post(f"/api/v1/erasure-requests/{number}/execute/").status_code == (
        403
    )

    executed = api.post(f"/api/v1/erasure-requests/{number}/execute/")

    assert executed.status_code == 200
    assert executed.json()["status"] == ErasureStatus.EXECUTED
    assert executed.json()["executed_by"] == "root"
    assert api.post(f"/api/v1/erasure-requests/{number}/execute/").status_code == 400


def test_the_access_events_are_read_only_for_admins(
    api_client: Api, admin: User, seller: User
) -> None:
    access_event_record(user=seller, kind=AccessKind.EXPORTED, customer_id=None, rows=9, path="/")
    access_event_record(user=admin, kind=AccessKind.VIEWED, customer_id=7, rows=None, path="/")
    api = api_client(admin)

    every = api.get("/api/v1/access-events/").json()["results"]
    assert [(e["user"], e["kind"], e["rows"]) for e in every] == [
        ("root", "viewed", None),
        ("wang", "exported", 9),
    ]
    assert len(api.get("/api/v1/access-events/", {"user": "wang"}).json()["results"]) == 1
    assert len(api.get("/api/v1/access-events/", {"customer": 7}).json()["results"]) == 1
    today = timezone.localdate()
    tomorrow = (today + timedelta(days=1)).isoformat()
    assert len(api.get("/api/v1/access-events/", {"since": tomorrow}).json()["results"]) == 0
    assert len(api.get("/api/v1/access-events/", {"until": tomorrow}).json()["results"]) == 2
    assert api.get("/api/v1/access-events/", {"since": "yesterday"}).status_code == 400
    # Any offset ISO 8601 allows, even one no time zone has, is compared in UTC.
    far_west = api.get("/api/v1/access-events/", {"since": "0935-11-01T13:49:31-18:14"})
    assert len(far_west.json()["results"]) == 2
    assert api.get("/api/v1/access-events/", {"until": "0001-01-01T00:00:00+05:00"}).json() == {
        "until": ["Enter a valid date/time."]
    }
    assert api.post("/api/v1/access-events/", {}).status_code == 403
    assert api_client(seller).get("/api/v1/access-events/").status_code == 403
