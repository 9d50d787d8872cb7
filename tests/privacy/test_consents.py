"""The consent ledger: granting, withdrawing as easily, and the question marketing asks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from kehu.core.models import Change, User
from kehu.customers.models import Customer
from kehu.customers.services import contact_create
from kehu.privacy.models import Consent, ConsentChannel, PrivacyAction, Purpose
from kehu.privacy.selectors import consent_ledger, consent_may_use
from kehu.privacy.services import consent_grant, consent_withdraw

pytestmark = pytest.mark.django_db


@pytest.fixture
def seller(make_user: Callable[..., User]) -> User:
    return make_user("wang", "sales")


@pytest.fixture
def person(make_customer: Callable[..., Customer], seller: User) -> Customer:
    return make_customer(seller, "张伟", kind="individual", phone="13912345678")


def _grant(actor: User, customer: Customer, **fields: Any) -> Consent:
    return consent_grant(
        actor=actor,
        customer=customer,
        purpose=fields.pop("purpose", Purpose.MARKETING_EMAIL),
        channel=fields.pop("channel", ConsentChannel.WEB_FORM),
        wording_version=fields.pop("wording_version", "2026-01"),
        **fields,
    )


def test_a_granted_consent_lets_marketing_email_and_nothing_else(
    seller: User, person: Customer
) -> None:
    _grant(seller, person)

    assert consent_may_use(customer=person, purpose=Purpose.MARKETING_EMAIL)
    assert not consent_may_use(customer=person, purpose=Purpose.SMS)


def test_withdrawing_ends_the_consent_and_keeps_the_grant_on_the_ledger(
    seller: User, person: Customer
) -> None:
    consent = _grant(seller, person)

    consent_withdraw(actor=seller, consent=consent)

    assert not consent_may_use(customer=person, purpose=Purpose.MARKETING_EMAIL)
    (kept,) = consent_ledger(customer=person)
    assert kept.granted_at is not None and kept.wording_version == "2026-01"
    assert kept.withdrawn_at is not None and kept.withdrawn_by == seller
    actions = list(Change.objects.filter(customer_id=person.pk).values_list("action", flat=True))
    assert PrivacyAction.CONSENT_GRANT in actions and PrivacyAction.CONSENT_WITHDRAW in actions


def test_consent_may_be_given_again_after_a_withdrawal(seller: User, person: Customer) -> None:
    consent_withdraw(actor=seller, consent=_grant(seller, person))

    _grant(seller, person, wording_version="2026-02")

    assert consent_may_use(customer=person, purpose=Purpose.MARKETING_EMAIL)
    assert consent_ledger(customer=person).count() == 2


def test_a_second_standing_consent_for_one_purpose_is_refused_at_the_purpose(
    seller: User, person: Customer
) -> None:
    _grant(seller, person)

    with pytest.raises(ValidationError) as refused:
        _grant(seller, person)

    assert "purpose" in refused.value.message_dict


def test_withdrawing_twice_is_refused(seller: User, person: Customer) -> None:
    consent = consent_withdraw(actor=seller, consent=_grant(seller, person))

    with pytest.raises(ValidationError):
        consent_withdraw(actor=seller, consent=consent)


def test_a_contact_consents_for_itself_not_for_its_customer(
    seller: User, make_customer: Callable[..., Customer]
) -> None:
    company = make_customer(seller)
    contact = contact_create(actor=seller, customer=company, name="李娜")

    _grant(seller, company, contact=contact, purpose=Purpose.SMS)

    assert consent_may_use(customer=company, contact=contact, purpose=Purpose.SMS)
    assert not consent_may_use(customer=company, purpose=Purpose.SMS)


def test_an_unknown_purpose_is_refused_at_its_field(seller: User, person: Customer) -> None:
    with pytest.raises(ValidationError) as refused:
        _grant(seller, person, purpose="telepathy")

    assert "purpose" in refused.value.message_dict


def test_another_customers_contact_is_refused(
    seller: User, person: Customer, make_customer: Callable[..., Customer]
) -> None:
    other = make_customer(seller)
    contact = contact_create(actor=seller, customer=other, name="李娜")

    with pytest.raises(ValidationError) as refused:
        _grant(seller, person, contact=contact)

    assert "contact" in refused.value.message_dict
