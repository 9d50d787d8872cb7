"""Customer list and search latency through the API, at a given number of customers.

Runs in-process through Django's test client against the database in DATABASE_URL (a
fresh SQLite file under var/bench/ by default), so it measures Kehu's own work per request:
scope filter, search, serialisation and queries, without network or server overhead.

    python -m bench.bench_customers --customers 100000 --requests 50
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _setup(database: Path) -> None:
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{database}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kehu.settings")
    os.environ.setdefault("KEHU_ALLOWED_HOSTS", "testserver")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def _generate(count: int) -> None:
    """Customers straight into the table in batches: the services' path is not under test."""
    from kehu.core.contact_details import phone_normalise
    from kehu.core.models import Role, User
    from kehu.customers.models import Customer
    from kehu.demo.customers import BRANDS, TRADES, mobile, person_name

    if Customer.objects.count() >= count:
        return
    Customer.objects.all().delete()
    owners = [
        User.objects.get_or_create(
            username=f"bench{i}", defaults={"role": Role.objects.get(code="sales")}
        )[0]
        for i in range(20)
    ]
    rng = random.Random(7)
    trades = [t for values in TRADES.values() for t in values]
    batch: list[Customer] = []
    for index in range(count):
        name = (
            person_name(rng)
            if index % 7 == 0
            else f"{rng.choice(BRANDS)}{rng.choice(BRANDS)}{rng.choice(trades)}有限公司{index}"
        )
        batch.append(
            Customer(
                name=name,
                phone=phone_normalise(mobile(rng)),
                owner=owners[index % len(owners)],
                **Customer.search_keys(name),
            )
        )
        if len(batch) == 5000:
            Customer.objects.bulk_create(batch)
            batch.clear()
    Customer.objects.bulk_create(batch)


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return statistics.median(ordered), p99


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="bench_customers")
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args(argv)
    database = ROOT / "var" / "bench" / f"customers-{args.customers}.sqlite3"
    database.parent.mkdir(parents=True, exist_ok=True)
    _setup(database)
    started = time.perf_counter()
    _generate(args.customers)
    generated = time.perf_counter() - started

    from django.db import connection
    from rest_framework.test import APIClient

    from kehu.core.models import Role, User

    manager = User.objects.get_or_create(
        username="bench-admin", defaults={"role": Role.objects.get(code="admin")}
    )[0]
    salesperson = User.objects.get(username="bench0")
    cases = {
        "list, page 1": "/api/v1/customers/",
        "search name fragment (宏达)": "/api/v1/customers/?search=宏达",
        "search phone fragment (1381234)": "/api/v1/customers/?search=1381234",
        "search pinyin initials (zs)": "/api/v1/customers/?search=zs",
    }
    print(f"{args.customers:,} customers on {connection.vendor} (generated in {generated:.1f} s)\n")
    print("| request | user | p50 ms | p99 ms |")
    print("| --- | --- | --- | --- |")
    for user in (manager, salesperson):
        client = APIClient()
        client.force_authenticate(user)
        for label, url in cases.items():
            client.get(url)
            samples = []
            for _ in range(args.requests):
                started = time.perf_counter()
                response = client.get(url)
                samples.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200
            p50, p99 = _percentiles(samples)
            print(f"| {label} | {user.username} | {p50:.1f} | {p99:.1f} |")


if __name__ == "__main__":
    main(sys.argv[1:])
