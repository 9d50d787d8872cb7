"""Tickets through the services: their clocks against hand-computed deadlines (the
calendar of tests/service/conftest.py), the closed loop, the first responsible through a
hand-over, breaches found by the sweep, and who sees a ticket."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from kehu.core.models import Change, User
from kehu.customers.models import Customer
from kehu.demo.clock import as_of
from kehu.service import selectors, services
from kehu.service.models import (
    CloseReason,
    ServiceTeam,
    SlaPolicy,
    Ticket,
    TicketAction,
    TicketStatus,
)
from kehu.service.services import setup
from tests.service.conftest import at

pytestmark = pytest.mark.django_db(transaction=False)


def fresh(ticket: Ticket) -> Ticket:
    return Ticket.objects.get(pk=ticket.pk)


def test_a_make_up_saturday_works_a_weekday_s_hours(open_ticket: Callable[..., Ticket]) -> None:
    # Friday 9 October 16:00, standard policy: 2 h that Friday; Saturday 10 October is a
    # make-up working day (调休), 09:00-12:00 and 13:30-16:30 make the other 6 h.
    ticket = open_ticket(at(9, "16:00"))
    assert ticket.policy.name == "标准"
    assert ticket.response_due == at(9, "18:00")
    assert ticket.resolution_due == at(10, "16:30")


def test_the_holiday_week_does_not_count(open_ticket: Callable[..., Ticket]) -> None:
    # Wednesday 30 September 14:00: 4 h that day, nothing from 1 to 7 October, then
    # Thursday 8 October 09:00-12:00 and 13:30-14:30.
    ticket = open_ticket(at(30, "14:00", month=9))
    assert ticket.resolution_due == at(8, "14:30")


def test_waiting_for_the_customer_pauses_and_their_reply_resumes(
    open_ticket: Callable[..., Ticket], agents: list[User]
) -> None:
    ticket = open_ticket(at(15, "09:00"))
    with as_of(at(15, "09:30")):
        services.ticket_reply(actor=agents[0], ticket=ticket, body="您好，请提供破损照片。")
    assert ticket.status == TicketStatus.IN_PROGRESS
    with as_of(at(15, "10:00")):
        services.ticket_status_set(
            actor=agents[0], ticket=ticket, status=TicketStatus.WAITING_CUSTOMER
        )
    paused = fresh(ticket)
    assert paused.paused and paused.resolution_due is None and paused.next_check_at is None

    with as_of(at(16, "11:00")):
        services.ticket_reply(
            actor=agents[0], ticket=paused, body="照片已发到邮箱。", from_customer=True
        )
    resumed = fresh(ticket)
    # 1 h ran before the pause; 7 h from Friday 11:00: 1 h + 4.5 h on Friday, 1.5 h on
    # Saturday's morning shift.
    assert resumed.status == TicketStatus.IN_PROGRESS and not resumed.paused
    assert resumed.resolution_due == at(17, "09:30")
    # The customer's message wants an answer within an hour of working time.
    assert resumed.response_due == at(16, "12:00")
    assert resumed.first_responded_at == at(15, "09:30")


def test_a_priority_change_recomputes_from_the_ticket_s_start(
    open_ticket: Callable[..., Ticket], agents: list[User]
) -> None:
    ticket = open_ticket(at(15, "09:00"))
    # A working day is 7.5 h: 8 h end at 09:30 the next morning.
    assert ticket.resolution_due == at(16, "09:30")
    with as_of(at(15, "10:00")):
        services.ticket_update(
            actor=agents[0], ticket=ticket, version=ticket.version, priority="urgent"
        )
    urgent = fresh(ticket)
    assert urgent.policy.name == "紧急"
    # 4 h from 09:00: 09:00-12:00 and 13:30-14:30. Its first response was due at 09:30.
    assert urgent.resolution_due == at(15, "14:30")
    assert urgent.response_due == at(15, "09:30") and urgent.response_breached


def test_a_policy_change_mid_ticket_keeps_the_paused_time_out(
    open_ticket: Callable[..., Ticket],
    agents: list[User],
    policies: dict[str, SlaPolicy],
    django_capture_on_commit_callbacks: Any,
) -> None:
    ticket = open_ticket(at(15, "09:00"))
    with as_of(at(15, "10:00")):
        services.ticket_status_set(
            actor=agents[0], ticket=ticket, status=TicketStatus.WAITING_THIRD_PARTY
        )
    with as_of(at(16, "09:00")):
        services.ticket_status_set(
            actor=agents[0], ticket=fresh(ticket), status=TicketStatus.IN_PROGRESS
        )
        assert fresh(ticket).resolution_due == at(16, "17:30")  # 7 h left
        standard = policies["standard"]
        with django_capture_on_commit_callbacks(execute=True):
            setup.policy_update(
                actor=None, policy=standard, version=standard.version, resolution_minutes=4 * 60
            )
    # 1 h ran before the wait: 3 h left from Friday 09:00.
    assert fresh(ticket).resolution_due == at(16, "12:00")


def test_a_calendar_change_moves_the_deadlines_of_its_open_tickets(
    open_ticket: Callable[..., Ticket],
    policies: dict[str, SlaPolicy],
    django_capture_on_commit_callbacks: Any,
) -> None:
    ticket = open_ticket(at(15, "09:00"))
    calendar = policies["standard"].calendar
    with as_of(at(15, "09:05")), django_capture_on_commit_callbacks(execute=True):
        setup.calendar_day_set(
            actor=None,
            calendar=calendar,
            day=at(15, "00:00").date(),
            kind="holiday",
            name="公司年会",
        )
    # Thursday is now a day off: 7.5 h on Friday, the last 0.5 h on Saturday morning.
    assert fresh(ticket).resolution_due == at(17, "08:30")


def test_the_first_responsible_stays_through_a_hand_over(
    open_ticket: Callable[..., Ticket],
    agents: list[User],
    team: ServiceTeam,
    make_user: Callable[..., User],
) -> None:
    li, _wang = agents
    ticket = open_ticket(at(15, "09:00"), actor=li, assignee=li)
    assert ticket.first_responsible == li
    other = setup.team_create(
        actor=None,
        name="技术支持",
        calendar=team.calendar,
        members=[make_user("engineer_sun", "service")],
    )
    with as_of(at(15, "10:00")):
        services.ticket_assign(actor=li, ticket=ticket, team=other, assignee=None)
    handed = fresh(ticket)
    assert handed.assignee.username == "engineer_sun"
    assert handed.first_responsible == li
    change = Change.objects.filter(target_id=ticket.pk, action=TicketAction.ASSIGN).get()
    assert change.changes["team"] == ["售后一组", "技术支持"]


def test_a_team_s_new_tickets_go_to_its_members_in_turn(
    open_ticket: Callable[..., Ticket], agents: list[User]
) -> None:
    first = open_ticket(at(15, "09:00"))
    second = open_ticket(at(15, "09:01"))
    third = open_ticket(at(15, "09:02"))
    assert [first.assignee, second.assignee, third.assignee] == [*agents, agents[0]]
    # Kehu opened them: the first to take each is its assignee.
    assert first.first_responsible == agents[0]


def test_the_customer_accepts_and_rates_the_people_of_that_moment(
    open_ticket: Callable[..., Ticket], agents: list[User], team: ServiceTeam
) -> None:
    li, wang = agents
    ticket = open_ticket(at(15, "09:00"), actor=li, assignee=li)
    with as_of(at(15, "11:00")):
        services.ticket_resolve(actor=li, ticket=ticket, resolution="补发 12 盒，运费由我方承担。")
    assert ticket.status == TicketStatus.RESOLVED and ticket.resolution_due is None
    with as_of(at(16, "10:00")):
        services.ticket_accept(actor=li, ticket=ticket, satisfaction=4, comment="处理及时")
    closed = fresh(ticket)
    assert closed.status == TicketStatus.CLOSED
    assert closed.close_reason == CloseReason.ACCEPTED
    assert (closed.satisfaction, closed.rated_assignee, closed.rated_team) == (4, li, team)
    with pytest.raises(services.TicketRefused):
        services.ticket_assign(actor=li, ticket=closed, team=team, assignee=wang)


def test_a_rejected_resolution_reopens_the_ticket_and_its_clock(
    open_ticket: Callable[..., Ticket], agents: list[User]
) -> None:
    ticket = open_ticket(at(15, "09:00"))
    with as_of(at(15, "10:00")):
        services.ticket_resolve(actor=agents[0], ticket=ticket, resolution="已补发。")
    with as_of(at(16, "09:00")):
        services.ticket_reject(actor=agents[0], ticket=ticket, reason="补发的货也是坏的。")
    reopened = fresh(ticket)
    assert reopened.status == TicketStatus.REOPENED and reopened.reopen_count == 1
    # 1 h ran on Thursday; 7 h from Friday 09:00.
    assert reopened.resolution_due == at(16, "17:30")
    assert reopened.messages.get(from_customer=True).body == "补发的货也是坏的。"
    with pytest.raises(services.TicketRefused):
        services.ticket_accept(actor=agents[0], ticket=reopened, satisfaction=5)


def test_an_unanswered_resolution_closes_after_the_policy_s_days(
    open_ticket: Callable[..., Ticket], agents: list[User]
) -> None:
    ticket = open_ticket(at(15, "09:00"))
    with as_of(at(15, "10:00")):
        services.ticket_resolve(actor=agents[0], ticket=ticket, resolution="已补发。")
    assert services.tickets_close_unanswered(now=at(22, "09:59")) == 0
    assert services.tickets_close_unanswered(now=at(22, "10:00")) == 1
    closed = fresh(ticket)
    assert (closed.status, closed.close_reason) == (TicketStatus.CLOSED, CloseReason.NO_ANSWER)
    assert Change.objects.filter(target_id=ticket.pk, action=TicketAction.CLOSE).exists()


def test_the_sweep_notes_each_breach_once(open_ticket: Callable[..., Ticket]) -> None:
    ticket = open_ticket(at(15, "09:00"))
    assert ticket.next_check_at == at(15, "11:00")
    assert services.breaches_sweep(now=at(15, "10:59")) == 0
    assert services.breaches_sweep(now=at(15, "11:00")) == 1
    assert services.breaches_sweep(now=at(15, "11:01")) == 0
    late = fresh(ticket)
    assert late.response_breached and not late.resolution_breached
    assert late.next_check_at == at(16, "09:30")
    assert services.breaches_sweep(now=at(16, "09:30")) == 1
    breaches = Change.objects.filter(target_id=ticket.pk, action=TicketAction.BREACH)
    assert sorted(next(iter(c.changes)) for c in breaches) == ["resolution_due", "response_due"]


def test_a_ticket_is_seen_through_its_customer_s_owner_and_through_its_team(
    open_ticket: Callable[..., Ticket],
    owner: User,
    team: ServiceTeam,
    make_user: Callable[..., User],
) -> None:
    ticket = open_ticket(at(15, "09:00"))
    stranger = make_user("sales_liu", "sales")
    # A salesperson's scope is their own: they see a ticket through its team only.
    helper = make_user("sales_helper", "sales")
    team.members.add(helper)
    assert Ticket.objects.visible_to(owner).filter(pk=ticket.pk).exists()
    assert Ticket.objects.visible_to(helper).filter(pk=ticket.pk).exists()
    assert not Ticket.objects.visible_to(stranger).filter(pk=ticket.pk).exists()


def test_bad_input_is_refused_naming_the_field(
    open_ticket: Callable[..., Ticket],
    make_customer: Callable[..., Customer],
    owner: User,
    agents: list[User],
) -> None:
    with pytest.raises(ValidationError) as promised:
        open_ticket(at(15, "09:00"), promise="上门检修", promised_by=at(14, "09:00"))
    assert "promised_by" in promised.value.message_dict
    other = make_customer(owner, name="成都川味调料厂")
    with pytest.raises(ValidationError) as unrelated:
        open_ticket(at(15, "09:00"), contact=other.contacts.create(name="王五"))
    assert "contact" in unrelated.value.message_dict
    with pytest.raises(ValidationError) as outsider:
        open_ticket(at(15, "09:00"), assignee=owner)
    assert "assignee" in outsider.value.message_dict
    ticket = open_ticket(at(15, "09:00"))
    for call, field in (
        (lambda: services.ticket_resolve(actor=None, ticket=ticket, resolution=" "), "resolution"),
        (lambda: services.ticket_reply(actor=None, ticket=ticket, body=""), "body"),
    ):
        with pytest.raises(ValidationError) as error:
            call()
        assert field in error.value.message_dict
    assert Ticket.objects.count() == 1


def test_hours_that_overlap_are_refused_naming_the_weekday() -> None:
    with pytest.raises(ValidationError) as error:
        setup.weekly_from_text({2: "09:00-12:00, 11:00-13:00"})
    assert "hours_2" in error.value.message_dict


def test_the_acceptance_link_is_void_once_the_ticket_is_reopened(
    open_ticket: Callable[..., Ticket], agents: list[User]
) -> None:
    ticket = open_ticket(at(15, "09:00"))
    with as_of(at(15, "10:00")):
        services.ticket_resolve(actor=agents[0], ticket=ticket, resolution="已补发。")
    token = services.acceptance_token(ticket)
    assert services.ticket_for_token(token) == ticket
    assert services.ticket_for_token(token + "x") is None
    with as_of(at(15, "11:00")):
        services.ticket_reject(actor=None, ticket=ticket, reason="没有收到。")
    assert services.ticket_for_token(token) is None
    assert ticket.created_at + timedelta(hours=2) == at(15, "11:00")


def test_one_sweep_notes_every_breach_however_many_came_due(
    open_ticket: Callable[..., Ticket], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Slices of two tickets: the five due after a long weekend take three slices, one run.
    monkeypatch.setattr("kehu.service.services.clocks._SLICE", 2)
    tickets = [open_ticket(at(15, f"09:0{n}")) for n in range(5)]
    assert services.breaches_sweep(now=at(19, "09:00")) == 5
    assert all(fresh(ticket).response_breached for ticket in tickets)


def test_the_queue_finds_a_ticket_by_number_subject_or_customer(
    open_ticket: Callable[..., Ticket], agents: list[User]
) -> None:
    ticket = open_ticket(at(15, "09:00"))
    other = open_ticket(at(15, "09:10"), subject="发票抬头有误")
    for search in (ticket.number, "礼盒", "宏达"):
        found = list(selectors.queue(user=agents[0], search=search))
        assert ticket in found, search
    assert list(selectors.queue(user=agents[0], search="发票")) == [other]
