"""Reads of leads: lists, the overdue ones, conversion candidates and referrals."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from kehu.core.models import Department, User
from kehu.customers import selectors as customer_selectors
from kehu.customers.dedup import DuplicateKeys, find_duplicates
from kehu.customers.models import Activity, Customer
from kehu.sales.models import DEFAULT_FOLLOW_UP_DAYS, OPEN_LEAD_STATUSES, Lead, TeamSettings


def lead_queryset(*, user: User) -> QuerySet[Lead]:
    """The leads `user` may see: by their owner, through the user's data scope."""
    return Lead.objects.visible_to(user)


def lead_rows(*, user: User) -> QuerySet[Lead]:
    """The leads `user` may see, with the records a lead's page names."""
    return lead_queryset(user=user).select_related(
        "owner", "source", "customer", "referred_by_customer", "referred_by_contact", "opportunity"
    )


def lead_list(
    *, user: User, search: str = "", filters: dict[str, Any] | None = None
) -> QuerySet[Lead]:
    """The visible leads whose company, person, phone or e-mail hold `search`, with their
    owner, source and opportunity."""
    leads = lead_queryset(user=user)
    search = search.strip()
    if search:
        leads = leads.filter(
            Q(company__icontains=search)
            | Q(person__icontains=search)
            | Q(phone__contains=search)
            | Q(email__icontains=search)
        )
    if filters:
        leads = leads.filter(**{k: v for k, v in filters.items() if v not in ("", None)})
    return leads.select_related("owner", "source", "opportunity")


def follow_up_days_by_department() -> dict[int, int]:
    """Each department's follow-up limit for leads: its own setting, else the nearest parent
    department's, else the default."""
    own = dict(
        TeamSettings.objects.filter(lead_follow_up_days__isnull=False).values_list(
            "department__path", "lead_follow_up_days"
        )
    )
    days: dict[int, int] = {}
    for pk, path in Department.objects.values_list("pk", "path"):
        nearest = max((p for p in own if path.startswith(p)), key=len, default=None)
        days[pk] = own[nearest] or DEFAULT_FOLLOW_UP_DAYS if nearest else DEFAULT_FOLLOW_UP_DAYS
    return days


def overdue_only(leads: QuerySet[Lead], now: datetime | None = None) -> QuerySet[Lead]:
    """The open ones of `leads` whose owner has not followed them up (or, never followed
    up, not touched them since they got them) within their department's limit."""
    now = now or timezone.now()
    by_days: dict[int, list[int]] = defaultdict(list)
    for department, days in follow_up_days_by_department().items():
        by_days[days].append(department)
    late = Q(owner__department__isnull=True, last_touch__lt=now - timedelta(DEFAULT_FOLLOW_UP_DAYS))
    for days, departments in by_days.items():
        late |= Q(owner__department__in=departments, last_touch__lt=now - timedelta(days))
    return (
        leads.filter(status__in=OPEN_LEAD_STATUSES, owner__isnull=False)
        .alias(last_touch=Coalesce("last_activity_at", "assigned_at", "created_at"))
        .filter(late)
    )


def overdue_leads(*, user: User, now: datetime | None = None) -> QuerySet[Lead]:
    """The user's overdue leads (a manager's: their team's), the longest waiting first."""
    return (
        overdue_only(lead_queryset(user=user), now)
        .select_related("owner", "source")
        .order_by(Coalesce("last_activity_at", "assigned_at", "created_at").asc(), "pk")
    )


def lead_activities(*, lead: Lead) -> QuerySet[Activity]:
    return customer_selectors.activities_about(record=lead)


def conversion_candidates(*, user: User, lead: Lead) -> tuple[list[Customer], set[int]]:
    """The customers the lead may already be, and which of them `user` may link it to (the
    others are named, so that no second record of a company is made unawares)."""
    keys = DuplicateKeys.of(name=lead.company or lead.person, phone=lead.phone, email=lead.email)
    candidates = find_duplicates([keys])[0]
    visible = set(
        customer_selectors.customer_queryset(user=user)
        .filter(pk__in=[c.pk for c in candidates])
        .values_list("pk", flat=True)
    )
    return candidates, visible


def referral_chain(*, customer: Customer, user: User, longest: int = 20) -> list[Lead]:
    """Who introduced this customer, and who introduced them, back to the first: the
    leads the customer came from, oldest referrer last."""
    chain: list[Lead] = []
    seen = {customer.pk}
    current: Customer | None = customer
    while current is not None and len(chain) < longest:
        lead = (
            Lead.objects.filter(customer=current, referred_by_customer__isnull=False)
            .select_related("referred_by_customer", "referred_by_contact", "source")
            .order_by("converted_at")
            .first()
        )
        if lead is None or lead.referred_by_customer is None:
            break
        if lead.referred_by_customer.pk in seen:
            break
        chain.append(lead)
        seen.add(lead.referred_by_customer.pk)
        current = lead.referred_by_customer
    return chain


def referred_leads(*, customer: Customer, user: User) -> QuerySet[Lead]:
    """The leads this customer (or one of its contacts) brought, as far as `user` may see."""
    return (
        lead_queryset(user=user)
        .filter(Q(referred_by_customer=customer) | Q(referred_by_contact__customer=customer))
        .select_related("owner", "customer", "referred_by_contact")
    )
