"""Rule tables as Polars expressions: the first matching condition names the result."""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl


def first_match(cases: Iterable[tuple[pl.Expr, str]], *, default: str | None = None) -> pl.Expr:
    """The label of the first true condition in `cases`, else `default` (a null condition is
    not true)."""
    chain: pl.Expr = pl.lit(default, dtype=pl.String)
    for condition, label in reversed(list(cases)):
        chain = pl.when(condition).then(pl.lit(label)).otherwise(chain)
    return chain
