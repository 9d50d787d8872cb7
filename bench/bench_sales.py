"""Sales at company scale: 10,000,000 order lines over 1,000,000 customers, on PostgreSQL.

It starts from `bench_scale`'s company (1,000,000 customers, 200 salespeople in 10 teams,
generated there and kept), copies it, and adds in SQL
- products, one opportunity per owned customer in every stage of its business mode;
- orders of the last two years with 10,000,000 lines between them: most paid, those of the
  last weeks open and not yet due, and a few percent of the older ones overdue in every
  ageing bucket; a payment for each order that has been paid, in full or in part.

It then measures, through `kehu serve` on loopback with a logged-in browser session, the
pipeline board and the receivables ageing page (per customer and per salesperson) as a
salesperson, a sales manager (20 salespeople) and an administrator, who sees everything as
finance does: p50 / p99 per page.

The sales data is generated once per size and kept (database `kehu_bench_sales_<n>`), so
later runs measure at once.

    python -m bench.bench_sales --customers 1000000 --order-lines 10000000
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from functools import partial

from bench.bench_scale import (
    ADMIN,
    MANAGER,
    MEASURED,
    SALESPERSON,
    Client,
    Latency,
    Postgres,
    Server,
    _closing,
    _generate,
    _kehu,
    _names,
    _pg_drop_indexes,
    _request,
    _time_requests,
    print_latencies,
)

# Bump when the generated sales data changes, so kept databases are generated again.
SALES_VERSION = 1
LINES_PER_ORDER = 2.5  # two or three
PRODUCTS = 400
SALES_TABLES = [
    "orders_product",
    "sales_opportunity",
    "orders_order",
    "orders_orderline",
    "orders_payment",
]
PAGES = {
    "pipeline board": "/sales/pipeline/",
    "receivables ageing, by customer": "/orders/receivables/",
    "receivables ageing, by salesperson": "/orders/receivables/?by=owner",
}

# Every statement draws from random() after setseed(), serially: the same data every run.
_PRODUCTS_SQL = """
INSERT INTO orders_product
    (id, sku, name, unit, list_price, currency, is_active, created_at, updated_at, version)
SELECT n, 'SKU-' || lpad(n::text, 5, '0'), '产品 ' || n, 'piece',
       round((5 + random() * 995)::numeric, 2), 'CNY', true, now(), now(), 1
FROM generate_series(1, %(products)s) AS n
"""

# One opportunity per owned customer, in its business mode (most are consumer goods where
# the customer has none) and in any of that mode's stages.
_OPPORTUNITIES_SQL = """
WITH owned AS (
    SELECT c.id AS customer_id, c.owner_id, c.business_mode, random() AS mode
    FROM customers_customer c WHERE c.owner_id IS NOT NULL
), drawn AS (
    SELECT customer_id, owner_id, random() AS pick, random() AS amount, random() AS close,
           CASE WHEN business_mode <> '' THEN business_mode
                WHEN mode < 0.7 THEN 'consumer_goods'
                WHEN mode < 0.85 THEN 'industrial_goods'
                WHEN mode < 0.95 THEN 'key_account'
                ELSE 'project' END AS business_mode
    FROM owned
), staged AS (
    SELECT d.*, s.id AS stage_id, s.is_won, s.is_lost
    FROM drawn d
    JOIN LATERAL (
        SELECT st.id, st.is_won, st.is_lost,
               row_number() OVER (ORDER BY st."order", st.id) AS position,
               count(*) OVER () AS stages
        FROM sales_stage st WHERE st.business_mode = d.business_mode
    ) s ON s.position = 1 + floor(d.pick * s.stages)
)
INSERT INTO sales_opportunity
    (name, customer_id, owner_id, business_mode, stage_id, amount, currency,
     expected_close_date, closed_on, competitors, lost_reason, notes, lead_id,
     created_by_id, created_at, updated_at, version)
