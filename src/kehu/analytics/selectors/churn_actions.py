"""Reads of the actions taken to keep customers at risk: a customer's, the at-risk list's,
and what came of them. Every read goes through the actions' visibility (their customer's
owner's), so a figure never counts anyone else's customers."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Container, Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import F, Max, Min, QuerySet
from django.utils import timezone

from kehu.analytics.maths.parameters import CHURN_THRESHOLD
from kehu.analytics.models import ChurnAction, CustomerScore, Purchase
from kehu.core.models import User
from kehu.core.scopes import visible_users
from kehu.customers.models import Customer
from kehu.orders.selectors.paying import purchase_orders


def churn_action_queryset(*, user: User) -> QuerySet[ChurnAction]:
    """The actions on the customers `user` may see, those still to do first, the soonest due
    first."""
    return (
        ChurnAction.objects.visible_to(user)
        .select_related("customer", "assignee")
        .order_by(F("done_at").asc(nulls_first=True), "due_date", "id")
    )


def churn_action_changeable(*, user: User | None, action: ChurnAction) -> bool:
    """Its assignee may change an action, and so may those who see the assignee's work;
    Kehu itself (no user) may change any."""
    if user is None:
        return True
    seen = visible_users(user).filter(pk=action.assignee_id).values_list("pk", flat=True)
    return _may_change(user, action, set(seen))


def _may_change(user: User, action: ChurnAction, workers: Container[Any]) -> bool:
    """`workers`: the people whose work `user` sees (or those of them that matter)."""
    return action.assignee_id == user.pk or action.assignee_id in workers


@dataclass(frozen=True)
class ActionRow:
    action: ChurnAction
    changeable: bool  # by the reader: edited, marked done


def actions_of_customers(*, user: User, customers: Iterable[int]) -> dict[int, list[ActionRow]]:
    """The actions of each of these customers (by id), those still to do first, the soonest
    due first; each says whether `user` may change it."""
    workers = set(visible_users(user).values_list("pk", flat=True))
    found: dict[int, list[ActionRow]] = defaultdict(list)
    for action in churn_action_queryset(user=user).filter(customer_id__in=list(customers)):
        found[action.customer_id].append(ActionRow(action, _may_change(user, action, workers)))
    return found


def customer_churn_actions(*, user: User, customer: Customer) -> list[ActionRow]:
    return actions_of_customers(user=user, customers=[customer.pk]).get(customer.pk, [])


@dataclass(frozen=True)
class ChurnActionOutcomes:
    """What came of the actions on the customers a user may see, counted in customers."""

    given: int  # customers given at least one action
    open: int  # actions not done yet
    overdue: int  # of those, the ones past their day
    acted_on: int  # customers with an action done
    bought_again: int  # of those, customers who bought on or after the day it was first done
    no_longer_at_risk: int  # of those, customers the current scores no longer put at risk


def _last_purchases(customers: QuerySet[Any]) -> dict[int, dt.date]:
    """The day each of these customers last bought: an order of theirs that is a purchase,
    or the history imported from before Kehu, whichever is later (as the scores read them)."""
    latest: dict[int, dt.date] = {}
    for rows in (
        Purchase.objects.filter(customer_id__in=customers)
        .values("customer_id")
        .annotate(last=Max("date")),
        purchase_orders()
        .filter(customer_id__in=customers)
        .values("customer_id")
        .annotate(last=Max("confirmed_on")),
    ):
        for customer, last in rows.values_list("customer_id", "last").order_by():
            if last is not None and (customer not in latest or last > latest[customer]):
                latest[customer] = last
    return latest


def churn_action_outcomes(*, user: User) -> ChurnActionOutcomes:
    actions = ChurnAction.objects.visible_to(user)
    pending = actions.filter(done_at=None)
    done = actions.exclude(done_at=None)
    # Read in the database, as subqueries: the customers acted on may be many thousands.
    acted_on = done.values("customer_id")
    first_done = dict(
        done.values("customer_id")
        .annotate(first=Min("done_at"))
        .values_list("customer_id", "first")
        .order_by()
    )
    last_purchase = _last_purchases(acted_on)
    bought_again = sum(
        1
        for customer, first in first_done.items()
        if customer in last_purchase and last_purchase[customer] >= timezone.localdate(first)
    )
    no_longer_at_risk = (
        CustomerScore.objects.visible_to(user)
        .filter(
            run__is_current=True,
            customer_id__in=acted_on,
            churn_probability__lt=CHURN_THRESHOLD,
        )
        .count()
    )
    return ChurnActionOutcomes(
        given=actions.values("customer_id").distinct().count(),
        open=pending.count(),
        overdue=pending.filter(due_date__lt=timezone.localdate()).count(),
        acted_on=len(first_done),
        bought_again=bought_again,
        no_longer_at_risk=no_longer_at_risk,
    )
