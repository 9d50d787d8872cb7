"""The SQLite search index: every write keeps it as a full rebuild would make it, and a
search through it finds exactly what reading every row finds."""

from __future__ import annotations

import io
import random
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from kehu.cli import main
from kehu.core.models import User
from kehu.customers import search_index, selectors, services
from kehu.customers.imports import import_prepare, import_run, import_start
from kehu.customers.models import Customer
from kehu.privacy.services import contact_erase, erasure_execute, erasure_request

pytestmark = pytest.mark.django_db

on_sqlite = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the index is SQLite's; PostgreSQL has its own"
)


def _column(name: str, value: str | None) -> Any:
    """A column as compared: the order in which a customer's contacts were joined is not
    the index's business."""
    if name == "pairs":
        return sorted(set((value or "").split()))
    if name == "contacts":
        return sorted((value or "").split(","))
    first, *others = (value or "").split("\n")
    return first, sorted(others)


def _indexed(table: str) -> dict[int, dict[str, Any]]:
    names = ["name", "initials", "pinyin", "phone", "email", "pairs"]
    if table == search_index.CUSTOMERS:
        names.append("contacts")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT rowid, {', '.join(names)} FROM {table}")
        return {
            row[0]: {name: _column(name, value) for name, value in zip(names, row[1:], strict=True)}
            for row in cursor.fetchall()
        }


def _index() -> tuple[dict[int, Any], dict[int, Any]]:
    return _indexed(search_index.CUSTOMERS), _indexed(search_index.CONTACTS)


def assert_in_step() -> None:
    kept = _index()
    search_index.rebuild()
    assert kept == _index()


@pytest.fixture
def alice(make_user: Callable[..., User]) -> User:
    return make_user("alice")


@pytest.fixture
def admin(make_user: Callable[..., User]) -> User:
    return make_user("root", "admin")


@pytest.fixture
def hongda(alice: User, make_customer: Callable[..., Customer]) -> Customer:
    customer = make_customer(alice, "哈尔滨宏达乳业有限公司", phone="0451-82345678")
    services.contact_create(actor=alice, customer=customer, name="王芳", phone="13900001111")
    return customer


def found(user: User, query: str) -> list[str]:
    return sorted(c.name for c in selectors.customer_list(user=user, search=query))


@on_sqlite
def test_a_new_customer_and_its_contacts_are_found_through_the_index(alice, hongda):
    assert search_index.lookup(search_index.CUSTOMERS, "王芳") is not None
    assert found(alice, "王芳") == found(alice, "13900001111") == ["哈尔滨宏达乳业有限公司"]
    assert sorted(_indexed(search_index.CUSTOMERS)) == [hongda.pk]
    assert_in_step()


@on_sqlite
def test_an_edited_customer_is_found_by_its_new_details_only(alice, hongda):
    services.customer_update(
        actor=alice, customer=hongda, version=hongda.version, name="西安秦川机械", email="qc@qq.com"
    )
    assert found(alice, "宏达乳业") == []
    assert found(alice, "秦川") == found(alice, "@qq.com") == ["西安秦川机械"]
    assert_in_step()


@on_sqlite
def test_a_contacts_addition_change_and_removal_reach_its_customers_row(alice, hongda):
    li = services.contact_create(actor=alice, customer=hongda, name="李娜", email="li@163.com")
    assert found(alice, "li@163") == ["哈尔滨宏达乳业有限公司"]
    assert_in_step()
    services.contact_update(actor=alice, contact=li, version=li.version, email="na@126.com")
    assert found(alice, "li@163") == []
    assert found(alice, "na@126") == ["哈尔滨宏达乳业有限公司"]
    assert_in_step()
    li.refresh_from_db()
    services.contact_delete(actor=alice, contact=li)
    assert found(alice, "na@126") == []
    assert li.pk not in _indexed(search_index.CONTACTS)
    assert_in_step()


@on_sqlite
def test_a_merge_leaves_one_row_holding_both_customers_contacts(alice, hongda, make_customer):
    other = make_customer(alice, "宏达乳业(哈尔滨)")
    services.contact_create(actor=alice, customer=other, name="赵磊", phone="13700002222")
    services.customer_merge(actor=alice, survivor=hongda, other=other)
    assert sorted(_indexed(search_index.CUSTOMERS)) == [hongda.pk]
    assert found(alice, "赵磊") == found(alice, "王芳") == ["哈尔滨宏达乳业有限公司"]
    assert_in_step()


@on_sqlite
def test_a_deleted_customer_leaves_the_index_with_its_contacts(alice, hongda):
    contact_ids = list(hongda.contacts.values_list("pk", flat=True))
    services.customer_delete(actor=alice, customer=hongda)
    customers, contacts = _index()
    assert hongda.pk not in customers
    assert not set(contact_ids) & set(contacts)
    assert_in_step()