SELECT '商机 ' || customer_id, customer_id, owner_id, business_mode, stage_id,
       round((1000 + amount * 499000)::numeric, 2), 'CNY',
       current_date + (floor(close * 240) - 60)::int,
       CASE WHEN is_won OR is_lost THEN current_date - floor(close * 365)::int END,
       '', CASE WHEN is_lost THEN '价格' ELSE '' END, '', NULL,
       owner_id, now() - interval '400 days' * close, now(), 1
FROM staged
"""

# Orders `1..orders` confirmed over the last two years; order n has 2 + n % 2 lines.
_LINES_SQL = """
INSERT INTO orders_orderline
    (order_id, product_id, quantity, unit_price, discount_percent, line_total, position, specs)
SELECT o, p, q, price, 0, q * price, k, '{}'::jsonb
FROM (
    SELECT o, k, 1 + floor(random() * %(products)s)::int AS p,
           (1 + floor(random() * 50))::numeric AS q,
           round((5 + random() * 995)::numeric, 2) AS price
    FROM generate_series(1, %(orders)s) AS o, generate_series(1, 3) AS k
    WHERE k <= 2 + o %% 2
) AS drawn
"""

# Draft and cancelled orders are a few percent; confirmed ones within their 30 days' terms
# are open, and about 4 % of the older ones are overdue, a part of them partly paid.
_ORDERS_SQL = """
WITH totals AS (
    SELECT order_id, sum(line_total) AS total FROM orders_orderline GROUP BY order_id
), drawn AS (
    SELECT t.order_id, t.total, 1 + floor(random() * %(customers)s)::int AS customer_id,
           current_date - floor(random() * 730)::int AS confirmed_on,
           random() AS fate, random() AS part
    FROM totals t
)
INSERT INTO orders_order
    (id, customer_id, dealer_id, quote_id, opportunity_id, status, currency, total, paid,
     payment_terms_days, confirmed_on, due_date, notes, created_by_id, created_at,
     updated_at, version)
SELECT order_id, customer_id, NULL, NULL, NULL, status, 'CNY', total, paid, 30,
       CASE WHEN status IN ('draft', 'cancelled') THEN NULL ELSE confirmed_on END,
       CASE WHEN status IN ('draft', 'cancelled') THEN NULL ELSE confirmed_on + 30 END,
       '', NULL, confirmed_on - 2, confirmed_on + 5, 1
FROM (
    SELECT d.*,
        CASE WHEN fate < 0.02 THEN 'draft'
             WHEN fate < 0.04 THEN 'cancelled'
             WHEN confirmed_on > current_date - 20 THEN 'confirmed'
             WHEN confirmed_on > current_date - 40 THEN 'shipped'
             ELSE 'completed' END AS status,
        CASE WHEN fate < 0.04 THEN 0
             WHEN confirmed_on + 30 >= current_date THEN
                 CASE WHEN part < 0.2 THEN round(total * 0.3, 2) ELSE 0 END
             WHEN fate < 0.08 THEN
                 CASE WHEN part < 0.5 THEN round(total * 0.5, 2) ELSE 0 END
             ELSE total END AS paid
    FROM drawn d
) AS decided
"""

_PAYMENTS_SQL = """
INSERT INTO orders_payment
    (order_id, received_on, amount, method, reference, recorded_by_id, created_at, version)
