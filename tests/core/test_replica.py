"""Reports, analytics and exports read from a real streaming replica; writes never go there.

`make test` starts a primary and its replica (scripts/postgres-pair) and runs this module
against them with DATABASE_URL and DATABASE_REPLICA_URL.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from typing import Any

import dj_database_url
import pytest
from django.conf import settings
from django.db import connections
from django.test.utils import CaptureQueriesContext

from kehu.core.replicas import PINNED_COOKIE, REPLICA, replica_reads
from kehu.customers.models import Customer
from kehu.customers.services import customers as customer_services

pytestmark = pytest.mark.django_db(
    transaction=True, databases=["default", *({REPLICA} & set(settings.DATABASES))]
)

REPLAY_WAIT = 60.0  # seconds a committed write may take to reach the replica on a busy machine
WRITES = ("INSERT", "UPDATE", "DELETE")


@pytest.fixture
def replica() -> Iterator[Any]:
    """The replica's connection, to the test database the primary's changes replay into."""
    if REPLICA not in settings.DATABASES:
        pytest.skip("no replica: DATABASE_REPLICA_URL is not set (make test-replica starts one)")
    connection = connections[REPLICA]
    mirrored = connection.settings_dict
    # The test run mirrors the alias to the primary's test database; the same database on
    # the replica's server is the real copy.
    server = dj_database_url.parse(os.environ["DATABASE_REPLICA_URL"])
    connection.close()
    connection.settings_dict = {**mirrored, "HOST": server["HOST"], "PORT": server["PORT"]}
    try:
        yield connection
    finally:
        connection.close()
        connection.settings_dict = mirrored


def _replayed(replica: Any) -> None:
    """Wait until the replica has replayed everything the primary has written so far."""
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()")
        written = cursor.fetchone()[0]
    waited = 0.0
    with replica.cursor() as cursor:
        while True:
            cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [written])
            if cursor.fetchone()[0]:
                return
            assert waited < REPLAY_WAIT, "the replica did not catch up"
            time.sleep(0.05)
            waited += 0.05


def test_the_replica_is_a_read_only_copy(replica):
    with replica.cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        assert cursor.fetchone()[0] is True


def test_the_receivables_report_is_read_from_the_replica(
    replica, make_user, make_customer, client, english
):
    finance = make_user("fiona", "finance")
    make_customer(make_user("alice"), name="西安宏达食品有限公司")
    _replayed(replica)
    client.force_login(finance)
    with CaptureQueriesContext(replica) as on_replica:
        page = client.get("/orders/receivables/")
    assert page.status_code == 200
    read = [query["sql"] for query in on_replica.captured_queries]
    assert any("orders_" in sql for sql in read)
    assert not any(sql.lstrip().upper().startswith(WRITES) for sql in read)


def test_an_export_streams_its_rows_from_the_replica(
    replica, make_user, make_customer, client, english
):
    admin = make_user("adam", "admin")
    make_customer(make_user("alice"), name="西安宏达食品有限公司")
    _replayed(replica)
    client.force_login(admin)
    with CaptureQueriesContext(replica) as on_replica:
        exported = b"".join(client.get("/customers/export.csv").streaming_content)
    assert "西安宏达食品有限公司" in exported.decode("utf-8-sig")
    assert any("customers_customer" in query["sql"] for query in on_replica.captured_queries)


def test_a_write_inside_replica_reads_goes_to_the_primary(replica, make_user):
    alice = make_user("alice")
    with replica_reads(), CaptureQueriesContext(replica) as on_replica:
        customer = customer_services.customer_create(actor=alice, owner=alice, name="咸阳饭店")
    assert Customer.objects.using("default").filter(pk=customer.pk).exists()
    written = [q["sql"] for q in on_replica.captured_queries if q["sql"].upper().startswith(WRITES)]
    assert written == []


def test_who_has_just_written_reads_the_reports_from_the_primary(
    replica, make_user, client, english
):
    admin = make_user("adam", "admin")
    client.force_login(admin)
    fields = {"name": "咸阳饭店", "kind": "company", "credit_limit": "0", "currency": "CNY"}
    created = client.post("/customers/new/", fields)
    assert created.status_code == 302
    assert created.cookies[PINNED_COOKIE]["max-age"] == settings.KEHU_REPLICA_PIN_SECONDS
    with CaptureQueriesContext(replica) as on_replica:
        exported = b"".join(client.get("/customers/export.csv").streaming_content)
    assert "咸阳饭店" in exported.decode("utf-8-sig")
    assert on_replica.captured_queries == []
