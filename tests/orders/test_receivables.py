"""Receivables and their ageing: buckets by days past due, per customer and per salesperson,
computed in the database."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from kehu.orders import selectors, services

pytestmark = pytest.mark.django_db


def _owed(team, make_customer, make_order):
    """alice's 宏达 owes 1000 not yet due and 2000 45 days late; bob's 秦丰 owes 500 100 days
    late after paying 300 of 800."""
    today = timezone.localdate()
    hongda = make_customer(team["alice"], name="宏达食品")
    qinfeng = make_customer(team["bob"], name="秦丰机械")

    def confirmed(customer, amount, days_ago):
        order = make_order(customer.owner, customer, amount)
        return services.order_confirm(
            actor=customer.owner, order=order, today=today - timedelta(days=days_ago)
        )

    confirmed(hongda, "1000.00", 0)
    confirmed(hongda, "2000.00", 75)
    late = confirmed(qinfeng, "800.00", 130)
    services.payment_create(
        actor=team["finance"], order=late, amount=Decimal("300"), received_on=today
    )
    make_order(team["bob"], qinfeng, "999.00")  # a draft owes nothing


def _buckets(row):
    return [row.not_due, row.d0_30, row.d31_60, row.d61_90, row.d90_plus, row.total]


def cents(value):
    return Decimal(value).quantize(Decimal("0.01"))


def test_ageing_per_customer_with_totals(team, make_customer, make_order):
    _owed(team, make_customer, make_order)
    rows, totals = selectors.receivables_ageing(user=team["finance"])
    assert [(r.label, _buckets(r)) for r in rows] == [
        ("宏达食品", [cents(1000), cents(0), cents(2000), cents(0), cents(0), cents(3000)]),
        ("秦丰机械", [cents(0), cents(0), cents(0), cents(0), cents(500), cents(500)]),
    ]
    assert _buckets(totals) == [
        cents(1000),
        cents(0),
        cents(2000),
        cents(0),
        cents(500),
        cents(3500),
    ]


def test_ageing_per_salesperson(team, make_customer, make_order):
    _owed(team, make_customer, make_order)
    rows, _totals = selectors.receivables_ageing(user=team["finance"], by="owner")
    assert [(r.key, r.total) for r in rows] == [
        (team["alice"].pk, cents(3000)),
        (team["bob"].pk, cents(500)),
    ]


def test_a_salesperson_sees_only_their_customers_receivables(team, make_customer, make_order):
    _owed(team, make_customer, make_order)
    rows, totals = selectors.receivables_ageing(user=team["bob"])
    assert [r.label for r in rows] == ["秦丰机械"]
    assert totals.total == cents(500)
    assert [o.total for o in selectors.overdue_orders(user=team["bob"])] == [cents(800)]


def test_the_overdue_list_is_oldest_first(team, make_customer, make_order):
    _owed(team, make_customer, make_order)
    overdue = list(selectors.overdue_orders(user=team["manager"]))
    assert [(o.customer.name, o.outstanding) for o in overdue] == [
        ("秦丰机械", cents(500)),
        ("宏达食品", cents(2000)),
    ]


def test_ageing_costs_three_queries_however_many_orders(
    team, make_customer, make_order, django_assert_max_num_queries
):
    _owed(team, make_customer, make_order)
    for index in range(10):
        customer = make_customer(team["alice"], name=f"客户{index}")
        services.order_confirm(actor=team["alice"], order=make_order(team["alice"], customer))
    with django_assert_max_num_queries(3):
        rows, _totals = selectors.receivables_ageing(user=team["finance"])
    assert len(rows) == 12
