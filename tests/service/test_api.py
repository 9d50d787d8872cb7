"""The tickets API: a ticket's life through its actions, and bad input answered with the
field it concerns."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from kehu.core.models import User
from kehu.customers.models import Customer
from kehu.service.models import ServiceTeam, SlaPolicy, Ticket, TicketKind
from kehu.service.services import tickets as ticket_services

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def agent_api(
    agents: list[User], api_client: Callable[[User], APIClient], english: None
) -> APIClient:
    return api_client(agents[0])


def _new(
    client: APIClient, customer: Customer | None, kind: TicketKind, team: ServiceTeam, **extra: Any
) -> Any:
    return client.post(
        "/api/v1/tickets/",
        {
            "customer": customer.pk if customer else 999_999,
            "kind": kind.pk,
            "subject": "冷库温度报警",
            "description": "冷库 3 号机组夜间温度升到零下 8 度。",
            "priority": "high",
            "channel": "phone",
            "team": team.pk,
            **extra,
        },
        format="json",
    )


def test_a_ticket_s_life_through_the_api(
    agent_api: APIClient,
    customer: Customer,
    complaint: TicketKind,
    team: ServiceTeam,
    policies: dict[str, SlaPolicy],
    agents: list[User],
) -> None:
    created = _new(agent_api, customer, complaint, team)
    assert created.status_code == 201, created.json()
    ticket = created.json()
    assert ticket["first_responsible"] == "kefu_li"
    assert ticket["policy"] == "标准" and ticket["resolution_due"]
    url = f"/api/v1/tickets/{ticket['id']}/"

    reply = agent_api.post(f"{url}replies/", {"body": "已安排工程师上门。"}, format="json")
    assert reply.status_code == 201
    waiting = agent_api.post(f"{url}pause/", {"status": "waiting_third_party"}, format="json")
    assert waiting.json()["paused"] is True and waiting.json()["resolution_due"] is None
    handed = agent_api.post(
        f"{url}assign/", {"team": team.pk, "assignee": "kefu_wang"}, format="json"
    )
    assert handed.json()["first_responsible"] == "kefu_li"
    resolved = agent_api.post(f"{url}resolve/", {"resolution": "更换压缩机继电器。"}, format="json")
    assert resolved.json()["status"] == "resolved"
    rejected = agent_api.post(f"{url}reject/", {"reason": "第二天又报警了。"}, format="json")
    assert rejected.json()["status"] == "reopened" and rejected.json()["reopen_count"] == 1
    agent_api.post(f"{url}resolve/", {"resolution": "更换温控器。"}, format="json")
    accepted = agent_api.post(f"{url}accept/", {"satisfaction": 5, "comment": "好"}, format="json")
    assert accepted.json()["status"] == "closed" and accepted.json()["satisfaction"] == 5
    again = agent_api.post(f"{url}accept/", {"satisfaction": 5}, format="json")
    assert again.status_code == 409
    messages = agent_api.get(f"{url}replies/").json()["results"]
    assert [m["from_customer"] for m in messages] == [False, True]


def test_bad_input_is_answered_naming_the_field(
    agent_api: APIClient,
    customer: Customer,
    complaint: TicketKind,
    team: ServiceTeam,
    policies: dict[str, SlaPolicy],
) -> None:
    unknown = _new(agent_api, None, complaint, team)
    assert unknown.status_code == 400 and "customer" in unknown.json()
    past = _new(
        agent_api, customer, complaint, team, promise="上门", promised_by="2020-01-01T09:00"
    )
    assert past.status_code == 400 and "promised_by" in past.json()
    assert Ticket.objects.count() == 0

    ticket = _new(agent_api, customer, complaint, team).json()
    files = f"/api/v1/tickets/{ticket['id']}/attachments/"
    large = SimpleUploadedFile("现场.jpg", b"x" * (ticket_services.MAX_ATTACHMENT_BYTES + 1))
    answer = agent_api.post(files, {"file": large}, format="multipart")
    assert answer.status_code == 400 and "limit" in answer.json()["file"][0]
    script = SimpleUploadedFile("修复.exe", b"MZ")
    answer = agent_api.post(files, {"file": script}, format="multipart")
    assert answer.status_code == 400 and "cannot be attached" in answer.json()["file"][0]
    photo = SimpleUploadedFile("破损照片.jpg", b"\xff\xd8\xff")
    assert agent_api.post(files, {"file": photo}, format="multipart").status_code == 201
    assert [a["name"] for a in agent_api.get(files).json()["results"]] == ["破损照片.jpg"]

    blank = agent_api.post(
        f"/api/v1/tickets/{ticket['id']}/resolve/", {"resolution": " "}, format="json"
    )
    assert blank.status_code == 400 and "resolution" in blank.json()


def test_calendar_hours_that_overlap_are_refused_naming_the_field(
    api_client: Callable[[User], APIClient], make_user: Callable[..., User], english: None
) -> None:
    admin = api_client(make_user("boss", "admin"))
    answer = admin.post(
        "/api/v1/calendars/",
        {"name": "夜班", "time_zone": "Asia/Shanghai", "weekly": {"0": "20:00-23:00, 22:00-24:00"}},
        format="json",
    )
    assert answer.status_code == 400 and "weekly" in answer.json()
    good = admin.post(
        "/api/v1/calendars/",
        {
            "name": "夜班",
            "time_zone": "Asia/Shanghai",
            "weekly": {"0": "20:00-24:00"},
            "follows_national_holidays": True,
        },
        format="json",
    )
    assert good.status_code == 201 and good.json()["weekly"] == {"0": "20:00-24:00"}
    days = admin.get(f"/api/v1/calendars/{good.json()['id']}/days/").json()
    # Loaded from the public holiday calendar: the last, this and the next year's it knows.
    assert days["count"] > 0
