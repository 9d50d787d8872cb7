"""Business time and service-level clocks, against deadlines worked out by hand.

The calendar of these tests: Monday to Friday 09:00-12:00 and 13:30-18:00 (a lunch break),
Saturday a split shift 08:00-10:00 and 19:00-21:00, Sunday off, in Shanghai time. October
2026: the 1st to the 7th are the National Day holiday; Saturday the 10th is a make-up
working day (调休) that works a weekday's hours.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from kehu.service.clock import Running, WorkingTime, due, interval_parse
from kehu.service.models.calendars import hours_parse
from kehu.service.sla import Log, Targets, clocks

SHANGHAI = ZoneInfo("Asia/Shanghai")
WEEKDAY = hours_parse("09:00-12:00, 13:30-18:00")
HOURS = WorkingTime(
    zone=SHANGHAI,
    weekly={**dict.fromkeys(range(5), WEEKDAY), 5: hours_parse("08:00-10:00, 19:00-21:00")},
    days={
        **{date(2026, 10, day): () for day in range(1, 8)},
        date(2026, 10, 10): WEEKDAY,
    },
)


def at(day: int, clock: str, month: int = 10) -> datetime:
    hours, minutes = (int(part) for part in clock.split(":"))
    return datetime(2026, month, day, hours, minutes, tzinfo=SHANGHAI)


HOUR = 3600


def test_hours_are_written_as_intervals_and_refused_when_they_overlap(english: None) -> None:
    assert interval_parse("09:00-12:00") == (9 * HOUR, 12 * HOUR)
    assert interval_parse("18:00-24:00") == (18 * HOUR, 24 * HOUR)
    for bad in ("12:00-09:00", "9-12", "09:00-25:00", "09:60-10:00"):
        with pytest.raises(ValueError):
            interval_parse(bad)
    with pytest.raises(Exception, match="overlapping"):
        hours_parse("09:00-12:00, 11:00-13:00")


def test_the_lunch_break_does_not_count() -> None:
    # Thursday 15 October, 11:00: one hour before lunch, then 13:30 + 1 h.
    assert HOURS.add(at(15, "11:00"), 2 * HOUR) == at(15, "14:30")
    assert HOURS.between(at(15, "11:00"), at(15, "14:30")) == 2 * HOUR


def test_a_deadline_carries_over_the_night_into_the_next_morning() -> None:
    # Thursday 17:00 + 4 h: 1 h on Thursday, 3 h on Friday morning.
    assert HOURS.add(at(15, "17:00"), 4 * HOUR) == at(16, "12:00")
    # Exactly at the end of the morning: not pushed past lunch.
    assert HOURS.add(at(16, "09:00"), 3 * HOUR) == at(16, "12:00")


def test_a_split_shift_saturday_counts_both_shifts_and_sunday_nothing() -> None:
    # Friday 17:00 + 5 h: 1 h Friday, 08:00-10:00 and 19:00-21:00 Saturday (4 h).
    assert HOURS.add(at(16, "17:00"), 5 * HOUR) == at(17, "21:00")
    # One hour more: none on Sunday, so Monday 09:00-10:00.
    assert HOURS.add(at(16, "17:00"), 6 * HOUR) == at(19, "10:00")
    assert HOURS.between(at(17, "09:00"), at(17, "20:00")) == 2 * HOUR


def test_the_holiday_works_no_hours_and_the_make_up_saturday_a_weekday_s() -> None:
    # Wednesday 30 September 17:00 + 2 h: 1 h that day, then nothing until the make-up
    # Saturday... no: Thursday 8 and Friday 9 October come first.
    assert HOURS.add(at(30, "17:00", month=9), 2 * HOUR) == at(8, "10:00")
    # Friday 9 October 17:00 + 2 h: 1 h Friday, then Saturday 10 works 09:00 like a weekday.
    assert HOURS.add(at(9, "17:00"), 2 * HOUR) == at(10, "10:00")
    # The make-up Saturday has a lunch break, not the split shift of a normal Saturday.
    assert HOURS.between(at(10, "08:00"), at(10, "21:00")) == 7.5 * HOUR


def test_a_moment_outside_the_hours_starts_at_the_next_working_period() -> None:
    assert HOURS.add(at(15, "12:30"), 30 * 60) == at(15, "14:00")
    assert HOURS.add(at(18, "10:00"), HOUR) == at(19, "10:00")  # from Sunday
    assert HOURS.next_working(at(15, "12:30")) == at(15, "13:30")


def test_a_calendar_with_no_hours_has_no_deadline() -> None:
    assert WorkingTime(zone=SHANGHAI, weekly={}).add(at(15, "09:00"), HOUR) is None


def test_a_paused_clock_keeps_what_was_left_and_resumes_where_it_stopped() -> None:
    # 4 h target from Thursday 09:00; paused 10:00 to Friday 10:00; resumed.
    ran = [Running(at(15, "09:00"), at(15, "10:00")), Running(at(16, "10:00"), None)]
    assert due(HOURS, ran, 4 * HOUR).at == at(16, "14:30")
    paused = due(HOURS, ran[:1], 4 * HOUR)
    assert (paused.at, paused.remaining, paused.running) == (None, 3 * HOUR, False)


def test_a_target_used_up_before_a_pause_stays_due_when_it_was_used_up() -> None:
    ran = [Running(at(15, "09:00"), at(15, "15:00"))]
    assert due(HOURS, ran, 2 * HOUR).at == at(15, "11:00")


TARGETS = Targets(
    first_response=2 * HOUR,
    next_response=1 * HOUR,
    resolution=8 * HOUR,
    pauses=frozenset({"waiting_customer", "waiting_third_party"}),
)


def test_a_ticket_s_clocks_pause_while_it_waits_for_the_customer() -> None:
    # Created Thursday 15 Oct 11:00; answered 11:30; waiting for the customer from 14:00
    # to Friday 14:00; back in progress. Resolution: 11:00-12:00 (1 h) + 13:30-14:00
    # (0.5 h) ran before the pause; 6.5 h left from Friday 14:00: 4 h on Friday,
    # 2 h on Saturday morning, and the last 0.5 h in Saturday's evening shift.
    log = Log(
        statuses=[
            (at(15, "11:00"), "new"),
            (at(15, "11:30"), "in_progress"),
            (at(15, "14:00"), "waiting_customer"),
            (at(16, "14:00"), "in_progress"),
        ],
        replies=[(at(15, "11:30"), False)],
    )
    found = clocks(log, TARGETS, HOURS, now=at(16, "15:00"))
    assert found.first_responded_at == at(15, "11:30")
    assert found.response_due is None and not found.response_breached
    assert found.resolution_due == at(17, "19:30")
    assert not found.paused and not found.resolution_breached
    assert found.next_check_at == at(17, "19:30")

    waiting = clocks(
        Log(statuses=log.statuses[:3], replies=log.replies), TARGETS, HOURS, now=at(16, "15:00")
    )
    assert waiting.paused and waiting.resolution_due is None and waiting.next_check_at is None


def test_the_customer_s_reply_starts_the_next_response_clock() -> None:
    log = Log(
        statuses=[(at(15, "09:00"), "new"), (at(15, "09:10"), "in_progress")],
        replies=[(at(15, "09:10"), False), (at(15, "11:30"), True), (at(15, "11:45"), True)],
    )
    found = clocks(log, TARGETS, HOURS, now=at(15, "11:50"))
    # From the first of the customer's unanswered messages: 11:30-12:00, 13:30-14:00.
    assert found.response_due == at(15, "14:00")
    late = clocks(log, TARGETS, HOURS, now=at(15, "14:01"))
    assert late.response_breached
    answered = clocks(
        Log(log.statuses, [*log.replies, (at(15, "13:40"), False)]),
        TARGETS,
        HOURS,
        now=at(15, "14:01"),
    )
    assert answered.response_due is None and not answered.response_breached


def test_a_first_response_after_its_deadline_is_a_breach_for_good() -> None:
    log = Log(
        statuses=[(at(15, "09:00"), "new")],
        replies=[(at(15, "15:00"), False)],
    )
    found = clocks(log, TARGETS, HOURS, now=at(15, "15:00"))
    assert found.response_breached and found.first_responded_at == at(15, "15:00")


def test_a_resolved_ticket_s_clock_stops_and_a_reopened_one_goes_on() -> None:
    statuses = [
        (at(15, "09:00"), "new"),
        (at(15, "10:00"), "resolved"),
    ]
    resolved = clocks(Log(statuses, []), TARGETS, HOURS, now=at(20, "09:00"))
    assert resolved.resolution_due is None and not resolved.resolution_breached
    reopened = clocks(
        Log([*statuses, (at(19, "09:00"), "reopened")], []), TARGETS, HOURS, now=at(19, "09:00")
    )
    # 1 h used on Thursday; 7 h from Monday 09:00: 3 h + 4 h, to 17:30.
    assert reopened.resolution_due == at(19, "17:30")


def test_a_tighter_policy_recomputes_from_the_log_with_the_pause_still_excluded() -> None:
    log = Log(
        statuses=[
            (at(15, "09:00"), "new"),
            (at(15, "10:00"), "waiting_third_party"),
            (at(16, "09:00"), "in_progress"),
        ],
        replies=[(at(15, "09:30"), False)],
    )
    loose = clocks(log, TARGETS, HOURS, now=at(16, "09:00"))
    tight = clocks(log, Targets(HOUR, None, 3 * HOUR, TARGETS.pauses), HOURS, now=at(16, "09:00"))
    # 1 h ran on Thursday before the wait: 7 h left (to Friday 17:30) or 2 h (to 11:00).
    assert loose.resolution_due == at(16, "17:30")
    assert tight.resolution_due == at(16, "11:00")


def test_no_policy_no_clocks() -> None:
    log = Log(statuses=[(at(15, "09:00"), "new")], replies=[])
    assert clocks(log, None, HOURS, now=at(30, "09:00")).resolution_due is None


@pytest.mark.parametrize("minutes", [1, 59, 60, 61, 600, 6000])
def test_between_undoes_add(minutes: int) -> None:
    start = at(15, "10:17")
    end = HOURS.add(start, minutes * 60)
    assert end is not None
    assert HOURS.between(start, end) == minutes * 60
    assert end - start >= timedelta(minutes=minutes)