SELECT id, least(confirmed_on + 25, current_date), paid, 'bank_transfer', '', NULL, now(), 1
FROM orders_order WHERE paid > 0
"""


class SalesDatabase(Postgres):
    """A copy of the customers' bench database with the sales data added."""

    def __init__(self, customers: Postgres) -> None:
        super().__init__(customers.name.replace("kehu_bench_", "kehu_bench_sales_"))
        self.customers = customers

    def generated_lines(self) -> int:
        """How many order lines a finished generation of this version left, else 0."""
        if not self.exists():
            return 0
        with _closing(self.connect()) as connection:
            if not connection.execute("SELECT to_regclass('bench_sales_generated')").fetchone()[0]:
                return 0
            row = connection.execute(
                "SELECT lines FROM bench_sales_generated WHERE version = %s", (SALES_VERSION,)
            ).fetchone()
        return int(row[0]) if row else 0

    def generate(self, customers: int, lines: int) -> float:
        started = time.perf_counter()
        self.drop()
        self._admin(
            f'CREATE DATABASE "{self.name}" TEMPLATE "{self.customers.name}" STRATEGY FILE_COPY'
        )
        orders = round(lines / LINES_PER_ORDER)
        params = {"customers": customers, "orders": orders, "products": PRODUCTS}
        with _closing(self.connect()) as connection, connection.cursor() as cursor:
            cursor.execute("SET max_parallel_workers_per_gather = 0")
            cursor.execute("SELECT setseed(0.20261122)")
            restore = _pg_drop_indexes(cursor, SALES_TABLES)
            for sql in (_PRODUCTS_SQL, _OPPORTUNITIES_SQL, _LINES_SQL, _ORDERS_SQL, _PAYMENTS_SQL):
                cursor.execute(sql, params)
            for table in SALES_TABLES:
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT coalesce(max(id), 1) FROM {table}))"
                )
            for statement in restore:
                cursor.execute(statement)
            cursor.execute("CREATE TABLE bench_sales_generated (lines bigint, version integer)")
            cursor.execute(
                "INSERT INTO bench_sales_generated VALUES (%s, %s)", (lines, SALES_VERSION)
            )
            connection.commit()
        self.analyse()
        return time.perf_counter() - started


def _counts(database: Postgres) -> dict[str, int]:
    with _closing(database.connect()) as connection:
        counts = {
            table: connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("orders_order", "orders_orderline", "sales_opportunity")
        }
        counts["open"] = connection.execute(
            "SELECT count(*) FROM orders_order WHERE paid < total "
            "AND status NOT IN ('draft', 'cancelled')"
        ).fetchone()[0]
    return counts


def _measure(database: Postgres, args: argparse.Namespace) -> list[Latency]:
    results = []
    with Server(database, args.workers) as server:
        for user in MEASURED:
            browser = Client(server.port)
            browser.log_in(user)
            for label, path in PAGES.items():
                results.append(
                    _time_requests(
                        label,
                        user,
                        [partial(_request, browser, path)],
                        args.requests,
                        args.case_seconds,
                    )
                )
    return results


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="bench_sales")
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--order-lines", type=int, default=10_000_000)
    parser.add_argument("--requests", type=int, default=100, help="per page and user")
    parser.add_argument("--case-seconds", type=float, default=20.0)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    args = parser.parse_args(argv)

    customers = Postgres(f"kehu_bench_{args.customers}")
    generated = _generate(customers, args.customers, _names())
    sales = SalesDatabase(customers)
    if sales.generated_lines() != args.order_lines or generated:
        seconds = sales.generate(args.customers, args.order_lines)
        origin = f"generated in {seconds:.0f} s"
    else:
        origin = "cached"
    # The kept copy follows the code's migrations, as the customers' database does.
    _kehu(sales.url, "migrate")
    counts = _counts(sales)
    print(f"{os.cpu_count()} cores; `kehu serve` with {args.workers} workers on 127.0.0.1")
    print(
        f"\n### postgresql: {args.customers:,} customers, {counts['orders_order']:,} orders, "
        f"{counts['orders_orderline']:,} order lines ({counts['open']:,} owing), "
        f"{counts['sales_opportunity']:,} opportunities ({origin})\n"
    )
    print(f"Users: {SALESPERSON} (own customers), {MANAGER} (a team of 20), {ADMIN} (all).\n")
    print_latencies(_measure(sales, args), kind="page")


if __name__ == "__main__":
    main(sys.argv[1:])
