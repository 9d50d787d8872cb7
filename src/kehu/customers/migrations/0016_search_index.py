"""The search index of customers and contacts on SQLite (customers.search_index), filled
with the rows already there. PostgreSQL searches through its own indexes (migrations 0003
and 0008) and gets nothing here."""

from django.db import migrations

from kehu.customers import search_index


def create(apps, schema_editor):
    search_index.rebuild()


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for statement in search_index.DROP:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("customers", "0015_sweep_reason_coded")]

    operations = [migrations.RunPython(create, drop)]
