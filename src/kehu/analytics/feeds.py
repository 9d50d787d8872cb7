"""Reading the database into the Polars frames the analytics mathematics works on.

The purchases are Kehu's own orders (`kehu.orders.selectors.paying.purchase_orders`: confirmed and
not cancelled, on the day of their confirmation, for their total) and, for each customer's
time before their first order, the purchases imported from earlier systems
(`kehu.analytics.maths.transactions.history_joined`). Querysets are read in chunks of plain
tuples, each turned into a frame at once, so memory grows with the columns' size, not with
Python objects per purchase.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any, Final

import polars as pl
from django.db.models import QuerySet

from kehu.analytics.maths.transactions import CUSTOMER, history_joined
from kehu.analytics.models import Purchase
from kehu.core.models import User
from kehu.orders.selectors.paying import paying_records, purchase_orders

CHUNK: Final = 50_000
SCHEMA: Final = {CUSTOMER: pl.String, "date": pl.Date, "amount": pl.Float64}
PAYING_SCHEMA: Final = {
    CUSTOMER: pl.String,
    "on_time_payment_rate": pl.Float64,
    "overdue_days": pl.Float64,
    "overdue_share": pl.Float64,
}


def purchases_frame(*, user: User | None = None) -> pl.DataFrame:
    """customer_id (the Customer's id as text), date, amount of every purchase, or of those of
    the customers `user` may see — the transaction frame of
    `kehu.analytics.maths.transactions`."""
    imported = Purchase.objects.all() if user is None else Purchase.objects.visible_to(user)
    orders = purchase_orders(user=user).values_list("customer_id", "confirmed_on", "total")
    imported_rows = imported.values_list("customer_id", "date", "amount")
    return history_joined(orders=_frame_of(orders), imported=_frame_of(imported_rows))


def paying_frame(*, today: dt.date) -> pl.DataFrame:
    """The credit indicators of every customer with a confirmed order, as of `today`:

    * on_time_payment_rate: of the money that fell due before today, the share paid by its
      due date (null when nothing has fallen due yet);
    * overdue_days: days since the due date of the oldest order still owing past it (0 when
      nothing is past due);
    * overdue_share: the share of what the customer owes that is past due (0 when they owe
      nothing).
    """
    rows = [
        (
            str(record.customer_id),
            float(record.paid_on_time / record.fell_due) if record.fell_due else None,
            float((today - record.oldest_due_date).days) if record.oldest_due_date else 0.0,
            float(record.overdue / record.outstanding) if record.outstanding else 0.0,
        )
        for record in paying_records(today=today)
    ]
    return pl.DataFrame(rows, schema=PAYING_SCHEMA, orient="row")


def _frame_of(rows: QuerySet[Any, tuple[Any, ...]]) -> pl.DataFrame:
    """The (customer id, date, amount) tuples of `rows` as a transaction frame."""
    return pl.concat([pl.DataFrame([], schema=SCHEMA), *_chunks(rows)], how="vertical")


def _chunks(rows: QuerySet[Any, tuple[Any, ...]]) -> Iterator[pl.DataFrame]:
    chunk: list[tuple[Any, ...]] = []
    for row in rows.order_by().iterator(chunk_size=CHUNK):
        chunk.append(row)
        if len(chunk) == CHUNK:
            yield _frame(chunk)
            chunk = []
    if chunk:
        yield _frame(chunk)


def _frame(rows: list[tuple[Any, ...]]) -> pl.DataFrame:
    customer_ids, dates, amounts = zip(*rows, strict=True)
    return pl.DataFrame(
        {
            CUSTOMER: [str(pk) for pk in customer_ids],
            "date": dates,
            # Decimal → float: the models are statistical; money stays Decimal when stored.
            "amount": [float(str(amount)) for amount in amounts],
        },
        schema=SCHEMA,
    )
