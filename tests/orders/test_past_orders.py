"""Orders that happened in the past, written in bulk (the demo's history): the rows and the
history the live services would have left, and the same rules."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from kehu.core.models import Change
from kehu.orders import services
from kehu.orders.models import Delivery, Order, OrderStatus, Payment
from kehu.orders.services import PastDelivery, PastLine, PastMove, PastOrder, PastPayment

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def _days_ago(days: float):
    return timezone.now() - timedelta(days=days)


def _past(team, customer, products, **events):
    return PastOrder(
        customer=customer,
        actor=team["alice"],
        created_at=_days_ago(40),
        lines=[
            PastLine(products["valve"], Decimal("2"), Decimal("10"), specs={"口径": "DN50"}),
            PastLine(products["pipe"], Decimal("100")),
        ],
        **events,
    )


def test_a_past_order_gets_the_rows_and_history_of_the_live_services(team, make_customer, products):
    customer = make_customer(team["alice"])
    group = services.customer_group_save(actor=None, name="月结60天", payment_terms_days=60)
    services.customer_group_add(actor=None, group=group, customer=customer)
    services.price_set(actor=None, group=group, product=products["pipe"], price="10")
    past = _past(
        team,
        customer,
        products,
        moves=[PastMove(_days_ago(39), OrderStatus.CONFIRMED)],
        deliveries=[
            PastDelivery(_days_ago(38), {1: Decimal("2")}, "顺丰", "SF1", _days_ago(36)),
            PastDelivery(_days_ago(37), {2: Decimal("100")}, "德邦", "DB2", _days_ago(35)),
        ],
        payments=[PastPayment(_days_ago(30), Decimal("400.00"), "cash", actor=team["finance"])],
    )

    [order_id] = services.orders_write_past(orders=[past])

    order = Order.objects.get(pk=order_id)
    # 2 × 250 less 10 % and 100 at the group's price of 10
    assert (order.total, order.paid, order.status) == (
        Decimal("1450.00"),
        Decimal("400.00"),
        OrderStatus.DELIVERED,
    )
    assert order.customer_owner == team["alice"]
    assert order.due_date == order.confirmed_on + timedelta(days=60)
    assert order.lines.get(position=1).specs == {"口径": "DN50"}
    timeline = [(s.from_status, s.to_status) for s in order.status_changes.all()]
    assert timeline == [
        ("", "draft"),
        ("draft", "confirmed"),
        ("confirmed", "shipped"),
        ("shipped", "delivered"),
    ]
    assert Delivery.objects.filter(order=order).count() == 2
    assert Payment.objects.get(order=order).recorded_by == team["finance"]
    history = Change.objects.filter(target_type__model="order", target_id=order.pk)
    assert history.filter(action="create").get().changes["total"] == [None, "1450.00"]
    assert history.filter(changes__has_key="paid").get().changes["paid"] == ["0.00", "400.00"]
    assert history.filter(changes__has_key="delivery").count() == 2
    assert history.filter(changes__has_key="delivered_on").count() == 2


@pytest.mark.parametrize(
    ("events", "problem"),
    [
        ({"moves": [PastMove(_days_ago(39), OrderStatus.COMPLETED)]}, "cannot become"),
        (
            {"payments": [PastPayment(_days_ago(30), Decimal("1"), "cash")]},
            "takes no payments",
        ),
        (
            {
                "moves": [PastMove(_days_ago(39), OrderStatus.CONFIRMED)],
                "payments": [PastPayment(_days_ago(30), Decimal("99999"), "cash")],
            },
            "still owed",
        ),
        (
            {
                "moves": [PastMove(_days_ago(39), OrderStatus.CONFIRMED)],
                "deliveries": [PastDelivery(_days_ago(38), {1: Decimal("3")})],
            },
            "left to ship",
        ),
        ({"moves": [PastMove(_days_ago(-1), OrderStatus.CONFIRMED)]}, "after now"),
    ],
)
def test_a_past_order_that_breaks_a_rule_writes_nothing(
    team, make_customer, products, events, problem
):
    customer = make_customer(team["alice"])
    before = Change.objects.count()
    with pytest.raises(ValidationError) as error:
        services.orders_write_past(orders=[_past(team, customer, products, **events)])
    [message] = error.value.message_dict["orders"]
    assert message.startswith("Order 1: ") and problem in message
    assert not Order.objects.exists()
    assert Change.objects.count() == before


def test_past_payments_are_finances_too(team, make_customer, products):
    past = _past(
        team,
        make_customer(team["alice"]),
        products,
        moves=[PastMove(_days_ago(39), OrderStatus.CONFIRMED)],
        payments=[PastPayment(_days_ago(30), Decimal("1"), "cash", actor=team["alice"])],
    )
    with pytest.raises(ValidationError):
        services.orders_write_past(orders=[past])
    assert not Order.objects.exists()


def test_goods_handed_over_as_they_ship_are_delivered(team, make_customer, products):
    handed_over = _days_ago(38)
    past = _past(
        team,
        make_customer(team["alice"]),
        products,
        moves=[PastMove(_days_ago(39), OrderStatus.CONFIRMED)],
        deliveries=[
            PastDelivery(handed_over, {1: Decimal("2"), 2: Decimal("100")}, arrived_at=handed_over)
        ],
    )
    [order_id] = services.orders_write_past(orders=[past])
    order = Order.objects.get(pk=order_id)
    assert order.status == OrderStatus.DELIVERED
    assert order.deliveries.get().delivered_on == order.deliveries.get().shipped_on
