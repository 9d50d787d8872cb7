"""The rules of products, quotes, orders, credit, deliveries and payments, through the services
on the real database."""

from __future__ import annotations

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone, translation

from kehu.core.exceptions import VersionConflict
from kehu.core.history import change_lines
from kehu.core.models import Change
from kehu.orders import services
from kehu.orders.exceptions import CreditBlocked
from kehu.orders.models import (
    ApprovalStatus,
    Order,
    OrderStatus,
    Payment,
    Quote,
    QuoteStatus,
)
from tests.orders.conftest import in_days

pytestmark = pytest.mark.django_db


# Prices ---------------------------------------------------------------------------------


def test_a_line_starts_from_the_list_price_and_takes_its_discount(team, make_customer, make_quote):
    quote = make_quote(team["alice"], make_customer(team["alice"]))
    valve, pipe = quote.lines.all()
    assert (valve.unit_price, valve.line_total) == (Decimal("250.00"), Decimal("2250.00"))
    assert (pipe.unit_price, pipe.line_total) == (Decimal("12.50"), Decimal("1250.00"))
    assert quote.total == Decimal("3500.00")


def test_a_customer_in_a_group_starts_from_the_group_price(
    team, make_customer, products, make_quote
):
    customer = make_customer(team["alice"])
    group = services.customer_group_save(actor=team["admin"], name="一级批发商")
    services.customer_group_add(actor=team["admin"], group=group, customer=customer)
    services.price_set(actor=team["admin"], group=group, product=products["valve"], price="200")
    valve, pipe = make_quote(team["alice"], customer).lines.all()
    assert valve.unit_price == Decimal("200.00")
    assert pipe.unit_price == Decimal("12.50")


def test_a_customer_is_in_at_most_one_group(team, make_customer):
    customer = make_customer(team["alice"])
    first = services.customer_group_save(actor=None, name="一级批发商")
    second = services.customer_group_save(actor=None, name="二级批发商")
    services.customer_group_add(actor=None, group=first, customer=customer)
    with pytest.raises(ValidationError) as error:
        services.customer_group_add(actor=None, group=second, customer=customer)
    assert "customer" in error.value.message_dict


def test_the_sku_is_unique(products):
    with pytest.raises(ValidationError) as error:
        services.product_create(actor=None, sku="VX-100", name="另一个", list_price="1")
    assert "sku" in error.value.message_dict


@pytest.mark.parametrize(
    ("row", "field"),
    [
        ({"quantity": "-1"}, "quantity"),
        ({"quantity": "0"}, "quantity"),
        ({"quantity": "1", "unit_price": "-5"}, "unit price"),
        ({"quantity": "1", "discount_percent": "100.01"}, "discount %"),
        ({"quantity": "1", "discount_percent": "-1"}, "discount %"),
    ],
)
def test_bad_lines_are_refused_naming_line_and_field_and_nothing_is_saved(
    team, make_customer, products, english, row, field
):
    customer = make_customer(team["alice"])
    with pytest.raises(ValidationError) as error:
        services.quote_create(
            actor=team["alice"],
            customer=customer,
            valid_until=in_days(10),
            lines=[
                {"product": products["pipe"], "quantity": "1"},
                {"product": products["valve"], **row},
            ],
        )
    [message] = error.value.message_dict["lines"]
    assert message.startswith(f"Line 2, {field}:")
    assert not Quote.objects.exists()


def test_a_full_discount_makes_a_free_line(team, make_customer, products, make_quote):
    quote = make_quote(
        team["alice"],
        make_customer(team["alice"]),
        [{"product": products["valve"], "quantity": "2", "discount_percent": "100"}],
    )
    assert quote.total == Decimal("0.00")


# Quotes ---------------------------------------------------------------------------------


def test_revising_makes_a_new_version_and_keeps_the_old_one(
    team, make_customer, products, make_quote
):
    first = make_quote(team["alice"], make_customer(team["alice"]))
    second = services.quote_revise(
        actor=team["alice"],
        quote=first,
        valid_until=in_days(20),
        lines=[{"product": products["valve"], "quantity": "20", "discount_percent": "15"}],
    )
    first.refresh_from_db()
    assert (first.revision, first.status, first.total) == (
        1,
        QuoteStatus.SUPERSEDED,
        Decimal("3500.00"),
    )
    assert (second.revision, second.status, second.total) == (
        2,
        QuoteStatus.OPEN,
        Decimal("4250.00"),
    )
    assert second.family_id == first.pk
    assert first.lines.count() == 2


