"""Service at company scale: 1,000,000 tickets with about 10,000,000 history events over
the 1,000,000-customer company, on PostgreSQL.

It starts from `bench_scale`'s company (generated there and kept), copies it, sets up a
service desk through the services (a calendar with China's holidays, a policy, two teams
of ten agents), and adds in SQL a million tickets of the last two years: 10 % open (new, in
progress, waiting), the rest resolved and closed with their resolutions, each with its
status changes and replies in its history; the last 200,000 closed ones, and the articles,
carry their words for the similar-case search.

It then measures, in a Django process on the database (selectors and services, no HTTP):
- an agent's own queue and a team lead's team queue (the first page and its count);
- the similar-case search for a description being written;
- recomputing the deadlines of all open tickets after their calendar changed;
- the breach sweep when every open ticket has come due at once.

The service data is generated once per size and kept (database `kehu_bench_service_<n>`).

    python -m bench.bench_service --customers 1000000 --tickets 1000000
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

from bench.bench_scale import (
    PASSWORD,
    ROOT,
    Postgres,
    _closing,
    _generate,
    _kehu,
    _kehu_env,
    _names,
)

SERVICE_VERSION = 1
AGENTS_PER_TEAM = 10
SEARCHABLE = 200_000  # the latest closed tickets that carry their words
SERVICE_TABLES = ["service_ticket", "core_change"]

# Ticket n: customer, kind, team and agent drawn; the last tenth (by id, so by time) open.
_TICKETS_SQL = """
INSERT INTO service_ticket
    (id, subject, description, kind_id, priority, channel, customer_id, contact_id, order_id,
     product_id, team_id, assignee_id, first_responsible_id, status, policy_id,
     first_responded_at, response_due, resolution_due, paused, next_check_at,
     response_breached, resolution_breached, resolved_at, resolution, closed_at, close_reason,
     reopen_count, satisfaction, satisfaction_comment, rated_assignee_id,
     rated_first_responsible_id, rated_team_id, promise, promised_by, terms, created_by_id,
     created_at, updated_at, version)
SELECT n, t.subject, t.description, (%(kinds)s)[1 + n %% 5], 'normal', 'phone',
       1 + floor(random() * %(customers)s)::int, NULL, NULL, NULL,
       (%(teams)s)[1 + n %% 2], a.agent, a.agent,
       CASE WHEN n <= %(closed)s THEN 'closed'
            ELSE (ARRAY['new', 'in_progress', 'in_progress', 'waiting_customer',
                        'waiting_third_party'])[1 + n %% 5] END,
       %(policy)s,
       opened + interval '1 hour', NULL,
       CASE WHEN n > %(closed)s THEN opened + interval '2 days' END,
       n > %(closed)s AND n %% 5 IN (3, 4),
       CASE WHEN n > %(closed)s THEN opened + interval '2 days' END,
       false, false,
       CASE WHEN n <= %(closed)s THEN opened + interval '1 day' END,
       CASE WHEN n <= %(closed)s THEN t.resolution ELSE '' END,
       CASE WHEN n <= %(closed)s THEN opened + interval '2 days' END,
       CASE WHEN n <= %(closed)s THEN 'accepted' ELSE '' END,
       0, CASE WHEN n <= %(closed)s THEN 3 + n %% 3 END, '', NULL, NULL, NULL, '', NULL,
       CASE WHEN n <= %(closed)s AND n > %(closed)s - %(searchable)s THEN t.terms ELSE '' END,
       a.agent, opened, opened, 1
FROM (
    SELECT n, now() - interval '730 days' * (1 - n::float / %(tickets)s) AS opened,
           1 + n %% %(texts)s AS text, random() AS pick
    FROM generate_series(1, %(tickets)s) AS n
) AS drawn
JOIN bench_service_texts t ON t.id = drawn.text
JOIN LATERAL (
    SELECT (%(agents)s)[1 + (n %% 2) * %(per_team)s + floor(pick * %(per_team)s)::int] AS agent
) a ON true
"""

# Ten events a closed ticket: created, in progress, waiting, back, four replies, resolved,
# accepted; an open one its first statuses.
_EVENTS_SQL = """
INSERT INTO core_change
    (id, target_type_id, target_id, target_repr, customer_id, actor_id, at, action, changes)
