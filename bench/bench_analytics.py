"""Customer analytics at scale: RFM + ABC + KPIs, the CLV fit, and DuckDB for comparison.

Reads a synthetic log (`bench.analytics_data`, generated once in a child process and cached
under var/bench/) and times each step in this process, reporting the median of --repeat runs;
peak memory is this process's ru_maxrss, so the generation does not count. DuckDB computes the
same RFM aggregate and scores from the same CSV file, and the two results are compared customer
by customer.

    python -m bench.bench_analytics --customers 100000 --transactions 1000000

Targets at 1,000,000 customers and 10,000,000 transactions on 2 cores: RFM + ABC + KPIs
≤ 10 s, the CLV fit ≤ 30 s, peak memory ≤ 4 GiB.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import duckdb
import polars as pl

from bench.analytics_data import ROOT, data_path
from kehu.analytics.maths.bgnbd import fit_bgnbd
from kehu.analytics.maths.clv import customer_values
from kehu.analytics.maths.gamma_gamma import fit_gamma_gamma
from kehu.analytics.maths.kpi import monthly_kpis
from kehu.analytics.maths.pareto import abc_analysis
from kehu.analytics.maths.rfm import rfm_table
from kehu.analytics.maths.transactions import model_summary, read_transactions

T = TypeVar("T")
LOAD = "load and validate the CSV"
DUCKDB = "DuckDB: CSV to RFM scores"

# The same aggregate and quintile rule as kehu.analytics.maths.rfm (1 + ⌊5 · worse / n⌋).
DUCKDB_RFM = """
WITH days AS (
    SELECT customer_id, date, sum(amount) AS amount
    FROM read_csv($path, header = true,
                  columns = {'customer_id': 'VARCHAR', 'date': 'DATE', 'amount': 'DOUBLE'})
    WHERE date <= $as_of
    GROUP BY customer_id, date
), metrics AS (
    SELECT customer_id,
           date_diff('day', max(date), $as_of) AS recency_days,
           count(*) AS frequency,
           sum(amount) AS monetary
    FROM days
    GROUP BY customer_id
)
SELECT *,
       1 + (5 * (rank() OVER (ORDER BY recency_days DESC) - 1)) // count(*) OVER () AS r,
       1 + (5 * (rank() OVER (ORDER BY frequency) - 1)) // count(*) OVER () AS f,
       1 + (5 * (rank() OVER (ORDER BY round(monetary, 6)) - 1)) // count(*) OVER () AS m
FROM metrics
"""


def timed(results: dict[str, float], step: str, work: Callable[[], T], repeat: int) -> T:
    """Run `work` `repeat` times and record the median time: other work on a 2-core machine
    makes single runs noisy."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        value = work()
        times.append(time.perf_counter() - started)
    results[step] = statistics.median(times)
    return value


def duckdb_rfm(path: Path, as_of: dt.date) -> pl.DataFrame:
    columns = duckdb.connect().execute(DUCKDB_RFM, {"path": str(path), "as_of": as_of})
    return pl.DataFrame(columns.fetchnumpy())


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="bench_analytics")
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--transactions", type=int, default=10_000_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs per step (median)")
    args = parser.parse_args(argv)

    path = data_path(args.customers, args.transactions)
    if not path.exists():
        print(f"generating {path} …", flush=True)
        subprocess.run(
            [sys.executable, "-m", "bench.analytics_data", "--customers", str(args.customers),
             "--transactions", str(args.transactions)],
            check=True, cwd=ROOT, stdout=subprocess.DEVNULL,
        )  # fmt: skip

    seconds: dict[str, float] = {}

    def step(name: str, work: Callable[[], T]) -> T:
        return timed(seconds, name, work, args.repeat)

    transactions = step(LOAD, lambda: read_transactions(path))
    as_of: dt.date = transactions["date"].max()  # type: ignore[assignment]
    rfm = step("RFM", lambda: rfm_table(transactions, as_of=as_of))
    step("ABC", lambda: abc_analysis(transactions))
    step("KPIs by month", lambda: monthly_kpis(transactions))
    analytics = seconds["RFM"] + seconds["ABC"] + seconds["KPIs by month"]
    summary = step(
        "CLV fit: summaries",
        lambda: model_summary(transactions, calibration_end=as_of, time_unit="week"),
    )
    bgnbd = step(
        "CLV fit: BG/NBD",
        lambda: fit_bgnbd(
            frequency=summary["frequency"], recency=summary["recency"], T=summary["T"]
        ),
    )
    spend = step(
        "CLV fit: Gamma-Gamma",
        lambda: fit_gamma_gamma(
            frequency=summary["frequency"], monetary_value=summary["monetary_value"]
        ),
    )
    fit = sum(seconds[name] for name in seconds if name.startswith("CLV fit"))
    step(
        "CLV of every customer over 52 weeks",
        lambda: customer_values(
            summary, bgnbd=bgnbd, gamma_gamma=spend, horizon=52, discount_rate=0.01
        ),
    )
    duck = step(DUCKDB, lambda: duckdb_rfm(path, as_of))
    ratio = (seconds[LOAD] + seconds["RFM"]) / seconds[DUCKDB]
    scores = ["customer_id", "r", "f", "m"]
    agree = (
        rfm.select(scores)
        .sort("customer_id")
        .equals(duck.select(scores).cast({score: pl.Int8 for score in "rfm"}).sort("customer_id"))
    )
    peak_gib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20  # KiB on Linux

    print(
        f"{transactions.height:,} transactions of {summary.height:,} customers, "
        f"{os.cpu_count()} cores, median of {args.repeat} runs; BG/NBD r = {bgnbd.r:.3f}, "
        f"alpha = {bgnbd.alpha:.3f}, a = {bgnbd.a:.3f}, b = {bgnbd.b:.3f}\n"
    )
    print("| step | result | target |")
    print("| --- | ---: | --- |")
    for name, value in seconds.items():
        print(f"| {name} | {value:.2f} s | |")
    print(f"| **RFM + ABC + KPIs** | **{analytics:.2f} s** | ≤ 10 s at 10M transactions |")
    print(f"| **CLV fit** | **{fit:.2f} s** | ≤ 30 s at 1M customers |")
    print(f"| Kehu ÷ DuckDB, CSV to RFM scores | {ratio:.2f}× | |")
    print(f"| peak memory (ru_maxrss) | {peak_gib:.2f} GiB | ≤ 4 GiB |")
    print(f"\nDuckDB and Kehu agree on every customer's r, f and m: {'yes' if agree else 'NO'}")


if __name__ == "__main__":
    main(sys.argv[1:])
