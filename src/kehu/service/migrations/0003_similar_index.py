"""The similar-case search's indexes: an FTS5 table on SQLite, full-text expression indexes
on PostgreSQL (service.similar)."""

from django.db import migrations

from kehu.service.similar import CREATE, DROP, VECTOR

_INDEXES = {
    "service_ticket_similar": ("service_ticket", "status IN ('resolved', 'closed')"),
    "service_article_similar": ("service_article", "status = 'published'"),
}


def create(apps, schema_editor):
    run = schema_editor.execute
    if schema_editor.connection.vendor == "sqlite":
        for statement in CREATE:
            run(statement)
        return
    for name, (table, condition) in _INDEXES.items():
        run(
            f"CREATE INDEX {name} ON {table} USING gin ({VECTOR.format(table=table)}) "
            f"WHERE {condition}"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in DROP:
            schema_editor.execute(statement)
        return
    for name in _INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("service", "0002_knowledge")]

    operations = [migrations.RunPython(create, drop)]
