"""The demo company: it loads, it has what the issue promises, and its numbers add up the
way the services keep them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from itertools import pairwise
from typing import Any

import pytest
from django.db import connection, transaction
from django.db.models import Count, F, Max, Sum
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone, translation

from kehu.analytics.models import AnalyticsRun, CustomerScore, RunStatus
from kehu.analytics.selectors import customers_unscored, customers_with_purchases
from kehu.core.models import Change, User
from kehu.customers.models import Customer, CustomerKind
from kehu.demo import demo_load
from kehu.orders.models import (
    RECEIVABLE_STATUSES,
    ApprovalStatus,
    CreditApproval,
    Delivery,
    DeliveryLine,
    Order,
    OrderLine,
    OrderStatus,
    OrderStatusChange,
    Payment,
    Quote,
    QuoteStatus,
)
from kehu.orders.selectors import receivable_orders, receivables_ageing
from kehu.orders.selectors.paying import purchase_orders
from kehu.sales.models import (
    Decision,
    Lead,
    LeadStatus,
    Milestone,
    Opportunity,
    ProjectEvaluation,
    SalesTarget,
    Stage,
)
from kehu.sales.selectors import overdue_leads, pipeline_board


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any) -> Iterator[str]:
    """The demo loaded once for the module, rolled back after its last test."""
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
        transaction.atomic(),
    ):
        summary = demo_load()
        # Check the deferred foreign keys of the load once, not again after every test.
        connection.check_constraints()
        yield summary
        transaction.set_rollback(True)


@pytest.fixture
def loaded(demo: str, db: Any) -> str:
    return demo


def user(username: str) -> User:
    return User.objects.get(username=username)


def test_the_summary_counts_what_was_loaded(loaded: str) -> None:
    assert f"{Order.objects.count()}" in loaded
    assert f"{Payment.objects.count()}" in loaded
    assert f"{Lead.objects.count()}" in loaded
    assert 19_000 <= Order.objects.count() <= 21_000


def test_leads_come_from_many_channels_and_campaigns(loaded: str) -> None:
    channels = set(Lead.objects.values_list("source__channel", flat=True))
    assert len(channels) >= 5
    campaigns = set(Lead.objects.values_list("campaign", flat=True))
    assert any("广交会" in c for c in campaigns)
    assert any("糖酒会" in c for c in campaigns)
    referred = Lead.objects.filter(referred_by_customer__isnull=False)
    assert referred.exists()
    assert (
        not referred.exclude(referred_by_contact__isnull=True)
        .exclude(referred_by_contact__customer=F("referred_by_customer"))
        .exists()
    )


def test_converted_leads_are_linked_to_their_customer_contact_and_follow_ups(loaded: str) -> None:
    converted = Lead.objects.filter(status=LeadStatus.CONVERTED)
    assert converted.count() >= 20
    assert not converted.filter(customer__isnull=True).exists()
    assert not converted.filter(contact__isnull=True).exists()
    assert converted.filter(opportunity__isnull=False).exists()
    for lead in converted.exclude(last_activity_at__isnull=True)[:20]:
        assert lead.contact.customer_id == lead.customer_id
        assert lead.converted_at is not None and lead.converted_at >= lead.created_at
        assert set(lead.follow_ups.values_list("customer_id", flat=True)) == {lead.customer_id}


def test_the_home_page_flags_overdue_leads_for_zhaolei_and_his_manager(loaded: str) -> None:
    zhaolei, liming = user("zhaolei"), user("liming")
    own = list(overdue_leads(user=zhaolei))
    assert own and {lead.owner_id for lead in own} == {zhaolei.pk}
    assert set(overdue_leads(user=liming).values_list("pk", flat=True)) > {lead.pk for lead in own}
    client = Client()
    client.force_login(zhaolei)
    page = client.get(reverse("core:home")).content.decode()
    assert 'data-testid="overdue-lead"' in page
    assert str(own[0]) in page


def test_every_stage_of_every_pipeline_has_opportunities(loaded: str) -> None:
    empty = Stage.objects.annotate(n=Count("opportunities")).filter(n=0)
    assert list(empty) == []
    closed = Opportunity.objects.filter(stage__is_won=True) | Opportunity.objects.filter(
        stage__is_lost=True
    )
    assert not closed.filter(closed_on__isnull=True).exists()
    assert not Opportunity.objects.filter(stage__is_lost=True, lost_reason="").exists()
    close_dates = Opportunity.objects.exclude(closed_on__isnull=True).values_list(
        "closed_on", flat=True
    )
    assert (max(close_dates) - min(close_dates)).days > 500


def test_each_opportunity_has_its_dated_stage_history(loaded: str) -> None:
    for opportunity in Opportunity.objects.select_related("stage").order_by("pk")[::15]:
        history = list(opportunity.stage_changes.order_by("at", "pk"))
        assert history[0].from_stage is None
        assert history[-1].to_stage_id == opportunity.stage_id
        for before, after in pairwise(history):
            assert after.from_stage_id == before.to_stage_id


def test_the_pipeline_board_shows_every_stage_with_its_totals(loaded: str) -> None:
    for mode in ["consumer_goods", "industrial_goods", "project", "key_account"]:
        columns = pipeline_board(user=user("liming"), business_mode=mode)
        assert columns and all(column.count > 0 for column in columns)
        assert all(column.totals[0].amount > 0 for column in columns)
    own = pipeline_board(user=user("zhaolei"), business_mode="consumer_goods")
    assert all(card.owner.username == "zhaolei" for column in own for card in column.cards)


def test_project_deals_have_an_evaluation_decision_makers_and_milestones(loaded: str) -> None:
    evaluations = ProjectEvaluation.objects.select_related("opportunity")
    assert evaluations.count() == 2
    committed = evaluations.get(decision=Decision.GO)
    assert committed.decided_by is not None
    assert committed.opportunity.decision_makers.count() >= 2
    assert Milestone.objects.filter(opportunity=committed.opportunity, done=True).exists()
    assert Milestone.objects.filter(opportunity=committed.opportunity, done=False).exists()


def test_salespeople_and_teams_have_monthly_targets_this_year(loaded: str) -> None:
    assert SalesTarget.objects.filter(user__username="zhaolei").count() == 12
    assert SalesTarget.objects.filter(department__name="销售中心").count() == 12


def test_order_totals_and_paid_amounts_add_up(loaded: str) -> None:
    lines: dict[int, Decimal] = defaultdict(Decimal)
    for order_id, total in OrderLine.objects.values_list("order_id", "line_total"):
        lines[order_id] += total
    payments: dict[int, Decimal] = defaultdict(Decimal)
    for order_id, amount in Payment.objects.values_list("order_id", "amount"):
        payments[order_id] += amount
    orders = Order.objects.values_list("pk", "total", "paid", "status")
    for pk, total, paid, status in orders:
        assert lines[pk] == total
        assert payments[pk] == paid <= total
        if status not in RECEIVABLE_STATUSES:
            assert paid == 0


def test_confirmed_orders_fall_due_after_their_payment_terms(loaded: str) -> None:
    rows = Order.objects.filter(status__in=RECEIVABLE_STATUSES).values_list(
        "confirmed_on", "due_date", "payment_terms_days"
    )
    assert len(rows) > 19_000
    for confirmed_on, due_date, terms in rows:
        assert due_date == confirmed_on + timedelta(days=terms)
    assert {terms for _c, _d, terms in rows} >= {30, 45, 60}


def test_each_order_timeline_ends_in_its_status_and_has_its_history(loaded: str) -> None:
    last: dict[int, str] = {}
    first: dict[int, str] = {}
    for order_id, to_status in OrderStatusChange.objects.order_by("at", "pk").values_list(
        "order_id", "to_status"
    ):
        first.setdefault(order_id, to_status)
        last[order_id] = to_status
    statuses = dict(Order.objects.values_list("pk", "status"))
    assert last == statuses
    assert set(first.values()) == {OrderStatus.DRAFT}
    created = Change.objects.filter(
        target_type__model="order", action="create", target_id__in=list(statuses)[:500]
    )
    assert created.count() == 500


def test_shipped_orders_have_deliveries_covering_every_line(loaded: str) -> None:
    shipped_statuses = [OrderStatus.SHIPPED, OrderStatus.DELIVERED, OrderStatus.COMPLETED]
    delivered: dict[int, Decimal] = defaultdict(Decimal)
    for line_id, quantity in DeliveryLine.objects.values_list("order_line_id", "quantity"):
        delivered[line_id] += quantity
    for line_id, quantity in OrderLine.objects.filter(
        order__status__in=shipped_statuses
    ).values_list("pk", "quantity")[:5000]:
        assert delivered[line_id] == quantity
    assert not Delivery.objects.filter(
        order__status=OrderStatus.COMPLETED, delivered_on__isnull=True
    ).exists()


def test_orders_span_every_state(loaded: str) -> None:
    counts = dict(Order.objects.values_list("status").annotate(n=Count("pk")))
    assert set(counts) == set(OrderStatus.values)
    assert counts[OrderStatus.COMPLETED] > 15_000
    assert OrderLine.objects.exclude(specs={}).exists()
    assert Order.objects.filter(dealer__isnull=False).count() > 500
    dealers = Customer.objects.filter(kind=CustomerKind.DEALER)
    assert dealers.count() >= 3
    assert all(dealer.end_customers.exists() for dealer in dealers)


def test_some_orders_wait_for_a_credit_approval_and_one_went_through(loaded: str) -> None:
    pending = CreditApproval.objects.filter(status=ApprovalStatus.PENDING).select_related("order")
    assert pending.count() >= 3
    for approval in pending:
        assert approval.order.status == OrderStatus.DRAFT
        assert approval.amount + approval.open_receivables > approval.credit_limit
    accepted = Quote.objects.get(status=QuoteStatus.ACCEPTED)
    assert accepted.revision == 2
    order = accepted.order
    assert order.status == OrderStatus.SHIPPED
    assert 0 < order.paid < order.total


def test_receivables_age_into_every_bucket(loaded: str) -> None:
    finance = user("huangmin")
    ageing = receivables_ageing(user=finance)
    rows, total = ageing.rows, ageing.totals
    for bucket in ["not_due", "d0_30", "d31_60", "d61_90", "d90_plus"]:
        assert getattr(total, bucket) > 0, bucket
    open_amount = receivable_orders(user=finance).aggregate(open=Sum(F("total") - F("paid")))[
        "open"
    ]
    assert total.total == Decimal(open_amount).quantize(Decimal("0.01"))
    assert rows[0].total >= rows[-1].total
    by_owner = receivables_ageing(user=finance, by="owner")
    assert by_owner.totals.total == total.total
    assert {row.label for row in by_owner.rows} >= {"赵磊", "孙丽"}
    # A salesperson sees only their own customers' receivables.
    own = receivables_ageing(user=user("zhaolei")).totals
    assert 0 < own.total < total.total


def test_the_demo_pages_open(loaded: str) -> None:
    client = Client()
    client.force_login(user("huangmin"))
    assert client.get(reverse("orders:receivables")).status_code == 200
    client.force_login(user("liming"))
    order = Order.objects.filter(status=OrderStatus.COMPLETED).first()
    assert order is not None
    page = client.get(reverse("orders:order", args=[order.pk]))
    assert page.status_code == 200 and order.number in page.content.decode()
    dealer = Customer.objects.filter(kind=CustomerKind.DEALER).first()
    assert dealer is not None
    page = client.get(reverse("orders:dealer", args=[dealer.pk]))
    assert page.status_code == 200 and dealer.name in page.content.decode()


def test_loading_again_changes_nothing(loaded: str) -> None:
    counts = [model.objects.count() for model in (Order, Payment, Lead, Opportunity, Change)]
    with translation.override("en"):
        assert demo_load() == "The demo company is already loaded."
    assert [model.objects.count() for model in (Order, Payment, Lead, Opportunity, Change)] == (
        counts
    )


def test_every_customer_with_purchases_has_scores_that_agree_with_their_orders(
    loaded: str,
) -> None:
    today = timezone.localdate()
    assert customers_with_purchases(today=today).count() == Customer.objects.count()
    assert not customers_unscored(today=today).exists()
    assert not AnalyticsRun.objects.filter(status=RunStatus.PENDING).exists()
    last_orders = dict(
        purchase_orders()
        .values("customer")
        .annotate(last=Max("confirmed_on"))
        .values_list("customer", "last")
    )
    current = CustomerScore.objects.filter(run__is_current=True)
    for customer_id, recency, reasons in current.values_list(
        "customer_id", "recency_days", "churn_reasons"
    ):
        if customer_id in last_orders:
            assert recency == (today - last_orders[customer_id]).days, customer_id
        for reason in reasons:
            if reason["feature"] == "recency_days":
                assert reason["value"] == recency, customer_id
