"""The pipeline's sums agree with a recomputation from the deals after every kind of write,
and the board's totals read from them agree with the deals."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kehu.sales.models import Opportunity, PipelineSum, Stage
from kehu.sales.services.pipeline_sums import pipeline_sums_recompute

pytestmark = pytest.mark.django_db


def _sums() -> set[tuple]:
    return set(
        PipelineSum.objects.values_list(
            "owner", "stage", "currency", "amount_cents", "opportunities"
        )
    )


def assert_kept() -> set[tuple]:
    kept = _sums()
    pipeline_sums_recompute()
    assert kept == _sums()
    return kept


def _stage(name: str) -> Stage:
    return Stage.objects.get(business_mode="consumer_goods", name=name)


def test_every_write_keeps_the_sums_as_a_recomputation_finds_them(team, make_opportunity):
    from kehu.sales import services

    alice, bob = team["alice"], team["bob"]
    deal = make_opportunity(alice, "年度供货", amount="1000.50")
    make_opportunity(alice, "新品试销", amount="200.00", currency="USD")
    other = make_opportunity(bob, "节日礼盒", amount="333.33")
    sums = assert_kept()
    assert (alice.pk, deal.stage_id, "CNY", 100_050, 1) in sums

    deal = services.opportunity_update(
        actor=alice, opportunity=deal, version=deal.version, amount=Decimal("1500.00")
    )
    deal = services.opportunity_move(
        actor=alice, opportunity=deal, stage=_stage("Trial order"), version=deal.version
    )
    assert (alice.pk, _stage("Trial order").pk, "CNY", 150_000, 1) in assert_kept()

    services.opportunity_update(
        actor=team["manager"], opportunity=other, version=other.version, owner=alice
    )
    assert_kept()
    Opportunity.objects.filter(owner=alice).update(owner=bob)  # a bulk handover
    assert {row[0] for row in assert_kept()} == {bob.pk}
    Opportunity.objects.filter(currency="USD").delete()
    assert len(assert_kept()) == 2


def test_the_board_totals_from_the_sums_are_the_deals_totals(team, make_opportunity):
    from kehu.sales.selectors import pipeline_board, weighted_pipeline

    alice, bob = team["alice"], team["bob"]
    make_opportunity(alice, "年度供货", amount="1000.00")
    make_opportunity(alice, "新品试销", amount="500.00")
    make_opportunity(bob, "节日礼盒", amount="250.00")
    first = Stage.objects.filter(business_mode="consumer_goods").order_by("order", "pk")[0]

    def first_column(user, **kwargs):
        column = pipeline_board(user=user, business_mode="consumer_goods", **kwargs)[0]
        return [(t.count, t.amount) for t in column.totals]

    assert first_column(team["manager"]) == [(3, Decimal("1750.00"))]
    assert first_column(team["manager"], owner_id=bob.pk) == [(1, Decimal("250.00"))]
    assert first_column(alice) == [(2, Decimal("1500.00"))]
    [mine] = weighted_pipeline(user=alice)
    assert (mine.amount, mine.weighted) == (
        Decimal("1500.00"),
        (Decimal("1500.00") * first.probability / 100).quantize(Decimal("0.01")),
    )
