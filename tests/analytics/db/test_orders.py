"""The scores read Kehu's orders and payments, and are recomputed when they change."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from kehu.analytics import feeds, services
from kehu.analytics.models import AnalyticsRun, CustomerScore, Purchase, RunStatus
from kehu.analytics.selectors import customers_unscored, customers_with_purchases
from kehu.analytics.tasks import scores_refresh_task
from kehu.cli import main
from kehu.core.models import User
from kehu.customers.models import Customer
from kehu.orders import services as orders
from kehu.orders.models import Order
from tests.analytics.db.conftest import purchases_add

pytestmark = pytest.mark.django_db

Sell = Callable[..., Order]


def days_ago(days: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=days)


def current_score(customer: Customer) -> CustomerScore:
    return CustomerScore.objects.get(customer=customer, run__is_current=True)


@pytest.fixture
def owner(make_user: Callable[..., User]) -> User:
    return make_user("wangwu")


def test_an_order_completed_today_makes_recency_zero(
    owner: User, make_customer: Callable[..., Customer], sell: Sell
) -> None:
    zhang = make_customer(owner, name="张三")
    purchases_add(zhang, [(days_ago(339).isoformat(), "800")])
    services.scores_recompute()
    assert current_score(zhang).recency_days == 339

    sell(zhang, "1200.00", on=timezone.localdate(), to="completed")
    services.scores_recompute()

    score = current_score(zhang)
    assert (score.recency_days, score.frequency, score.monetary) == (0, 2, Decimal("2000.00"))


def test_cancelled_and_draft_orders_are_not_purchases(
    owner: User, make_customer: Callable[..., Customer], sell: Sell
) -> None:
    li = make_customer(owner, name="李四商贸")
    sell(li, "1000.00", on=days_ago(10))
    sell(li, "500.00", on=days_ago(2), to="cancelled")
    sell(li, "700.00", on=timezone.localdate(), to="draft")

    services.scores_recompute()

    score = current_score(li)
    assert (score.recency_days, score.frequency, score.monetary) == (10, 1, Decimal("1000.00"))


def test_imported_history_counts_only_before_the_first_order(
    owner: User, make_customer: Callable[..., Customer], sell: Sell
) -> None:
    """The import of an earlier system that overlaps Kehu's first days is not counted twice."""
    wang = make_customer(owner, name="王五超市")
    purchases_add(wang, [(days_ago(300).isoformat(), "400"), (days_ago(5).isoformat(), "900")])
    sell(wang, "900.00", on=days_ago(5))
    only_imported = make_customer(owner, name="赵六")
    purchases_add(only_imported, [(days_ago(40).isoformat(), "70")])

    services.scores_recompute()

    assert (current_score(wang).frequency, current_score(wang).monetary) == (2, Decimal("1300.00"))
    assert current_score(only_imported).recency_days == 40


def test_a_customer_paying_late_scores_lower_on_credit(
    owner: User, make_customer: Callable[..., Customer], sell: Sell, finance: User
) -> None:
    prompt = make_customer(owner, name="按时付款有限公司")
    late = make_customer(owner, name="拖欠货款有限公司")
    confirmed_on = days_ago(90)
    for customer in (prompt, late):
        order = sell(customer, "5000.00", on=confirmed_on)
    assert order.due_date is not None and order.due_date < days_ago(30)
    orders.payment_create(
        actor=finance,
        order=Order.objects.get(customer=prompt),
        amount=Decimal("5000.00"),
        received_on=confirmed_on + dt.timedelta(days=10),
    )
    orders.payment_create(
        actor=finance, order=order, amount=Decimal("1000.00"), received_on=order.due_date
    )

    credit = {
        row["customer_id"]: row for row in feeds.paying_frame(today=timezone.localdate()).to_dicts()
    }
    services.scores_recompute()

    assert credit[str(prompt.pk)] | {"customer_id": None} == {
        "customer_id": None,
        "on_time_payment_rate": 1.0,
        "overdue_days": 0.0,
        "overdue_share": 0.0,
    }
    assert credit[str(late.pk)]["on_time_payment_rate"] == pytest.approx(0.2)
    assert credit[str(late.pk)]["overdue_days"] == (timezone.localdate() - order.due_date).days
    assert credit[str(late.pk)]["overdue_share"] == 1.0
    # Same purchases on the same day: only how they paid differs.
    assert current_score(late).monetary == current_score(prompt).monetary
    assert current_score(late).score < current_score(prompt).score


def test_many_order_changes_make_one_recomputation(
    owner: User,
    make_customer: Callable[..., Customer],
    sell: Sell,
    finance: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    customers = [make_customer(owner, name=f"批量客户{n}") for n in range(5)]
    with django_capture_on_commit_callbacks(execute=True):
        for customer in customers:
            order = sell(customer, "300.00", on=timezone.localdate(), to="completed")
            orders.payment_create(
                actor=finance, order=order, amount=Decimal("300.00"), received_on=order.confirmed_on
            )

    run = AnalyticsRun.objects.get()
    assert (run.status, run.is_current, run.customers) == (RunStatus.DONE, True, 5)
    assert all(current_score(customer).recency_days == 0 for customer in customers)


def test_an_order_changed_during_a_run_queues_the_next(
    owner: User,
    make_customer: Callable[..., Customer],
    sell: Sell,
) -> None:
    running = AnalyticsRun.objects.create(status=RunStatus.RUNNING, started_at=timezone.now())

    sell(make_customer(owner), "300.00", on=timezone.localdate())

    waiting = AnalyticsRun.objects.exclude(pk=running.pk).get()
    assert waiting.status == RunStatus.PENDING
    # The task finds the other run under way and leaves its own waiting, not writing at once.
    assert not services.run_start(waiting)


def test_the_schedule_recomputes_when_the_day_has_changed(
    owner: User, make_customer: Callable[..., Customer], sell: Sell
) -> None:
    customer = make_customer(owner)
    sell(customer, "300.00", on=days_ago(3))
    yesterday = services.scores_recompute(as_of=days_ago(1))
    assert current_score(customer).recency_days == 2

    scores_refresh_task.call()

    today = AnalyticsRun.objects.get(is_current=True)
    assert today.pk != yesterday.pk and today.as_of == timezone.localdate()
    assert current_score(customer).recency_days == 3
    scores_refresh_task.call()  # up to date: nothing to do
    assert AnalyticsRun.objects.count() == 2


def test_every_customer_with_purchases_has_scores_after_an_import(
    owner: User, tmp_path: Path, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    customers_file = tmp_path / "customers.csv"
    customers_file.write_text("客户名称,手机\n" + "".join(f"导入客户{n},\n" for n in range(6)))
    assert main(["import", "customers", str(customers_file), "--owner", "wangwu"]) == 0
    imported = list(Customer.objects.order_by("pk"))
    purchases_file = tmp_path / "purchases.csv"
    purchases_file.write_text(
        "customer_id,date,amount\n"
        + "".join(f"{c.pk},{days_ago(30 * n + 1)},{100 + n}\n" for n, c in enumerate(imported[:4]))
    )

    with django_capture_on_commit_callbacks(execute=True):
        assert main(["analytics", "import-purchases", str(purchases_file)]) == 0

    today = timezone.localdate()
    assert Purchase.objects.count() == 4
    assert customers_with_purchases(today=today).count() == 4
    assert not customers_unscored(today=today).exists()
    assert AnalyticsRun.objects.get().customers == 4
