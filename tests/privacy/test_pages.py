"""The privacy pages: the consent card on the customer page, erasure requests, the access
audit and the data-subject export."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from kehu.core.access import AccessKind
from kehu.core.models import User
from kehu.customers.models import Contact, Customer
from kehu.orders.services import order_create, product_create
from kehu.privacy.models import AccessEvent, Consent, ErasureRequest, ErasureStatus
from kehu.privacy.services import consent_grant
from kehu.privacy.services.audit import access_event_record

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
HTMX = {"HTTP_HX_REQUEST": "true"}


def _grant_data(**fields: Any) -> dict[str, Any]:
    return {"purpose": "sms", "channel": "paper", "wording_version": "2026-01", **fields}


def test_the_customer_page_shows_the_consents_and_only_admins_get_the_subject_card(
    client: Any, seller: User, admin: User, customer: Customer
) -> None:
    client.force_login(seller)
    page = client.get(reverse("customers:detail", args=[customer.pk])).content.decode()
    assert 'data-testid="consents"' in page and 'data-testid="subject-rights"' not in page
    client.force_login(admin)
    page = client.get(reverse("customers:detail", args=[customer.pk])).content.decode()
    assert 'data-testid="subject-export"' in page and 'data-testid="erasure-request"' in page


def test_granting_and_withdrawing_are_one_form_each(
    client: Any, seller: User, customer: Customer, contact: Contact
) -> None:
    client.force_login(seller)
    url = reverse("privacy:consent-grant", args=[customer.pk])

    card = client.post(url, _grant_data(contact=contact.pk), **HTMX)

    assert card.status_code == 200 and "Text messages" in card.content.decode()
    assert card["HX-Trigger"] == "historyChanged"
    consent = Consent.objects.get()
    assert (consent.contact, consent.granted_by) == (contact, seller)
    withdraw = reverse("privacy:consent-withdraw", args=[customer.pk, consent.pk])
    card = client.post(withdraw, **HTMX)
    assert card.status_code == 200 and "Withdrawn" in card.content.decode()
    consent.refresh_from_db()
    assert not consent.is_standing and consent.withdrawn_by == seller


def test_a_grant_without_its_wording_is_refused_at_the_field(
    client: Any, seller: User, customer: Customer
) -> None:
    client.force_login(seller)
    url = reverse("privacy:consent-grant", args=[customer.pk])
    card = client.post(url, _grant_data(wording_version=""), **HTMX).content.decode()
    assert 'data-field-error="wording_version"' in card
    assert not Consent.objects.exists()

    response = client.post(url, _grant_data(wording_version=""), follow=True)
    assert "wording version: This field is required." in response.content.decode()


def test_a_second_standing_consent_is_refused_and_named(
    client: Any, seller: User, customer: Customer
) -> None:
    client.force_login(seller)
    url = reverse("privacy:consent-grant", args=[customer.pk])
    client.post(url, _grant_data(), **HTMX)
    card = client.post(url, _grant_data(), **HTMX).content.decode()
    assert 'data-field-error="purpose"' in card
    assert "already consented" in card
    assert Consent.objects.count() == 1


def test_withdrawing_twice_says_so(client: Any, seller: User, customer: Customer) -> None:
    consent = consent_grant(
        actor=seller, customer=customer, purpose="sms", channel="paper", wording_version="1"
    )
    client.force_login(seller)
    url = reverse("privacy:consent-withdraw", args=[customer.pk, consent.pk])
    client.post(url, **HTMX)
    card = client.post(url, **HTMX).content.decode()
    assert "already been withdrawn" in card


def test_an_erasure_is_recorded_confirmed_then_carried_out(
    client: Any, admin: User, customer: Customer
) -> None:
    client.force_login(admin)
    response = client.post(reverse("privacy:erasure-new"), {"customer": customer.pk})
    assert response.status_code == 302
    erasure = ErasureRequest.objects.get()
    url = reverse("privacy:erasure-execute", args=[erasure.pk])

    confirm = client.get(url)
    assert confirm.status_code == 200 and "cannot be undone" in confirm.content.decode()
    erasure.refresh_from_db()
    assert erasure.status == ErasureStatus.REQUESTED

    assert client.post(url).status_code == 302
    erasure.refresh_from_db()
    assert erasure.status == ErasureStatus.EXECUTED
    assert Customer.objects.get(pk=customer.pk).name == "Erased"
    listed = client.get(reverse("privacy:erasures")).content.decode()
    assert "Executed" in listed


def test_an_erasure_request_needs_a_customer(client: Any, admin: User) -> None:
    client.force_login(admin)
    page = client.post(reverse("privacy:erasure-new"), {"customer": ""}).content.decode()
    assert 'data-field-error="customer"' in page
    assert not ErasureRequest.objects.exists()


def test_the_audit_lists_and_filters_events_for_admins_only(
    client: Any, admin: User, seller: User, customer: Customer
) -> None:
    def record(user: User, kind: str, days_ago: int, customer_id: int | None = None) -> None:
        event = access_event_record(
            user=user, kind=kind, customer_id=customer_id, rows=None, path="/x/"
        )
        AccessEvent.objects.filter(pk=event.pk).update(at=timezone.now() - timedelta(days=days_ago))

    record(seller, AccessKind.UNMASKED, 0, customer.pk)
    record(seller, AccessKind.EXPORTED, 10)
    record(admin, AccessKind.VIEWED, 0, customer.pk)
    url = reverse("privacy:audit")
    client.force_login(seller)
    assert client.get(url).status_code == 403
    client.force_login(admin)

    def rows(**query: Any) -> int:
        return client.get(url, query).content.decode().count('data-testid="audit-row"')

    assert rows() == 3
    assert rows(user=seller.pk) == 2
    assert rows(customer=customer.pk) == 2
    assert rows(kind=AccessKind.EXPORTED) == 1
    since = (timezone.localdate() - timedelta(days=5)).isoformat()
    assert rows(since=since) == 2
    assert rows(until=since) == 1
    assert customer.name in client.get(url).content.decode()


def test_the_audit_is_paginated(client: Any, admin: User) -> None:
    for _ in range(30):
        access_event_record(user=admin, kind=AccessKind.VIEWED, customer_id=1, rows=None, path="/")
    client.force_login(admin)
    first = client.get(reverse("privacy:audit"), {"kind": "viewed"}).content.decode()
    assert first.count('data-testid="audit-row"') == 25
    assert "?kind=viewed&page=2" in first
    second = client.get(reverse("privacy:audit"), {"kind": "viewed", "page": 2}).content.decode()
    assert second.count('data-testid="audit-row"') == 5


def test_the_subject_export_holds_everything_and_is_audited(
    client: Any, admin: User, seller: User, customer: Customer, contact: Contact
) -> None:
    consent_grant(
        actor=seller, customer=customer, purpose="sms", channel="paper", wording_version="1"
    )
    product = product_create(actor=None, sku="VX-100", name="阀门", list_price=Decimal("250"))
    order = order_create(
        actor=seller, customer=customer, lines=[{"product": product, "quantity": "2"}]
    )
    client.force_login(admin)

    response = client.get(reverse("privacy:customer-export", args=[customer.pk]))

    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="customer-{customer.pk}.json"'
    )
    data = json.loads(response.content)
    assert data["personal_data"]["customers.Customer"][0]["name"] == "张伟"
    assert data["personal_data"]["customers.Contact"][0]["phone"] == "+8613800001111"
    assert [c["purpose"] for c in data["consents"]] == ["sms"]
    assert [(o["id"], Decimal(o["total"])) for o in data["orders"]] == [(order.pk, order.total)]
    assert {entry["action"] for entry in data["history"]} >= {"Created", "Consent granted"}
    event = AccessEvent.objects.get(kind=AccessKind.EXPORTED)
    assert (event.user, event.customer_id, event.rows) == (admin, customer.pk, 1)


def test_only_admins_export_a_person(client: Any, seller: User, customer: Customer) -> None:
    client.force_login(seller)
    assert client.get(reverse("privacy:customer-export", args=[customer.pk])).status_code == 403
