"""Money: amounts are Decimal, rounded half up to the cent, and written for people with two
decimals, grouped by thousands as the reader's language groups them."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import number_format

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def cents(value: Decimal | int | float | str | None) -> Decimal:
    """An amount to the cent. SQLite hands sums back without their scale (or as floats):
    money always has two decimals."""
    return Decimal(str(value or 0)).quantize(CENT, rounding=ROUND_HALF_UP)


def money_text(value: Decimal) -> str:
    return number_format(value, 2, force_grouping=True)
