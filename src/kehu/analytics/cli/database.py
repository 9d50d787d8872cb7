"""The commands of `kehu analytics` that write the database: importing purchases and
recomputing the stored scores."""

from __future__ import annotations

import argparse
from pathlib import Path

from django.utils.translation import gettext as _

from kehu.analytics.cli.common import Subcommands, date_argument, unreadable
from kehu.analytics.maths.columns import CUSTOMER


def register(analyses: Subcommands) -> None:
    imports = analyses.add_parser(
        "import-purchases", help="add purchases from a CSV (customer_id = Kehu customer id)"
    )
    imports.add_argument("file", type=Path)
    imports.add_argument("--source", default="import", help="recorded with each purchase")
    imports.add_argument("--customer-col", default=CUSTOMER)
    imports.add_argument("--date-col", default="date")
    imports.add_argument("--amount-col", default="amount")
    imports.set_defaults(func=_import_purchases)

    recompute = analyses.add_parser("recompute", help="recompute the stored customer scores")
    recompute.add_argument(
        "--as-of", type=date_argument, help="score as of this date (default: today)"
    )
    recompute.set_defaults(func=_recompute)


def _import_purchases(args: argparse.Namespace) -> int:
    """Exit status 0 when every row was imported, 1 when some were reported instead."""
    from django.core.exceptions import ValidationError

    from kehu.analytics.services.purchases import purchases_import
    from kehu.core.commands import CommandError

    try:
        result = purchases_import(
            args.file,
            source_label=args.source,
            customer_col=args.customer_col,
            date_col=args.date_col,
            amount_col=args.amount_col,
        )
    except FileNotFoundError as error:
        raise CommandError(unreadable(error)) from error
    except ValidationError as error:
        raise CommandError(" ".join(error.messages)) from error
    print(
        _("Imported %(imported)d of %(rows)d rows.")
        % {"imported": result.imported, "rows": result.rows}
    )
    for problem in result.problems:
        print(
            _("row %(row)d, column %(column)s: %(value)r %(message)s")
            % {
                "row": problem.row,
                "column": problem.column,
                "value": problem.value,
                "message": problem.message,
            }
        )
    return 1 if result.problems else 0


def _recompute(args: argparse.Namespace) -> int:
    from kehu.analytics.services import scores_recompute

    run = scores_recompute(as_of=args.as_of)
    print(
        _("Scored %(customers)d customers from %(purchases)d purchases as of %(day)s.")
        % {"customers": run.customers, "purchases": run.purchases, "day": run.as_of}
    )
    return 0
