"""Upgrading a database made before follow-ups had a generic link and before the permission
to see contact details moved to the kernel: nothing is lost on the way (migration 0012)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from kehu.core.models import Role
from kehu.customers.models import Activity
from kehu.sales.models import Lead, LeadSource

BEFORE = ("customers", "0011_credit_permission")
AFTER = ("customers", "0012_activity_regarding")


def _migrate(target: tuple[str, str]) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])


def _columns() -> list[str]:
    with connection.cursor() as cursor:
        described = connection.introspection.get_table_description(cursor, "customers_activity")
    return [column.name for column in described]


@pytest.mark.django_db(transaction=True)
def test_an_older_database_keeps_its_leads_follow_ups_and_who_sees_contact_details():
    lead = Lead.objects.create(company="咸阳饭店", source=LeadSource.objects.first())
    finance = Role.objects.get(code="finance")
    _migrate(BEFORE)
    quote = connection.ops.quote_name
    with connection.schema_editor() as editor:
        # As migration 0005 made it then: a follow-up's link to its lead.
        editor.execute(f"ALTER TABLE {quote('customers_activity')} ADD COLUMN lead_id bigint NULL")
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO customers_activity (kind, at, subject, notes, created_at, lead_id)"
            " VALUES (%s, %s, %s, %s, %s, %s)",
            ["call", timezone.now(), "第一次电话", "", timezone.now(), lead.pk],
        )
    customers_type = ContentType.objects.get(app_label="customers", model="customer")
    old = Permission.objects.create(
        content_type=customers_type, codename="view_contact_details", name="old"
    )
    finance.permissions.add(old)
    Role.objects.filter(pk=finance.pk).update(
        granted_defaults=[*finance.granted_defaults, "customers.view_contact_details"]
    )

    _migrate(AFTER)

    assert "lead_id" not in _columns()
    follow_up = Activity.objects.get(subject="第一次电话")
    assert follow_up.regarding == lead
    assert list(lead.follow_ups.all()) == [follow_up]
    finance.refresh_from_db()
    assert finance.permissions.filter(
        content_type__app_label="core", codename="view_contact_details"
    ).exists()
    assert "core.view_contact_details" in finance.granted_defaults
    assert "customers.view_contact_details" not in finance.granted_defaults
    assert not Permission.objects.filter(pk=old.pk).exists()