def test_only_the_latest_version_can_be_accepted(team, make_customer, products, make_quote):
    first = make_quote(team["alice"], make_customer(team["alice"]))
    services.quote_revise(
        actor=team["alice"],
        quote=first,
        valid_until=in_days(20),
        lines=[{"product": products["valve"], "quantity": "1"}],
    )
    first.refresh_from_db()
    with pytest.raises(ValidationError):
        services.quote_accept(actor=team["alice"], quote=first)
    with pytest.raises(VersionConflict):
        services.quote_revise(actor=team["alice"], quote=first, valid_until=in_days(5), lines=[])
    assert not Order.objects.exists()


def test_an_expired_quote_cannot_be_accepted(team, make_customer, make_quote):
    quote = make_quote(team["alice"], make_customer(team["alice"]))
    with pytest.raises(ValidationError) as error:
        services.quote_accept(actor=team["alice"], quote=quote, today=in_days(31))
    assert "valid_until" in error.value.message_dict
    assert not Order.objects.exists()


def test_an_accepted_quote_becomes_a_draft_order_with_its_lines(team, make_customer, make_quote):
    quote = make_quote(team["alice"], make_customer(team["alice"]))
    order = services.quote_accept(actor=team["alice"], quote=quote)
    assert order.status == OrderStatus.DRAFT and order.quote == quote
    assert order.total == quote.total == Decimal("3500.00")
    copied = [(x.product_id, x.quantity, x.discount_percent) for x in order.lines.all()]
    assert copied == [(x.product_id, x.quantity, x.discount_percent) for x in quote.lines.all()]
    with pytest.raises(VersionConflict):
        services.quote_accept(actor=team["alice"], quote=quote)


# Credit and confirmation ----------------------------------------------------------------


def test_confirming_sets_the_due_date_from_the_payment_terms(team, make_customer, make_order):
    customer = make_customer(team["alice"])
    group = services.customer_group_save(actor=None, name="月结60天", payment_terms_days=60)
    services.customer_group_add(actor=None, group=group, customer=customer)
    order = services.order_confirm(actor=team["alice"], order=make_order(team["alice"], customer))
    assert order.status == OrderStatus.CONFIRMED
    assert order.due_date == order.confirmed_on + timedelta(days=60)
    assert [s.to_status for s in order.status_changes.all()] == ["draft", "confirmed"]


def test_without_a_credit_limit_nothing_is_checked(team, make_customer, make_order):
    order = make_order(team["alice"], make_customer(team["alice"]), "9999999.00")
    assert services.order_confirm(actor=team["alice"], order=order).status == "confirmed"


def test_over_the_limit_confirmation_needs_an_approval_by_finance(
    team, make_customer, make_order, confirmed_order, english
):
    customer = make_customer(team["alice"], credit_limit=Decimal("5000"))
    confirmed_order(team["alice"], customer, "3000.00")
    order = make_order(team["alice"], customer, "2500.00")
    with pytest.raises(CreditBlocked) as blocked:
        services.order_confirm(actor=team["alice"], order=order)
    message = str(blocked.value)
    assert "5,000.00 CNY" in message and "3,000.00 CNY" in message and "2,500.00 CNY" in message
    order.refresh_from_db()
    assert order.status == OrderStatus.DRAFT

    approval = services.credit_approval_request(
        actor=team["alice"], order=order, reason="老客户，年底回款"
    )
    with pytest.raises(CreditBlocked):
        services.order_confirm(actor=team["alice"], order=order)
    with pytest.raises(PermissionDenied):
        services.credit_approval_decide(actor=team["alice"], approval=approval, approve=True)
    services.credit_approval_decide(
        actor=team["finance"], approval=approval, approve=True, note="已核实"
    )
    approval.refresh_from_db()
    assert (approval.status, approval.decided_by) == (ApprovalStatus.APPROVED, team["finance"])
    assert approval.decided_at is not None
    assert services.order_confirm(actor=team["alice"], order=order).status == "confirmed"


def test_a_rejected_approval_keeps_the_order_blocked_and_says_why(team, make_customer, make_order):
    customer = make_customer(team["alice"], credit_limit=Decimal("100"))
    order = make_order(team["alice"], customer, "500.00")
    approval = services.credit_approval_request(actor=team["alice"], order=order, reason="急单")
    with pytest.raises(ValidationError) as error:
        services.credit_approval_decide(actor=team["finance"], approval=approval, approve=False)
    assert "decision_note" in error.value.message_dict
    services.credit_approval_decide(
        actor=team["finance"], approval=approval, approve=False, note="逾期未还"
    )
    with pytest.raises(CreditBlocked):
        services.order_confirm(actor=team["alice"], order=order)
    with pytest.raises(VersionConflict):
        services.credit_approval_decide(actor=team["finance"], approval=approval, approve=True)


