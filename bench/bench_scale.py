"""Kehu at company scale: 1,000,000 customers and 2,000,000 contacts on SQLite and PostgreSQL.

For each database it measures
- the import of a 1,000,000-row CSV through `kehu import customers` (validation and duplicate
  checks against the customers already there): rows per second and peak memory, on a copy of
  the generated company; on PostgreSQL also its own `COPY` of the same file, for the ratio;
- API list and search, and the customer list and customer pages, through `kehu serve` on
  loopback: real HTTP, token (API) or session (pages) authentication, p50 / p99 per request
  kind, as a salesperson, a sales manager and an administrator.

The company is generated once per size and kept (PostgreSQL database `kehu_bench_<n>`,
SQLite file `var/bench/scale-<n>.sqlite3`, CSV `var/bench/scale-import-<n>.csv`), so later
runs measure at once. Each request kind stops after `--requests` requests or `--case-seconds`
seconds, whichever comes first, and the import after `--import-seconds`.

    python -m bench.bench_scale --customers 1000000 --database both
"""

from __future__ import annotations

import argparse
import csv
import http.client
import json
import os
import random
import re
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from functools import cache, partial
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

from bench import import_floor

ROOT = Path(__file__).resolve().parents[1]
BENCH_DIR = ROOT / "var" / "bench"
KEHU = [sys.executable, "-m", "kehu.cli"]
PG_SERVER = os.environ.get("KEHU_BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
PASSWORD = "kehu-bench-2026"
# Bump when the generated company changes, so cached databases are generated again.
DATA_VERSION = 2
MANAGERS = 10
TEAM_SIZE = 20  # salespeople per manager
POOL_SHARE = 0.05
SALESPERSON, MANAGER, ADMIN = "bench-s000", "bench-m0", "bench-admin"
MEASURED = (SALESPERSON, MANAGER, ADMIN)
EMAIL_DOMAINS = ["163.com", "qq.com", "126.com", "sina.com", "aliyun.com", "foxmail.com"]
NAME_FRAGMENT = "宏达"
INITIALS = "zw"  # 张伟, 赵伟 … and every company whose initials contain them
LONG_NAME_FRAGMENT = "宏达集团"
PINYIN = "zhangwei"
EMAIL_FRAGMENT = "@qq.com"


# Child processes: Django set up against the bench database in DATABASE_URL ---------------


def _child(mode: str) -> None:
    """Create the bench's users (`users`) or print the measured users' API tokens (`tokens`)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kehu.settings")
    import django

    django.setup()
    from kehu.core.models import Role, User
    from kehu.core.services import token_for_username, user_save

    if mode == "tokens":
        print(json.dumps({name: token_for_username(username=name) for name in MEASURED}))
        return

    def user(name: str, role: str, manager: User | None = None) -> User:
        found = User.objects.filter(username=name).first()
        # Hashing a password costs ~0.3 s; only the users who log in get one.
        password = PASSWORD if name in MEASURED else None
        return found or user_save(
            username=name, password=password, role=Role.objects.get(code=role), manager=manager
        )

    ids = {ADMIN: user(ADMIN, "admin").pk}
    for team in range(MANAGERS):
        manager = user(f"bench-m{team}", "sales_manager")
        ids[manager.username] = manager.pk
        for member in range(TEAM_SIZE):
            name = f"bench-s{team * TEAM_SIZE + member:03d}"
            ids[name] = user(name, "sales", manager).pk
    print(json.dumps(ids))


def _run_child(mode: str, url: str) -> dict[str, Any]:
    command = [sys.executable, "-m", "bench.bench_scale", "--child", mode]
    output = subprocess.run(
        command, cwd=ROOT, env=_kehu_env(url), check=True, capture_output=True, text=True
    ).stdout
    result: dict[str, Any] = json.loads(output.strip().splitlines()[-1])
    return result


def _kehu_env(url: str) -> dict[str, str]:
    return {
        # The benchmark's own installation: its data are generated and thrown away.
        "KEHU_SECRET_KEY": "bench-only-" + "k" * 50,
        **os.environ,
        "DATABASE_URL": url,
        "KEHU_DATA_DIR": str(BENCH_DIR / "kehu-data"),
        "DJANGO_SETTINGS_MODULE": "kehu.settings",
        "PYTHONPATH": str(ROOT),
    }


def _kehu(url: str, *args: str) -> None:
    subprocess.run([*KEHU, *args], cwd=ROOT, env=_kehu_env(url), check=True)


# The generated company -------------------------------------------------------------------


@dataclass(frozen=True)
class Names:
    """What the demo company's customers are made of, read from kehu.demo."""

    surnames: list[str]
    given: list[str]
    brands: list[str]
    brand_chars: list[str]
    trades: list[tuple[str, str]]  # (industry, trade word)
    suffixes: list[str]
    titles: list[str]
    mobile_prefixes: list[str]
    places: list[tuple[str, str, str]]  # (province, city, district)


def _names() -> Names:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kehu.settings")
    import django

    django.setup()  # kehu.demo imports models; nothing here touches a database
    from kehu.core import regions
    from kehu.demo import customers as demo

    places = []
    for province in regions.provinces():
        weight = demo.PROVINCE_WEIGHTS.get(province, 1)
        for city in regions.cities(province):
            for district in regions.districts(province, city) or [""]:
                places.extend([(province, city, district)] * weight)
    return Names(
        surnames=demo.SURNAMES,
        given=demo.GIVEN_NAMES,
        brands=demo.BRANDS,
        brand_chars=sorted({ch for brand in demo.BRANDS for ch in brand}),
        trades=[(str(industry), word) for industry, words in demo.TRADES.items() for word in words],
        suffixes=demo.SUFFIXES,
        titles=demo.TITLES,
        mobile_prefixes=demo.MOBILE_PREFIXES,
        places=places,
    )


@cache
def _keys(part: str) -> tuple[str, str]:
    from kehu.customers.text import pinyin_keys

    return pinyin_keys(part)


def _search_keys(parts: Sequence[str]) -> dict[str, str]:
    """The search keys of a name from the pinyin of its parts, as Party.search_keys makes
    them: converting every whole name would take minutes."""
    from kehu.customers.text import name_grams

    keys = [_keys(part) for part in parts]
    initials = "".join(k[1] for k in keys)[:200]
    return {
        "name_pinyin": "".join(k[0] for k in keys)[:400],
        "name_initials": initials,
        "name_grams": name_grams("".join(parts), initials),
    }


@cache
def _company_key(name: str) -> str:
    from kehu.customers.text import company_key

    return company_key(name)[:200]


class Company:
    """Customers and contacts drawn from a seeded generator: the same company every run."""

    def __init__(self, names: Names, seed: int) -> None:
        self.names = names
        self.rng = random.Random(seed)
        self.now = datetime(2026, 11, 22, tzinfo=UTC)

    def mobile(self) -> str:
        return f"+86{self.rng.choice(self.names.mobile_prefixes)}{self.rng.randrange(10**8):08d}"

    def person(self) -> list[str]:
        return [self.rng.choice(self.names.surnames), self.rng.choice(self.names.given)]

    def company(self, city: str) -> tuple[list[str], str]:
        """Name parts (city, trade name, trade, legal form) and the industry."""
        n = self.names
        short_city = city.removesuffix("市") if len(city) > 2 else city
        trade_name = self.rng.choice(n.brands) + self.rng.choice(n.brand_chars)
        industry, trade = self.rng.choice(n.trades)
        return [short_city, trade_name, trade, self.rng.choice(n.suffixes)], industry

    def customer(self, pk: int, owners: Sequence[int | None]) -> dict[str, Any]:
        rng = self.rng
        province, city, district = rng.choice(self.names.places)
        individual = pk % 7 == 0
        parts, industry = (self.person(), "") if individual else self.company(city)
        name = "".join(parts)
        keys = _search_keys(parts)
        pinyin = keys["name_pinyin"]
        owner = None if rng.random() < POOL_SHARE else owners[pk % len(owners)]
        created = self.now - timedelta(seconds=rng.randrange(3 * 365 * 86400))
        updated = created + (self.now - created) * rng.random()
        return {
            "id": pk,
            "name": name,
            "kind": "individual" if individual else "company",
            "phone": self.mobile(),
            "email": f"{pinyin[:10]}{pk}@{rng.choice(EMAIL_DOMAINS)}" if rng.random() < 0.3 else "",
            "province": province,
            "city": city,
            "district": district,
            "industry": industry,
            "owner_id": owner,
            **keys,
            "name_key": _company_key(name),
            "credit_limit": Decimal(rng.randrange(0, 500)) * 1000,
            "owner_since": None if owner is None else created,
            "released_at": updated if owner is None else None,
            "last_activity_at": updated if rng.random() < 0.6 else None,
            "created_at": created,
            "updated_at": updated,
        }

    def contacts(self, customer: dict[str, Any], first_pk: int) -> list[dict[str, Any]]:
        """0 to 4 contacts, 2 on average, the first of them primary."""
        rows = []
        for offset in range(self.rng.choice((0, 1, 2, 2, 2, 3, 4))):
            parts = self.person()
            rows.append(
                {
                    "id": first_pk + offset,
                    "customer_id": customer["id"],
                    "name": "".join(parts),
                    "title": self.rng.choice(self.names.titles),
                    "phone": self.mobile(),
                    "is_primary": offset == 0,
                    **_search_keys(parts),
                    "created_at": customer["created_at"],
                    "updated_at": customer["created_at"],
                }
            )
        return rows


@dataclass
class Table:
    """A model's table, its columns, and the value of each column when a row does not say."""

    name: str
    columns: list[str]
    defaults: list[Any]

    @classmethod
    def of(cls, model: Any) -> Table:
        fields = model._meta.concrete_fields
        return cls(
            model._meta.db_table,
            [f.column for f in fields],
            [None if f.null and not f.has_default() else f.get_default() for f in fields],
        )

    def row(self, values: dict[str, Any]) -> tuple[Any, ...]:
        return tuple(values.get(c, d) for c, d in zip(self.columns, self.defaults, strict=True))


def _company_rows(
    count: int, owners: Sequence[int | None], names: Names
) -> Iterator[tuple[str, dict[str, Any]]]:
    from kehu.customers.text import joined_grams

    company = Company(names, seed=20261122)
    contact_pk = 1
    for pk in range(1, count + 1):
        customer = company.customer(pk, owners)
        contacts = company.contacts(customer, contact_pk)
        contact_pk += len(contacts)
        # As the services keep them: a customer's pairs hold its contacts'.
        customer["name_grams"] = joined_grams(
            customer["name_grams"], *(contact["name_grams"] for contact in contacts)
        )
        yield "customer", customer
        for contact in contacts:
            yield "contact", contact


# Databases -------------------------------------------------------------------------------


class Database:
    """One database the bench generates into and measures: where it is and how to reach it."""

    vendor: str
    url: str

    def connect(self) -> Any:
        raise NotImplementedError

    def exists(self) -> bool:
        raise NotImplementedError

    def recreate(self) -> None:
        raise NotImplementedError

    def load(self, tables: dict[str, Table], rows: Iterator[tuple[str, dict[str, Any]]]) -> None:
        raise NotImplementedError

    def analyse(self) -> None:
        """Fresh planner statistics after the load."""
        raise NotImplementedError

    def settings_note(self) -> str:
        """The server settings the figures depend on, for the report's heading."""
        return ""

    def clone(self) -> Database:
        """An expendable copy of the database, for the import to write into."""
        raise NotImplementedError

    def drop(self) -> None:
        raise NotImplementedError

    def generated(self) -> int:
        """How many customers a finished generation of this data version left, else 0."""
        if not self.exists():
            return 0
        with _closing(self.connect()) as connection:
            try:
                row = connection.execute(
                    f"SELECT customers FROM bench_generated WHERE version = {DATA_VERSION}"
                ).fetchone()
            except (sqlite3.Error, _pg_error()):
                return 0
        return int(row[0]) if row else 0

    def mark_generated(self, customers: int) -> None:
        with _closing(self.connect()) as connection:
            connection.execute("CREATE TABLE bench_generated (customers integer, version integer)")
            connection.execute(f"INSERT INTO bench_generated VALUES ({customers}, {DATA_VERSION})")
            connection.commit()

    def scalar(self, sql: str) -> Any:
        with _closing(self.connect()) as connection:
            row = connection.execute(sql).fetchone()
        return row[0] if row else None


class _closing:
    def __init__(self, connection: Any) -> None:
        self.connection = connection

    def __enter__(self) -> Any:
        return self.connection

    def __exit__(self, *exc: object) -> None:
        self.connection.close()


def _pg_error() -> type[Exception]:
    import psycopg

    return psycopg.Error


class Postgres(Database):
    vendor = "postgresql"

    def __init__(self, name: str) -> None:
        self.name = name
        self.url = f"{PG_SERVER}/{name}"

    def connect(self) -> Any:
        import psycopg

        return psycopg.connect(self.url)

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as connection:
            connection.execute(sql)

    def settings_note(self) -> str:
        return f"; shared_buffers {self.scalar('SHOW shared_buffers')}"

    def exists(self) -> bool:
        import psycopg

        with psycopg.connect(f"{PG_SERVER}/postgres") as connection:
            found = connection.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", (self.name,)
            ).fetchone()
        return found is not None

    def recreate(self) -> None:
        self.drop()
        self._admin(f'CREATE DATABASE "{self.name}"')
        # Index builds after the load (the trigram ones above all) go faster with memory.
        self._admin(f"ALTER DATABASE \"{self.name}\" SET maintenance_work_mem = '1GB'")

    def drop(self) -> None:
        self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    def load(self, tables: dict[str, Table], rows: Iterator[tuple[str, dict[str, Any]]]) -> None:
        with _closing(self.connect()) as connection, connection.cursor() as cursor:
            restore = _pg_drop_indexes(cursor, [t.name for t in tables.values()])
            # COPY streams are per table and cannot interleave on one connection: rows wait in
            # per-table buffers that are flushed in turn.
            buffers: dict[str, list[tuple[Any, ...]]] = {kind: [] for kind in tables}

            def flush(kind: str) -> None:
                table = tables[kind]
                columns = ", ".join(f'"{c}"' for c in table.columns)
                with cursor.copy(f'COPY "{table.name}" ({columns}) FROM STDIN') as copy:
                    for row in buffers[kind]:
                        copy.write_row(row)
                buffers[kind].clear()

            for kind, values in rows:
                buffers[kind].append(tables[kind].row(values))
                if len(buffers[kind]) >= 50_000:
                    flush(kind)
            for kind in tables:
                flush(kind)
            for table in tables.values():
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f'(SELECT max(id) FROM "{table.name}"))'
                )
            for statement in restore:
                cursor.execute(statement)
            connection.commit()

    def analyse(self) -> None:
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as connection:
            connection.execute("VACUUM ANALYZE")

    def clone(self) -> Postgres:
        copy = Postgres(f"{self.name}_import")
        copy.drop()
        self._admin(f'CREATE DATABASE "{copy.name}" TEMPLATE "{self.name}" STRATEGY FILE_COPY')
        return copy


