"""A service desk: a calendar with a lunch break and a split-shift Saturday that follows
China's public holidays, a standard and an urgent policy, and a team of two."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from kehu.core.models import User
from kehu.customers.models import Customer
from kehu.demo.clock import as_of
from kehu.service import services
from kehu.service.models import BusinessCalendar, ServiceTeam, SlaPolicy, Ticket, TicketKind
from kehu.service.services import setup

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: int, clock: str, month: int = 10) -> datetime:
    """A moment of October 2026 (or `month`), Shanghai time."""
    hours, minutes = (int(part) for part in clock.split(":"))
    return datetime(2026, month, day, hours, minutes, tzinfo=SHANGHAI)


@pytest.fixture
def calendar(db: Any) -> BusinessCalendar:
    weekly = setup.weekly_from_text(
        {
            **dict.fromkeys(range(5), "09:00-12:00, 13:30-18:00"),
            5: "08:00-10:00, 19:00-21:00",
        }
    )
    calendar = setup.calendar_create(
        actor=None,
        name="总部客服",
        time_zone="Asia/Shanghai",
        weekly=weekly,
        follows_national_holidays=False,
    )
    setup.national_days_load(calendar=calendar, years=range(2026, 2027))
    return calendar


@pytest.fixture
def policies(calendar: BusinessCalendar) -> dict[str, SlaPolicy]:
    urgent = setup.policy_create(
        actor=None,
        name="紧急",
        order=1,
        priorities=["urgent"],
        calendar=calendar,
        first_response_minutes=30,
        resolution_minutes=4 * 60,
    )
    standard = setup.policy_create(
        actor=None,
        name="标准",
        order=2,
        calendar=calendar,
        first_response_minutes=2 * 60,
        next_response_minutes=60,
        resolution_minutes=8 * 60,
    )
    return {"urgent": urgent, "standard": standard}


@pytest.fixture
def agents(make_user: Callable[..., User]) -> list[User]:
    return [make_user("kefu_li", "service"), make_user("kefu_wang", "service")]


@pytest.fixture
def team(
    calendar: BusinessCalendar, agents: list[User], make_user: Callable[..., User]
) -> ServiceTeam:
    lead = make_user("kefu_zhao", "service")
    return setup.team_create(
        actor=None, name="售后一组", lead=lead, calendar=calendar, members=agents
    )


@pytest.fixture
def complaint(db: Any) -> TicketKind:
    return TicketKind.objects.get(code="complaint")


@pytest.fixture
def owner(make_user: Callable[..., User]) -> User:
    return make_user("sales_zhang", "sales")


@pytest.fixture
def customer(owner: User, make_customer: Callable[..., Customer]) -> Customer:
    return make_customer(owner)


@pytest.fixture
def open_ticket(
    policies: dict[str, SlaPolicy], team: ServiceTeam, complaint: TicketKind, customer: Customer
) -> Callable[..., Ticket]:
    """A ticket opened at `when` by `actor` (Kehu itself by default)."""

    def make(when: datetime, actor: User | None = None, **fields: Any) -> Ticket:
        values: dict[str, Any] = {
            "customer": customer,
            "kind": complaint,
            "subject": "月饼礼盒破损",
            "description": "收到的 200 盒月饼礼盒中有 12 盒外包装压坏。",
            "team": team,
            **fields,
        }
        with as_of(when):
            return services.ticket_create(actor=actor, **values)

    return make
