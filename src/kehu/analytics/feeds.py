"""Reading the database into the Polars frames the analytics mathematics works on.

Querysets are read in chunks of plain tuples, each turned into a frame at once, so memory
grows with the columns' size, not with Python objects per purchase.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

import polars as pl
from django.db.models import QuerySet

from kehu.analytics.maths.transactions import CUSTOMER
from kehu.analytics.models import Purchase

CHUNK: Final = 50_000
SCHEMA: Final = {CUSTOMER: pl.String, "date": pl.Date, "amount": pl.Float64}


def purchases_frame(*, purchases: QuerySet[Purchase] | None = None) -> pl.DataFrame:
    """customer_id (the Customer's id as text), date, amount of `purchases`, or of every
    purchase — the validated transaction frame of `kehu.analytics.maths.transactions`."""
    if purchases is None:
        purchases = Purchase.objects.all()
    return pl.concat(
        [pl.DataFrame([], schema=SCHEMA), *_chunks(purchases)], how="vertical"
    ).with_columns(pl.col("amount").cast(pl.Float64))


def _chunks(purchases: QuerySet[Purchase]) -> Iterator[pl.DataFrame]:
    rows = purchases.order_by().values_list("customer_id", "date", "amount")
    chunk: list[tuple[object, ...]] = []
    for row in rows.iterator(chunk_size=CHUNK):
        chunk.append(row)
        if len(chunk) == CHUNK:
            yield _frame(chunk)
            chunk = []
    if chunk:
        yield _frame(chunk)


def _frame(rows: list[tuple[object, ...]]) -> pl.DataFrame:
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
