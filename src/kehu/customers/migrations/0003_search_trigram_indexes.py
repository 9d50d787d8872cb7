"""Trigram indexes for the customer search on PostgreSQL.

The search is a substring match (LIKE '%…%'), which a B-tree cannot serve; pg_trgm's GIN
indexes can, for fragments of three characters or more. `icontains` compiles to
UPPER(col::text) LIKE UPPER(…), so the name and e-mail are indexed as that expression; the
pinyin keys and phones are searched with `contains` on values already stored in one case,
so they are indexed as they are. SQLite has no such index and keeps scanning.
"""

from django.db import migrations

# (table, index name suffix, indexed expression)
_INDEXED = [
    (table, suffix, expression)
    for table in ("customers_customer", "customers_contact")
    for suffix, expression in (
        ("name_trgm", 'UPPER(("name")::text)'),
        ("pinyin_trgm", '"name_pinyin"'),
        ("initials_trgm", '"name_initials"'),
        ("phone_trgm", '"phone"'),
        ("email_trgm", 'UPPER(("email")::text)'),
    )
]


def _index_name(table: str, suffix: str) -> str:
    return f"{table.removeprefix('customers_')}_{suffix}"


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for table, suffix, expression in _INDEXED:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{_index_name(table, suffix)}" '
            f'ON "{table}" USING gin ({expression} gin_trgm_ops)'
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, suffix, _expression in _INDEXED:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{_index_name(table, suffix)}"')


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0002_pool_activities_imports"),
    ]

    operations = [migrations.RunPython(create_indexes, drop_indexes, elidable=False)]
