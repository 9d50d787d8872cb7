"""Two payments at once against orders summed in the same row: neither amount is lost."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from kehu.orders import services
from kehu.orders.models import Order, ReceivableDay

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="SQLite writes one transaction at a time"
    ),
]


def _waiting_on_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] > 0


def test_two_payments_at_once_each_take_their_amount_off_the_day(
    team, make_customer, confirmed_order
):
    alice, finance = team["alice"], team["finance"]
    hongda = make_customer(alice, name="西安宏达食品有限公司")
    first = confirmed_order(alice, hongda, "1000.00")
    second = confirmed_order(alice, hongda, "500.00")
    assert first.due_date == second.due_date
    paid, release = threading.Event(), threading.Event()

    def pay(order: Order, amount: str, hold: bool) -> None:
        try:
            with transaction.atomic():
                services.payment_create(
                    actor=finance,
                    order=Order.objects.get(pk=order.pk),
                    amount=Decimal(amount),
                    received_on=timezone.localdate(),
                )
                if hold:
                    paid.set()
                    release.wait(30)
        finally:
            connections.close_all()

    holding = threading.Thread(target=pay, args=(first, "300.00", True))
    holding.start()
    assert paid.wait(30)
    waiting = threading.Thread(target=pay, args=(second, "200.00", False))
    waiting.start()
    while not _waiting_on_a_lock() and waiting.is_alive():
        waiting.join(0.05)
    release.set()
    holding.join(30)
    waiting.join(30)

    day = ReceivableDay.objects.get(owner=alice, due_date=first.due_date)
    assert (day.outstanding_cents, day.orders) == (100_000, 2)
