"""RFM metrics, quintile scores and segments."""

from __future__ import annotations

import datetime as dt
import itertools

import polars as pl
from hypothesis import given
from hypothesis import strategies as st

from kehu.analytics.maths.rfm import SEGMENT_RULES, SEGMENTS, quintile_score, rfm_table
from kehu.analytics.maths.transactions import validate_transactions

from .conftest import Transactions


def test_six_customers_scored_by_hand(transactions: Transactions) -> None:
    log = transactions(
        ("c1", "2024-05-01", 50), ("c1", "2024-06-01", 50), ("c1", "2024-06-30", 100),
        ("c2", "2024-06-20", 300),
        ("c3", "2024-03-01", 20), ("c3", "2024-04-01", 20),
        ("c4", "2024-01-01", 10),
        ("c5", "2024-04-20", 40), ("c5", "2024-05-20", 40), ("c5", "2024-06-10", 40),
        ("c5", "2024-06-25", 40),
        ("c6", "2023-12-01", 500), ("c6", "2024-02-01", 500),
        ("c6", "2024-07-02", 999),  # after the as-of date
    )  # fmt: skip

    table = rfm_table(log, as_of=dt.date(2024, 7, 1))

    # With n = 6, w customers strictly worse give a score of 1 + ⌊5w/6⌋: w = 0…5 → 1,1,2,3,4,5.
    assert table.select("customer_id", "recency_days", "frequency", "monetary").rows() == [
        ("c1", 1, 3, 200.0),
        ("c2", 11, 1, 300.0),
        ("c3", 91, 2, 40.0),
        ("c4", 182, 1, 10.0),
        ("c5", 6, 4, 160.0),
        ("c6", 151, 2, 1000.0),
    ]
    assert table.select("customer_id", "r", "f", "m", "segment").rows() == [
        ("c1", 5, 4, 3, "loyal"),
        ("c2", 3, 1, 4, "need_attention"),
        ("c3", 2, 2, 1, "hibernating"),
        ("c4", 1, 1, 1, "lost"),
        ("c5", 4, 5, 2, "loyal"),
        ("c6", 1, 2, 5, "at_risk"),
    ]
    assert table["monetary_mean"].to_list() == [200 / 3, 300.0, 20.0, 10.0, 40.0, 500.0]


def test_without_ties_scores_split_customers_into_five_equal_groups() -> None:
    frame = pl.DataFrame({"value": list(range(100))})

    scores = frame.select(quintile_score(pl.col("value")))["value"]

    assert scores.value_counts(sort=True)["count"].to_list() == [20] * 5
    assert scores.to_list() == sorted(scores.to_list())


def test_smaller_is_better_reverses_the_scores() -> None:
    frame = pl.DataFrame({"days": [1, 2, 3, 4, 5]})

    scores = frame.select(quintile_score(pl.col("days"), higher_is_better=False))["days"]

    assert scores.to_list() == [5, 4, 3, 2, 1]


def test_tied_customers_share_the_score_of_their_first_position() -> None:
    # Six of ten customers bought once: nobody is worse than them, so they all score 1.
    frame = pl.DataFrame({"frequency": [1, 1, 1, 1, 1, 1, 2, 2, 3, 7]})

    scores = frame.select(quintile_score(pl.col("frequency")))["frequency"].to_list()

    assert scores == [1, 1, 1, 1, 1, 1, 4, 4, 5, 5]


def test_segment_rules_cover_every_cell_exactly_once() -> None:
    for r, fm in itertools.product(range(1, 6), range(2, 11)):
        matching = [
            rule.segment
            for rule in SEGMENT_RULES
            if rule.r[0] <= r <= rule.r[1] and rule.fm[0] <= fm <= rule.fm[1]
        ]
        assert len(matching) == 1, (r, fm, matching)
    assert set(SEGMENTS) == {
        "champions", "loyal", "potential_loyalists", "new", "promising",
        "need_attention", "at_risk", "cannot_lose", "hibernating", "lost",
    }  # fmt: skip


purchases = st.lists(
    st.tuples(
        st.sampled_from(["a", "b", "c", "d", "e", "f", "g", "h"]),
        st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2024, 12, 31)),
        st.floats(min_value=0, max_value=1e6, allow_nan=False),
    ),
    min_size=1,
    max_size=60,
)


@given(purchases)
def test_scores_are_one_to_five_monotone_and_blind_to_ids(
    rows: list[tuple[str, dt.date, float]],
) -> None:
    customers, dates, amounts = zip(*rows, strict=True)
    log = validate_transactions(
        pl.DataFrame({"customer_id": customers, "date": dates, "amount": amounts})
    )

    table = rfm_table(log, as_of=dt.date(2025, 1, 1))

    for metric, score, better in [
        ("recency_days", "r", -1),
        ("frequency", "f", 1),
        ("monetary", "m", 1),
    ]:
        assert table[score].is_between(1, 5).all()
        ordered = table.sort(pl.col(metric) * better)
        # A better value never scores lower, and equal values always score the same.
        assert ordered[score].to_list() == sorted(ordered[score].to_list())
        assert (table.group_by(metric).agg(pl.col(score).n_unique())[score] == 1).all()
    assert table["segment"].is_in(SEGMENTS).all()