def test_no_approval_is_asked_for_an_order_within_the_limit(team, make_customer, make_order):
    order = make_order(team["alice"], make_customer(team["alice"], credit_limit=Decimal("5000")))
    with pytest.raises(ValidationError):
        services.credit_approval_request(actor=team["alice"], order=order, reason="以防万一")


def test_payments_free_up_credit(team, make_customer, make_order, confirmed_order):
    customer = make_customer(team["alice"], credit_limit=Decimal("5000"))
    first = confirmed_order(team["alice"], customer, "4000.00")
    services.payment_create(
        actor=team["finance"], order=first, amount=Decimal("4000.00"), received_on=in_days(0)
    )
    order = make_order(team["alice"], customer, "4500.00")
    assert services.order_confirm(actor=team["alice"], order=order).status == "confirmed"


def test_a_cancelled_order_cannot_be_confirmed(team, make_customer, make_order):
    order = make_order(team["alice"], make_customer(team["alice"]))
    services.order_transition(actor=team["alice"], order=order, to_status="cancelled")
    with pytest.raises(ValidationError) as error:
        services.order_confirm(actor=team["alice"], order=order)
    assert "status" in error.value.message_dict
    assert Order.objects.get(pk=order.pk).status == OrderStatus.CANCELLED


@pytest.mark.django_db(transaction=True)
def test_two_people_confirming_at_once_exactly_one_wins(team, make_customer, make_order):
    order = make_order(team["alice"], make_customer(team["alice"]))
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def confirm(user):
        # Both read the order as a draft before either confirms: "at once". One that read it
        # after the other's confirmation is told it is already confirmed (tests/orders/test_api.py).
        seen = Order.objects.get(pk=order.pk)
        barrier.wait()
        try:
            services.order_confirm(actor=user, order=seen)
            outcomes.append("won")
        except VersionConflict:
            outcomes.append("lost")
        finally:
            connection.close()

    threads = [threading.Thread(target=confirm, args=(team[n],)) for n in ("alice", "manager")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["lost", "won"]
    assert order.status_changes.filter(to_status="confirmed").count() == 1


# The status path and deliveries ---------------------------------------------------------


def test_only_allowed_transitions_happen(team, make_customer, confirmed_order):
    order = confirmed_order(team["alice"], make_customer(team["alice"]))
    with pytest.raises(ValidationError):
        services.order_transition(actor=team["alice"], order=order, to_status="completed")
    services.order_transition(actor=team["alice"], order=order, to_status="in_production")
    with pytest.raises(ValidationError):
        services.order_transition(actor=team["alice"], order=order, to_status="draft")
    timeline = [(s.from_status, s.to_status, s.actor) for s in order.status_changes.all()]
    assert timeline[-1] == ("confirmed", "in_production", team["alice"])


def test_deliveries_ship_then_deliver_the_order(team, make_customer, make_quote):
    order = services.quote_accept(
        actor=team["alice"], quote=make_quote(team["alice"], make_customer(team["alice"]))
    )
    services.order_confirm(actor=team["alice"], order=order)
    valve, pipe = order.lines.all()
    services.delivery_create(
        actor=team["alice"], order=order, shipped_on=in_days(0), quantities={valve.pk: 10}
    )
    assert Order.objects.get(pk=order.pk).status == OrderStatus.CONFIRMED
    with pytest.raises(ValidationError) as error:
        services.delivery_create(
            actor=team["alice"], order=order, shipped_on=in_days(0), quantities={pipe.pk: 101}
        )
    assert "quantities" in error.value.message_dict
    last = services.delivery_create(
        actor=team["alice"],
        order=order,
        shipped_on=in_days(1),
        quantities={pipe.pk: 100},
        carrier="顺丰",
        tracking_number="SF1234567890",
    )
    assert Order.objects.get(pk=order.pk).status == OrderStatus.SHIPPED
    for delivery in order.deliveries.all():
        services.delivery_mark_delivered(
            actor=team["alice"], delivery=delivery, delivered_on=in_days(2)
        )
    assert Order.objects.get(pk=order.pk).status == OrderStatus.DELIVERED
    assert last.tracking_number == "SF1234567890"
    services.order_transition(actor=team["alice"], order=order, to_status="completed")
    statuses = [s.to_status for s in order.status_changes.all()]
    assert statuses == ["draft", "confirmed", "shipped", "delivered", "completed"]
    with translation.override("zh-hans"):
        lines = [
            line
            for change in Change.objects.filter(customer_id=order.customer_id)
            for line in change_lines(change, reveal_contact_details=True)
        ]
    assert {"delivery", "delivered_on"} <= {line.field for line in lines}
    assert [line.label for line in lines if line.label == line.field] == []


def test_specifications_are_kept_per_line_and_recorded(team, make_customer, products):
    customer = make_customer(team["alice"])
    order = services.order_create(
        actor=team["alice"],
        customer=customer,
        lines=[
            {
                "product": products["valve"],
                "quantity": "2",
                "specs": {"口径": "DN50", "材质": "316L"},
            }
        ],
    )
    line = order.lines.get()
    assert line.specs == {"口径": "DN50", "材质": "316L"}
    services.order_line_set_specs(
        actor=team["bob"], line=line, specs={"口径": "DN65", "颜色": "银"}
    )
    line.refresh_from_db()
    assert line.specs == {"口径": "DN65", "颜色": "银"}
    assert Change.objects.filter(customer_id=customer.pk, changes__has_key="VX-100 specs").exists()


# Payments -------------------------------------------------------------------------------


def test_paying_more_than_owed_is_refused(team, make_customer, confirmed_order, english):
    order = confirmed_order(team["alice"], make_customer(team["alice"]), "1000.00")
    services.payment_create(
        actor=team["finance"], order=order, amount=Decimal("600"), received_on=in_days(0)
    )
    with pytest.raises(ValidationError) as error:
        services.payment_create(
            actor=team["finance"], order=order, amount=Decimal("400.01"), received_on=in_days(0)
        )
    assert "400.00 CNY still owed" in error.value.message_dict["amount"][0]
    services.payment_create(
        actor=team["finance"], order=order, amount=Decimal("400"), received_on=in_days(0)
    )
    order.refresh_from_db()
    assert (order.paid, order.outstanding) == (Decimal("1000.00"), Decimal("0.00"))
    assert Payment.objects.count() == 2


@pytest.mark.parametrize("amount", ["0", "-10"])
def test_a_payment_must_be_positive(team, make_customer, confirmed_order, amount):
    order = confirmed_order(team["alice"], make_customer(team["alice"]))
    with pytest.raises(ValidationError) as error:
        services.payment_create(
            actor=team["finance"], order=order, amount=Decimal(amount), received_on=in_days(0)
        )
    assert "amount" in error.value.message_dict


def test_a_draft_order_takes_no_payment(team, make_customer, make_order):
    order = make_order(team["alice"], make_customer(team["alice"]))
    with pytest.raises(ValidationError):
        services.payment_create(
            actor=team["finance"], order=order, amount=Decimal("1"), received_on=in_days(0)
        )


def test_an_order_with_payments_cannot_be_cancelled(team, make_customer, confirmed_order):
    order = confirmed_order(team["alice"], make_customer(team["alice"]))
    services.payment_create(
        actor=team["finance"], order=order, amount=Decimal("1"), received_on=in_days(0)
    )
    with pytest.raises(ValidationError):
        services.order_transition(actor=team["alice"], order=order, to_status="cancelled")


# Dealers --------------------------------------------------------------------------------


def test_an_order_through_a_dealer_needs_a_dealer(team, make_customer, make_order):
    dealer = make_customer(team["alice"], name="陕西秦丰经销部", kind="dealer")
    company = make_customer(team["alice"], name="宝鸡机械厂")
    end_customer = make_customer(team["alice"], name="咸阳饭店", dealer=dealer)
    with pytest.raises(ValidationError) as error:
        make_order(team["alice"], end_customer, dealer=company)
    assert "dealer" in error.value.message_dict
    assert make_order(team["alice"], end_customer).dealer == dealer


def test_quotes_and_orders_are_in_the_customers_history(team, make_customer, make_quote):
    customer = make_customer(team["alice"])
    order = services.quote_accept(actor=team["alice"], quote=make_quote(team["alice"], customer))
    services.order_confirm(actor=team["alice"], order=order, today=timezone.localdate())
    kinds = set(
        Change.objects.filter(customer_id=customer.pk).values_list("target_type__model", flat=True)
    )
    assert {"customer", "quote", "order"} <= kinds


def test_only_finance_records_and_corrects_payments(team, make_customer, confirmed_order):
    order = confirmed_order(team["alice"], make_customer(team["alice"]))
    with pytest.raises(PermissionDenied):
        services.payment_create(
            actor=team["alice"], order=order, amount=Decimal("1"), received_on=in_days(0)
        )
    payment = services.payment_create(
        actor=team["finance"], order=order, amount=Decimal("1"), received_on=in_days(0)
    )
    with pytest.raises(PermissionDenied):
        services.payment_update(
            actor=team["alice"], payment=payment, version=1, amount=Decimal("2")
        )
    order.refresh_from_db()
    assert order.paid == Decimal("1.00")
