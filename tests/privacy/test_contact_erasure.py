"""Erasing one contact: no trace of its name, phone or e-mail in any table, while the
customer, its other contact and its records stay."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied

from kehu.core.models import Change, User
from kehu.customers.models import Contact, Customer
from kehu.customers.services import activity_create, contact_create, contact_update
from kehu.privacy.models import PrivacyAction
from kehu.privacy.services import contact_erase
from kehu.sales.models import LeadSource
from kehu.sales.services import lead_convert, lead_create
from tests.privacy.test_erasure import _tables_holding

pytestmark = pytest.mark.django_db

SECRETS = ["李娜", "李小娜", "13800001111", "li.na@example.cn"]
KEPT = ["西安宏达食品有限公司", "王建国", "13912345678"]


@pytest.fixture
def contact(make_customer: Callable[..., Customer], make_user: Callable[..., User]) -> Contact:
    seller = make_user("wang", "sales")
    customer = make_customer(seller, phone="13912345678")
    contact_create(actor=seller, customer=customer, name="王建国")
    person = contact_create(
        actor=seller,
        customer=customer,
        name="李小娜",
        phone="13800001111",
        email="li.na@example.cn",
    )
    person = contact_update(actor=seller, contact=person, version=person.version, name="李娜")
    subject = "给李娜回电话 13800001111"
    activity_create(actor=seller, customer=customer, kind="call", subject=subject)
    lead = lead_create(
        actor=seller,
        owner=seller,
        person="李娜",
        phone="13800001111",
        email="li.na@example.cn",
        source=LeadSource.objects.get(channel="trade_fair"),
    )
    lead_convert(actor=seller, lead=lead, version=lead.version, customer=customer)
    return person


def test_the_contact_is_in_the_database_before_the_erasure(contact: Contact) -> None:
    for secret in SECRETS:
        assert _tables_holding(secret), secret


def test_erasing_a_contact_leaves_no_trace_of_it_and_keeps_the_customer(
    contact: Contact, make_user: Callable[..., User]
) -> None:
    contact_erase(actor=make_user("root", "admin"), contact=contact)

    assert {secret: _tables_holding(secret) for secret in SECRETS} == {s: [] for s in SECRETS}
    for kept in KEPT:
        assert _tables_holding(kept), kept
    customer = Customer.objects.get(pk=contact.customer_id)
    assert customer.contacts.count() == 2 and customer.activities.count() == 1
    assert Change.objects.filter(customer_id=customer.pk, action=PrivacyAction.ERASE).exists()


def test_only_an_administrator_erases_a_contact(
    contact: Contact, make_user: Callable[..., User]
) -> None:
    with pytest.raises(PermissionDenied):
        contact_erase(actor=make_user("li", "sales_manager"), contact=contact)
    assert Contact.objects.get(pk=contact.pk).name == "李娜"
