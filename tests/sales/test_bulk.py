"""Many leads and opportunities written at once (the demo's two years): the rows, follow-ups
and history the services would have left, and the services' rules on every one."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from kehu.core.models import Change
from kehu.sales import selectors, services
from kehu.sales.models import Lead, Opportunity, StageChange
from kehu.sales.services import FollowUp, NewLead, NewOpportunity, StatusMove
from tests.sales.conftest import source, stage

pytestmark = pytest.mark.django_db


def _lead(actor, created, *events, **values) -> NewLead:
    values = {"company": "杭州云帆科技有限公司", "source": source("web"), **values}
    return NewLead(actor=actor, created_at=created, values=values, events=list(events))


def test_leads_are_written_as_the_services_leave_them(team):
    alice = team["alice"]
    created = timezone.now() - timedelta(days=10)
    called, qualified = created + timedelta(days=1), created + timedelta(days=2)
    worked = _lead(
        alice,
        created,
        FollowUp(at=called, kind="call", subject="电话了解需求"),
        StatusMove(at=qualified, status="qualified"),
        phone="138 1234 5678",
    )
    waiting = _lead(alice, created, company="未跟进的公司")
    first, second = services.LeadWriter().create([worked, waiting])

    lead = Lead.objects.get(pk=first)
    assert (lead.owner, lead.created_by, lead.phone) == (alice, alice, "+8613812345678")
    assert (lead.status, lead.version) == ("qualified", 3)
    assert (lead.created_at, lead.assigned_at, lead.last_activity_at) == (created, created, called)
    assert lead.updated_at == qualified
    follow_up = selectors.lead_activities(lead=lead).get()
    assert (follow_up.subject, follow_up.customer, follow_up.author) == (
        "电话了解需求",
        None,
        alice,
    )
    history = Change.objects.filter(target_id=first, target_type__model="lead").order_by("at")
    assert [(c.action, c.at, c.actor) for c in history] == [
        ("create", created, alice),
        ("update", called, alice),
        ("update", qualified, alice),
    ]
    assert history[1].changes == {"status": ["new", "contacted"]}
    assert history[2].changes == {"status": ["contacted", "qualified"]}
    assert Lead.objects.get(pk=second).status == "new"


def test_a_written_lead_follows_the_services_rules(team, make_user):
    now = timezone.now()
    writer = services.LeadWriter()
    with pytest.raises(ValidationError) as error:
        writer.create([_lead(team["alice"], now, StatusMove(at=now, status="disqualified"))])
    assert "disqualified_reason" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        writer.create([_lead(team["alice"], now, owner=make_user("outsider"))])
    assert "owner" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        writer.create([_lead(team["alice"], now, company="", phone="12")])
    assert {"company", "phone"} <= set(error.value.message_dict)
    assert not Lead.objects.exists() and not Change.objects.exists()


def _deal(owner, customer, path, **values) -> NewOpportunity:
    values = {"name": "年度供货", "amount": Decimal("50000.00"), **values}
    return NewOpportunity(
        actor=owner, customer=customer, values=values, path=path, lost_reason="价格太高"
    )


def test_opportunities_are_written_with_their_dated_stage_history(team, make_customer):
    alice = team["alice"]
    customer = make_customer(alice, business_mode="consumer_goods")
    begun = timezone.now() - timedelta(days=30)
    lost_at = begun + timedelta(days=20)
    path = [
        (begun, stage("consumer_goods", "Initial contact")),
        (begun + timedelta(days=5), stage("consumer_goods", "Trial order")),
        (lost_at, stage("consumer_goods", "Closed lost")),
    ]
    (pk,) = services.OpportunityWriter().create([_deal(alice, customer, path)])

    deal = Opportunity.objects.get(pk=pk)
    assert (deal.owner, deal.business_mode, deal.stage.name) == (
        alice,
        "consumer_goods",
        "Closed lost",
    )
    assert (deal.lost_reason, deal.closed_on) == ("价格太高", timezone.localdate(lost_at))
    assert (deal.created_at, deal.updated_at, deal.version) == (begun, lost_at, 3)
    moves = StageChange.objects.filter(opportunity=deal).order_by("at")
    assert [(m.from_stage, m.to_stage, m.at) for m in moves] == [
        (None, path[0][1], begun),
        (path[0][1], path[1][1], path[1][0]),
        (path[1][1], path[2][1], lost_at),
    ]
    history = Change.objects.filter(target_id=pk, target_type__model="opportunity").order_by("at")
    assert [c.action for c in history] == ["create", "update", "update"]
    assert {c.customer_id for c in history} == {customer.pk}
    # Stages are kept by their names, as the services keep them.
    names = [str(stage_) for _at, stage_ in path]
    assert history[0].changes["stage"] == [None, names[0]]
    assert history[2].changes == {"stage": names[1:], "lost_reason": ["", "价格太高"]}


def test_a_written_opportunity_stays_in_its_pipeline(team, make_customer):
    customer = make_customer(team["alice"], business_mode="consumer_goods")
    now = timezone.now()
    path = [
        (now, stage("consumer_goods", "Initial contact")),
        (now, stage("project", "Shortlisted")),
    ]
    with pytest.raises(ValidationError) as error:
        services.OpportunityWriter().create([_deal(team["alice"], customer, path)])
    assert "stage" in error.value.message_dict
    assert not Opportunity.objects.exists() and not StageChange.objects.exists()
