"""Transactions: reading and validating a purchase log, and per-customer summaries of it.

A transaction is one row ``customer_id, date, amount``. Everything downstream works on
*purchase days*: all of a customer's transactions on one calendar day are merged into one
purchase whose amount is their sum (several order lines on one day are one visit; this is how
Fader, Hardie & Lee count CDNOW purchases).

``customer_history(as_of=τ)`` gives one row per customer with a purchase on or before τ, over
the purchase days d_1 < … < d_n with amounts s_1 … s_n up to τ:

* frequency = n;  monetary = Σ s_i;  monetary_mean = monetary / n
* recency_days = τ − d_n;  tenure_days = τ − d_1
* interval_mean_days = mean of the gaps g_j = d_{j+1} − d_j (null when n = 1)
* interval_trend_days = least-squares slope of g_j on j, i.e.
  12 Σ_j (j − n/2) g_j / (m (m² − 1)) with m = n − 1 gaps (null when m < 2). Positive means
  the customer is buying less and less often, by that many days per purchase.

``model_summary(calibration_end=τ, time_unit=u)`` gives the inputs of the BG/NBD and
Gamma-Gamma models (Fader, Hardie & Lee 2005a, 2005b), in days or weeks (u = 7 days):

* frequency x = n − 1, the repeat purchase days
* recency t_x = (d_n − d_1) / u;  T = (τ − d_1) / u
* monetary_value m_x = mean of s_2 … s_n, the repeat purchase days (0 when x = 0); on the CDNOW
  sample this is the summary that reproduces the published Gamma-Gamma estimates.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Final, Literal

import polars as pl

from kehu.analytics.maths.columns import CUSTOMER

TimeUnit = Literal["day", "week"]
# The problems a transaction row can have, as codes (for interfaces to translate) and English.
PROBLEMS: Final[dict[str, str]] = {
    "empty": "is empty",
    "not_date": "is not a date (expected YYYY-MM-DD or YYYYMMDD)",
    "not_number": "is not a number",
    "not_finite": "is not a finite number",
    "negative": "is negative",
}
DAYS_PER_UNIT: Final[dict[str, int]] = {"day": 1, "week": 7}
DATE_FORMATS: Final = ("%Y-%m-%d", "%Y%m%d")


class TransactionsError(ValueError):
    """Transactions that cannot be used; the message names the problem, column and row."""


def parse_date(text: str) -> dt.date:
    """Read a YYYY-MM-DD or YYYYMMDD date, the two forms transaction files may use."""
    value: dt.date | None = pl.select(_parsed_date(pl.lit(text, dtype=pl.String))).item()
    if value is None:
        raise ValueError(f"{text!r} is not a date (expected YYYY-MM-DD or YYYYMMDD)")
    return value


def read_transactions(
    source: str | Path | IO[bytes],
    *,
    customer_col: str = CUSTOMER,
    date_col: str = "date",
    amount_col: str = "amount",
) -> pl.DataFrame:
    """Read a CSV of transactions and return it validated (see `validate_transactions`)."""
    if isinstance(source, str | Path):
        # Opened here so that a missing file raises FileNotFoundError naming the file.
        with open(source, "rb") as stream:
            return read_transactions(
                stream, customer_col=customer_col, date_col=date_col, amount_col=amount_col
            )
    try:
        # Everything is read as text so that a bad cell is reported with its row, not as a
        # type-inference failure somewhere in the file.
        raw = pl.read_csv(source, infer_schema=False)
    except pl.exceptions.NoDataError as error:
        raise TransactionsError("the transactions file is empty") from error
    except pl.exceptions.PolarsError as error:
        raise TransactionsError(f"the transactions file is not readable CSV: {error}") from error
    return validate_transactions(
        raw, customer_col=customer_col, date_col=date_col, amount_col=amount_col
    )


def validate_transactions(
    frame: pl.DataFrame,
    *,
    customer_col: str = CUSTOMER,
    date_col: str = "date",
    amount_col: str = "amount",
) -> pl.DataFrame:
    """Check and type a frame of transactions, from a file or any other source.

    Returns columns ``customer_id`` (String), ``date`` (Date) and ``amount`` (Float64) in the
    input order. Rows are numbered from 1, the first row after a CSV header. The first kind of
    problem found (in the order of `PROBLEMS`) is raised, naming its first row.
    """
    checked = check_transactions(
        frame, customer_col=customer_col, date_col=date_col, amount_col=amount_col
    )
    problems = checked.problems
    if problems.height:
        first_code = min(problems["problem"], key=list(PROBLEMS).index)
        offending = problems.filter(pl.col("problem") == first_code)
        row, column, value = offending.row(0)[:3]
        more = f" ({offending.height - 1} more rows like it)" if offending.height > 1 else ""
        raise TransactionsError(
            f"column {column!r}, row {row}: {value or ''!r} {PROBLEMS[first_code]}{more}"
        )
    return checked.valid.drop("row")


@dataclass(frozen=True)
class CheckedTransactions:
    valid: pl.DataFrame  # row, customer_id, date, amount: the rows without any problem
    problems: pl.DataFrame  # row, column, value, problem (a key of PROBLEMS), by kind then row


def check_transactions(
    frame: pl.DataFrame,
    *,
    customer_col: str = CUSTOMER,
    date_col: str = "date",
    amount_col: str = "amount",
) -> CheckedTransactions:
    """Every bad cell of a frame of transactions, and the typed rows that have none.

    For imports that apply the good rows and report the others. A missing column or a frame
    without rows cannot be split so, and raises `TransactionsError`.
    """
    missing = [name for name in (customer_col, date_col, amount_col) if name not in frame.columns]
    if missing:
        raise TransactionsError(
            f"missing column{'s' if len(missing) > 1 else ''} {', '.join(map(repr, missing))}; "
            f"the columns are: {', '.join(repr(c) for c in frame.columns) or 'none'}"
        )
    if frame.height == 0:
        raise TransactionsError("there are no transactions (the file has no rows)")

    columns = (customer_col, date_col, amount_col)
    typed = frame.select(
        pl.int_range(1, pl.len() + 1).alias("row"),
        pl.col(customer_col).cast(pl.String).str.strip_chars().alias(CUSTOMER),
        _as_date(frame, date_col).alias("date"),
        _as_amount(frame, amount_col).alias("amount"),
        *(pl.col(name).cast(pl.String).alias(f"text:{name}") for name in set(columns)),
    )
    amount = pl.col("amount")
    checks = [
        (pl.col(CUSTOMER).is_null() | (pl.col(CUSTOMER) == ""), customer_col, "empty"),
        (pl.col("date").is_null(), date_col, "not_date"),
        (amount.is_null() | amount.is_nan(), amount_col, "not_number"),
        (amount.is_infinite(), amount_col, "not_finite"),
        (amount < 0, amount_col, "negative"),
    ]
    problems = pl.concat(
        [
            typed.filter(bad).select(
                "row",
                column=pl.lit(column),
                value=pl.col(f"text:{column}"),
                problem=pl.lit(code),
            )
            for bad, column, code in checks
        ]
    )
    valid = typed.filter(~pl.col("row").is_in(problems["row"].implode()))
    return CheckedTransactions(
        valid=valid.select("row", CUSTOMER, "date", "amount"), problems=problems
    )


def purchase_days(transactions: pl.DataFrame, *, until: dt.date | None = None) -> pl.LazyFrame:
    """One row per customer and day with the day's amounts summed, in no particular order.

    Lazy, so that callers' further steps run in the same Polars query (much faster on large
    logs than eager steps one after another).
    """
    log = transactions.lazy()
    if until is not None:
        log = log.filter(pl.col("date") <= until)
    return log.group_by(CUSTOMER, "date").agg(pl.col("amount").sum())


def customer_history(transactions: pl.DataFrame, *, as_of: dt.date) -> pl.DataFrame:
    """Per-customer behaviour up to and including `as_of` (formulas in the module docstring)."""
    n = pl.len()
    gaps = n - 1
    # Dates as day numbers. Σ_j (j − n/2) g_j telescopes to n (d_1 + d_n) / 2 − Σ d_i, so the
    # trend needs no sorting; float sums of day numbers are exact far beyond any history.
    day = pl.col("date").cast(pl.Int32).cast(pl.Float64)
    first, last = day.min(), day.max()
    history = (
        purchase_days(transactions, until=as_of)
        .group_by(CUSTOMER)
        .agg(
            first_purchase=pl.col("date").min(),
            last_purchase=pl.col("date").max(),
            frequency=n.cast(pl.Int64),
            monetary=pl.col("amount").sum(),
            interval_mean_days=pl.when(gaps > 0).then((last - first) / gaps),
            interval_trend_days=pl.when(gaps >= 2).then(
                12 * (n * (first + last) / 2 - day.sum()) / (gaps * (gaps.pow(2) - 1))
            ),
        )
        .select(
            CUSTOMER,
            "first_purchase",
            "last_purchase",
            "frequency",
            "monetary",
            (pl.col("monetary") / pl.col("frequency")).alias("monetary_mean"),
            (pl.lit(as_of) - pl.col("last_purchase")).dt.total_days().alias("recency_days"),
            (pl.lit(as_of) - pl.col("first_purchase")).dt.total_days().alias("tenure_days"),
            pl.col("interval_mean_days").cast(pl.Float64),
            pl.col("interval_trend_days").cast(pl.Float64),
        )
        .sort(CUSTOMER)
        .collect()
    )
    return _not_empty(history, as_of)


def model_summary(
    transactions: pl.DataFrame, *, calibration_end: dt.date, time_unit: TimeUnit = "week"
) -> pl.DataFrame:
    """Frequency, recency, T and repeat monetary value per customer (module docstring)."""
    unit = DAYS_PER_UNIT[time_unit]
    repeats = pl.len() - 1
    first_day = pl.col("amount").min_by("date")
    summary = (
        purchase_days(transactions, until=calibration_end)
        .group_by(CUSTOMER)
        .agg(
            first=pl.col("date").min(),
            last=pl.col("date").max(),
            frequency=repeats.cast(pl.Int64),
            monetary_value=pl.when(repeats > 0)
            .then((pl.col("amount").sum() - first_day) / repeats)
            .otherwise(0.0),
        )
        .select(
            CUSTOMER,
            "frequency",
            ((pl.col("last") - pl.col("first")).dt.total_days() / unit).alias("recency"),
            ((pl.lit(calibration_end) - pl.col("first")).dt.total_days() / unit).alias("T"),
            "monetary_value",
        )
        .sort(CUSTOMER)
        .collect()
    )
    return _not_empty(summary, calibration_end)


def _not_empty(per_customer: pl.DataFrame, end: dt.date) -> pl.DataFrame:
    if per_customer.is_empty():
        raise TransactionsError(f"there are no purchases on or before {end.isoformat()}")
    return per_customer


def _parsed_date(text: pl.Expr) -> pl.Expr:
    stripped = text.str.strip_chars()
    return pl.coalesce([stripped.str.to_date(fmt, strict=False) for fmt in DATE_FORMATS])


def _as_date(frame: pl.DataFrame, name: str) -> pl.Expr:
    dtype = frame.schema[name]
    if dtype == pl.Date:
        return pl.col(name)
    if isinstance(dtype, pl.Datetime):
        return pl.col(name).dt.date()
    return _parsed_date(pl.col(name).cast(pl.String))


def _as_amount(frame: pl.DataFrame, name: str) -> pl.Expr:
    if frame.schema[name].is_numeric():
        return pl.col(name).cast(pl.Float64)
    return pl.col(name).cast(pl.String).str.strip_chars().cast(pl.Float64, strict=False)


def history_joined(orders: pl.DataFrame, imported: pl.DataFrame) -> pl.DataFrame:
    """One purchase log from two sources that may overlap in time: a customer's `orders`
    from the day of their first order on, and their `imported` history before that day.

    Both are transaction frames. An imported row on or after the customer's first order
    could be the same sale recorded twice, so it is left out; a customer without orders
    keeps their whole imported history.
    """
    first_orders = orders.group_by(CUSTOMER).agg(pl.col("date").min().alias("first_order"))
    earlier = (
        imported.join(first_orders, on=CUSTOMER, how="left")
        .filter(pl.col("first_order").is_null() | (pl.col("date") < pl.col("first_order")))
        .drop("first_order")
    )
    return pl.concat([earlier, orders.select(earlier.columns)], how="vertical")