def _pg_drop_indexes(cursor: Any, tables: list[str]) -> list[str]:
    """Drop the tables' secondary indexes and foreign keys; the statements that restore them.

    Maintaining a dozen indexes (trigram ones among them) and deferred foreign-key checks row
    by row makes a load of millions of rows many times slower than building them after it.
    """
    cursor.execute(
        "SELECT format('ALTER TABLE %%s DROP CONSTRAINT %%I', conrelid::regclass, conname), "
        "format('ALTER TABLE %%s ADD CONSTRAINT %%I %%s', conrelid::regclass, conname, "
        "pg_get_constraintdef(oid)) "
        "FROM pg_constraint WHERE contype = 'f' AND conrelid::regclass::text = ANY(%s)",
        (tables,),
    )
    constraints = cursor.fetchall()
    cursor.execute(
        "SELECT format('DROP INDEX %%I', indexname), indexdef FROM pg_indexes "
        "WHERE tablename = ANY(%s) AND indexname NOT IN (SELECT conname FROM pg_constraint)",
        (tables,),
    )
    indexes = cursor.fetchall()
    for drop, _create in [*constraints, *indexes]:
        cursor.execute(drop)
    return [create for _drop, create in [*indexes, *constraints]]


class Sqlite(Database):
    vendor = "sqlite"

    def __init__(self, path: Path) -> None:
        self.path = path
        self.url = f"sqlite:///{path}"

    def connect(self) -> Any:
        connection = sqlite3.connect(self.path)
        return connection

    def exists(self) -> bool:
        return self.path.exists()

    def recreate(self) -> None:
        self.drop()

    def drop(self) -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)

    def load(self, tables: dict[str, Table], rows: Iterator[tuple[str, dict[str, Any]]]) -> None:
        inserts = {
            kind: f'INSERT INTO "{t.name}" ({", ".join(t.columns)}) '
            f"VALUES ({', '.join('?' * len(t.columns))})"
            for kind, t in tables.items()
        }
        batches: dict[str, list[tuple[Any, ...]]] = {kind: [] for kind in tables}
        names = [t.name for t in tables.values()]
        with _closing(self.connect()) as connection:
            connection.execute("PRAGMA synchronous = OFF")
            connection.execute("PRAGMA cache_size = -1000000")  # 1 GB for the index builds
            # Indexes are built after the load, as on PostgreSQL (see _pg_drop_indexes).
            marks = ", ".join("?" * len(names))
            indexes = connection.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                f"AND tbl_name IN ({marks})",
                names,
            ).fetchall()
            for name, _sql in indexes:
                connection.execute(f'DROP INDEX "{name}"')
            for kind, values in rows:
                batches[kind].append(tuple(_sqlite_value(v) for v in tables[kind].row(values)))
                if len(batches[kind]) >= 50_000:
                    connection.executemany(inserts[kind], batches[kind])
                    batches[kind].clear()
            for kind, batch in batches.items():
                connection.executemany(inserts[kind], batch)
            for _name, sql in indexes:
                connection.execute(sql)
            connection.commit()

    def analyse(self) -> None:
        with _closing(self.connect()) as connection:
            connection.execute("ANALYZE")

    def clone(self) -> Sqlite:
        copy = Sqlite(self.path.with_name(self.path.stem + "-import.sqlite3"))
        copy.drop()
        with _closing(self.connect()) as source, _closing(sqlite3.connect(copy.path)) as target:
            source.backup(target)
        return copy


