"""The service pages through the browser's forms: the desk's setup (a calendar's hours, a
day of the company's own, a policy) and a ticket's steps."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from kehu.core.models import User
from kehu.service import services
from kehu.service.models import BusinessCalendar, SlaPolicy, Ticket, TicketStatus
from tests.service.conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(make_user: Callable[..., User], english: None) -> Client:
    client = Client()
    client.force_login(make_user("boss", "admin"))
    return client


def test_a_calendar_is_written_with_its_hours_and_a_day_of_its_own(admin_client: Client) -> None:
    hours = {f"hours_{day}": "09:00-12:00, 13:30-18:00" for day in range(5)}
    bad = admin_client.post(
        reverse("service:calendar-new"),
        {"name": "总部", "time_zone": "Asia/Shanghai", **hours, "hours_5": "10:00-09:00"},
    )
    assert bad.status_code == 200
    assert "hours_5" in bad.context["form"].errors
    assert not BusinessCalendar.objects.exists()

    made = admin_client.post(
        reverse("service:calendar-new"),
        {"name": "总部", "time_zone": "Asia/Shanghai", **hours, "hours_5": "09:00-12:00"},
    )
    calendar = BusinessCalendar.objects.get()
    assert made.url == reverse("service:calendar", args=[calendar.pk])
    assert calendar.weekly["5"] == [[9 * 3600, 12 * 3600]]

    admin_client.post(
        reverse("service:calendar-day-add", args=[calendar.pk]),
        {"day": "2026-12-31", "kind": "holiday", "name": "年终盘点"},
    )
    page = admin_client.get(reverse("service:calendar", args=[calendar.pk]) + "?year=2026")
    assert "年终盘点" in page.content.decode()


def test_a_policy_is_written_with_its_conditions(admin_client: Client) -> None:
    weekly = {f"hours_{day}": "09:00-18:00" for day in range(5)}
    admin_client.post(
        reverse("service:calendar-new"), {"name": "总部", "time_zone": "Asia/Shanghai", **weekly}
    )
    calendar = BusinessCalendar.objects.get()
    answer = admin_client.post(
        reverse("service:policy-new"),
        {
            "name": "紧急",
            "order": "1",
            "is_active": "on",
            "priorities": ["urgent", "high"],
            "calendar": calendar.pk,
            "first_response_minutes": "30",
            "resolution_minutes": "240",
            "acceptance_days": "7",
            "pause_statuses": ["waiting_customer"],
        },
    )
    assert answer.status_code == 302, answer.context["form"].errors
    policy = SlaPolicy.objects.get()
    assert (policy.priorities, policy.pause_statuses) == (["urgent", "high"], ["waiting_customer"])


def test_a_ticket_s_steps_from_its_page(
    open_ticket: Callable[..., Ticket], agents: list[User], english: Any
) -> None:
    client = Client()
    client.force_login(agents[0])
    ticket = open_ticket(at(15, "09:00"))
    url = reverse("service:ticket", args=[ticket.pk])
    client.post(reverse("service:ticket-reply", args=[ticket.pk]), {"body": "正在处理。"})
    client.post(reverse("service:ticket-status", args=[ticket.pk]), {"status": "waiting_customer"})
    assert Ticket.objects.get(pk=ticket.pk).status == TicketStatus.WAITING_CUSTOMER
    empty = client.post(reverse("service:ticket-resolve", args=[ticket.pk]), {"resolution": ""})
    assert empty.url == url
    client.post(reverse("service:ticket-resolve", args=[ticket.pk]), {"resolution": "已补发。"})
    page = client.get(url).content.decode()
    assert "service/accept/?t=" in page and "正在处理。" in page
    client.post(reverse("service:ticket-accept", args=[ticket.pk]), {"satisfaction": "5"})
    assert Ticket.objects.get(pk=ticket.pk).satisfaction == 5


def test_a_complaint_and_its_reply_are_on_the_customer_s_page(
    open_ticket: Callable[..., Ticket], agents: list[User], owner: User, english: Any
) -> None:
    ticket = open_ticket(at(15, "09:00"))
    reply = "已为您补发 12 盒，明天送达。"
    services.ticket_reply(actor=agents[0], ticket=ticket, body=reply)
    client = Client()
    client.force_login(owner)
    page = client.get(reverse("customers:detail", args=[ticket.customer_id])).content.decode()
    assert ticket.number in page and reply in page
