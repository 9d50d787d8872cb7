"""Opportunities through the pipeline, the board's totals and targets, through the
services every page and API call uses."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from kehu.core.exceptions import VersionConflict
from kehu.sales import selectors, services
from kehu.sales.models import Opportunity, StageChange
from tests.sales.conftest import stage

pytestmark = pytest.mark.django_db


# Opportunities -----------------------------------------------------------------------------


def test_moving_to_a_lost_stage_needs_a_reason(team, make_opportunity):
    deal = make_opportunity(team["alice"])
    lost = stage("consumer_goods", "Closed lost")
    with pytest.raises(ValidationError) as error:
        services.opportunity_move(actor=team["alice"], opportunity=deal, stage=lost, version=1)
    assert "lost_reason" in error.value.message_dict
    deal = Opportunity.objects.get(pk=deal.pk)
    assert deal.stage.name == "Initial contact" and deal.version == 1

    services.opportunity_move(
        actor=team["alice"], opportunity=deal, stage=lost, version=1, lost_reason="价格太高"
    )
    deal.refresh_from_db()
    assert (deal.lost_reason, deal.closed_on) == ("价格太高", timezone.localdate())


def test_a_stale_move_is_a_conflict(team, make_opportunity):
    deal = make_opportunity(team["alice"])
    services.opportunity_move(
        actor=team["alice"],
        opportunity=deal,
        stage=stage("consumer_goods", "Needs confirmed"),
        version=1,
    )
    stale = Opportunity.objects.get(pk=deal.pk)
    with pytest.raises(VersionConflict):
        services.opportunity_move(
            actor=team["bob"],
            opportunity=stale,
            stage=stage("consumer_goods", "Trial order"),
            version=1,
        )
    assert Opportunity.objects.get(pk=deal.pk).stage.name == "Needs confirmed"


def test_stage_changes_are_dated_and_winning_sets_the_close_date(team, make_opportunity):
    deal = make_opportunity(team["alice"])
    won = stage("consumer_goods", "Closed won")
    services.opportunity_move(actor=team["alice"], opportunity=deal, stage=won, version=1)
    moves = list(StageChange.objects.filter(opportunity=deal).order_by("at", "pk"))
    assert [(m.from_stage, m.to_stage.name) for m in moves] == [
        (None, "Initial contact"),
        (stage("consumer_goods", "Initial contact"), "Closed won"),
    ]
    assert deal.closed_on == timezone.localdate()
    reopened = services.opportunity_move(
        actor=team["alice"],
        opportunity=deal,
        stage=stage("consumer_goods", "Negotiation"),
        version=deal.version,
    )
    assert reopened.closed_on is None


def test_a_stage_of_another_pipeline_is_refused(team, make_opportunity):
    deal = make_opportunity(team["alice"])
    with pytest.raises(ValidationError) as error:
        services.opportunity_move(
            actor=team["alice"],
            opportunity=deal,
            stage=stage("project", "Shortlisted"),
            version=1,
        )
    assert "stage" in error.value.message_dict


def test_the_board_totals_count_amount_and_weighted_amount(team, make_opportunity):
    make_opportunity(team["alice"], name="甲", amount="100000.00")
    make_opportunity(team["bob"], name="乙", amount="50000.50")
    make_opportunity(team["bob"], name="丙", amount="1000", currency="USD")
    board = selectors.pipeline_board(user=team["manager"], business_mode="consumer_goods")
    first = board[0]
    assert first.stage.name == "Initial contact"
    totals = {t.currency: (t.count, t.amount, t.weighted) for t in first.totals}
    assert totals == {
        "CNY": (2, Decimal("150000.50"), Decimal("15000.05")),
        "USD": (1, Decimal("1000.00"), Decimal("100.00")),
    }
    mine = selectors.pipeline_board(user=team["alice"], business_mode="consumer_goods")
    assert [c.name for c in mine[0].cards] == ["甲"]


def test_the_open_pipeline_is_weighted_by_each_stage_across_business_modes(team, make_opportunity):
    make_opportunity(team["alice"], name="甲", amount="100000.00")  # 10 %
    negotiating = make_opportunity(team["alice"], name="乙", amount="20000.00")
    services.opportunity_move(
        actor=team["alice"],
        opportunity=negotiating,
        stage=stage("consumer_goods", "Negotiation"),  # 75 %
        version=negotiating.version,
    )
    won = make_opportunity(team["alice"], name="丙", amount="5000.00")
    services.opportunity_move(
        actor=team["alice"],
        opportunity=won,
        stage=stage("consumer_goods", "Closed won"),
        version=won.version,
    )
    make_opportunity(
        team["alice"], name="丁", amount="1000", currency="USD", business_mode="project"
    )
    totals = {
        t.currency: (t.count, t.amount, t.weighted)
        for t in selectors.weighted_pipeline(user=team["alice"])
    }
    assert totals["CNY"] == (2, Decimal("120000.00"), Decimal("25000.00"))
    assert totals["USD"][:2] == (1, Decimal("1000.00"))


def test_the_board_caps_the_cards_of_a_stage(team, make_opportunity):
    for index in range(4):
        make_opportunity(team["alice"], name=f"商机{index}")
    board = selectors.pipeline_board(user=team["alice"], business_mode="consumer_goods", cap=3)
    assert (len(board[0].cards), board[0].count, board[0].more) == (3, 4, 1)


# Targets -----------------------------------------------------------------------------------


def test_actual_is_won_in_the_period_and_forecast_is_weighted_open_deals(team, make_opportunity):
    today = timezone.localdate()
    start = today.replace(day=1)
    services.target_create(
        actor=team["manager"],
        user=team["alice"],
        period="month",
        period_start=start,
        amount="200000",
    )
    won = make_opportunity(team["alice"], name="已赢", amount="120000")
    services.opportunity_move(
        actor=team["alice"], opportunity=won, stage=stage("consumer_goods", "Closed won"), version=1
    )
    make_opportunity(
        team["alice"],
        name="谈判中",
        amount="100000",
        stage=stage("consumer_goods", "Negotiation"),
        expected_close_date=start,
    )
    rows = selectors.target_progress(user=team["manager"], period="month", start=start)
    alice = next(r for r in rows if r.label == "alice")
    assert (alice.target_amount, alice.won, alice.forecast) == (
        Decimal("200000.00"),
        Decimal("120000.00"),
        Decimal("75000.00"),
    )
    assert alice.achieved_percent == 60
    assert selectors.target_progress(user=team["bob"], period="month", start=start) == []


def test_a_period_starts_on_its_first_day(team):
    with pytest.raises(ValidationError) as error:
        services.target_create(
            actor=team["manager"],
            user=team["alice"],
            period="quarter",
            period_start=timezone.localdate().replace(month=2, day=1),
            amount="1",
        )
    assert "period_start" in error.value.message_dict


def test_team_targets_are_seen_and_set_within_ones_department(team, make_department, make_user):
    start = timezone.localdate().replace(day=1)
    east = team["department"]
    hangzhou = make_department("杭州组", parent=east)
    north = make_department("华北销售部")
    for department in (east, hangzhou, north):
        services.target_create(
            actor=None, department=department, period="month", period_start=start, amount="1"
        )
    seen = {t.department for t in selectors.target_queryset(user=team["manager"])}
    assert seen == {east, hangzhou}
    assert list(selectors.target_queryset(user=team["alice"])) == []
    assert selectors.target_queryset(user=team["admin"]).count() == 3
    with pytest.raises(ValidationError) as error:
        services.target_create(
            actor=team["manager"],
            department=north,
            period="quarter",
            period_start=start.replace(month=(start.month - 1) // 3 * 3 + 1),
            amount="1",
        )
    assert "department" in error.value.message_dict
