"""The customer pages, as the server renders them."""

from __future__ import annotations

import pytest

from kehu.customers import services
from kehu.customers.models import Contact, Customer

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice(make_user, client):
    user = make_user("alice")
    client.force_login(user)
    return user


def test_the_list_shows_only_visible_customers_and_searches(
    alice, make_user, make_customer, client
):
    make_customer(alice, name="张三", kind="individual")
    make_customer(alice, name="西安宏达食品有限公司")
    make_customer(make_user("bob"), name="张三丰", kind="individual")

    page = client.get("/customers/").content.decode()
    assert "张三" in page and "西安宏达食品有限公司" in page and "张三丰" not in page

    partial = client.get("/customers/", {"q": "zs"}, HTTP_HX_REQUEST="true").content.decode()
    assert "张三" in partial and "西安宏达" not in partial
    assert "<html" not in partial


def test_a_form_with_several_mistakes_reports_each_next_to_its_field(alice, client):
    response = client.post(
        "/customers/new/",
        {
            "name": "",
            "kind": "company",
            "phone": "123",
            "province": "陕西省",
            "city": "广州市",
            "credit_limit": "0",
            "currency": "CNY",
            "owner": alice.pk,
        },
    )
    page = response.content.decode()
    for field in ["name", "phone", "city"]:
        assert f'data-field-error="{field}"' in page
    assert not Customer.objects.exists()


def test_creating_a_customer_through_the_form(alice, client):
    response = client.post(
        "/customers/new/",
        {
            "name": "渭南金穗粮油有限公司",
            "kind": "company",
            "phone": "0913-3212345",
            "province": "陕西省",
            "city": "渭南市",
            "district": "大荔县",
            "tags": "经销商，重点客户",
            "credit_limit": "1000",
            "currency": "CNY",
            "owner": alice.pk,
        },
    )
    customer = Customer.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/customers/{customer.pk}/"
    assert sorted(t.name for t in customer.tags.all()) == ["经销商", "重点客户"]


def test_a_stale_edit_is_refused_with_an_explanation(alice, make_customer, client):
    customer = make_customer(alice, notes="原始")
    form = {
        "name": customer.name,
        "kind": "company",
        "credit_limit": "0",
        "currency": "CNY",
        "owner": alice.pk,
        "version": 1,
    }
    assert (
        client.post(f"/customers/{customer.pk}/edit/", {**form, "notes": "第一次"}).status_code
        == 302
    )

    response = client.post(f"/customers/{customer.pk}/edit/", {**form, "notes": "第二次"})

    assert response.status_code == 200
    assert 'data-testid="form-errors"' in response.content.decode()
    customer.refresh_from_db()
    assert customer.notes == "第一次"


def test_another_users_customer_is_a_404_page(alice, make_user, make_customer, client):
    theirs = make_customer(make_user("bob"))
    assert client.get(f"/customers/{theirs.pk}/").status_code == 404
    assert client.get(f"/customers/{theirs.pk}/edit/").status_code == 404
    assert client.post(f"/customers/{theirs.pk}/contacts/new/", {"name": "x"}).status_code == 404


def test_a_contact_is_changed_only_through_its_own_customer(alice, make_customer, client):
    customer = make_customer(alice)
    other = make_customer(alice, name="渭南金穗粮油有限公司")
    contact = services.contact_create(actor=alice, customer=other, name="王建国")
    wrong = f"/customers/{customer.pk}/contacts/{contact.pk}"
    assert client.post(f"{wrong}/", {"name": "李四"}).status_code == 404
    assert client.post(f"{wrong}/delete/").status_code == 404
    contact.refresh_from_db()
    assert contact.name == "王建国"
    right = f"/customers/{other.pk}/contacts/{contact.pk}/"
    assert client.get(right).status_code == 200


def test_adding_a_contact_returns_the_refreshed_card(alice, make_customer, client):
    customer = make_customer(alice)
    response = client.post(
        f"/customers/{customer.pk}/contacts/new/",
        {"name": "王芳", "phone": "13900001111", "decision_role": "purchaser"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "王芳" in response.content.decode()
    assert response["HX-Trigger"] == "historyChanged"
    assert Contact.objects.get().customer == customer


def test_the_history_shows_old_and_new_values(alice, make_customer, client):
    customer = make_customer(alice, relationship_level="transactional")
    client.post(
        f"/customers/{customer.pk}/edit/",
        {
            "name": customer.name,
            "kind": "company",
            "credit_limit": "0",
            "currency": "CNY",
            "owner": alice.pk,
            "version": 1,
            "relationship_level": "partnership",
        },
    )
    history = client.get(f"/customers/{customer.pk}/history/").content.decode()
    assert 'class="kehu-change-old">买卖关系' in history


def test_region_options_follow_the_province(alice, client):
    options = client.get("/customers/regions/", {"province": "陕西省"}).content.decode()
    assert "渭南市" in options and "广州市" not in options
    districts = client.get(
        "/customers/regions/", {"province": "陕西省", "city": "渭南市", "level": "district"}
    ).content.decode()
    assert "大荔县" in districts


def test_organisation_pages_are_for_administrators(alice, make_user, client):
    assert client.get("/organisation/users/").status_code == 403
    admin = make_user("boss", "admin")
    client.force_login(admin)
    assert client.get("/organisation/users/").status_code == 200
    response = client.post(
        "/organisation/users/new/",
        {
            "username": "newbie",
            "password": "a-long-password-1",
            "role": admin.role.pk,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    assert "newbie" in client.get("/organisation/users/").content.decode()
