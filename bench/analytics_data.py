"""Synthetic transaction logs for the analytics benchmark, written once and cached as CSV.

Customers join uniformly over the first two of three years (2021–2023). Each buys, while
alive, as a Poisson process with a rate drawn from a gamma distribution (heterogeneous buyers)
and drops out after each purchase with a probability drawn from a beta distribution (the
BG/NBD story, so the CLV fit sees data shaped like its model). A purchase day has one order
line or more (1 + Poisson(0.15)); amounts are lognormal around a lognormal customer mean.
The log is then thinned at random to exactly the requested number of transactions, keeping
every customer's first one.

    python -m bench.analytics_data --customers 1000000 --transactions 10000000
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

import numpy as np
import polars as pl

ROOT = Path(__file__).resolve().parents[1]
START = dt.date(2021, 1, 1)
DAYS = 3 * 365
JOINING_DAYS = 2 * 365
SEED = 20240101


def data_path(customers: int, transactions: int, directory: Path | None = None) -> Path:
    folder = directory or ROOT / "var" / "bench"
    return folder / f"transactions-{customers}-{transactions}.csv"


def simulate(customers: int, rng: np.random.Generator, rate_scale: float) -> pl.DataFrame:
    """Order lines (customer index, day, amount) of `customers` simulated customers."""
    joined = rng.integers(0, JOINING_DAYS, customers)
    rate = rng.gamma(0.8, 1 / 40, customers) * rate_scale  # purchases per day while alive
    dropout = rng.beta(0.5, 6.0, customers)
    mean_spend = rng.lognormal(3.5, 0.9, customers)

    days, owners = [joined], [np.arange(customers)]
    alive = np.arange(customers)
    clock = joined.astype(np.float64)
    while alive.size:
        clock[alive] += rng.exponential(1 / rate[alive])
        alive = alive[clock[alive] < DAYS]
        days.append(clock[alive].astype(np.int64))
        owners.append(alive)
        alive = alive[rng.random(alive.size) >= dropout[alive]]
    owner = np.concatenate(owners)
    day = np.concatenate(days)
    lines = 1 + rng.poisson(0.15, owner.size)
    owner, day = np.repeat(owner, lines), np.repeat(day, lines)
    amount = np.round(mean_spend[owner] * rng.lognormal(0.0, 0.4, owner.size), 2)
    return pl.DataFrame({"customer": owner, "day": day, "amount": amount})


def generate(customers: int, transactions: int, *, seed: int = SEED) -> pl.DataFrame:
    """Exactly `transactions` order lines of exactly `customers` customers."""
    if transactions < customers:
        raise ValueError("every customer needs at least one transaction")
    rng = np.random.default_rng(seed)
    pilot = simulate(min(customers, 20_000), rng, 1.0)
    per_customer = pilot.height / min(customers, 20_000)
    # Simulate 10 % more than needed, then thin at random down to the exact count.
    scale = 1.1 * (transactions / customers) / per_customer
    lines = simulate(customers, rng, scale)
    wanted = transactions - customers
    keep = np.zeros(lines.height, dtype=bool)
    keep[np.unique(lines["customer"].to_numpy(), return_index=True)[1]] = True  # first lines
    others = np.flatnonzero(~keep)
    if others.size < wanted:
        raise RuntimeError("the simulation produced too few transactions; raise the rate scale")
    keep[rng.choice(others, wanted, replace=False)] = True
    chosen = lines.filter(pl.Series(keep))
    return chosen.select(
        customer_id=pl.format("C{}", pl.col("customer").cast(pl.String).str.zfill(7)),
        date=pl.lit(START) + pl.duration(days=pl.col("day")),
        amount=pl.col("amount"),
    )


def ensure(customers: int, transactions: int, directory: Path | None = None) -> Path:
    """The cached CSV for these sizes, generated first if it does not exist."""
    path = data_path(customers, transactions, directory)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial")
        generate(customers, transactions).write_csv(partial)
        partial.rename(path)
    return path


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="analytics_data")
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--transactions", type=int, default=10_000_000)
    parser.add_argument("--data-dir", type=Path, help="default: var/bench/")
    args = parser.parse_args(argv)
    print(ensure(args.customers, args.transactions, args.data_dir))


if __name__ == "__main__":
    main(sys.argv[1:])
