"""Search finds customers by what people remember: name, pinyin, initials, phone, e-mail."""

from __future__ import annotations

import threading
from importlib import import_module
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection, transaction

from kehu.customers import selectors, services
from kehu.customers.models import Contact, Customer
from kehu.customers.selectors import customer_list
from kehu.customers.text import name_grams

pytestmark = pytest.mark.django_db


@pytest.fixture
def sales(make_user):
    return make_user("zhaolei")


@pytest.fixture
def book(sales, make_customer):
    make_customer(sales, name="张三", kind="individual", phone="13812345678")
    make_customer(sales, name="李四", kind="individual", email="lisi@example.cn")
    hongda = make_customer(sales, name="哈尔滨宏达乳业有限公司", phone="0451-82345678")
    services.contact_create(actor=sales, customer=hongda, name="王芳", phone="13900001111")
    make_customer(sales, name="ABC科技有限公司")


def found(user, query: str) -> list[str]:
    return sorted(c.name for c in customer_list(user=user, search=query))


@pytest.mark.parametrize("query", ["张三", "zs", "zhangsan", "ZhangSan", "zhang san"])
def test_a_person_is_found_by_characters_pinyin_or_initials(book, sales, query):
    assert found(sales, query) == ["张三"]


@pytest.mark.parametrize("query", ["宏达", "乳业", "哈尔滨宏达", "hongda", "hebhd"])
def test_a_company_is_found_by_any_part_of_its_name(book, sales, query):
    assert found(sales, query) == ["哈尔滨宏达乳业有限公司"]


def test_a_customer_is_found_by_a_phone_fragment(book, sales):
    assert found(sales, "1234567") == ["张三"]
    assert found(sales, "0451-8234") == ["哈尔滨宏达乳业有限公司"]


def test_a_customer_is_found_by_a_contacts_name_or_phone(book, sales):
    assert found(sales, "王芳") == ["哈尔滨宏达乳业有限公司"]
    assert found(sales, "139 0000 1111") == ["哈尔滨宏达乳业有限公司"]


@pytest.mark.parametrize("role", ["sales", "admin"])
def test_whoever_searches_finds_customers_by_their_contacts(book, make_user, sales, role):
    """A salesperson's own few customers are read row by row, everyone else's are gathered
    from the indexes: both find a customer by its contact."""
    searcher = sales if role == "sales" else make_user("boss", role)
    assert found(searcher, "王芳") == ["哈尔滨宏达乳业有限公司"]
    assert found(searcher, "wf") == ["哈尔滨宏达乳业有限公司"]


def test_customers_of_more_matching_contacts_than_are_listed_are_found(
    book, sales, make_customer, monkeypatch
):
    for name in ("哈尔滨宏达乳业有限公司", "西安王氏贸易有限公司"):
        customer = Customer.objects.filter(name=name).first() or make_customer(sales, name=name)
        services.contact_create(actor=sales, customer=customer, name="王建国")
    monkeypatch.setattr(selectors, "_LISTED_CUSTOMERS", 1)
    assert found(sales, "王建国") == ["哈尔滨宏达乳业有限公司", "西安王氏贸易有限公司"]


@pytest.mark.parametrize("role", ["sales", "admin"])
def test_a_customer_is_found_by_its_contacts_as_they_are_now(book, make_user, sales, role):
    searcher = sales if role == "sales" else make_user("boss", role)
    contact = Contact.objects.get(name="王芳")
    services.contact_update(actor=sales, contact=contact, version=contact.version, name="刘洋")
    assert found(searcher, "王芳") == []
    assert found(searcher, "刘洋") == found(searcher, "ly") == ["哈尔滨宏达乳业有限公司"]
    services.contact_delete(actor=sales, contact=contact)
    assert found(searcher, "刘洋") == []


def test_a_renamed_customer_is_still_found_by_its_contacts(book, sales):
    hongda = Customer.objects.get(name="哈尔滨宏达乳业有限公司")
    services.customer_update(
        actor=sales, customer=hongda, version=hongda.version, name="哈尔滨宏达食品有限公司"
    )
    assert found(sales, "王芳") == found(sales, "食品") == ["哈尔滨宏达食品有限公司"]
    assert found(sales, "乳业") == []


def test_a_merged_customer_is_found_by_the_contacts_it_took_over(book, sales, make_customer):
    other = make_customer(sales, name="西安王氏贸易有限公司")
    services.contact_create(actor=sales, customer=other, name="刘洋")
    hongda = Customer.objects.get(name="哈尔滨宏达乳业有限公司")
    services.customer_merge(actor=sales, survivor=hongda, other=other)
    assert found(sales, "刘洋") == found(sales, "王芳") == ["哈尔滨宏达乳业有限公司"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite lets one transaction write at a time: a customer's save and a contact's "
    "cannot interleave there",
)
def test_a_contact_added_while_its_customer_is_saved_is_kept_in_the_pairs(sales, make_customer):
    customer = make_customer(sales, name="西安宏达食品有限公司")
    added, commit = threading.Event(), threading.Event()

    def add_contact() -> None:
        try:
            with transaction.atomic():
                services.contact_create(actor=sales, customer=customer, name="刘洋")
                added.set()
                commit.wait(timeout=10)
        finally:
            connection.close()

    adding = threading.Thread(target=add_contact)
    adding.start()
    assert added.wait(timeout=10)
    # The contact's transaction commits while the save below is under way.
    threading.Timer(0.5, commit.set).start()
    services.customer_update(
        actor=sales, customer=customer, version=customer.version, notes="老客户"
    )
    adding.join()

    assert found(sales, "刘洋") == ["西安宏达食品有限公司"]


@pytest.mark.parametrize("role", ["sales", "admin"])
def test_two_characters_match_the_initials_only_when_they_are_letters(
    book, sales, make_user, make_customer, role
):
    searcher = sales if role == "sales" else make_user("boss", role)
    make_customer(sales, name="A1公司")  # initials a1gs: the pair "1g" is in no name
    assert found(searcher, "1g") == []
    assert found(searcher, "a1") == ["A1公司"]
    assert "A1公司" in found(searcher, "gs")


def test_a_customer_is_found_by_e_mail(book, sales):
    assert found(sales, "lisi@example") == ["李四"]


def test_latin_names_keep_their_words_in_the_initials(book, sales):
    assert found(sales, "abckj") == ["ABC科技有限公司"]


@pytest.mark.parametrize("query", ["abc科技", "ABC科技", "Abc"])
def test_latin_letters_in_a_name_match_in_either_case(book, sales, query):
    assert found(sales, query) == ["ABC科技有限公司"]


def test_search_never_reaches_past_the_users_scope(book, make_user, make_customer):
    other = make_user("sunli")
    make_customer(other, name="张三丰")
    assert found(other, "zs") == ["张三丰"]
    assert found(other, "宏达") == []


def test_upgrading_gives_customers_the_pairs_the_services_keep(book):
    """Migration 0010 adds the contacts' pairs to customers saved before it."""
    migration = import_module("kehu.customers.migrations.0010_contact_pairs_on_customer")
    hongda = Customer.objects.get(name="哈尔滨宏达乳业有限公司")
    kept = hongda.name_grams
    own = name_grams(hongda.name, hongda.name_initials)
    Customer.objects.filter(pk=hongda.pk).update(name_grams=own)
    migration.join_contact_pairs(apps, SimpleNamespace(connection=connection))
    assert Customer.objects.get(pk=hongda.pk).name_grams == kept