SELECT %(first_id)s + (t.id - 1) * 10 + k - 1, %(ticket_type)s, t.id,
       'T' || lpad(t.id::text, 7, '0') || ' ' || t.subject, t.customer_id, t.assignee_id,
       t.created_at + interval '1 hour' * (k - 1),
       (ARRAY['create', 'reply', 'status', 'status', 'reply', 'reply', 'reply', 'reply',
              'resolve', 'accept'])[k],
       CASE k WHEN 1 THEN '{"status": [null, "new"]}'
              WHEN 2 THEN '{"status": ["new", "in_progress"], "message": [null, "已收到"]}'
              WHEN 3 THEN '{"status": ["in_progress", "waiting_customer"]}'
              WHEN 4 THEN '{"status": ["waiting_customer", "in_progress"]}'
              WHEN 9 THEN '{"status": ["in_progress", "resolved"]}'
              WHEN 10 THEN '{"status": ["resolved", "closed"]}'
              ELSE '{"message": [null, "处理中"]}' END::jsonb
FROM service_ticket t, generate_series(1, 10) AS k
WHERE t.status = 'closed' OR k <= 2
"""


class ServiceDatabase(Postgres):
    """A copy of the customers' bench database with the service data added."""

    def __init__(self, customers: Postgres) -> None:
        super().__init__(customers.name.replace("kehu_bench_", "kehu_bench_service_"))
        self.customers = customers

    def generated_tickets(self) -> int:
        if not self.exists():
            return 0
        with _closing(self.connect()) as connection:
            if not connection.execute("SELECT to_regclass('bench_service_generated')").fetchone()[
                0
            ]:
                return 0
            row = connection.execute(
                "SELECT tickets FROM bench_service_generated WHERE version = %s",
                (SERVICE_VERSION,),
            ).fetchone()
        return int(row[0]) if row else 0

    def generate(self, customers: int, tickets: int) -> float:
        started = time.perf_counter()
        self.drop()
        self._admin(
            f'CREATE DATABASE "{self.name}" TEMPLATE "{self.customers.name}" STRATEGY FILE_COPY'
        )
        _kehu(self.url, "migrate")
        desk = _child(self.url, "setup")
        closed = tickets - tickets // 10
        with _closing(self.connect()) as connection, connection.cursor() as cursor:
            cursor.execute("SET max_parallel_workers_per_gather = 0")
            cursor.execute("SELECT setseed(0.20261205)")
            cursor.execute(
                "CREATE TABLE bench_service_texts "
                "(id int, subject text, description text, resolution text, terms text)"
            )
            with cursor.copy("COPY bench_service_texts FROM STDIN") as copy:
                for row in desk["texts"]:
                    copy.write_row(row)
            first_id = cursor.execute(
                "SELECT coalesce(max(id), 0) + 1 FROM core_change"
            ).fetchone()[0]
            from bench.bench_scale import _pg_drop_indexes

            restore = _pg_drop_indexes(cursor, SERVICE_TABLES)
            params = {
                "tickets": tickets,
                "closed": closed,
                "searchable": SEARCHABLE,
                "customers": customers,
                "texts": len(desk["texts"]),
                "kinds": desk["kinds"],
                "teams": desk["teams"],
                "agents": desk["agents"],
                "per_team": AGENTS_PER_TEAM,
                "policy": desk["policy"],
                "ticket_type": desk["ticket_type"],
                "first_id": first_id,
            }
            cursor.execute(_TICKETS_SQL, params)
            cursor.execute(_EVENTS_SQL, params)
            for table in SERVICE_TABLES:
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT coalesce(max(id), 1) FROM {table}))"
                )
            for statement in restore:
                cursor.execute(statement)
            cursor.execute("DROP TABLE bench_service_texts")
            cursor.execute("CREATE TABLE bench_service_generated (tickets bigint, version integer)")
            cursor.execute(
                "INSERT INTO bench_service_generated VALUES (%s, %s)", (tickets, SERVICE_VERSION)
            )
            connection.commit()
        self.analyse()
        return time.perf_counter() - started


