"""`kehu analytics …`: RFM, ABC, CLV, churn, KPIs and AHP from the command line; importing
purchases into the database and recomputing the stored scores.

The analyses of transactions are in `analyses` (they read a CSV file or the purchases in
the database), the commands that write the database in `database`, and the printing they
share in `output`. Each analysis prints a readable table, or JSON with ``--json``. Bad input
ends in `kehu.cli.CommandError`, which the main command prints as ``kehu: …``.

Registering the commands imports none of Polars, NumPy, SciPy or scikit-learn: the analyses'
arguments are in `arguments`, and a command imports what it computes with when it runs.
"""

from __future__ import annotations

from kehu.analytics.cli import arguments, database
from kehu.analytics.cli.common import Subcommands


def register(commands: Subcommands) -> None:
    """Add `analytics` and its subcommands to the main `kehu` parser."""
    analytics = commands.add_parser("analytics", help="customer analytics on a transactions CSV")
    subcommands = analytics.add_subparsers(dest="analysis", required=True, metavar="ANALYSIS")
    arguments.register(subcommands)
    database.register(subcommands)
