"""Character pairs of each name and its initials, and on PostgreSQL their GIN index.

Two-character searches (宏达, zw) were read row by row: trigram indexes cannot serve
fragments shorter than three. The pair index serves those and, by all of a fragment's pairs
at once, the longer ones, so it replaces the trigram indexes on names and initials."""

from itertools import islice

from django.db import migrations

import kehu.customers.models
from kehu.customers.text import name_grams

_TABLES = ("customers_customer", "customers_contact")
_BATCH = 5000


def fill_grams(apps, schema_editor):
    connection = schema_editor.connection
    for model in ("Customer", "Contact"):
        table = apps.get_model("customers", model)._meta.db_table
        with connection.cursor() as reader, connection.cursor() as writer:
            reader.execute(f"SELECT id, name, name_initials FROM {table}")
            while rows := list(islice(iter(reader.fetchone, None), _BATCH)):
                writer.executemany(
                    f"UPDATE {table} SET name_grams = %s WHERE id = %s",
                    [(name_grams(name, initials), pk) for pk, name, initials in rows],
                )


def _index(table: str, suffix: str) -> str:
    return f"{table.removeprefix('customers_')}_{suffix}"


def index_grams(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in _TABLES:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{_index(table, "grams")}" '
            f'ON "{table}" USING gin (string_to_array("name_grams", \' \'))'
        )
        for suffix in ("name_trgm", "initials_trgm"):
            schema_editor.execute(f'DROP INDEX IF EXISTS "{_index(table, suffix)}"')


def unindex_grams(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in _TABLES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{_index(table, "grams")}"')
        for suffix, expression in (
            ("name_trgm", 'UPPER(("name")::text)'),
            ("initials_trgm", '"name_initials"'),
        ):
            schema_editor.execute(
                f'CREATE INDEX IF NOT EXISTS "{_index(table, suffix)}" '
                f'ON "{table}" USING gin ({expression} gin_trgm_ops)'
            )


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0007_import_moved_at"),
    ]

    operations = [
        migrations.AddField(
            model_name="contact",
            name="name_grams",
            field=kehu.customers.models.GramsField(default="", editable=False),
        ),
        migrations.AddField(
            model_name="customer",
            name="name_grams",
            field=kehu.customers.models.GramsField(default="", editable=False),
        ),
        migrations.RunPython(fill_grams, migrations.RunPython.noop),
        migrations.RunPython(index_grams, unindex_grams),
    ]