def _sqlite_value(value: Any) -> Any:
    """Values as Django stores them in SQLite: naive UTC times, decimals as text."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ")
    if isinstance(value, Decimal):
        return str(value)
    return value


def _generate(database: Database, customers: int, names: Names) -> float:
    """Generate the company into `database` unless it is there already; the seconds it took."""
    if database.generated() == customers:
        _kehu(database.url, "migrate")  # the schema the code expects, on the kept data
        return 0.0
    from kehu.customers.models import Contact, Customer

    started = time.perf_counter()
    database.recreate()
    _kehu(database.url, "migrate")
    ids = _run_child("users", database.url)
    owners = [ids[f"bench-s{i:03d}"] for i in range(MANAGERS * TEAM_SIZE)]
    tables = {"customer": Table.of(Customer), "contact": Table.of(Contact)}
    database.load(tables, _company_rows(customers, owners, names))
    _kehu(database.url, "search-index")  # the rows came in below the services
    database.analyse()
    database.mark_generated(customers)
    return time.perf_counter() - started


# The import ------------------------------------------------------------------------------

IMPORT_HEADERS = ["客户名称", "手机", "邮箱", "省份", "城市", "区县", "行业", "负责人"]
IMPORT_HEADERS += ["联系人", "联系人电话", "职务"]


def _import_file(rows: int, names: Names) -> Path:
    """A customer list as a company would bring it: companies with one contact each, some of
    them already in Kehu (the duplicate check skips those)."""
    path = BENCH_DIR / f"scale-import-{rows}-v{DATA_VERSION}.csv"
    if path.exists():
        return path
    company = Company(names, seed=8)
    industry_labels = _industry_labels()
    partial = path.with_suffix(".partial")
    with partial.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(IMPORT_HEADERS)
        for index in range(rows):
            province, city, district = company.rng.choice(names.places)
            parts, industry = company.company(city)
            contact = "".join(company.person())
            email = f"info{index}@{company.rng.choice(EMAIL_DOMAINS)}"
            writer.writerow(
                [
                    "".join(parts),
                    company.mobile().removeprefix("+86"),
                    email if index % 3 == 0 else "",
                    province,
                    city,
                    district,
                    industry_labels[industry],
                    f"bench-s{index % (MANAGERS * TEAM_SIZE):03d}",
                    contact,
                    company.mobile().removeprefix("+86"),
                    company.rng.choice(names.titles),
                ]
            )
    partial.rename(path)
    return path


def _industry_labels() -> dict[str, str]:
    from django.utils import translation

    from kehu.customers.models import Industry

    with translation.override("zh-hans"):
        return {value: str(label) for value, label in Industry.choices}


@dataclass
class ImportResult:
    seconds: float
    rows_done: int
    created: int
    skipped: int
    failed: int
    peak_mib: float
    finished: bool

    @property
    def rate(self) -> float:
        return self.rows_done / self.seconds


def _peak_mib(pid: int) -> float:
    """The process's peak resident memory so far. Not the rusage's ru_maxrss: a child starts
    counting from its parent's memory at the fork, and this process holds the generated
    company's (1.6 GiB at 1,000,000 customers on SQLite)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    found = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
    return int(found.group(1)) / 1024 if found else 0.0


