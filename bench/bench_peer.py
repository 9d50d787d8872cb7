"""Kehu side by side with a peer: the one Django CRM with a REST API that installs here,
PyPI django-crm 0.9.0, on the same records, the same load and the same machine.

- The peer gets a virtual environment of its own (`var/bench/peer-venv`) with the versions
  of its dependencies it was released against (it declares none; Django 3.2 is the last it
  runs on).
- Both get the same customers: bench_scale's generated company (`--records` customers with
  their contacts) is Kehu's, and the same rows, exported from it, become the peer's accounts
  and contacts under the same ids. Both run on SQLite, Kehu's default.
- Both are served by gunicorn with `--workers` processes on loopback, and measured by
  `--clients` clients at once as an administrator, over their REST APIs with a token.
- Runs are interleaved: each round measures every kind of request on one, then on the
  other, the order turning each round, so that a busier moment of the machine falls on both.

    python -m bench.bench_peer --records 100000
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from bench.bench_scale import (
    ADMIN,
    BENCH_DIR,
    LONG_NAME_FRAGMENT,
    NAME_FRAGMENT,
    ROOT,
    Client,
    Latency,
    Served,
    Server,
    Sqlite,
    _closing,
    _generate,
    _names,
    _run_child,
    _time_requests,
)

PEER_VENV = BENCH_DIR / "peer-venv"
# django-crm 0.9.0 (2021) declares no dependencies; these are the releases of its time.
PEER_PACKAGES = [
    "django-crm==0.9.0",
    "Django==3.2.25",
    "djangorestframework==3.12.4",
    "djangorestframework-jwt==1.11.0",
    "PyJWT==1.7.1",
    "drf-yasg==1.20.0",
    "django-cors-headers==3.7.0",
    "django-phonenumber-field==5.2.0",
    "phonenumbers",
    "python-dotenv",
    "celery==5.2.7",
    "django-ses==2.0.0",
    "django-settings-export==1.2.1",
    "arrow==1.2.3",
    "pytz",
    "six",
    "sentry-sdk==1.5.12",
    "setuptools<70",
    "gunicorn",
]
# Kehu's API pages hold 50 customers; the peer is asked for as many.
PAGE = 50
DETAIL_IDS = 200


def _peer_python() -> Path:
    python = PEER_VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(PEER_VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", *PEER_PACKAGES], check=True)
    return python


def _exported(database: Sqlite, customers: int) -> Path:
    """Kehu's customers with their contacts, a JSON object a line, for the peer's seeding."""
    path = BENCH_DIR / f"peer-records-{customers}.jsonl"
    if path.exists():
        return path
    partial_path = path.with_suffix(".partial")
    # SQLite writes each record whole, its contacts in order of their ids.
    contacts = (
        "SELECT coalesce(json_group_array(json_object('id', id, 'name', name, 'phone', phone, "
        "'email', email)), '[]') FROM (SELECT * FROM customers_contact contact "
        "WHERE contact.customer_id = customer.id ORDER BY contact.id)"
    )
    records = (
        "SELECT json_object('id', id, 'name', name, 'phone', phone, 'email', email, "
        f"'province', province, 'city', city, 'contacts', json(({contacts}))) "
        "FROM customers_customer customer ORDER BY id"
    )
    with _closing(database.connect()) as connection, partial_path.open("w") as stream:
        for (record,) in connection.execute(records):
            stream.write(record + "\n")
    partial_path.rename(path)
    return path


def _peer_env(database: Path) -> dict[str, str]:
    return {
        **os.environ,
        "PEER_DATABASE": str(database),
        "DJANGO_SETTINGS_MODULE": "bench.peer_settings",
        "PYTHONPATH": str(ROOT),
    }


def _peer_seeded(python: Path, records: Path, database: Path) -> str:
    """The peer's database seeded with the records (once); its administrator's token."""
    output = subprocess.run(
        [str(python), "-W", "ignore", "-m", "bench.peer_seed", str(records)],
        cwd=BENCH_DIR,
        env=_peer_env(database),
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    token: str = json.loads(output.strip().splitlines()[-1])["token"]
    return token


class PeerServer(Served):
    """The peer under gunicorn, as its documentation deploys it."""

    ready_path = "/api/accounts/"

    def __init__(self, python: Path, database: Path, workers: int) -> None:
        command = [str(python), "-m", "gunicorn", "--workers", str(workers)]
        super().__init__(
            "the peer's gunicorn",
            [
                *command,
                "--bind",
                "127.0.0.1:{port}",
                # As `kehu serve` runs: the application loaded before the workers fork.
                "--preload",
                "--timeout",
                "120",
                "crm.wsgi:application",
            ],
            _peer_env(database),
            BENCH_DIR,
        )


@dataclass(frozen=True)
class System:
    name: str
    port: int
    headers: dict[str, str]
    # The path of each kind of request, given the request's number.
    paths: dict[str, Callable[[int], str]]

    def sends(self, kind: str, clients: int) -> list[Callable[[int], tuple[int, bytes]]]:
        return [
            partial(_get, Client(self.port, self.headers), self.paths[kind]) for _ in range(clients)
        ]


def _get(client: Client, path: Callable[[int], str], index: int) -> tuple[int, bytes]:
    return client.request("GET", path(index))


def _kinds(ids: list[int]) -> dict[str, tuple[Callable[[int], str], Callable[[int], str]]]:
    """Each kind of request as (Kehu's path, the peer's path). The peer's search looks in
    account names only (`name__icontains`); Kehu's `search` in names, pinyin, initials,
    phones and e-mails of customers and their contacts, so Kehu does more for each."""

    def constant(path: str) -> Callable[[int], str]:
        return lambda _index: path

    def detail(prefix: str) -> Callable[[int], str]:
        return lambda index: f"{prefix}{ids[index % len(ids)]}/"

    kinds = {
        "list, page 1": (
            constant("/api/v1/customers/"),
            constant(f"/api/accounts/?limit={PAGE}"),
        ),
        "get by id": (detail("/api/v1/customers/"), detail("/api/accounts/")),
    }
    for fragment in (NAME_FRAGMENT, LONG_NAME_FRAGMENT):
        quoted = urllib.parse.quote(fragment)
        kinds[f"search, name fragment ({fragment})"] = (
            constant(f"/api/v1/customers/?search={quoted}"),
            constant(f"/api/accounts/?limit={PAGE}&name={quoted}"),
        )
    return kinds


def _rounds(
    systems: tuple[System, System], kinds: list[str], args: argparse.Namespace
) -> Iterator[tuple[str, str, Latency]]:
    for round_number in range(args.rounds):
        for kind in kinds:
            order = systems if round_number % 2 == 0 else systems[::-1]
            for system in order:
                sends = system.sends(kind, args.clients)
                latency = _time_requests(kind, system.name, sends, args.requests, args.seconds)
                yield system.name, kind, latency


def _measured(
    systems: tuple[System, System], kinds: list[str], args: argparse.Namespace
) -> dict[tuple[str, str], Latency]:
    totals: dict[tuple[str, str], Latency] = {}
    for name, kind, latency in _rounds(systems, kinds, args):
        total = totals.setdefault((name, kind), Latency(kind, name))
        total.samples.extend(latency.samples)
        total.seconds += latency.seconds
    return totals


def _print(totals: dict[tuple[str, str], Latency], kinds: list[str]) -> None:
    print("| request | Kehu req/s | p50 ms | p99 ms | peer req/s | p50 ms | p99 ms | Kehu ÷ peer |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for kind in kinds:
        kehu, peer = totals[("Kehu", kind)], totals[("peer", kind)]
        figures = [
            f"{latency.throughput:,.1f} | {p50:.1f} | {p99:.1f}"
            for latency in (kehu, peer)
            for p50, p99 in [latency.percentiles()]
        ]
        ratio = kehu.throughput / peer.throughput
        print(f"| {kind} | {figures[0]} | {figures[1]} | **{ratio:.1f}×** |", flush=True)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="bench_peer")
    parser.add_argument("--records", type=int, default=100_000, help="customers")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers of each")
    parser.add_argument("--clients", type=int, default=4, help="clients sending at once")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--requests", type=int, default=200, help="per kind, system and round")
    parser.add_argument("--seconds", type=float, default=20.0, help="per kind, system and round")
    args = parser.parse_args(argv)
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    kehu_database = Sqlite(BENCH_DIR / f"scale-{args.records}.sqlite3")
    _generate(kehu_database, args.records, _names())
    python = _peer_python()
    peer_database = BENCH_DIR / f"peer-{args.records}.sqlite3"
    peer_token = _peer_seeded(python, _exported(kehu_database, args.records), peer_database)
    kehu_token = _run_child("tokens", kehu_database.url)[ADMIN]
    with _closing(kehu_database.connect()) as connection:
        ids = [
            row[0]
            for row in connection.execute(
                f"SELECT id FROM customers_customer ORDER BY random() LIMIT {DETAIL_IDS}"
            )
        ]
    kinds = _kinds(ids)
    print(
        f"{os.cpu_count()} cores; {args.records:,} customers; each system under gunicorn "
        f"with {args.workers} workers; {args.clients} clients at once; {args.rounds} "
        "interleaved rounds; as an administrator\n",
        flush=True,
    )
    with (
        Server(kehu_database, args.workers) as kehu,
        PeerServer(python, peer_database, args.workers) as peer,
    ):
        systems = (
            System(
                "Kehu",
                kehu.port,
                {"Authorization": f"Token {kehu_token}"},
                {kind: paths[0] for kind, paths in kinds.items()},
            ),
            System(
                "peer",
                peer.port,
                {"Authorization": f"JWT {peer_token}"},
                {kind: paths[1] for kind, paths in kinds.items()},
            ),
        )
        totals = _measured(systems, list(kinds), args)
    _print(totals, list(kinds))


if __name__ == "__main__":
    main(sys.argv[1:])
