"""What leads, opportunities and milestones say about themselves, the same on every page
and in every service that asks."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from kehu.sales.models import (
    Attitude,
    Decision,
    Lead,
    LeadStatus,
    Milestone,
    Opportunity,
    Stage,
)
from kehu.sales.templatetags.sales import BADGES, badge


def test_a_lead_is_open_until_converted_or_disqualified():
    for status in (LeadStatus.NEW, LeadStatus.CONTACTED, LeadStatus.QUALIFIED):
        lead = Lead(status=status)
        assert (lead.is_open, lead.is_converted) == (True, False), status
    assert (
        Lead(status=LeadStatus.DISQUALIFIED).is_open,
        Lead(status="disqualified").is_converted,
    ) == (
        False,
        False,
    )
    converted = Lead(status=LeadStatus.CONVERTED)
    assert (converted.is_open, converted.is_converted) == (False, True)


def test_an_opportunity_is_late_while_open_after_its_expected_close():
    yesterday = timezone.localdate() - timedelta(days=1)
    open_stage, won = Stage(probability=50), Stage(probability=100, is_won=True)
    assert Opportunity(stage=open_stage, expected_close_date=yesterday).is_late
    assert not Opportunity(stage=won, expected_close_date=yesterday).is_late
    assert not Opportunity(stage=open_stage, expected_close_date=timezone.localdate()).is_late
    assert not Opportunity(stage=open_stage).is_late


def test_only_project_deals_are_projects():
    assert Opportunity(business_mode="project").is_project
    assert not Opportunity(business_mode="key_account").is_project


def test_a_milestone_is_late_when_not_done_by_its_due_date():
    yesterday = timezone.localdate() - timedelta(days=1)
    assert Milestone(due_date=yesterday).is_late
    assert not Milestone(due_date=yesterday, done=True).is_late
    assert not Milestone(due_date=timezone.localdate()).is_late


def test_every_status_has_its_own_badge():
    # One table holds the three kinds: a code shared by two would lose one's colour.
    assert len(BADGES) == len(LeadStatus) + len(Attitude) + len(Decision)
    assert badge(LeadStatus.CONVERTED) == "bg-teal text-white"
    assert badge("unknown") == "bg-secondary-lt"
