"""The database's own floor for what an import wrote, to measure the import against: the same
rows (customers, their contacts and their history) inserted again by one `INSERT … SELECT` a
table, into the same tables with the same indexes and triggers, under new ids."""

from __future__ import annotations

import time
from typing import Any

# What an import writes: each table with the column that ties its rows to a customer.
_WRITTEN = {
    "customers_customer": "id",
    "customers_contact": "customer_id",
    "core_change": "customer_id",
}


def highest_ids(connection: Any) -> dict[str, int]:
    """Each written table's highest id, before the import."""
    return {
        table: int(connection.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()[0])
        for table in _WRITTEN
    }


def _columns(connection: Any, table: str) -> list[str]:
    rows = connection.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
        "ORDER BY ordinal_position",
        (table,),
    )
    return [row[0] for row in rows]


def measure(connection: Any, before: dict[str, int]) -> tuple[float, int]:
    """Insert again what was written after `before` (highest_ids); its seconds and the
    customers it wrote. The rows are copied aside first, outside the time."""
    after = highest_ids(connection)
    first_customer = before["customers_customer"]
    for table, link in _WRITTEN.items():
        connection.execute(
            f"CREATE TEMP TABLE floor_{table} AS SELECT * FROM {table} "
            f"WHERE id > {before[table]} AND {link} > {first_customer}"
        )
    customer_type = connection.execute(
        "SELECT id FROM django_content_type WHERE app_label = 'customers' AND model = 'customer'"
    ).fetchone()[0]
    # New ids past the highest: the same rows again, each pointing at its own customer's copy.
    moved = {
        "customers_customer": {"id": f"id + {after['customers_customer']}"},
        "customers_contact": {
            "id": f"id + {after['customers_contact']}",
            "customer_id": f"customer_id + {after['customers_customer']}",
        },
        "core_change": {
            "id": f"id + {after['core_change']}",
            "customer_id": f"customer_id + {after['customers_customer']}",
            "target_id": f"target_id + CASE WHEN target_type_id = {customer_type} "
            f"THEN {after['customers_customer']} ELSE {after['customers_contact']} END",
        },
    }
    statements = []
    for table in _WRITTEN:
        columns = _columns(connection, table)
        values = ", ".join(moved[table].get(column, f'"{column}"') for column in columns)
        names = ", ".join(f'"{column}"' for column in columns)
        statements.append(f"INSERT INTO {table} ({names}) SELECT {values} FROM floor_{table}")
    connection.commit()
    started = time.perf_counter()
    for statement in statements:
        connection.execute(statement)
    connection.commit()
    seconds = time.perf_counter() - started
    customers = connection.execute("SELECT count(*) FROM floor_customers_customer").fetchone()[0]
    return seconds, int(customers)
