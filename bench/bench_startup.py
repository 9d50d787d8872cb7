"""How long Kehu takes to start: the wall time of whole processes, median and slowest of
several runs, for the parser alone (`kehu --help`), for a command that sets up Django and
reads the database once (`kehu token`, for a user that does not exist), and for `kehu serve`
until it has answered its first page (the login page).

    python -m bench.bench_startup --runs 7
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

from bench.bench_scale import _free_port

KEHU = str(Path(sys.executable).with_name("kehu"))
FIRST_PAGE_WAIT = 60.0


def _seconds(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, capture_output=True, check=False)
    return time.perf_counter() - started


def _first_page_seconds() -> float:
    """From starting `kehu serve` to the login page's answer."""
    port = _free_port()
    started = time.perf_counter()
    server = subprocess.Popen(
        [KEHU, "serve", "--port", str(port), "--no-background-worker"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        while time.perf_counter() - started < FIRST_PAGE_WAIT:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=5) as page:
                    page.read()
                return time.perf_counter() - started
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.02)
        raise RuntimeError(f"kehu serve did not answer within {FIRST_PAGE_WAIT:.0f} s")
    finally:
        server.terminate()
        server.wait()


MEASURES: dict[str, Callable[[], float]] = {
    "kehu --help": lambda: _seconds([KEHU, "--help"]),
    "kehu token (Django set up, one query)": lambda: _seconds([KEHU, "token", "nobody-at-all"]),
    "kehu serve, first page answered": _first_page_seconds,
}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args(argv)
    print("| command | median s | slowest s |")
    print("| --- | ---: | ---: |")
    for name, measure in MEASURES.items():
        measure()  # the first run warms the file cache
        times = [measure() for _ in range(args.runs)]
        print(f"| {name} | {statistics.median(times):.2f} | {max(times):.2f} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
