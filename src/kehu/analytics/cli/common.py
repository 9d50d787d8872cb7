"""What the `kehu analytics` commands share: reading a date option, turning bad input into a
message, and printing what they found as an aligned table or as JSON."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeAlias

from django.utils.translation import gettext as _

from kehu.analytics.maths.errors import FitError

Subcommands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"
Row = dict[str, Any]
Columns = Sequence[tuple[str, str]]  # (field, format spec)


def date_argument(text: str) -> dt.date:
    from kehu.analytics.maths.transactions import parse_date

    try:
        return parse_date(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from error


def unreadable(error: OSError) -> str:
    return _("cannot read %(path)s: %(reason)s") % {
        "path": error.filename,
        "reason": error.strerror,
    }


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn bad input into a `CommandError` with a message the user can act on."""
    from kehu.core.commands import CommandError

    try:
        yield
    except (FileNotFoundError, IsADirectoryError, PermissionError) as error:
        raise CommandError(unreadable(error)) from error
    except (ValueError, FitError) as error:
        raise CommandError(str(error)) from error


def emit(args: argparse.Namespace, rows: list[Row], columns: Columns) -> None:
    if args.json:
        print_json(rows)
    else:
        print_table(rows, columns)


def print_json(value: object) -> None:
    def encode(item: object) -> object:
        if isinstance(item, dt.date):
            return item.isoformat()
        raise TypeError(f"cannot encode {type(item).__name__} as JSON")

    print(json.dumps(_finite(value), default=encode, ensure_ascii=False, indent=2))


def _finite(value: object) -> object:
    """NaN and infinity are not JSON; they become null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_finite(item) for item in value]
    return value


def print_table(rows: list[Row], columns: Columns) -> None:
    def cell(value: object, spec: str) -> str:
        if value is None:
            return "-"
        return format(value, spec) if spec else str(value)

    header = [name for name, _spec in columns]
    body = [[cell(row[name], spec) for name, spec in columns] for row in rows]
    widths = [max([len(h), *(len(line[i]) for line in body)]) for i, h in enumerate(header)]
    # Text columns read best left-aligned, numbers right-aligned.
    align = ["<" if not spec else ">" for _name, spec in columns]
    for line in [header, *body]:
        print(
            "  ".join(f"{v:{a}{w}}" for v, a, w in zip(line, align, widths, strict=True)).rstrip()
        )
