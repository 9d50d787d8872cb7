"""A year of the demo company's service: its service teams and their hours, service-level
policies, and tickets from the customers' complaints, questions, repairs, returns and
suggestions, each worked through the services at the time it happened (replies, waits,
hand-overs, resolutions, the customers' acceptances, rejections and silences)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Final

from django.utils import timezone

from kehu.core.models import Role, User
from kehu.core.services import user_save
from kehu.customers.models import Customer, CustomerKind
from kehu.demo.clock import as_of
from kehu.demo.organisation import DEMO_PASSWORD, Team
from kehu.demo.service_cases import PROBLEMS, Problem
from kehu.orders.models import Product
from kehu.service import services
from kehu.service.models import ServiceTeam, Ticket, TicketKind, TicketStatus
from kehu.service.services import setup
from kehu.service.services.clocks import policies_kept

SEED: Final = 20261205
TICKETS: Final = 2000
# The five levels of satisfaction, 5 (satisfied) to 1, as the company's customers answer.
_RATINGS = ((5, 45), (4, 30), (3, 15), (2, 7), (1, 3))
# (username, family name, given name)
_AGENTS = (("wangqian", "王", "倩"), ("liuyang", "刘", "洋"))
_ENGINEER = ("zhangwei_tech", "张", "伟")


@dataclass
class Loaded:
    tickets: int = 0
    articles: int = 0


def _people(team: Team) -> tuple[User, list[User], User]:
    role = Role.objects.get(code="service")
    lead = next(u for u in team.users if u.role and u.role.code == "service")
    department = lead.department
    agents = [
        user_save(
            username=username,
            password=DEMO_PASSWORD,
            role=role,
            department=department,
            manager=lead,
            last_name=family,
            first_name=given,
            email=f"{username}@demo.kehu.example",
        )
        for username, family, given in (*_AGENTS, _ENGINEER)
    ]
    return lead, agents[:-1], agents[-1]


def _desk(team: Team) -> tuple[ServiceTeam, ServiceTeam]:
    lead, agents, engineer = _people(team)
    weekly = setup.weekly_from_text(
        {**dict.fromkeys(range(5), "08:30-12:00, 13:00-17:30"), 5: "09:00-12:00"}
    )
    year = timezone.localdate().year
    calendar = setup.calendar_create(
        actor=None, name="客服中心工作时间", weekly=weekly, follows_national_holidays=False
    )
    setup.national_days_load(calendar=calendar, years=range(year - 1, year + 2))
    setup.policy_create(
        actor=None,
        name="紧急问题",
        order=1,
        priorities=["urgent"],
        calendar=calendar,
        first_response_minutes=30,
        next_response_minutes=60,
        resolution_minutes=4 * 60,
    )
    setup.policy_create(
        actor=None,
        name="重点客户",
        order=2,
        customer_levels=["partnership", "strategic_alliance"],
        calendar=calendar,
        first_response_minutes=60,
        next_response_minutes=2 * 60,
        resolution_minutes=8 * 60,
    )
    setup.policy_create(
        actor=None,
        name="标准服务",
        order=3,
        calendar=calendar,
        first_response_minutes=2 * 60,
        next_response_minutes=4 * 60,
        resolution_minutes=16 * 60,
    )
    front = setup.team_create(
        actor=None, name="售后服务组", lead=lead, calendar=calendar, members=[lead, *agents]
    )
    technical = setup.team_create(
        actor=None, name="技术支持组", lead=engineer, calendar=calendar, members=[engineer]
    )
    return front, technical


def _working_moment(rng: random.Random, day: datetime) -> datetime:
    minutes = rng.randint(0, 8 * 60)
    return timezone.make_aware(datetime.combine(day.date(), time(8, 40))) + timedelta(
        minutes=minutes
    )


def _later(moment: datetime, rng: random.Random, low: int, high: int) -> datetime:
    return moment + timedelta(minutes=rng.randint(low, high))


def _one(
    rng: random.Random,
    problem: Problem,
    opened: datetime,
    now: datetime,
    customers: list[Customer],
    products: dict[str, list[Product]],
    kinds: dict[str, TicketKind],
    teams: tuple[ServiceTeam, ServiceTeam],
) -> Ticket:
    front, technical = teams
    agent = rng.choice(list(front.members.all()))
    fields = {
        "customer": rng.choice(customers),
        "kind": kinds[problem.kind],
        "subject": rng.choice(problem.subjects),
        "description": rng.choice(problem.descriptions),
        "priority": rng.choices(["normal", "high", "urgent", "low"], [70, 18, 5, 7])[0],
        "channel": rng.choices(["phone", "wechat", "email", "walk_in"], [55, 25, 15, 5])[0],
        "product": rng.choice(products[problem.products]) if problem.products else None,
    }
    with as_of(opened):
        ticket = services.ticket_create(actor=agent, team=front, assignee=agent, **fields)
    # Each step some working-day minutes after the one before it.
    moment, steps = opened, []
    plan = ["reply"]
    if rng.random() < 0.2:
        plan += ["wait", "customer"]
    if problem.kind == "repair":
        plan.append("hand_over")
    gaps = {"reply": (5, 100), "wait": (10, 60), "customer": (600, 2800), "hand_over": (20, 90)}
    # The last days' tickets are the team's backlog: most of them still being worked.
    if now - opened > timedelta(days=4) or rng.random() < 0.3:
        plan.append("resolve")
    for step in plan:
        moment = _later(moment, rng, *gaps.get(step, (120, 2400)))
        steps.append((moment, step))
    for moment, step in sorted(steps):
        if moment > now:
            return ticket
        with as_of(moment):
            if step == "reply":
                services.ticket_reply(
                    actor=agent, ticket=ticket, body="您好，已收到您的反馈，正在处理。"
                )
            elif step == "wait":
                services.ticket_status_set(
                    actor=agent, ticket=ticket, status=TicketStatus.WAITING_CUSTOMER
                )
            elif step == "customer":
                services.ticket_reply(
                    actor=agent, ticket=ticket, body="客户补充了照片和批次号。", from_customer=True
                )
            elif step == "hand_over":
                services.ticket_assign(actor=agent, ticket=ticket, team=technical, assignee=None)
            else:
                services.ticket_resolve(actor=agent, ticket=ticket, resolution=problem.resolution)
    return _answer(rng, ticket, agent, now)


def _answer(rng: random.Random, ticket: Ticket, agent: User, now: datetime) -> Ticket:
    """The customer's answer to the resolution: most accept, some reject once, a few are
    never heard from (the sweep closes those)."""
    resolved = ticket.resolved_at
    if resolved is None:
        return ticket
    answered = _later(resolved, rng, 60, 2 * 24 * 60)
    if answered > now:
        return ticket
    chance = rng.random()
    with as_of(answered):
        if chance < 0.08:
            services.ticket_reject(
                actor=agent, ticket=ticket, reason="问题没有彻底解决，又出现了。"
            )
            with as_of(_later(answered, rng, 120, 600)):
                services.ticket_resolve(
                    actor=agent, ticket=ticket, resolution=f"再次处理：{ticket.resolution}"
                )
            return ticket
        if chance < 0.93:
            rating = rng.choices([r for r, _ in _RATINGS], [w for _, w in _RATINGS])[0]
            services.ticket_accept(actor=agent, ticket=ticket, satisfaction=rating)
    return ticket


def service_load(*, team: Team) -> Loaded:
    rng = random.Random(SEED)
    teams = _desk(team)
    kinds = {kind.code: kind for kind in TicketKind.objects.all()}
    customers = list(Customer.objects.exclude(kind=CustomerKind.DEALER).order_by("pk"))
    products: dict[str, list[Product]] = {}
    for product in Product.objects.order_by("sku"):
        products.setdefault(product.sku.split("-")[0], []).append(product)
    now = timezone.now()
    start = now - timedelta(days=365)
    loaded = Loaded()
    solved: dict[Problem, Ticket] = {}
    with policies_kept():
        for number in range(TICKETS):
            day = timezone.localtime(start + timedelta(days=365 * number / TICKETS))
            opened = _working_moment(rng, day + timedelta(days=1 if day.weekday() == 6 else 0))
            if opened > now:
                break
            problem = rng.choice(PROBLEMS)
            ticket = _one(rng, problem, opened, now, customers, products, kinds, teams)
            if ticket.is_closed:
                solved.setdefault(problem, ticket)
            loaded.tickets += 1
    services.tickets_close_unanswered(now=now)
    services.breaches_sweep(now=now)
    loaded.articles = _articles(solved, teams[0])
    return loaded


def _articles(solved: dict[Problem, Ticket], team: ServiceTeam) -> int:
    """The problems that keep coming back, written up by an agent from a solved ticket and
    published by the team lead; the last two still waiting for review."""
    lead = team.lead
    writer = team.members.exclude(pk=lead.pk if lead else None).order_by("pk").first()
    for number, (problem, ticket) in enumerate(solved.items()):
        article = services.article_from_ticket(actor=writer, ticket=ticket)
        article = services.article_update(
            actor=writer,
            article=article,
            version=article.version,
            title=problem.subjects[0],
            problem=problem.descriptions[0],
            tags=problem.kind,
        )
        services.article_submit(actor=writer, article=article)
        if number < len(solved) - 2:
            services.article_publish(actor=lead, article=article)
    return len(solved)