def _child(url: str, mode: str) -> dict:
    command = [sys.executable, "-m", "bench.bench_service", "--child", mode]
    output = subprocess.run(
        command, cwd=ROOT, env=_kehu_env(url), check=True, stdout=subprocess.PIPE, text=True
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


# In the child process: Django on the bench database ---------------------------------------


def _setup() -> dict:
    """The desk through the services, and the texts the tickets are written with."""
    from datetime import date

    from django.contrib.contenttypes.models import ContentType

    from kehu.core.models import Role
    from kehu.core.services import user_save
    from kehu.demo.service_cases import PROBLEMS
    from kehu.service import similar
    from kehu.service.models import Ticket, TicketKind
    from kehu.service.services import setup

    weekly = setup.weekly_from_text(dict.fromkeys(range(5), "09:00-12:00, 13:30-18:00"))
    calendar = setup.calendar_create(
        actor=None, name="客服中心", weekly=weekly, follows_national_holidays=False
    )
    year = date.today().year
    setup.national_days_load(calendar=calendar, years=range(year - 2, year + 2))
    policy = setup.policy_create(
        actor=None,
        name="标准服务",
        calendar=calendar,
        first_response_minutes=120,
        next_response_minutes=240,
        resolution_minutes=960,
    )
    role = Role.objects.get(code="service")
    agents, teams = [], []
    for team_number in range(2):
        members = [
            user_save(username=f"bench-agent{team_number}{n:02d}", password=PASSWORD, role=role)
            for n in range(AGENTS_PER_TEAM)
        ]
        team = setup.team_create(
            actor=None,
            name=f"售后{team_number + 1}组",
            lead=members[0],
            calendar=calendar,
            members=members,
        )
        agents += [m.pk for m in members]
        teams.append(team.pk)
    texts = []
    for problem in PROBLEMS:
        for number, description in enumerate(problem.descriptions):
            subject = problem.subjects[number % len(problem.subjects)]
            words = similar.terms(subject, description, problem.resolution)
            texts.append((len(texts) + 1, subject, description, problem.resolution, words))
    return {
        "policy": policy.pk,
        "teams": teams,
        "agents": agents,
        "kinds": list(TicketKind.objects.order_by("pk").values_list("pk", flat=True)),
        "ticket_type": ContentType.objects.get_for_model(Ticket).pk,
        "texts": texts,
    }


def _timed(call, runs: int) -> tuple[float, float]:
    """p50 and p99 in ms of `runs` calls of `call(i)`."""
    spent = []
    for index in range(runs):
        started = time.perf_counter()
        call(index)
        spent.append((time.perf_counter() - started) * 1000)
    spent.sort()
    return statistics.median(spent), spent[min(len(spent) - 1, int(len(spent) * 0.99))]


def _measure() -> dict:
    from django.db import connection
    from django.db.models import Q
    from django.utils import timezone

    from kehu.core.models import User
    from kehu.core.pagination import CappedPaginator
    from kehu.demo.service_cases import PROBLEMS
    from kehu.service import selectors
    from kehu.service.models import OPEN_STATUSES, BusinessCalendar, ServiceTeam, Ticket
    from kehu.service.services import breaches_sweep, setup, tickets_clocks_update
    from kehu.service.services.clocks import open_tickets

    agent = User.objects.get(username="bench-agent001")
    team = ServiceTeam.objects.order_by("pk").first()
    lead = team.lead

    def page(tickets) -> None:
        paginator = CappedPaginator(tickets, 50)
        list(paginator.get_page(1))

    results: dict[str, object] = {}
    results["agent queue"] = _timed(lambda i: page(selectors.queue(user=agent, mine=True)), 100)
    results["team queue"] = _timed(lambda i: page(selectors.queue(user=lead, team=team)), 100)
    reports = [d for p in PROBLEMS for d in p.descriptions]
    results["similar cases"] = _timed(
        lambda i: selectors.similar_cases(user=agent, text=reports[i % len(reports)]), 100
    )
    calendar = BusinessCalendar.objects.get()
    open_count = Ticket.objects.filter(status__in=OPEN_STATUSES).count()
    started = time.perf_counter()
    setup.calendar_day_set(
        actor=None, calendar=calendar, day=timezone.localdate(), kind="holiday", name="盘点"
    )
    changed = tickets_clocks_update(open_tickets(Q(policy__calendar=calendar)))
    results["recompute"] = (time.perf_counter() - started, open_count, changed)
    # A busy minute: a thousand tickets came due since the last run.
    minute = Ticket.objects.filter(status__in=OPEN_STATUSES).order_by("pk")[:1000]
    Ticket.objects.filter(pk__in=list(minute.values_list("pk", flat=True))).update(
        next_check_at=timezone.now() - timezone.timedelta(seconds=30),
        response_breached=False,
        resolution_breached=False,
    )
    started = time.perf_counter()
    noted = breaches_sweep()
    results["minute"] = (time.perf_counter() - started, 1000, noted)
    # As if every open ticket had just missed its deadline, unnoticed until now.
    Ticket.objects.filter(status__in=OPEN_STATUSES).update(
        next_check_at=timezone.now() - timezone.timedelta(minutes=1),
        response_breached=False,
        resolution_breached=False,
    )
    started = time.perf_counter()
    noted = breaches_sweep()
    results["sweep"] = (time.perf_counter() - started, open_count, noted)
    connection.close()
    return results


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="bench_service")
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--child", choices=["setup", "measure"], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        import django

        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kehu.settings")
        django.setup()
        print(json.dumps(_setup() if args.child == "setup" else _measure()))
        return
    customers = Postgres(f"kehu_bench_{args.customers}")
    generated = _generate(customers, args.customers, _names())
    service = ServiceDatabase(customers)
    if service.generated_tickets() != args.tickets or generated:
        origin = f"generated in {service.generate(args.customers, args.tickets):.0f} s"
    else:
        origin = "cached"
    _kehu(service.url, "migrate")
    with _closing(service.connect()) as connection:
        events = connection.execute(
            "SELECT count(*) FROM core_change WHERE target_type_id = "
            "(SELECT id FROM django_content_type WHERE app_label = 'service' AND model = 'ticket')"
        ).fetchone()[0]
    # Each run measures on a fresh copy: the recompute and the sweep write.
    copy = service.clone()
    try:
        results = _child(copy.url, "measure")
    finally:
        copy.drop()
    print(f"{os.cpu_count()} cores")
    print(
        f"\n### postgresql: {args.customers:,} customers, {args.tickets:,} tickets, "
        f"{events:,} ticket events ({origin})\n"
    )
    for label in ("agent queue", "team queue", "similar cases"):
        p50, p99 = results[label]
        print(f"- {label}: p50 {p50:.1f} ms, p99 **{p99:.1f} ms**")
    seconds, count, changed = results["recompute"]
    what = f"- recomputing {count:,} open tickets after a calendar change"
    print(f"{what}: **{seconds:.1f} s** ({changed:,} changed)")
    seconds, count, noted = results["minute"]
    what = f"- the breach sweep of a busy minute, {count:,} tickets come due"
    print(f"{what}: **{seconds:.1f} s** ({noted:,} breaches noted)")
    seconds, count, noted = results["sweep"]
    what = f"- the breach sweep with all {count:,} open tickets due"
    print(f"{what}: **{seconds:.1f} s** ({noted:,} breaches noted)")


if __name__ == "__main__":
    main(sys.argv[1:])
