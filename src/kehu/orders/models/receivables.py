"""What is owed, summed as the orders are written: per salesperson and due date, and per
customer. The receivables' ageing reads these instead of every open order, so its cost does
not grow with the orders of a million customers.

The database keeps them (migration 0007's triggers on orders), in the transaction that
writes the order, whatever writes it: a confirmation, a payment, a cancellation, an
import, a customer changing hands (which moves its orders' `customer_owner`) or a merge.
Amounts are in cents, exact on SQLite as on PostgreSQL. `receivables_recompute` rebuilds
them from the orders; the tests compare the two after every kind of write.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models.functions import Coalesce

from kehu.core.models import KehuModel
from kehu.core.scopes import Visibility
from kehu.customers.models import Customer


def _owner() -> models.ForeignKey[Any, Any]:
    """The salesperson whose customers' orders a row sums; none for the pool's. Kept by the
    database, as the orders' `customer_owner` is."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )


class ReceivableDay(KehuModel):
    """Money owed on the open orders of one salesperson's customers (the pool's: no
    owner) falling due on one day."""

    visibility: ClassVar[Visibility] = Visibility("owner")

    owner = _owner()
    due_date = models.DateField()
    outstanding_cents = models.BigIntegerField(default=0)
    orders = models.IntegerField(default=0)

    class Meta:
        constraints = [
            # The pool's rows (no owner) are one row per day as well.
            models.UniqueConstraint(Coalesce("owner", 0), "due_date", name="receivable_day"),
        ]


class CustomerBalance(KehuModel):
    """Money a customer owes on its open orders, with its owner: the ageing's largest
    balances first, from an index."""

    visibility: ClassVar[Visibility] = Visibility("owner")

    customer = models.OneToOneField(
        Customer,
        primary_key=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    owner = _owner()
    outstanding_cents = models.BigIntegerField(default=0)
    orders = models.IntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(
                "owner", models.F("outstanding_cents").desc(), "customer", name="balance_by_owner"
            ),
            models.Index(models.F("outstanding_cents").desc(), "customer", name="balance_largest"),
        ]
