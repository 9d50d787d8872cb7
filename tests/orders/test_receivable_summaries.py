"""The receivables' summaries agree with a full recomputation from the orders after every
kind of write, and the ageing read from them agrees with the orders."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from kehu.customers.services import merge, pool
from kehu.orders import services
from kehu.orders.models import CustomerBalance, Order, OrderStatus, ReceivableDay
from kehu.orders.services import PastLine, PastMove, PastOrder, PastPayment
from kehu.orders.services.receivables import receivables_recompute

pytestmark = pytest.mark.django_db


def _summaries() -> tuple[set[tuple], set[tuple]]:
    days = set(
        ReceivableDay.objects.values_list("owner", "due_date", "outstanding_cents", "orders")
    )
    balances = set(
        CustomerBalance.objects.values_list("customer", "owner", "outstanding_cents", "orders")
    )
    return days, balances


def assert_kept() -> tuple[set[tuple], set[tuple]]:
    """The summaries as kept equal those recomputed from the orders."""
    kept = _summaries()
    receivables_recompute()
    assert kept == _summaries()
    return kept


def test_every_write_keeps_the_summaries_as_a_recomputation_finds_them(
    team, make_customer, make_order, confirmed_order, products
):
    alice, bob, finance = team["alice"], team["bob"], team["finance"]
    hongda = make_customer(alice, name="西安宏达食品有限公司")
    qinfeng = make_customer(alice, name="陕西秦丰商贸有限公司")

    draft = make_order(alice, hongda, "300.00")
    assert assert_kept() == (set(), set())  # a draft owes nothing

    first = services.order_confirm(actor=alice, order=draft)
    second = confirmed_order(alice, hongda, "1000.00")
    third = confirmed_order(alice, qinfeng, "250.50")
    days, balances = assert_kept()
    assert (hongda.pk, alice.pk, 130_000, 2) in balances
    assert sum(day[2] for day in days) == 155_050

    payment = services.payment_create(
        actor=finance, order=second, amount=Decimal("400.00"), received_on=timezone.localdate()
    )
    services.payment_update(
        actor=finance, payment=payment, version=payment.version, amount=Decimal("999.99")
    )
    services.payment_create(
        actor=finance, order=first, amount=Decimal("300.00"), received_on=timezone.localdate()
    )
    _, balances = assert_kept()
    assert (hongda.pk, alice.pk, 1, 1) in balances  # one cent left on the second order

    services.order_transition(actor=alice, order=third, to_status=OrderStatus.CANCELLED)
    assert not CustomerBalance.objects.filter(customer=qinfeng).exists()
    assert_kept()

    confirmed_order(alice, qinfeng, "88.00")
    pool.customers_transfer(actor=team["manager"], to_user=bob, reason="调岗", ids=[hongda.pk])
    _, balances = assert_kept()
    assert (hongda.pk, bob.pk, 1, 1) in balances

    pool.customer_release(actor=alice, customer=qinfeng, reason="长期未联系")
    _, balances = assert_kept()
    assert (qinfeng.pk, None, 8_800, 1) in balances
    pool.customer_claim(actor=bob, customer_id=qinfeng.pk)
    assert_kept()

    hongda.refresh_from_db()
    qinfeng.refresh_from_db()
    merge.customer_merge(actor=team["admin"], survivor=hongda, other=qinfeng)
    _, balances = assert_kept()
    assert {row[0] for row in balances} == {hongda.pk}

    past = PastOrder(
        customer=hongda,
        actor=bob,
        created_at=timezone.now() - timedelta(days=100),
        lines=[PastLine(products["pipe"], Decimal("10"))],
        moves=[PastMove(timezone.now() - timedelta(days=99), OrderStatus.CONFIRMED)],
        payments=[PastPayment(timezone.now() - timedelta(days=50), Decimal("20"), "cash", finance)],
    )
    services.orders_write_past(orders=[past])
    days, _ = assert_kept()
    assert any(day[1] < timezone.localdate() - timedelta(days=60) for day in days)

    Order.objects.filter(pk=second.pk).update(paid=Decimal("0.00"))  # a bulk correction
    assert_kept()


def test_the_ageing_from_the_summaries_is_the_orders_ageing(team, make_customer, confirmed_order):
    alice, bob = team["alice"], team["bob"]
    for index, owner in enumerate([alice, alice, bob]):
        customer = make_customer(owner, name=f"客户{index}")
        confirmed_order(owner, customer, f"{100 * (index + 1)}.00")
    today = timezone.localdate()
    Order.objects.filter(customer__name="客户0").update(due_date=today - timedelta(days=45))
    Order.objects.filter(customer__name="客户2").update(due_date=today - timedelta(days=100))

    ageing = services_ageing(team["admin"], today)
    assert [(row.label, row.total) for row in ageing.rows] == [
        ("客户2", Decimal("300.00")),
        ("客户1", Decimal("200.00")),
        ("客户0", Decimal("100.00")),
    ]
    totals = ageing.totals
    assert (totals.d31_60, totals.d90_plus, totals.total) == (
        Decimal("100.00"),
        Decimal("300.00"),
        Decimal("600.00"),
    )
    assert (totals.overdue_orders, ageing.row_count) == (2, 3)
    mine = services_ageing(alice, today)
    assert (mine.totals.total, mine.row_count) == (Decimal("300.00"), 2)
    by_owner = services_ageing(team["manager"], today, by="owner")
    assert [(row.key, row.total) for row in by_owner.rows] == [
        (alice.pk, Decimal("300.00")),
        (bob.pk, Decimal("300.00")),
    ]


def services_ageing(user, today, by="customer"):
    from kehu.orders.selectors import receivables_ageing

    return receivables_ageing(user=user, by=by, today=today)


def test_kehu_summaries_repairs_them_from_the_orders(team, make_customer, confirmed_order):
    from kehu.cli import main

    confirmed_order(team["alice"], make_customer(team["alice"]), "120.00")
    expected = _summaries()
    ReceivableDay.objects.update(outstanding_cents=0)
    CustomerBalance.objects.all().delete()
    assert main(["summaries"]) == 0
    assert _summaries() == expected


def test_taking_away_an_order_no_sum_holds_makes_no_row_of_sums(
    team, make_customer, confirmed_order
):
    """Emptying the tables in any order (as a test database's flush does, table by table)
    leaves no negative sums behind for the next orders to be added to."""
    order = confirmed_order(team["alice"], make_customer(team["alice"]), "120.00")
    ReceivableDay.objects.all().delete()
    CustomerBalance.objects.all().delete()
    Order.objects.filter(pk=order.pk).update(paid=order.total)
    assert _summaries() == (set(), set())