@on_sqlite
def test_imported_customers_and_their_contacts_are_indexed(alice, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    rows = "客户名称,手机,联系人\n成都蜀锦文化传媒,13812340001,周杰\n苏州园林设计院,13812340002,\n"
    prepared = import_prepare(actor=alice, stream=io.BytesIO(rows.encode()), name="c.csv")
    import_start(job=prepared.job, dry_run=False)
    import_run(job=prepared.job)
    assert found(alice, "周杰") == ["成都蜀锦文化传媒"]
    assert found(alice, "园林") == ["苏州园林设计院"]
    assert_in_step()


@on_sqlite
def test_a_bulk_transfer_keeps_the_index_in_step(alice, admin, hongda, make_user):
    bob = make_user("bob")
    services.customers_transfer(actor=admin, to_user=bob, reason="离职交接", ids=[hongda.pk])
    assert found(alice, "宏达") == []
    assert found(bob, "宏达") == ["哈尔滨宏达乳业有限公司"]
    assert_in_step()


@on_sqlite
def test_erasure_takes_the_persons_details_out_of_the_index(alice, admin, hongda):
    contact = hongda.contacts.get()
    contact_erase(actor=admin, contact=contact)
    assert found(admin, "13900001111") == []
    assert_in_step()
    erasure_execute(actor=admin, request=erasure_request(actor=admin, customer=hongda))
    assert found(admin, "0451-8234") == []
    assert_in_step()


@on_sqlite
def test_the_command_rebuilds_an_index_that_lost_its_rows(alice, hongda):
    kept = _index()
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {search_index.CUSTOMERS}")
        cursor.execute(f"DELETE FROM {search_index.CONTACTS}")
    assert found(alice, "宏达") == []
    assert main(["search-index"]) == 0
    assert _index() == kept
    assert found(alice, "宏达") == ["哈尔滨宏达乳业有限公司"]


@pytest.mark.skipif(connection.vendor == "sqlite", reason="PostgreSQL searches its own indexes")
def test_postgresql_has_no_search_index(alice, hongda):
    search_index.refresh([hongda.pk])
    assert search_index.lookup(search_index.CUSTOMERS, "宏达") is None
    assert found(alice, "宏达") == ["哈尔滨宏达乳业有限公司"]


# The index against the scan -----------------------------------------------------------------

_HAN = "宏达集团张伟王芳李娜哈尔滨乳业有限公司"
_LATIN = "aAbBzZwWhHgGeExX"
_OTHER = "0123456789 .-@_%\\'\"Ää"


def _text(rng: random.Random, size: int) -> str:
    alphabet = rng.choice([_HAN, _LATIN, _HAN + _LATIN + _OTHER, _LATIN + _OTHER])
    return "".join(rng.choice(alphabet) for _ in range(size)).strip() or "宏"


@pytest.fixture
def generated(alice: User, make_user: Callable[..., User]) -> list[str]:
    """Customers and contacts of generated names, phones and e-mails, some of them alice's;
    the fragments of them a search might be given."""
    bob = make_user("bob")
    rng = random.Random(20261205)
    texts = []
    for index in range(40):
        owner = alice if index % 3 else bob
        name = _text(rng, rng.randint(2, 12))
        phone = "13" + "".join(rng.choice("0123456789") for _ in range(9))
        local = "".join(rng.choice(_LATIN) for _ in range(4))
        email = f"{local[:2]}.{local[2:]}{index}@qq.com"
        customer = services.customer_create(
            actor=None, owner=owner, name=name, phone=phone, email=email if index % 2 else ""
        )
        texts += [name, phone, email]
        for _ in range(rng.randint(0, 2)):
            contact = services.contact_create(
                actor=None, customer=customer, name=_text(rng, rng.randint(2, 6))
            )
            texts += [contact.name, contact.name_pinyin]
    fragments = set()
    for text in texts:
        for size in (2, 3, 4, 6):
            start = rng.randrange(max(1, len(text) - size + 1))
            fragments.add(text[start : start + size])
    return sorted(fragment for fragment in fragments if fragment.strip())


_SPECIAL = ['"', '"a"', 'a"b', "a b", "zw", "Zw", "a1", "a-", "@q", ".c", "001", "Äb", "ä宏"]
_SPECIAL += ["宏达", "宏达集团", "%", "_", "\\", "zhang", "ZW ", "139", "qq.com", "NEAR", "a*"]


def _three_searches(user: User, query: str) -> tuple[list[int], list[int], list[int]]:
    customers = selectors.customer_list(user=user, search=query).order_by("-pk")
    contacts = selectors.contact_list(user=user, search=query).order_by("-pk")
    picked = selectors.customer_matches(user=user, query=query, limit=1000)
    return (
        list(customers.values_list("pk", flat=True)),
        list(contacts.values_list("pk", flat=True)),
        [customer.pk for customer in picked],
    )


@on_sqlite
def test_the_index_finds_what_reading_every_row_finds(generated, alice, admin, monkeypatch):
    queries = [*generated, *_SPECIAL]
    by_index = {(user.pk, q): _three_searches(user, q) for user in (alice, admin) for q in queries}
    monkeypatch.setattr(search_index, "in_use", lambda: False)
    by_scan = {(user.pk, q): _three_searches(user, q) for user in (alice, admin) for q in queries}
    differing = [key for key in by_index if by_index[key] != by_scan[key]]
    assert differing == []
    assert sum(1 for found in by_scan.values() if found[0]) > len(by_scan) // 2
