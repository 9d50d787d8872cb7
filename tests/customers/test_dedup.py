"""Duplicates: found by normalised name, phone or e-mail, and merged into one customer."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from kehu.core.models import Change
from kehu.customers import services
from kehu.customers.dedup import DuplicateKeys, customer_duplicates, find_duplicates
from kehu.customers.models import Activity, Contact, Customer
from kehu.customers.text import company_key

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("西安宏达食品有限公司", "西安宏达食品"),
        ("西安宏达食品股份有限公司", "西安宏达食品有限责任公司"),
        ("宏达集团有限公司", "宏达集团"),
        ("ＡＢＣ　Trading Co., Ltd.", "abc trading"),
        ("Acme Inc.", "ACME"),
        ("西安 宏达 食品", "西安宏达食品"),
    ],
)
def test_legal_forms_width_case_and_spacing_do_not_tell_companies_apart(one, other):
    assert company_key(one) == company_key(other)


def test_words_that_merely_end_like_a_legal_form_are_kept():
    assert company_key("Costco") == "costco"
    assert company_key("宏达食品") != company_key("宏达饮品")


def test_duplicates_are_found_by_name_phone_or_email(make_user, make_customer):
    alice = make_user("alice")
    by_name = make_customer(alice, name="西安宏达食品有限公司")
    by_phone = make_customer(alice, name="张三", phone="13812345678")
    by_email = make_customer(alice, name="李四", email="lisi@example.cn")
    found = find_duplicates(
        [
            DuplicateKeys.of(name="西安宏达食品股份有限公司"),
            DuplicateKeys.of(name="张三丰", phone="+8613812345678"),
            DuplicateKeys.of(name="李斯", email="LISI@example.cn "),
            DuplicateKeys.of(name="全新客户"),
        ]
    )
    assert found == [[by_name], [by_phone], [by_email], []]


def test_a_customers_duplicates_leave_out_itself(make_user, make_customer):
    alice = make_user("alice")
    one = make_customer(alice, name="宏达食品有限公司")
    two = make_customer(alice, name="宏达食品")
    assert customer_duplicates(one) == [two]


def test_merging_moves_everything_to_the_survivor(make_user, make_customer):
    alice = make_user("alice")
    survivor = make_customer(alice, name="西安宏达食品有限公司", tags=["重点客户"])
    other = make_customer(
        alice, name="西安宏达食品", phone="02987654321", address="雁塔路1号", tags=["展会"]
    )
    services.contact_create(actor=alice, customer=other, name="王芳", is_primary=True)
    services.activity_create(actor=alice, customer=other, kind="call", subject="询价")
    other_pk = other.pk

    services.customer_merge(actor=alice, survivor=survivor, other=other)

    survivor.refresh_from_db()
    assert not Customer.objects.filter(pk=other_pk).exists()
    assert (survivor.phone, survivor.address) == ("+862987654321", "雁塔路1号")
    assert list(Contact.objects.values_list("customer_id", flat=True)) == [survivor.pk]
    assert list(Activity.objects.values_list("customer_id", flat=True)) == [survivor.pk]
    assert sorted(t.name for t in survivor.tags.all()) == ["展会", "重点客户"]
    assert not Change.objects.filter(customer_id=other_pk).exists()
    merge = Change.objects.get(action="merge")
    assert merge.changes["merged_from"][1].startswith("西安宏达食品")
    assert merge.changes["phone"] == ["", "+862987654321"]
    assert survivor.version == 2


def test_a_customer_cannot_be_merged_with_itself(make_user, make_customer):
    alice = make_user("alice")
    customer = make_customer(alice)
    with pytest.raises(ValidationError):
        services.customer_merge(actor=alice, survivor=customer, other=customer)


def test_a_renamed_customer_is_found_under_its_new_name(make_user, make_customer):
    alice = make_user("alice")
    customer = make_customer(alice, name="旧名称有限公司")
    services.customer_update(actor=alice, customer=customer, version=1, name="新名称有限公司")
    assert find_duplicates([DuplicateKeys.of(name="新名称")]) == [[customer]]
