"""Receivables and their ageing: buckets by days past due, per customer and per salesperson,
computed in the database."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from kehu.customers import services as customer_services
from kehu.customers.models import Customer
from kehu.orders import selectors, services
from kehu.orders.models import Order

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
    ageing = selectors.receivables_ageing(user=team["finance"])
    rows, totals = ageing.rows, ageing.totals
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
    rows = selectors.receivables_ageing(user=team["finance"], by="owner").rows
    assert [(r.key, r.total) for r in rows] == [
        (team["alice"].pk, cents(3000)),
        (team["bob"].pk, cents(500)),
    ]


def test_a_salesperson_sees_only_their_customers_receivables(team, make_customer, make_order):
    _owed(team, make_customer, make_order)
    ageing = selectors.receivables_ageing(user=team["bob"])
    rows, totals = ageing.rows, ageing.totals
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


def test_ageing_costs_four_queries_however_many_orders(
    team, make_customer, make_order, django_assert_max_num_queries
):
    _owed(team, make_customer, make_order)
    for index in range(10):
        customer = make_customer(team["alice"], name=f"客户{index}")
        services.order_confirm(actor=team["alice"], order=make_order(team["alice"], customer))
    with django_assert_max_num_queries(4):
        ageing = selectors.receivables_ageing(user=team["finance"])
    assert len(ageing.rows) == 12 and ageing.row_count == 12


def test_ageing_pages_keep_the_totals_of_all_rows(team, make_customer, make_order):
    _owed(team, make_customer, make_order)
    first = selectors.receivables_ageing(user=team["finance"], limit=1)
    second = selectors.receivables_ageing(user=team["finance"], limit=1, offset=1)
    past_the_end = selectors.receivables_ageing(user=team["finance"], limit=1, offset=5)
    assert [r.label for r in first.rows + second.rows] == ["宏达食品", "秦丰机械"]
    assert first.totals == second.totals == past_the_end.totals
    assert first.totals.total == cents(3500) and first.totals.overdue_orders == 2
    assert (first.row_count, past_the_end.rows) == (2, [])


def _owners(customer):
    return set(Order.objects.filter(customer=customer).values_list("customer_owner", flat=True))


def test_orders_follow_their_customer_from_hand_to_hand(team, make_customer, make_order):
    """The copy of the customer's owner on its orders, which receivables are read by, moves
    with the customer however it moves: a handover, the pool, a claim, a plain update."""
    customer = make_customer(team["alice"], name="宏达食品")
    services.order_confirm(actor=team["alice"], order=make_order(team["alice"], customer))
    make_order(team["alice"], customer)
    assert _owners(customer) == {team["alice"].pk}

    customer_services.customers_transfer(
        actor=team["manager"], to_user=team["bob"], reason="调岗", ids=[customer.pk]
    )
    assert _owners(customer) == {team["bob"].pk}
    assert [r.label for r in selectors.receivables_ageing(user=team["bob"]).rows] == ["宏达食品"]
    assert selectors.receivables_ageing(user=team["alice"]).rows == []

    customer.refresh_from_db()
    customer_services.customer_release(actor=team["bob"], customer=customer, reason="无需求")
    assert _owners(customer) == {None}
    pool = selectors.receivables_ageing(user=team["finance"], by="owner").rows
    assert [(row.key, row.total) for row in pool] == [(None, cents(1000))]
    customer_services.customer_claim(actor=team["alice"], customer_id=customer.pk)
    assert _owners(customer) == {team["alice"].pk}
    Customer.objects.filter(pk=customer.pk).update(owner=team["bob"])
    assert _owners(customer) == {team["bob"].pk}


def test_a_merge_carries_the_orders_and_quotes_to_the_survivor(
    team, make_customer, make_order, make_quote
):
    survivor = make_customer(team["alice"], name="西安宏达食品有限公司")
    other = make_customer(team["bob"], name="宏达食品（西安）")
    confirmed = services.order_confirm(actor=team["bob"], order=make_order(team["bob"], other))
    quote = make_quote(team["bob"], other)

    customer_services.customer_merge(actor=team["manager"], survivor=survivor, other=other)

    confirmed.refresh_from_db()
    quote.refresh_from_db()
    assert (confirmed.customer, confirmed.customer_owner, quote.customer) == (
        survivor,
        team["alice"],
        survivor,
    )
    assert selectors.receivables_ageing(user=team["alice"]).totals.total == cents(1000)
