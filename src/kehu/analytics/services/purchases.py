"""Importing the purchases customers made before Kehu, from a CSV file."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import IO, Final

import polars as pl
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kehu.analytics.maths.transactions import CUSTOMER, TransactionsError, check_transactions
from kehu.analytics.models import Purchase
from kehu.analytics.services import BATCH, scores_refresh_request
from kehu.customers.models import Customer


@dataclass(frozen=True)
class PurchaseProblem:
    row: int  # from 1, the first row after the header
    column: str
    value: str
    message: str


@dataclass
class PurchaseImport:
    rows: int = 0
    imported: int = 0
    problems: list[PurchaseProblem] = field(default_factory=list)


def _problem_message(code: str) -> str:
    messages = {
        "empty": _("is empty"),
        "not_date": _("is not a date (use YYYY-MM-DD or YYYYMMDD)"),
        "not_number": _("is not a number"),
        "not_finite": _("is not a finite number"),
        "negative": _("is negative"),
        "too_large": _("is too large"),
        "unknown_customer": _("is not the id of a customer"),
    }
    return messages[code]


MAX_AMOUNT: Final = Decimal("999999999999.99")  # what Purchase.amount's 14 digits hold


def purchases_import(
    source: str | Path | IO[bytes],
    *,
    source_label: str = "import",
    customer_col: str = CUSTOMER,
    date_col: str = "date",
    amount_col: str = "amount",
) -> PurchaseImport:
    """Add the purchases of a CSV file whose customer_id is a Kehu customer's id.

    The good rows are applied, in one transaction; every other row is reported with its
    column and why, and changes nothing. A file that cannot be read at all, or lacks a
    column, raises ValidationError and changes nothing.
    """
    try:
        raw = pl.read_csv(source, infer_schema=False)
    except pl.exceptions.PolarsError as error:
        raise ValidationError(
            _("The file is empty or not CSV: %(error)s") % {"error": error}
        ) from error
    missing = [name for name in (customer_col, date_col, amount_col) if name not in raw.columns]
    if missing:
        raise ValidationError(
            _("The file lacks the column(s) %(missing)s; its columns are %(columns)s.")
            % {"missing": ", ".join(missing), "columns": ", ".join(raw.columns) or "—"}
        )
    try:
        checked = check_transactions(
            raw, customer_col=customer_col, date_col=date_col, amount_col=amount_col
        )
    except TransactionsError as error:
        raise ValidationError(_("The file has no purchases.")) from error
    problems = [
        PurchaseProblem(row, column, value or "", _problem_message(code))
        for row, column, value, code in checked.problems.iter_rows()
    ]
    valid = checked.valid.with_columns(customer_pk=pl.col(CUSTOMER).cast(pl.Int64, strict=False))
    known = set(
        Customer.objects.filter(
            pk__in=valid["customer_pk"].drop_nulls().unique().to_list()
        ).values_list("pk", flat=True)
    )
    purchases = []
    for row, customer_text, date, amount, customer_pk in valid.iter_rows():
        money = Decimal(str(round(amount, 2)))
        if customer_pk not in known:
            problems.append(
                PurchaseProblem(
                    row, customer_col, customer_text, _problem_message("unknown_customer")
                )
            )
        elif money > MAX_AMOUNT:
            problems.append(
                PurchaseProblem(row, amount_col, str(amount), _problem_message("too_large"))
            )
        else:
            purchases.append(
                Purchase(customer_id=customer_pk, date=date, amount=money, source=source_label)
            )
    with transaction.atomic():
        Purchase.objects.bulk_create(purchases, batch_size=BATCH)
        if purchases:
            scores_refresh_request()
    problems.sort(key=lambda problem: (problem.row, problem.column))
    return PurchaseImport(rows=raw.height, imported=len(purchases), problems=problems)
