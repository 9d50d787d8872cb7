"""Writing customers and contacts: validation, history and optimistic locking."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from kehu.core.exceptions import VersionConflict
from kehu.core.models import Change
from kehu.customers import services
from kehu.customers.models import Contact, Customer

pytestmark = pytest.mark.django_db


@pytest.fixture
def sales(make_user):
    return make_user("zhaolei")


def test_a_new_customer_is_normalised_and_its_creation_recorded(sales):
    customer = services.customer_create(
        actor=sales,
        name="  西安宏达食品有限公司 ",
        phone="138 1234 5678",
        email="Sales@HongDa.CN",
        province="陕西省",
        city="西安市",
        district="雁塔区",
        tags=["重点客户", "展会", "重点客户"],
    )
    assert customer.name == "西安宏达食品有限公司"
    assert customer.phone == "+8613812345678"
    assert customer.email == "sales@hongda.cn"
    assert customer.owner == sales
    assert customer.name_initials == "xahdspyxgs"
    assert sorted(t.name for t in customer.tags.all()) == ["展会", "重点客户"]
    change = Change.objects.get(customer_id=customer.pk)
    assert change.action == "create"
    assert change.actor == sales
    assert change.changes["phone"] == [None, "+8613812345678"]


def test_a_region_written_the_short_way_is_stored_under_its_full_names(sales):
    customer = services.customer_create(actor=sales, name="甲公司", province="陕西", city="西安")
    assert (customer.province, customer.city) == ("陕西省", "西安市")


def test_bad_input_names_every_field_and_writes_nothing(sales):
    with pytest.raises(ValidationError) as error:
        services.customer_create(
            actor=sales,
            name="",
            phone="12345",
            email="not-an-address",
            province="陕西省",
            city="广州市",
            annual_revenue=Decimal("-1"),
        )
    assert set(error.value.message_dict) == {"name", "phone", "email", "city", "annual_revenue"}
    assert not Customer.objects.exists()
    assert not Change.objects.exists()


def test_an_update_records_each_changed_field_old_and_new(sales, make_customer):
    customer = make_customer(sales, relationship_level="transactional")
    services.customer_update(
        actor=sales,
        customer=customer,
        version=customer.version,
        relationship_level="partnership",
        lifecycle_stage="formation",
        tags=["老客户"],
    )
    change = Change.objects.filter(action="update").get()
    assert change.changes == {
        "relationship_level": ["transactional", "partnership"],
        "lifecycle_stage": ["", "formation"],
        "tags": [[], ["老客户"]],
    }
    assert customer.version == 2


def test_saving_without_changes_adds_no_history(sales, make_customer):
    customer = make_customer(sales)
    services.customer_update(actor=sales, customer=customer, version=1, name=customer.name)
    assert Change.objects.filter(action="update").count() == 0


def test_a_stale_version_is_refused_and_changes_nothing(sales, make_customer):
    customer = make_customer(sales)
    first_reader = Customer.objects.get(pk=customer.pk)
    second_reader = Customer.objects.get(pk=customer.pk)
    services.customer_update(actor=sales, customer=first_reader, version=1, notes="先到")

    with pytest.raises(VersionConflict) as conflict:
        services.customer_update(actor=sales, customer=second_reader, version=1, notes="后到")

    assert conflict.value.current_version == 2
    customer.refresh_from_db()
    assert customer.notes == "先到"
    assert Change.objects.filter(action="update").count() == 1


def test_a_salesperson_cannot_hand_a_customer_to_someone_outside_their_scope(
    sales, make_user, make_customer
):
    stranger = make_user("stranger")
    customer = make_customer(sales)
    with pytest.raises(ValidationError) as error:
        services.customer_update(actor=sales, customer=customer, version=1, owner=stranger)
    assert "owner" in error.value.message_dict
    customer.refresh_from_db()
    assert customer.owner == sales


def test_a_manager_can_reassign_within_their_team(make_user, make_customer):
    manager = make_user("manager", "sales_manager")
    alice = make_user("alice", manager=manager)
    bob = make_user("bob", manager=manager)
    customer = make_customer(alice)
    services.customer_update(actor=manager, customer=customer, version=1, owner=bob)
    assert Change.objects.filter(action="update").get().changes == {"owner": ["alice", "bob"]}


def test_unknown_fields_are_refused(sales):
    with pytest.raises(ValidationError) as error:
        services.customer_create(actor=sales, name="甲公司", version=7)
    assert "version" in error.value.message_dict


def test_contacts_keep_one_primary_and_their_history_joins_the_customers(sales, make_customer):
    customer = make_customer(sales)
    first = services.contact_create(
        actor=sales, customer=customer, name="王芳", phone="13900001111", is_primary=True
    )
    second = services.contact_create(
        actor=sales, customer=customer, name="李强", decision_role="decision_maker", is_primary=True
    )
    first.refresh_from_db()
    assert not first.is_primary and second.is_primary

    services.contact_update(actor=sales, contact=second, version=1, title="总经理")
    services.contact_delete(actor=sales, contact=first)

    actions = list(
        Change.objects.filter(customer_id=customer.pk)
        .order_by("id")
        .values_list("target_type__model", "action")
    )
    assert actions == [
        ("customer", "create"),
        ("contact", "create"),
        ("contact", "create"),
        ("contact", "update"),
        ("contact", "delete"),
    ]
    assert list(Contact.objects.values_list("name", flat=True)) == ["李强"]


def test_deleting_a_customer_keeps_its_history(sales, make_customer):
    customer = make_customer(sales)
    pk = customer.pk
    services.customer_delete(actor=sales, customer=customer)
    assert not Customer.objects.filter(pk=pk).exists()
    assert Change.objects.filter(customer_id=pk, action="delete").exists()
