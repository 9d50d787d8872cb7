"""The receivables' summaries (models.receivables), kept by the database as orders are
written (core.summaries)."""

from __future__ import annotations

from django.db import transaction

from kehu.core.summaries import Summary, in_cents
from kehu.orders.models import RECEIVABLE_STATUSES

_OPEN = ", ".join(f"'{status}'" for status in RECEIVABLE_STATUSES)
_OWES = "{row}.status IN (" + _OPEN + ") AND {row}.paid < {row}.total"
_OUTSTANDING = in_cents("{row}.total - {row}.paid")
# What an order's owing and where it is summed depend on.
_WATCHED = ("status", "paid", "total", "due_date", "customer_id", "customer_owner_id")

RECEIVABLE_DAYS = Summary(
    table="orders_receivableday",
    source="orders_order",
    keys={"owner_id": "{row}.customer_owner_id", "due_date": "{row}.due_date"},
    nullable=frozenset({"owner_id"}),
    sums={"outstanding_cents": _OUTSTANDING},
    counts=_OWES,
    counted="orders",
    watched=_WATCHED,
)
CUSTOMER_BALANCES = Summary(
    table="orders_customerbalance",
    source="orders_order",
    keys={"customer_id": "{row}.customer_id"},
    sums={"outstanding_cents": _OUTSTANDING},
    # Read from the customer: on SQLite the order's own copy is set by another trigger,
    # which may run before or after these.
    latest={"owner_id": "(SELECT owner_id FROM customers_customer WHERE id = {row}.customer_id)"},
    counts=_OWES,
    counted="orders",
    watched=_WATCHED,
)
RECEIVABLES = (RECEIVABLE_DAYS, CUSTOMER_BALANCES)


@transaction.atomic
def receivables_recompute() -> None:
    """Rebuild the summaries from the orders: what the triggers keep, read afresh."""
    for summary in RECEIVABLES:
        summary.recompute()
