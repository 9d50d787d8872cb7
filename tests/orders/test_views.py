"""The orders pages over the Django test client: what each person sees, the 404s, the PDFs
and the cost of the lists in queries."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kehu.customers.models import Customer
from kehu.orders import services
from kehu.orders.models import CustomerGroup, Order, Payment, Quote
from tests.orders.conftest import in_days
from tests.orders.pdf_text import embeds_a_font, mapped_characters

pytestmark = pytest.mark.django_db


def test_a_quote_is_built_on_the_page_and_accepted(team, make_customer, products, client):
    customer = make_customer(team["alice"])
    client.force_login(team["alice"])
    assert client.get(f"/orders/quotes/new/?customer={customer.pk}").status_code == 200
    row = client.get("/orders/rows/line/?index=7")
    assert b'name="line-7-product"' in row.content
    response = client.post(
        "/orders/quotes/new/",
        {
            "customer": customer.pk,
            "valid_until": in_days(10).isoformat(),
            "line-0-product": products["valve"].pk,
            "line-0-quantity": "4",
            "line-7-product": products["pipe"].pk,
            "line-7-quantity": "10",
            "line-7-discount_percent": "5",
        },
    )
    quote = Quote.objects.get()
    assert response.status_code == 302 and response.url == f"/orders/quotes/{quote.pk}/"
    assert quote.total == Decimal("1118.75")
    assert client.get(response.url).status_code == 200
    accepted = client.post(f"/orders/quotes/{quote.pk}/accept/")
    order = Order.objects.get()
    assert accepted.url == f"/orders/{order.pk}/"
    page = client.get(accepted.url)
    # Kehu follows the reader's locale: Chinese amounts are written without grouping commas.
    assert page.status_code == 200 and "1,118.75" in page.content.decode()


def test_a_bad_line_is_shown_and_nothing_saved(team, make_customer, products, client, english):
    customer = make_customer(team["alice"])
    client.force_login(team["alice"])
    response = client.post(
        "/orders/quotes/new/",
        {
            "customer": customer.pk,
            "valid_until": in_days(10).isoformat(),
            "line-0-product": products["valve"].pk,
            "line-0-quantity": "-3",
        },
    )
    assert response.status_code == 200
    assert "Line 1, quantity" in response.content.decode()
    assert not Quote.objects.exists()


def test_the_credit_block_and_approval_on_the_order_page(
    team, make_customer, make_order, client, english
):
    customer = make_customer(team["alice"], credit_limit=Decimal("1000"))
    order = make_order(team["alice"], customer, "1500.00")
    client.force_login(team["alice"])
    page = client.get(f"/orders/{order.pk}/").content.decode()
    assert "credit limit of 1,000.00 CNY" in page
    client.post(f"/orders/{order.pk}/confirm/")
    assert Order.objects.get(pk=order.pk).status == "draft"
    client.post(f"/orders/{order.pk}/request-approval/", {"reason": "老客户"})
    approval = order.credit_approvals.get()

    client.force_login(team["finance"])
    queue = client.get("/orders/approvals/").content.decode()
    assert order.number in queue
    client.post(f"/orders/approvals/{approval.pk}/decide/", {"decision": "approve", "note": "可以"})

    client.force_login(team["alice"])
    client.post(f"/orders/{order.pk}/confirm/")
    assert Order.objects.get(pk=order.pk).status == "confirmed"


def test_finance_records_a_payment_on_the_page(team, make_customer, confirmed_order, client):
    order = confirmed_order(team["alice"], make_customer(team["alice"]), "800.00")
    client.force_login(team["finance"])
    client.post(
        f"/orders/{order.pk}/payment/",
        {"received_on": in_days(0).isoformat(), "amount": "900", "method": "cash"},
    )
    assert not Payment.objects.exists()
    client.post(
        f"/orders/{order.pk}/payment/",
        {"received_on": in_days(0).isoformat(), "amount": "300", "method": "cash"},
    )
    assert Order.objects.get(pk=order.pk).paid == Decimal("300.00")
    client.force_login(team["alice"])
    refused = client.post(
        f"/orders/{order.pk}/payment/",
        {"received_on": in_days(0).isoformat(), "amount": "1", "method": "cash"},
    )
    assert refused.status_code == 403


def test_a_line_is_read_only_through_its_own_order(team, make_customer, make_order, client):
    customer = make_customer(team["alice"])
    order, other = make_order(team["alice"], customer), make_order(team["alice"], customer)
    line = other.lines.get()
    client.force_login(team["alice"])
    assert client.get(f"/orders/{order.pk}/lines/{line.pk}/specs/").status_code == 404
    edit = f"/orders/{order.pk}/lines/{line.pk}/specs/edit/"
    assert client.post(edit, {"spec-0-name": "颜色", "spec-0-value": "白"}).status_code == 404
    line.refresh_from_db()
    assert line.specs == {}
    assert client.get(f"/orders/{other.pk}/lines/{line.pk}/specs/").status_code == 200


def test_specs_are_edited_as_rows(team, make_customer, make_order, client):
    order = make_order(team["alice"], make_customer(team["alice"]))
    line = order.lines.get()
    client.force_login(team["alice"])
    form = client.get(f"/orders/{order.pk}/lines/{line.pk}/specs/edit/")
    assert b'name="spec-0-name"' in form.content
    saved = client.post(
        f"/orders/{order.pk}/lines/{line.pk}/specs/edit/",
        {
            "spec-0-name": "颜色",
            "spec-0-value": "哑光黑",
            "spec-5-name": "尺寸",
            "spec-5-value": "1200×600",
        },
    )
    assert "哑光黑" in saved.content.decode()
    line.refresh_from_db()
    assert line.specs == {"颜色": "哑光黑", "尺寸": "1200×600"}


def test_other_peoples_records_are_404_on_every_page(
    team, make_customer, make_quote, confirmed_order, client
):
    customer = make_customer(team["alice"])
    quote = make_quote(team["alice"], customer)
    order = confirmed_order(team["alice"], customer)
    dealer = make_customer(team["alice"], name="陕西秦丰经销部", kind="dealer")
    client.force_login(team["bob"])
    for url in [
        f"/orders/quotes/{quote.pk}/",
        f"/orders/quotes/{quote.pk}/pdf/",
        f"/orders/quotes/{quote.pk}/revise/",
        f"/orders/{order.pk}/",
        f"/orders/{order.pk}/pdf/",
        f"/orders/dealers/{dealer.pk}/",
    ]:
        assert client.get(url).status_code == 404, url
    assert (
        client.post(f"/orders/{order.pk}/transition/", {"status": "cancelled"}).status_code == 404
    )


@pytest.mark.parametrize(("language", "words"), [("zh-hans", "报价单"), ("en", "Quote")])
def test_the_quote_pdf_embeds_the_font_and_holds_the_chinese_text(
    team, make_customer, make_quote, client, language, words
):
    quote = make_quote(team["alice"], make_customer(team["alice"], name="西安宏达食品有限公司"))
    client.force_login(team["alice"])
    response = client.get(f"/orders/quotes/{quote.pk}/pdf/?lang={language}")
    assert response["Content-Type"] == "application/pdf"
    pdf = response.content
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    assert embeds_a_font(pdf)
    assert set("西安宏达食品有限公司不锈钢阀门" + words) <= mapped_characters(pdf)


def test_the_order_pdf_shows_the_specifications(team, make_customer, products, client):
    order = services.order_create(
        actor=team["alice"],
        customer=make_customer(team["alice"]),
        lines=[{"product": products["valve"], "quantity": "1", "specs": {"材质": "铸铁"}}],
    )
    client.force_login(team["alice"])
    pdf = client.get(f"/orders/{order.pk}/pdf/?lang=zh-hans").content
    assert set("销售订单材质铸铁") <= mapped_characters(pdf)


def test_a_missing_font_fails_with_a_clear_message(
    team, make_customer, make_quote, client, settings
):
    settings.KEHU_PDF_FONT = "/nonexistent/font.ttc"
    quote = make_quote(team["alice"], make_customer(team["alice"]))
    client.force_login(team["alice"])
    response = client.get(f"/orders/quotes/{quote.pk}/pdf/?lang=en")
    assert response.status_code == 503
    assert "/nonexistent/font.ttc" in response.content.decode()


def test_the_dealer_page_shows_end_customers_and_sales(
    team, make_customer, confirmed_order, client
):
    dealer = make_customer(team["alice"], name="陕西秦丰经销部", kind="dealer")
    end = make_customer(team["alice"], name="咸阳饭店", dealer=dealer)
    confirmed_order(team["alice"], end, "1200.00")
    client.force_login(team["alice"])
    page = client.get(f"/orders/dealers/{dealer.pk}/").content.decode()
    assert "咸阳饭店" in page and "1,200.00" in page
    customer_page = client.get(f"/customers/{dealer.pk}/").content.decode()
    assert f"/orders/dealers/{dealer.pk}/" in customer_page
    end_page = client.get(f"/customers/{end.pk}/").content.decode()
    assert "1,200.00" in end_page


def test_the_customer_form_offers_only_visible_dealers(team, make_customer, client, english):
    mine = make_customer(team["alice"], name="陕西秦丰经销部", kind="dealer")
    make_customer(team["bob"], name="甘肃陇原经销部", kind="dealer")
    client.force_login(team["alice"])
    form = client.get("/customers/new/").content.decode()
    assert 'hx-get="/customers/pick/?kind=dealer"' in form
    offered = client.get("/customers/pick/", {"q": "经销部", "kind": "dealer"}).content.decode()
    assert "陕西秦丰经销部" in offered and "甘肃陇原经销部" not in offered
    fields = {"name": "咸阳饭店", "kind": "company", "credit_limit": "0", "currency": "CNY"}
    response = client.post("/customers/new/", {**fields, "dealer": mine.pk})
    assert response.status_code == 302
    assert Customer.objects.get(name="咸阳饭店").dealer == mine


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/orders/",
        "/api/v1/quotes/",
        "/api/v1/payments/",
        "/orders/",
        "/orders/quotes/",
        "/orders/receivables/",
        "/orders/receivables/?by=owner",
        "/orders/approvals/",
        "/orders/products/",
    ],
)
def test_lists_cost_the_same_queries_for_few_and_many(
    team, make_customer, make_quote, confirmed_order, client, url, django_assert_max_num_queries
):
    def grow(count):
        for index in range(count):
            customer = make_customer(team["alice"], name=f"客户{index}-{grow.calls}")
            make_quote(team["alice"], customer)
            order = confirmed_order(team["alice"], customer, "100.00")
            services.payment_create(
                actor=team["finance"], order=order, amount=Decimal("10"), received_on=in_days(0)
            )
        grow.calls += 1

    grow.calls = 0
    client.force_login(team["manager"])
    grow(2)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    grow(15)
    with django_assert_max_num_queries(len(few)):
        assert client.get(url).status_code == 200


def test_an_order_moves_ships_and_arrives_on_the_page(
    team, make_customer, confirmed_order, client, english
):
    order = confirmed_order(team["alice"], make_customer(team["alice"]))
    line = order.lines.get()
    client.force_login(team["alice"])
    client.post(f"/orders/{order.pk}/transition/", {"status": "in_production"})
    assert Order.objects.get(pk=order.pk).status == "in_production"

    too_many = client.post(
        f"/orders/{order.pk}/delivery/",
        {"shipped_on": in_days(0).isoformat(), f"ship-{line.pk}": "2"},
        follow=True,
    )
    assert "only 1 of 1 are left to ship" in too_many.content.decode()
    client.post(
        f"/orders/{order.pk}/delivery/",
        {"shipped_on": in_days(0).isoformat(), "carrier": "顺丰", f"ship-{line.pk}": "1"},
    )
    assert Order.objects.get(pk=order.pk).status == "shipped"
    delivery = order.deliveries.get()
    client.post(
        f"/orders/{order.pk}/deliveries/{delivery.pk}/arrived/",
        {"delivered_on": in_days(1).isoformat()},
    )
    assert Order.objects.get(pk=order.pk).status == "delivered"
    page = client.get(f"/orders/{order.pk}/").content.decode()
    assert "顺丰" in page and "Delivered" in page


def test_admins_keep_the_catalogue_and_the_price_lists(team, make_customer, products, client):
    customer = make_customer(team["alice"])
    client.force_login(team["alice"])
    assert client.get("/orders/products/new/").status_code == 403
    client.force_login(team["admin"])
    created = client.post(
        "/orders/products/new/",
        {"sku": "BX-1", "name": "包装箱", "unit": "箱", "list_price": "8.00", "currency": "CNY"},
    )
    assert created.status_code == 302
    client.post("/orders/price-lists/new/", {"name": "大客户", "payment_terms_days": "60"})
    group = CustomerGroup.objects.get()
    client.post(f"/orders/price-lists/{group.pk}/members/", {"customer": customer.pk})
    client.post(
        f"/orders/price-lists/{group.pk}/prices/",
        {"name": "大客户", f"price-{products['valve'].pk}": "199.50"},
    )
    assert services.payment_terms_for(customer) == 60
    quote = services.quote_create(
        actor=team["alice"],
        customer=customer,
        valid_until=in_days(5),
        lines=[{"product": products["valve"], "quantity": "1"}],
    )
    assert quote.total == Decimal("199.50")


def test_the_ageing_table_goes_by_pages_under_totals_of_all(
    team, make_customer, confirmed_order, client, english
):
    for index in range(26):
        customer = make_customer(team["alice"], name=f"客户{index:02d}")
        confirmed_order(team["alice"], customer, f"{1000 + index}.00")
    client.force_login(team["finance"])
    first = client.get("/orders/receivables/").content.decode()
    second = client.get("/orders/receivables/?rows=2").content.decode()
    assert "1–25 of 26" in first and "客户25" in first and "客户00" not in first
    assert "26–26 of 26" in second and "客户00" in second and "客户25" not in second
    assert 'href="?rows=2" data-testid="ageing-next"' in first
    for page in (first, second):
        assert "26,325.00" in page  # the total of all 26, on every page


def test_every_orders_route_declares_its_access():
    from kehu.core.pages import access_of, is_declared, url_patterns

    routes = [(route, p) for route, name, p in url_patterns() if name.startswith("orders:")]
    assert routes
    assert [route for route, pattern in routes if not is_declared(pattern.callback)] == []
    # Every id in a route is a record the kernel loads.
    for route, pattern in routes:
        access = access_of(pattern.callback)
        assert access is not None
        ids = set(pattern.pattern.converters)
        assert ids == set(access.records), route


def test_each_button_of_the_order_page_asks_its_own_permission(
    team, make_customer, make_order, client
):
    customer = make_customer(team["alice"], credit_limit=Decimal("100"))
    order = make_order(team["alice"], customer, "500.00")
    line = order.lines.get()
    approval = services.credit_approval_request(actor=team["alice"], order=order, reason="急单")
    client.force_login(team["finance"])
    assert client.get(f"/orders/{order.pk}/lines/{line.pk}/specs/").status_code == 200
    for url in ["confirm/", "transition/", "delivery/", "request-approval/", "edit/"]:
        assert client.post(f"/orders/{order.pk}/{url}").status_code == 403, url
    assert client.get(f"/orders/{order.pk}/lines/{line.pk}/specs/edit/").status_code == 403
    client.force_login(team["alice"])
    assert client.post(f"/orders/{order.pk}/payment/").status_code == 403
    decide = f"/orders/approvals/{approval.pk}/decide/"
    assert client.post(decide, {"decision": "approve"}).status_code == 403
    assert client.get(f"/orders/{order.pk}/confirm/").status_code == 405
    approval.refresh_from_db()
    assert approval.is_pending
