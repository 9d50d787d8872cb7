"""How an amount of money is written for people: two decimals, grouped by thousands as the
reader's language groups them."""

from __future__ import annotations

from decimal import Decimal

from django.utils.formats import number_format


def money_text(value: Decimal) -> str:
    return number_format(value, 2, force_grouping=True)
