"""Upgrading an older database loses nothing on the way: follow-ups' generic link and the
kernel's permission to see contact details (migration 0012), credit limits that meant "none
set" (0014), and the pool's reasons worded in one language (0015)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from kehu.core.models import Change, Role
from kehu.customers.models import Activity, Customer
from kehu.sales.models import Lead, LeadSource

BEFORE = ("customers", "0011_credit_permission")
AFTER = ("customers", "0012_activity_regarding")


def _migrate(*targets: tuple[str, str]) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(list(targets) or executor.loader.graph.leaf_nodes())


@pytest.fixture(autouse=True)
def _latest_schema_after():
    """Going back unapplies every later migration of every app; the tests after these need
    the whole schema again."""
    yield
    _migrate()


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


@pytest.mark.django_db(transaction=True)
def test_an_older_database_keeps_its_credit_limits_meaning_and_words_its_sweep_reasons(
    make_user, make_customer
):
    alice = make_user("alice")
    unset, limited = make_customer(alice, name="未设"), make_customer(alice, name="已设")
    _migrate(("customers", "0013_kernel_bases"))
    Customer.objects.filter(pk=unset.pk).update(credit_limit=0)
    Customer.objects.filter(pk=limited.pk).update(credit_limit=5000)
    for worded in ("30 天未跟进", "No follow-up for 45 days", "客户要求"):
        Change.objects.create(
            target_type=ContentType.objects.get_for_model(Customer),
            target_id=unset.pk,
            target_repr=unset.name,
            customer_id=unset.pk,
            action="release",
            changes={"owner": ["alice", None], "reason": [None, worded]},
        )

    _migrate()

    limits = dict(Customer.objects.values_list("name", "credit_limit"))
    assert limits == {"未设": None, "已设": Decimal("5000.00")}
    reasons = [c.changes["reason"][1] for c in Change.objects.filter(action="release")]
    assert sorted(reasons, key=str) == sorted(
        [
            {"code": "no_follow_up", "days": 30},
            {"code": "no_follow_up", "days": 45},
            "客户要求",
        ],
        key=str,
    )
