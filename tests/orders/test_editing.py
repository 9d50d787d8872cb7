"""Changing orders, quotes and payments after they were entered: through the services, the API
and the pages, on the real database. A draft order changes freely; a confirmed one only its
notes; a payment's correction moves what the order has been paid; a quote's lines change only
by revising it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from kehu.core.exceptions import VersionConflict
from kehu.core.history import change_lines
from kehu.core.models import Change
from kehu.orders import services
from kehu.orders.models import Order, OrderLine, OrderStatus, Payment, Quote, QuoteStatus
from tests.orders.conftest import in_days

pytestmark = pytest.mark.django_db


def _line_summary(order: Order) -> list[tuple[str, Decimal, Decimal, Decimal, dict[str, str]]]:
    return [
        (line.product.sku, line.quantity, line.unit_price, line.line_total, line.specs)
        for line in order.lines.select_related("product")
    ]


# Orders through the service -------------------------------------------------------------


def test_a_draft_order_gets_new_lines_priced_afresh_and_a_new_total(
    team, make_customer, products, make_order
):
    customer = make_customer(team["alice"])
    group = services.customer_group_save(actor=team["admin"], name="一级批发商")
    services.customer_group_add(actor=team["admin"], group=group, customer=customer)
    services.price_set(actor=team["admin"], group=group, product=products["pipe"], price="10")
    order = make_order(team["alice"], customer, "1000.00")

    updated = services.order_update(
        actor=team["alice"],
        order=order,
        version=order.version,
        notes="三月交货",
        lines=[
            {"product": products["valve"], "quantity": "2", "specs": {"口径": "DN50"}},
            {"product": products["pipe"], "quantity": "30", "discount_percent": "10"},
        ],
    )

    order.refresh_from_db()
    assert _line_summary(order) == [
        ("VX-100", Decimal("2"), Decimal("250.00"), Decimal("500.00"), {"口径": "DN50"}),
        ("PP-20", Decimal("30"), Decimal("10.00"), Decimal("270.00"), {}),
    ]
    assert (order.total, order.notes, order.version) == (Decimal("770.00"), "三月交货", 2)
    assert updated.version == 2
    change = Change.objects.filter(target_id=order.pk, action="update").latest("id")
    assert change.actor == team["alice"]
    assert change.changes["total"] == ["1000.00", "770.00"]
    assert change.changes["notes"] == ["", "三月交货"]
    assert change.changes["lines"] == [
        ["VX-100 × 1 × 1000.00"],
        ["VX-100 × 2 × 250.00 口径: DN50", "PP-20 × 30 × 10.00 −10%"],
    ]
    shown = {line.field: line for line in change_lines(change, reveal_contact_details=False)}
    assert str(shown["lines"].label) == str(OrderLine._meta.verbose_name_plural)
    assert shown["lines"].new == "VX-100 × 2 × 250.00 口径: DN50, PP-20 × 30 × 10.00 −10%"


def test_a_stale_version_changes_nothing(team, make_customer, products, make_order):
    order = make_order(team["alice"], make_customer(team["alice"]))
    services.order_update(actor=team["alice"], order=order, version=1, notes="first")
    with pytest.raises(VersionConflict):
        services.order_update(
            actor=team["bob"],
            order=order,
            version=1,
            lines=[{"product": products["pipe"], "quantity": "1"}],
        )
    order.refresh_from_db()
    assert (order.notes, order.total, order.version) == ("first", Decimal("1000.00"), 2)
    assert [line.product.sku for line in order.lines.all()] == ["VX-100"]


def test_bad_lines_in_an_edit_are_refused_naming_line_and_field(
    team, make_customer, products, make_order, english
):
    order = make_order(team["alice"], make_customer(team["alice"]))
    with pytest.raises(ValidationError) as error:
        services.order_update(
            actor=team["alice"],
            order=order,
            version=order.version,
            lines=[
                {"product": products["valve"], "quantity": "1"},
                {"product": products["pipe"], "quantity": "1", "discount_percent": "120"},
            ],
        )
    assert any("Line 2, discount %" in m for m in error.value.message_dict["lines"])
    order.refresh_from_db()
    assert (order.total, order.version, order.lines.count()) == (Decimal("1000.00"), 1, 1)


def test_a_confirmed_order_keeps_its_lines_and_dealer_but_takes_new_notes(
    team, make_customer, products, confirmed_order, english
):
    customer = make_customer(team["alice"])
    dealer = make_customer(team["alice"], name="陕西秦丰经销部", kind="dealer")
    order = confirmed_order(team["alice"], customer)

    with pytest.raises(ValidationError) as error:
        services.order_update(
            actor=team["alice"],
            order=order,
            version=order.version,
            dealer=dealer,
            lines=[{"product": products["valve"], "quantity": "5", "unit_price": "1000"}],
        )
    assert set(error.value.message_dict) == {"lines", "dealer"}
    assert error.value.message_dict["lines"] == [
        "The order lines of an order cannot change once it is Confirmed; only its notes can."
    ]
    assert "dealer" in error.value.message_dict["dealer"][0]

    # The lines read back unchanged are no change: only the notes are written.
    services.order_update(
        actor=team["alice"],
        order=order,
        version=order.version,
        notes="客户要求分两批发货",
        lines=[
            {
                "product": products["valve"],
                "quantity": Decimal("1.000"),
                "unit_price": Decimal("1000.00"),
                "discount_percent": Decimal("0.00"),
                "specs": {},
            }
        ],
    )
    order.refresh_from_db()
    assert (order.status, order.notes, order.dealer) == ("confirmed", "客户要求分两批发货", None)
    assert order.total == Decimal("1000.00")


def test_a_draft_order_changes_its_dealer_only_for_a_dealer(
    team, make_customer, make_order, english
):
    customer = make_customer(team["alice"])
    dealer = make_customer(team["alice"], name="陕西秦丰经销部", kind="dealer")
    shop = make_customer(team["alice"], name="咸阳饭店")
    order = make_order(team["alice"], customer)
    with pytest.raises(ValidationError) as error:
        services.order_update(actor=team["alice"], order=order, version=1, dealer=shop)
    assert error.value.message_dict == {"dealer": ["咸阳饭店 is not a dealer."]}
    services.order_update(actor=team["alice"], order=order, version=1, dealer=dealer)
    assert Order.objects.get(pk=order.pk).dealer == dealer


def test_a_cancelled_order_cannot_be_changed(team, make_customer, make_order, english):
    order = make_order(team["alice"], make_customer(team["alice"]))
    services.order_transition(actor=team["alice"], order=order, to_status=OrderStatus.CANCELLED)
    with pytest.raises(ValidationError) as error:
        services.order_update(actor=team["alice"], order=order, version=order.version, notes="x")
    assert error.value.message_dict == {"order": ["A cancelled order cannot be changed."]}


def test_an_orders_customer_never_changes(team, make_customer, make_order, english):
    order = make_order(team["alice"], make_customer(team["alice"]))
    other = make_customer(team["alice"], name="咸阳饭店")
    with pytest.raises(ValidationError) as error:
        services.order_update(
            actor=team["alice"], order=order, version=order.version, customer=other
        )
    assert list(error.value.message_dict) == ["customer"]
    assert Order.objects.get(pk=order.pk).customer != other


# Payments through the service -----------------------------------------------------------


def test_correcting_a_payment_moves_what_the_order_has_been_paid(
    team, make_customer, confirmed_order
):
    order = confirmed_order(team["alice"], make_customer(team["alice"]), "1000.00")
    payment = services.payment_create(
        actor=team["finance"], order=order, amount=Decimal("300"), received_on=in_days(0)
    )

    services.payment_update(
        actor=team["finance"],
        payment=payment,
        version=payment.version,
        amount=Decimal("800"),
        method="cash",
        reference="更正：实收八百",
    )
    order.refresh_from_db()
    payment.refresh_from_db()
    assert (order.paid, payment.amount, payment.method, payment.version) == (
        Decimal("800.00"),
        Decimal("800.00"),
        "cash",
        2,
    )
    services.payment_update(
        actor=team["finance"], payment=payment, version=2, amount=Decimal("150")
    )
    order.refresh_from_db()
    assert order.paid == Decimal("150.00")
    history = Change.objects.filter(customer_id=order.customer_id).order_by("id")
    assert [c.changes.get("paid") for c in history if "paid" in c.changes][-2:] == [
        ["300.00", "800.00"],
        ["800.00", "150.00"],
    ]
    assert history.filter(target_id=payment.pk, changes__has_key="method").exists()


def test_a_correction_paying_more_than_the_total_changes_nothing(
    team, make_customer, confirmed_order, english
):
    order = confirmed_order(team["alice"], make_customer(team["alice"]), "1000.00")
    first = services.payment_create(
        actor=team["finance"], order=order, amount=Decimal("600"), received_on=in_days(0)
    )
    services.payment_create(
        actor=team["finance"], order=order, amount=Decimal("300"), received_on=in_days(0)
    )
    with pytest.raises(ValidationError) as error:
        services.payment_update(
            actor=team["finance"],
            payment=first,
            version=first.version,
            amount=Decimal("750"),
            reference="改了",
        )
    assert error.value.message_dict == {
        "amount": ["750.00 would pay 150.00 more, but only 100.00 CNY is still owed."]
    }
    order.refresh_from_db()
    first.refresh_from_db()
    assert (order.paid, first.amount, first.reference, first.version) == (
        Decimal("900.00"),
        Decimal("600.00"),
        "",
        1,
    )


def test_a_stale_payment_correction_is_a_conflict(team, make_customer, confirmed_order):
    order = confirmed_order(team["alice"], make_customer(team["alice"]))
    payment = services.payment_create(
        actor=team["finance"], order=order, amount=Decimal("100"), received_on=in_days(0)
    )
    services.payment_update(actor=team["finance"], payment=payment, version=1, reference="A")
    with pytest.raises(VersionConflict):
        services.payment_update(
            actor=team["admin"], payment=payment, version=1, amount=Decimal("200")
        )
    order.refresh_from_db()
    assert order.paid == Decimal("100.00")


# Quotes through the service -------------------------------------------------------------


def test_an_open_quote_takes_a_new_validity_and_notes_in_place(
    team, make_customer, products, make_quote, english
):
    quote = make_quote(team["alice"], make_customer(team["alice"]))
    services.quote_update(
        actor=team["alice"],
        quote=quote,
        version=quote.version,
        valid_until=in_days(60),
        notes="含运费",
    )
    quote.refresh_from_db()
    assert (quote.valid_until, quote.notes, quote.revision, quote.version) == (
        in_days(60),
        "含运费",
        1,
        2,
    )
    assert Quote.objects.count() == 1

    with pytest.raises(ValidationError) as error:
        services.quote_update(
            actor=team["alice"],
            quote=quote,
            version=quote.version,
            lines=[{"product": products["pipe"], "quantity": "1"}],
        )
    assert "revise" in error.value.message_dict["lines"][0]

    revised = services.quote_revise(
        actor=team["alice"],
        quote=quote,
        valid_until=in_days(30),
        lines=[{"product": products["pipe"], "quantity": "1"}],
    )
    with pytest.raises(ValidationError) as error:
        services.quote_update(actor=team["alice"], quote=quote, version=quote.version, notes="x")
    assert error.value.message_dict["status"] == [
        "Only the latest open version of a quote can be changed; this one is Superseded."
    ]
    services.quote_accept(actor=team["alice"], quote=revised)
    with pytest.raises(ValidationError):
        services.quote_update(
            actor=team["alice"], quote=revised, version=revised.version, notes="x"
        )
    assert Quote.objects.get(pk=revised.pk).status == QuoteStatus.ACCEPTED


# The API --------------------------------------------------------------------------------


def test_a_draft_order_is_edited_over_the_api(
    team, make_customer, products, make_order, api_client
):
    order = make_order(team["alice"], make_customer(team["alice"]))
    client = api_client(team["alice"])
    read = client.get(f"/api/v1/orders/{order.pk}/").data
    assert read["version"] == 1

    patched = client.patch(
        f"/api/v1/orders/{order.pk}/",
        {
            "version": read["version"],
            "lines": [
                {"product": products["pipe"].pk, "quantity": "40", "specs": {"颜色": "白"}},
            ],
        },
        format="json",
    )
    assert patched.status_code == 200, patched.data
    assert (patched.data["total"], patched.data["version"]) == ("500.00", 2)
    assert patched.data["lines"][0]["specs"] == {"颜色": "白"}

    stale = client.patch(
        f"/api/v1/orders/{order.pk}/", {"version": 1, "notes": "晚了"}, format="json"
    )
    assert stale.status_code == 409
    assert stale.data["current_version"] == 2
    assert (
        client.patch(f"/api/v1/orders/{order.pk}/", {"notes": "x"}, format="json").status_code
        == 400
    )


def test_a_confirmed_order_over_the_api_takes_notes_and_refuses_lines(
    team, make_customer, products, confirmed_order, api_client, english
):
    customer = make_customer(team["alice"])
    other = make_customer(team["alice"], name="咸阳饭店")
    order = confirmed_order(team["alice"], customer)
    client = api_client(team["alice"])
    url = f"/api/v1/orders/{order.pk}/"

    lines = client.patch(
        url,
        {"version": 1, "lines": [{"product": products["pipe"].pk, "quantity": "1"}]},
        format="json",
    )
    assert lines.status_code == 400
    assert "cannot change once it is Confirmed" in lines.data["lines"][0]

    moved = client.patch(url, {"version": 1, "customer": other.pk}, format="json")
    assert moved.status_code == 400
    assert list(moved.data) == ["customer"]

    # A PUT of the order as it was read, with new notes, is a notes change.
    whole = client.get(url).data
    put = client.put(url, {**whole, "notes": "周五前发货"}, format="json")
    assert put.status_code == 200, put.data
    assert (put.data["notes"], put.data["total"], put.data["version"]) == (
        "周五前发货",
        "1000.00",
        2,
    )


def test_a_payment_is_corrected_over_the_api(team, make_customer, confirmed_order, api_client):
    order = confirmed_order(team["alice"], make_customer(team["alice"]), "1000.00")
    finance = api_client(team["finance"])
    created = finance.post(
        "/api/v1/payments/",
        {"order": order.pk, "amount": "400", "received_on": in_days(0).isoformat()},
        format="json",
    )
    assert created.status_code == 201, created.data
    url = f"/api/v1/payments/{created.data['id']}/"

    corrected = finance.patch(
        url,
        {
            "version": created.data["version"],
            "amount": "450",
            "received_on": in_days(-1).isoformat(),
        },
        format="json",
    )
    assert corrected.status_code == 200, corrected.data
    assert (corrected.data["amount"], corrected.data["version"]) == ("450.00", 2)
    assert Order.objects.get(pk=order.pk).paid == Decimal("450.00")

    too_much = finance.patch(url, {"version": 2, "amount": "1200"}, format="json")
    assert too_much.status_code == 400
    assert list(too_much.data) == ["amount"]
    assert Order.objects.get(pk=order.pk).paid == Decimal("450.00")
    assert Payment.objects.get(pk=created.data["id"]).amount == Decimal("450.00")

    assert finance.patch(url, {"amount": "500"}, format="json").status_code == 400
    salesperson = api_client(team["alice"]).patch(url, {"version": 2, "amount": "1"}, format="json")
    assert salesperson.status_code == 403


def test_a_quote_is_patched_in_place_and_its_lines_only_by_revising(
    team, make_customer, products, make_quote, api_client
):
    quote = make_quote(team["alice"], make_customer(team["alice"]))
    client = api_client(team["alice"])
    url = f"/api/v1/quotes/{quote.pk}/"

    patched = client.patch(
        url, {"version": 1, "valid_until": in_days(45).isoformat(), "notes": "含税"}, format="json"
    )
    assert patched.status_code == 200, patched.data
    assert (patched.data["id"], patched.data["revision"], patched.data["version"]) == (
        quote.pk,
        1,
        2,
    )
    assert (patched.data["valid_until"], patched.data["notes"]) == (in_days(45).isoformat(), "含税")

    with_lines = client.patch(
        url,
        {"version": 2, "lines": [{"product": products["pipe"].pk, "quantity": "3"}]},
        format="json",
    )
    assert with_lines.status_code == 400
    assert "revise" in with_lines.data["lines"][0]
    assert client.patch(url, {"version": 1, "notes": "旧"}, format="json").status_code == 409

    client.post(
        f"{url}revise/",
        {
            "valid_until": in_days(30).isoformat(),
            "lines": [{"product": products["pipe"].pk, "quantity": "3"}],
        },
        format="json",
    )
    superseded = client.patch(url, {"version": 2, "notes": "改"}, format="json")
    assert superseded.status_code == 400
    assert list(superseded.data) == ["status"]


def test_another_salespersons_records_cannot_be_changed(
    team, make_customer, make_quote, confirmed_order, api_client, client
):
    order = confirmed_order(team["alice"], make_customer(team["alice"]))
    quote = make_quote(team["alice"], order.customer)
    payment = services.payment_create(
        actor=team["finance"], order=order, amount=Decimal("10"), received_on=in_days(0)
    )
    bob = api_client(team["bob"])
    assert (
        bob.patch(
            f"/api/v1/orders/{order.pk}/", {"version": 1, "notes": "x"}, format="json"
        ).status_code
        == 404
    )
    assert (
        bob.patch(
            f"/api/v1/quotes/{quote.pk}/", {"version": 1, "notes": "x"}, format="json"
        ).status_code
        == 404
    )
    client.force_login(team["bob"])
    assert client.get(f"/orders/{order.pk}/edit/").status_code == 404
    assert client.post(f"/orders/{order.pk}/edit/", {"notes": "x"}).status_code == 404
    order.refresh_from_db()
    assert order.notes == ""
    assert Payment.objects.get(pk=payment.pk).version == 1


# The pages ------------------------------------------------------------------------------


def test_an_order_is_entered_without_a_quote_and_a_bad_line_keeps_what_was_typed(
    team, make_customer, products, client, english
):
    customer = make_customer(team["alice"])
    client.force_login(team["alice"])
    card = client.get(f"/customers/{customer.pk}/").content.decode()
    assert f"/orders/new/?customer={customer.pk}" in card
    assert client.get(f"/orders/new/?customer={customer.pk}").status_code == 200
    assert b'name="line-3-spec-5-name"' in client.get("/orders/rows/spec/?line=3&index=5").content
    assert b"add-spec" in client.get("/orders/rows/line/?index=3&specs=1").content

    typed = {
        "customer": customer.pk,
        "notes": "样品单",
        "line-0-product": products["valve"].pk,
        "line-0-quantity": "-3",
        "line-0-spec-0-name": "口径",
        "line-0-spec-0-value": "DN80",
        "line-9-product": products["pipe"].pk,
        "line-9-quantity": "12",
        "line-9-discount_percent": "150",
    }
    refused = client.post("/orders/new/", typed)
    page = refused.content.decode()
    assert refused.status_code == 200
    assert "Line 1, quantity" in page and "Line 2, discount %" in page
    for shown in ['value="-3"', 'value="DN80"', 'value="口径"', 'value="150"', "样品单"]:
        assert shown in page
    assert not Order.objects.exists()

    saved = client.post(
        "/orders/new/", {**typed, "line-0-quantity": "3", "line-9-discount_percent": "5"}
    )
    order = Order.objects.get()
    assert saved.status_code == 302 and saved.url == f"/orders/{order.pk}/"
    assert _line_summary(order) == [
        ("VX-100", Decimal("3"), Decimal("250.00"), Decimal("750.00"), {"口径": "DN80"}),
        ("PP-20", Decimal("12"), Decimal("12.50"), Decimal("142.50"), {}),
    ]
    assert (order.total, order.quote, order.notes) == (Decimal("892.50"), None, "样品单")


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ({"line-0-product": "99999", "line-0-quantity": "4"}, "Line 1, product"),
        ({}, "Add at least one line."),
    ],
)
def test_an_unknown_product_or_no_line_is_named(
    team, make_customer, client, english, rows, message
):
    customer = make_customer(team["alice"])
    client.force_login(team["alice"])
    response = client.post("/orders/new/", {"customer": customer.pk, **rows})
    assert response.status_code == 200
    assert message in response.content.decode()
    if rows:
        assert 'value="4"' in response.content.decode()
    assert not Order.objects.exists()


def test_a_draft_order_is_edited_on_its_page(
    team, make_customer, products, make_order, client, english
):
    order = make_order(team["alice"], make_customer(team["alice"]))
    client.force_login(team["alice"])
    assert f"/orders/{order.pk}/edit/" in client.get(f"/orders/{order.pk}/").content.decode()
    form = client.get(f"/orders/{order.pk}/edit/").content.decode()
    assert 'name="version"' in form and 'value="1000.00"' in form

    edited = client.post(
        f"/orders/{order.pk}/edit/",
        {
            "version": "1",
            "notes": "改为两个",
            "line-0-product": products["valve"].pk,
            "line-0-quantity": "2",
            "line-0-unit_price": "1000.00",
            "line-0-discount_percent": "10",
        },
    )
    assert edited.status_code == 302 and edited.url == f"/orders/{order.pk}/"
    order.refresh_from_db()
    assert (order.total, order.notes, order.version) == (Decimal("1800.00"), "改为两个", 2)

    stale = client.post(
        f"/orders/{order.pk}/edit/",
        {"version": "1", "line-0-product": products["pipe"].pk, "line-0-quantity": "1"},
    )
    assert stale.status_code == 200
    assert "Someone else changed this record" in stale.content.decode()
    assert Order.objects.get(pk=order.pk).total == Decimal("1800.00")


def test_a_confirmed_order_has_no_edit_page(team, make_customer, confirmed_order, client):
    order = confirmed_order(team["alice"], make_customer(team["alice"]))
    client.force_login(team["alice"])
    assert f"/orders/{order.pk}/edit/" not in client.get(f"/orders/{order.pk}/").content.decode()
    response = client.get(f"/orders/{order.pk}/edit/")
    assert response.status_code == 302 and response.url == f"/orders/{order.pk}/"
