"""Months, quarters and years as date ranges: a period starts on its first day."""

from __future__ import annotations

from datetime import date

from kehu.sales.models import PeriodKind


def period_end(period: str, start: date) -> date:
    """The first day after the period that starts on `start`."""
    months = {PeriodKind.MONTH: 1, PeriodKind.QUARTER: 3, PeriodKind.YEAR: 12}[PeriodKind(period)]
    index = start.year * 12 + start.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def period_containing(period: str, day: date) -> date:
    """The first day of the month, quarter or year that `day` falls in."""
    if period == PeriodKind.YEAR:
        return date(day.year, 1, 1)
    if period == PeriodKind.QUARTER:
        return date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    return date(day.year, day.month, 1)