def _measure_import(database: Database, path: Path, limit: float) -> ImportResult:
    """`kehu import customers` in a child process, its wall time and peak resident memory."""
    started = time.perf_counter()
    child = subprocess.Popen(
        [*KEHU, "import", "customers", str(path)],
        cwd=ROOT,
        env=_kehu_env(database.url),
        stdout=subprocess.DEVNULL,
    )
    finished = True
    peaks: dict[int, float] = {}
    while child.poll() is None:
        for pid in _process_tree(child.pid):
            peaks[pid] = max(peaks.get(pid, 0.0), _peak_mib(pid))
        if time.perf_counter() - started > limit:
            child.kill()
            child.wait()
            finished = False
            break
        time.sleep(0.2)
    seconds = time.perf_counter() - started
    job = _last_job(database)
    # The import reads its file in a forked process: the peaks of both are added, which
    # counts the pages they share twice, so the figure is an upper bound.
    return ImportResult(seconds, *job, peak_mib=sum(peaks.values()), finished=finished)


def _process_tree(pid: int) -> list[int]:
    """The process and its descendants, as /proc lists them now."""
    tree, index = [pid], 0
    while index < len(tree):
        try:
            children = Path(f"/proc/{tree[index]}/task/{tree[index]}/children").read_text()
        except OSError:
            children = ""
        tree.extend(int(child) for child in children.split())
        index += 1
    return tree


