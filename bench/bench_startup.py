"""How long a `kehu` command takes to start: the wall time of whole processes, median and
slowest of several runs, for the parser alone (`kehu --help`) and for a command that sets up
Django and reads the database once (`kehu token`, for a user that does not exist).

    python -m bench.bench_startup --runs 7
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

KEHU = str(Path(sys.executable).with_name("kehu"))
COMMANDS = {
    "kehu --help": [KEHU, "--help"],
    "kehu token (Django set up, one query)": [KEHU, "token", "nobody-at-all"],
}


def _seconds(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, capture_output=True, check=False)
    return time.perf_counter() - started


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args(argv)
    print("| command | median s | slowest s |")
    print("| --- | ---: | ---: |")
    for name, command in COMMANDS.items():
        _seconds(command)  # the first run warms the file cache
        times = [_seconds(command) for _ in range(args.runs)]
        print(f"| {name} | {statistics.median(times):.2f} | {max(times):.2f} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
