"""The orders API over real HTTP: visibility, bad input, the credit block and its approval."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from kehu.core.models import Change
from kehu.customers.models import Customer
from kehu.orders import services
from kehu.orders.models import Order, Payment, Quote
from tests.orders.conftest import in_days

pytestmark = pytest.mark.django_db


def _quote_payload(customer, products, **changes):
    return {
        "customer": customer.pk,
        "valid_until": in_days(30).isoformat(),
        "lines": [
            {"product": products["valve"].pk, "quantity": "10", "discount_percent": "10"},
            {"product": products["pipe"].pk, "quantity": "100"},
        ],
        **changes,
    }


def test_a_quote_is_built_revised_and_accepted_over_the_api(
    team, make_customer, products, api_client
):
    client = api_client(team["alice"])
    customer = make_customer(team["alice"])
    created = client.post("/api/v1/quotes/", _quote_payload(customer, products), format="json")
    assert created.status_code == 201, created.data
    assert created.data["total"] == "3500.00"
    assert [line["unit_price"] for line in created.data["lines"]] == ["250.00", "12.50"]

    quote_id = created.data["id"]
    revised = client.post(
        f"/api/v1/quotes/{quote_id}/revise/",
        {
            "valid_until": in_days(15).isoformat(),
            "lines": [{"product": products["valve"].pk, "quantity": "4", "unit_price": "240"}],
        },
        format="json",
    )
    assert revised.status_code == 201, revised.data
    assert (revised.data["revision"], revised.data["total"]) == (2, "960.00")
    assert client.post(f"/api/v1/quotes/{quote_id}/accept/").status_code == 400
    assert client.get(f"/api/v1/quotes/{quote_id}/").data["status"] == "superseded"

    accepted = client.post(f"/api/v1/quotes/{revised.data['id']}/accept/")
    assert accepted.status_code == 201
    assert (accepted.data["status"], accepted.data["total"]) == ("draft", "960.00")


@pytest.mark.parametrize(
    ("line", "message_part"),
    [
        ({"quantity": "-2"}, "quantity"),
        ({"quantity": "1", "unit_price": "-1"}, "unit price"),
        ({"quantity": "1", "discount_percent": "150"}, "discount %"),
    ],
)
def test_bad_lines_get_a_400_naming_the_field(
    team, make_customer, products, api_client, english, line, message_part
):
    client = api_client(team["alice"])
    payload = _quote_payload(
        make_customer(team["alice"]), products, lines=[{"product": products["valve"].pk, **line}]
    )
    response = client.post("/api/v1/quotes/", payload, format="json")
    assert response.status_code == 400
    assert message_part in str(response.data)
    assert not Quote.objects.exists()


def test_credit_block_409_then_approval_then_confirmation(
    team, make_customer, products, make_order, confirmed_order, api_client, english
):
    customer = make_customer(team["alice"], credit_limit=Decimal("5000"))
    confirmed_order(team["alice"], customer, "4000.00")
    order = make_order(team["alice"], customer, "2000.00")
    alice, finance = api_client(team["alice"]), api_client(team["finance"])

    blocked = alice.post(f"/api/v1/orders/{order.pk}/confirm/")
    assert blocked.status_code == 409
    assert blocked.data["credit_limit"] == "5000.00"
    assert blocked.data["open_receivables"] == "4000.00"
    assert blocked.data["amount"] == "2000.00"
    assert "credit limit of 5,000.00 CNY" in blocked.data["detail"]
    assert "open receivables 4,000.00 CNY" in blocked.data["detail"]

    request = alice.post(
        "/api/v1/credit-approvals/", {"order": order.pk, "reason": "战略客户"}, format="json"
    )
    assert request.status_code == 201, request.data
    approval_id = request.data["id"]
    assert (
        alice.post(
            f"/api/v1/credit-approvals/{approval_id}/decide/", {"approve": True}, format="json"
        ).status_code
        == 403
    )
    decided = finance.post(
        f"/api/v1/credit-approvals/{approval_id}/decide/",
        {"approve": True, "note": "已与财务总监确认"},
        format="json",
    )
    assert decided.status_code == 200
    assert (decided.data["status"], decided.data["decided_by"]) == ("approved", "huangmin")

    confirmed = alice.post(f"/api/v1/orders/{order.pk}/confirm/")
    assert confirmed.status_code == 200
    assert confirmed.data["status"] == "confirmed"
    assert confirmed.data["due_date"] == in_days(30).isoformat()
    again = alice.post(f"/api/v1/orders/{order.pk}/confirm/")
    assert again.status_code == 409
    assert again.json()["detail"] == f"This order is already confirmed (on {timezone.localdate()})."


def test_confirming_a_cancelled_order_is_refused(team, make_customer, make_order, api_client):
    client = api_client(team["alice"])
    order = make_order(team["alice"], make_customer(team["alice"]))
    cancel = client.post(
        f"/api/v1/orders/{order.pk}/transition/", {"status": "cancelled"}, format="json"
    )
    assert cancel.status_code == 200 and cancel.data["status"] == "cancelled"
    response = client.post(f"/api/v1/orders/{order.pk}/confirm/")
    assert response.status_code == 400
    assert "status" in response.data
    assert Order.objects.get(pk=order.pk).status == "cancelled"


def test_a_customer_with_orders_is_kept_and_the_reason_given(
    team, make_customer, make_order, api_client, client, english
):
    customer = make_customer(team["alice"], name="宏达")
    make_order(team["alice"], customer)
    response = api_client(team["admin"]).delete(f"/api/v1/customers/{customer.pk}/")
    assert response.status_code == 409
    assert response.json()["detail"] == (
        "“宏达” cannot be deleted while these rest on it: orders (1)."
    )
    client.force_login(team["admin"])
    page = client.post(f"/customers/{customer.pk}/delete/", follow=True)
    assert page.redirect_chain[-1][0] == f"/customers/{customer.pk}/"
    assert "cannot be deleted while these rest on it: orders (1)" in page.content.decode()
    assert Customer.objects.filter(pk=customer.pk).exists()
    assert not Change.objects.filter(customer_id=customer.pk, action="delete").exists()


def test_an_order_with_specs_is_created_shipped_and_paid(
    team, make_customer, products, api_client, english
):
    alice, finance = api_client(team["alice"]), api_client(team["finance"])
    customer = make_customer(team["alice"])
    created = alice.post(
        "/api/v1/orders/",
        {
            "customer": customer.pk,
            "lines": [
                {
                    "product": products["valve"].pk,
                    "quantity": "3",
                    "specs": {"口径": "DN80", "材质": "304"},
                }
            ],
        },
        format="json",
    )
    assert created.status_code == 201, created.data
    assert created.data["lines"][0]["specs"] == {"口径": "DN80", "材质": "304"}
    order_id, line_id = created.data["id"], created.data["lines"][0]["id"]
    assert alice.post(f"/api/v1/orders/{order_id}/confirm/").status_code == 200

    shipped = alice.post(
        f"/api/v1/orders/{order_id}/deliveries/",
        {
            "shipped_on": in_days(0).isoformat(),
            "carrier": "德邦物流",
            "tracking_number": "DB0001",
            "lines": [{"order_line": line_id, "quantity": "3"}],
        },
        format="json",
    )
    assert shipped.status_code == 201, shipped.data
    assert alice.get(f"/api/v1/orders/{order_id}/").data["status"] == "shipped"
    timeline = alice.get(f"/api/v1/orders/{order_id}/timeline/").data
    assert [step["to_status"] for step in timeline] == ["draft", "confirmed", "shipped"]

    too_much = finance.post(
        "/api/v1/payments/",
        {"order": order_id, "amount": "750.01", "received_on": in_days(0).isoformat()},
        format="json",
    )
    assert too_much.status_code == 400
    assert "750.00 CNY still owed" in str(too_much.data["amount"])
    paid = finance.post(
        "/api/v1/payments/",
        {
            "order": order_id,
            "amount": "750.00",
            "received_on": in_days(0).isoformat(),
            "method": "acceptance_bill",
            "reference": "HP20261122",
        },
        format="json",
    )
    assert paid.status_code == 201, paid.data
    assert alice.get(f"/api/v1/orders/{order_id}/").data["outstanding"] == "0.00"


def test_a_salesperson_cannot_record_payments(team, make_customer, confirmed_order, api_client):
    order = confirmed_order(team["alice"], make_customer(team["alice"]))
    response = api_client(team["alice"]).post(
        "/api/v1/payments/",
        {"order": order.pk, "amount": "1", "received_on": in_days(0).isoformat()},
        format="json",
    )
    assert response.status_code == 403
    assert not Payment.objects.exists()


def test_another_salespersons_records_are_404(
    team, make_customer, make_quote, confirmed_order, api_client
):
    customer = make_customer(team["alice"])
    quote = make_quote(team["alice"], customer)
    order = confirmed_order(team["alice"], customer)
    payment = services.payment_create(
        actor=team["finance"], order=order, amount=Decimal("1"), received_on=in_days(0)
    )
    bob = api_client(team["bob"])
    for url in [
        f"/api/v1/quotes/{quote.pk}/",
        f"/api/v1/orders/{order.pk}/",
        f"/api/v1/payments/{payment.pk}/",
    ]:
        assert bob.get(url).status_code == 404
    assert bob.post(f"/api/v1/quotes/{quote.pk}/accept/").status_code == 404
    assert bob.post(f"/api/v1/orders/{order.pk}/confirm/").status_code == 404
    assert bob.get("/api/v1/orders/").data["count"] == 0
    # Another salesperson's customer cannot be quoted either.
    response = bob.post(
        "/api/v1/quotes/",
        {"customer": customer.pk, "valid_until": in_days(3).isoformat(), "lines": []},
        format="json",
    )
    assert response.status_code == 400 and "customer" in response.data
    manager = api_client(team["manager"])
    assert manager.get(f"/api/v1/orders/{order.pk}/").status_code == 200
    assert api_client(team["finance"]).get("/api/v1/orders/").data["count"] == 1


def test_products_are_managed_by_admins_only(team, api_client):
    payload = {"sku": "BX-1", "name": "包装箱", "unit": "箱", "list_price": "8.00"}
    assert api_client(team["alice"]).post("/api/v1/products/", payload).status_code == 403
    created = api_client(team["admin"]).post("/api/v1/products/", payload)
    assert created.status_code == 201
    listed = api_client(team["alice"]).get("/api/v1/products/")
    assert [p["sku"] for p in listed.data["results"]] == ["BX-1"]
    stale = api_client(team["admin"]).patch(
        f"/api/v1/products/{created.data['id']}/", {"list_price": "9", "version": 7}
    )
    assert stale.status_code == 409


def test_the_dealer_field_takes_only_visible_dealers(team, make_customer, api_client, english):
    mine = make_customer(team["alice"], name="陕西秦丰经销部", kind="dealer")
    bobs = make_customer(team["bob"], name="甘肃陇原经销部", kind="dealer")
    company = make_customer(team["alice"], name="宝鸡机械厂")
    client = api_client(team["alice"])
    for dealer in (bobs, company):
        response = client.post(
            "/api/v1/customers/", {"name": "咸阳饭店", "dealer": dealer.pk}, format="json"
        )
        assert response.status_code == 400 and "dealer" in response.data
    created = client.post("/api/v1/customers/", {"name": "咸阳饭店", "dealer": mine.pk})
    assert created.status_code == 201 and created.data["dealer"] == mine.pk