def _last_job(database: Database) -> tuple[int, int, int, int]:
    with _closing(database.connect()) as connection:
        row = connection.execute(
            "SELECT rows_done, created_count, skipped_count, failed_count "
            "FROM customers_importjob ORDER BY id DESC LIMIT 1"
        ).fetchone()
    return tuple(row) if row else (0, 0, 0, 0)  # type: ignore[return-value]


def _measure_copy(database: Postgres, path: Path) -> float:
    """PostgreSQL's own COPY of the same file into a table of text columns."""
    with _closing(database.connect()) as connection, connection.cursor() as cursor:
        columns = ", ".join(f"c{i} text" for i in range(len(IMPORT_HEADERS)))
        cursor.execute(f"CREATE TABLE bench_copy ({columns})")
        started = time.perf_counter()
        with (
            cursor.copy("COPY bench_copy FROM STDIN (FORMAT csv, HEADER true)") as copy,
            path.open("rb") as stream,
        ):
            while chunk := stream.read(1 << 20):
                copy.write(chunk)
        connection.commit()
        return time.perf_counter() - started


# Requests through `kehu serve` -----------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class Client:
    """HTTP/1.1 to the server on loopback, reusing the connection when the server keeps it."""

    def __init__(self, port: int, headers: dict[str, str] | None = None) -> None:
        self.port = port
        self.headers = headers or {}
        self.cookies: dict[str, str] = {}
        self.connection: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, bytes]:
        headers = dict(self.headers)
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in range(2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                content = response.read()
            except (http.client.RemoteDisconnected, ConnectionError):
                self.connection.close()
                self.connection = None
                if attempt:
                    raise
                continue
            for header in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
            if response.will_close:
                self.connection.close()
                self.connection = None
            return response.status, content
        raise AssertionError("unreachable")

    def log_in(self, username: str) -> None:
        _status, page = self.request("GET", "/login/")
        found = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert found, "no CSRF token on the log-in page"
        form = {"csrfmiddlewaretoken": found.group(1).decode(), "username": username}
        status, _body = self.request(
            "POST", "/login/", urllib.parse.urlencode({**form, "password": PASSWORD})
        )
        assert status == 302, f"log-in of {username} answered {status}"


class Served:
    """A web server started as `command` on a free loopback port, for the `with` block: ready
    once `ready_path` answers."""

    ready_path = "/login/"

    def __init__(self, name: str, command: list[str], env: dict[str, str], cwd: Path) -> None:
        self.name = name
        self.port = _free_port()
        self.process = subprocess.Popen(
            [part.format(port=self.port) for part in command],
            cwd=cwd,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def __enter__(self) -> Served:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                Client(self.port).request("GET", self.ready_path)
                return self
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError(f"{self.name} exited") from None
                time.sleep(0.5)
        raise RuntimeError(f"{self.name} did not answer within 120 s")

    def __exit__(self, *exc: object) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


class Server(Served):
    """`kehu serve --no-background-worker`."""

    def __init__(self, database: Database, workers: int) -> None:
        command = [*KEHU, "serve", "--no-background-worker", "--host", "127.0.0.1"]
        super().__init__(
            "kehu serve",
            [*command, "--port", "{port}", "--workers", str(workers)],
            {**_kehu_env(database.url), "KEHU_LOGIN_FAILURE_LIMIT": "1000"},
            ROOT,
        )


@dataclass
class Latency:
    label: str
    user: str
    samples: list[float] = field(default_factory=list)
    seconds: float = 0.0  # wall time of the timed requests, all clients together

    @property
    def throughput(self) -> float:
        """Requests answered a second."""
        return len(self.samples) / self.seconds

    def percentiles(self) -> tuple[float, float]:
        ordered = sorted(self.samples)
        p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
        return statistics.median(ordered), p99


def print_latencies(latencies: Iterable[Latency], *, kind: str) -> None:
    """A Markdown table of p50 / p99 ms per measured `kind` of request and user."""
    print(f"| {kind} | user | n | p50 ms | p99 ms |")
    print("| --- | --- | --- | --- | --- |")
    for latency in latencies:
        p50, p99 = latency.percentiles()
        print(
            f"| {latency.label} | {latency.user} | {len(latency.samples)} "
            f"| {p50:.1f} | {p99:.1f} |",
            flush=True,
        )


def _time_requests(
    label: str,
    user: str,
    sends: Sequence[Callable[[int], tuple[int, bytes]]],
    limit: int,
    seconds: float,
) -> Latency:
    """`limit` requests (or as many as fit in `seconds`), shared out among the `sends`, one
    client each, all at once: several clients load the server as several people do."""
    result = Latency(label, user)
    for send in sends:
        for warm_up in range(3):
            send(warm_up)
    deadline = time.perf_counter() + seconds
    failures: list[str] = []
    lock = threading.Lock()

    def client(send: Callable[[int], tuple[int, bytes]], first: int) -> None:
        for index in range(first, limit, len(sends)):
            started = time.perf_counter()
            status, _body = send(index)
            with lock:
                result.samples.append((time.perf_counter() - started) * 1000)
            if status != 200:
                failures.append(f"{label} as {user} answered {status}")
                return
            if time.perf_counter() > deadline:
                return

    threads = [threading.Thread(target=client, args=(s, i)) for i, s in enumerate(sends)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.seconds = time.perf_counter() - started
    assert not failures, failures[0]
    return result


def _phone_fragment(database: Database, owner: str) -> str:
    phone = database.scalar(
        "SELECT c.phone FROM customers_customer c JOIN core_user u ON u.id = c.owner_id "
        f"WHERE u.username = '{owner}' ORDER BY c.id LIMIT 1"
    )
    return str(phone)[-8:-1]  # 7 digits from the middle of a mobile number


def _customer_ids(database: Database, owner: str) -> list[int]:
    with _closing(database.connect()) as connection:
        rows = connection.execute(
            "SELECT c.id FROM customers_customer c JOIN core_user u ON u.id = c.owner_id "
            f"WHERE u.username = '{owner}' ORDER BY c.id LIMIT 50"
        ).fetchall()
    return [row[0] for row in rows]


def _measure_requests(database: Database, args: argparse.Namespace) -> list[Latency]:
    tokens = _run_child("tokens", database.url)
    phone = _phone_fragment(database, SALESPERSON)
    detail_ids = _customer_ids(database, SALESPERSON)
    searches = {
        f"name fragment ({NAME_FRAGMENT})": NAME_FRAGMENT,
        f"phone fragment ({phone})": phone,
        f"pinyin initials ({INITIALS})": INITIALS,
        f"name fragment ({LONG_NAME_FRAGMENT})": LONG_NAME_FRAGMENT,
        f"pinyin ({PINYIN})": PINYIN,
        f"e-mail fragment ({EMAIL_FRAGMENT})": EMAIL_FRAGMENT,
    }
    api = {"API list, page 1": "/api/v1/customers/"}
    for label, text in searches.items():
        api[f"API search, {label}"] = f"/api/v1/customers/?search={urllib.parse.quote(text)}"
    contacts = f"API contacts search, pinyin initials ({INITIALS})"
    api[contacts] = f"/api/v1/contacts/?search={INITIALS}"
    with Server(database, args.workers) as server:
        return [
            latency
            for user in MEASURED
            for latency in _measure_user(server.port, user, tokens[user], api, detail_ids, args)
        ]


def _request(client: Client, path: str, _index: int) -> tuple[int, bytes]:
    return client.request("GET", path)


def _customer_page(browser: Client, ids: list[int], index: int) -> tuple[int, bytes]:
    return browser.request("GET", f"/customers/{ids[index % len(ids)]}/")


def _measure_user(
    port: int,
    user: str,
    token: str,
    api: dict[str, str],
    detail_ids: list[int],
    args: argparse.Namespace,
) -> list[Latency]:
    clients = []
    for _ in range(args.clients):
        browser = Client(port)
        browser.log_in(user)
        clients.append((Client(port, {"Authorization": f"Token {token}"}), browser))

    sends = {
        label: [partial(_request, api_client, path) for api_client, _ in clients]
        for label, path in api.items()
    }
    sends["customer list page"] = [partial(_request, b, "/customers/") for _, b in clients]
    sends["customer page"] = [partial(_customer_page, b, detail_ids) for _, b in clients]
    return [
        _time_requests(label, user, send, args.requests, args.case_seconds)
        for label, send in sends.items()
    ]


# The run ---------------------------------------------------------------------------------


def _databases(which: str, customers: int, postgres_name: str | None) -> list[Database]:
    chosen: list[Database] = []
    if which in ("sqlite", "both"):
        chosen.append(Sqlite(BENCH_DIR / f"scale-{customers}.sqlite3"))
    if which in ("postgres", "both"):
        chosen.append(Postgres(postgres_name or f"kehu_bench_{customers}"))
    return chosen


def _report(database: Database, args: argparse.Namespace, names: Names, csv_path: Path) -> None:
    generated = _generate(database, args.customers, names)
    contacts = database.scalar("SELECT count(*) FROM customers_contact")
    origin = f"generated in {generated:.0f} s" if generated else "cached"
    print(
        f"\n### {database.vendor}: {args.customers:,} customers, {contacts:,} contacts "
        f"({origin}{database.settings_note()})\n",
        flush=True,
    )
    if not args.skip_import:
        copy = database.clone()
        try:
            with _closing(copy.connect()) as connection:
                before = import_floor.highest_ids(connection)
            imported = _measure_import(copy, csv_path, args.import_seconds)
            copy_seconds, floor = None, None
            if isinstance(copy, Postgres):
                copy_seconds = _measure_copy(copy, csv_path)
                with _closing(copy.connect()) as connection:
                    floor = import_floor.measure(connection, before)
        finally:
            copy.drop()
            # The import keeps a copy of each file it imports; the bench's copies go with it.
            shutil.rmtree(BENCH_DIR / "kehu-data" / "media" / "imports", ignore_errors=True)
        state = "" if imported.finished else f" (stopped after {args.import_seconds:.0f} s)"
        print(
            f"Import of {csv_path.name} through `kehu import customers`{state}: "
            f"{imported.rows_done:,} rows in {imported.seconds:.1f} s = "
            f"**{imported.rate:,.0f} rows/s**, peak memory {imported.peak_mib:,.0f} MiB "
            "(the import's and its reader's added); "
            f"created {imported.created:,}, skipped as duplicates {imported.skipped:,}, "
            f"failed {imported.failed:,}."
        )
        if copy_seconds is not None:
            rows = args.import_rows
            print(
                f"PostgreSQL `COPY` of the same file: {copy_seconds:.1f} s = "
                f"{rows / copy_seconds:,.0f} rows/s; the import is "
                f"**{(rows / copy_seconds) / imported.rate:.0f}× slower** than COPY."
            )
        if floor is not None:
            floor_rate = floor[1] / floor[0]
            print(
                f"The database's floor, the {floor[1]:,} customers the import created, with "
                f"their contacts and history, inserted again by `INSERT … SELECT`: "
                f"{floor[0]:.1f} s = {floor_rate:,.0f} rows/s; the import runs at "
                f"**{imported.rate / floor_rate:.2f}×** the floor."
            )
        print(flush=True)
    print_latencies(_measure_requests(database, args), kind="request")


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="bench_scale")
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--import-rows", type=int, help="rows of the CSV (default: --customers)")
    parser.add_argument("--requests", type=int, default=100, help="per request kind and user")
    parser.add_argument("--case-seconds", type=float, default=10.0)
    parser.add_argument("--import-seconds", type=float, default=300.0)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--clients", type=int, default=1, help="clients sending at once")
    parser.add_argument("--skip-import", action="store_true")
    parser.add_argument(
        "--postgres-name",
        help="the PostgreSQL database that holds the company (default kehu_bench_<customers>):"
        " a copy of it lets two versions of Kehu be measured on the same data",
    )
    parser.add_argument("--child", choices=["users", "tokens"], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _child(args.child)
        return
    args.import_rows = args.import_rows or args.customers
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    names = _names()
    csv_path = _import_file(args.import_rows, names)
    print(f"{os.cpu_count()} cores; `kehu serve` with {args.workers} workers on 127.0.0.1")
    for database in _databases(args.database, args.customers, args.postgres_name):
        _report(database, args, names, csv_path)


if __name__ == "__main__":
    main(sys.argv[1:])
