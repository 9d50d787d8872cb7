"""The arguments of the analyses of `kehu analytics`. Their handlers, in `analyses`, are
named by path and imported only when one runs: Polars, NumPy and SciPy stay out of the start
of every other `kehu` command and of `kehu --help`."""

from __future__ import annotations

import argparse
from pathlib import Path

from kehu.analytics.cli.common import Subcommands, date_argument
from kehu.analytics.maths.columns import CUSTOMER

HANDLERS = "kehu.analytics.cli.analyses"


def register(analyses: Subcommands) -> None:
    """Add the analyses of transactions (and AHP) to `kehu analytics`."""
    rfm = _analysis(analyses, "rfm", "recency/frequency/monetary scores and segments", "rfm")
    rfm.add_argument("--as-of", type=date_argument, required=True, help="score as of this date")

    _analysis(analyses, "abc", "ABC (Pareto) classes by share of sales", "abc")

    clv = _analysis(analyses, "clv", "BG/NBD + Gamma-Gamma customer lifetime value", "clv")
    clv.add_argument("--calibration-end", type=date_argument, required=True)
    clv.add_argument("--time-unit", choices=["week", "day"], default="week")
    clv.add_argument("--horizon", type=int, default=52, help="in time units (default 52)")
    clv.add_argument(
        "--discount-rate", type=float, default=0.01, help="per time unit (default 0.01)"
    )
    clv.add_argument("--margin", type=float, default=1.0, help="profit margin (default 1)")

    churn = _analysis(analyses, "churn", "churn early warning with reasons", "churn")
    churn.add_argument("--calibration-end", type=date_argument, required=True)
    churn.add_argument("--horizon-days", type=int, required=True)
    churn.add_argument(
        "--train-horizon-days", type=int, help="training label window (default: the horizon)"
    )
    churn.add_argument("--threshold", type=float, default=0.5, help="at-risk probability")
    churn.add_argument("--limit", type=int, default=20, help="at-risk customers shown (0: all)")
    churn.add_argument("--features", type=Path, help="CSV of extra numeric customer features")

    kpi = _analysis(analyses, "kpi", "relationship KPIs by month", "kpi")
    kpi.add_argument("--inactivity-days", type=int, default=180)

    ahp = analyses.add_parser("ahp", help="weights and consistency of a pairwise matrix")
    ahp.add_argument("--matrix", required=True, help='JSON rows, e.g. [[1, 3], ["1/3", 1]]')
    ahp.add_argument("--json", action="store_true", help="print JSON")
    ahp.set_defaults(func=f"{HANDLERS}.ahp")


def _analysis(
    analyses: Subcommands,
    name: str,
    help_text: str,
    handler: str,
) -> argparse.ArgumentParser:
    parser = analyses.add_parser(name, help=help_text)
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--transactions", type=Path, help="CSV file")
    source.add_argument(
        "--from-db", action="store_true", help="the purchases stored in Kehu's database"
    )
    parser.add_argument("--customer-col", default=CUSTOMER)
    parser.add_argument("--date-col", default="date")
    parser.add_argument("--amount-col", default="amount")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(func=f"{HANDLERS}.{handler}")
    return parser
