"""Benchmark of check-data: rows per second and peak memory on large CSV extracts.

    python benchmarks/check_data.py [--rows 100000 1000000] [--repeat 1]

Writes a synthetic contact extract for the built-in email-marketing blueprint (unique ids and
e-mail addresses, varied mobile numbers without a country code, countries, languages, time
zones, timestamps with and without offsets; about 1 row in 50 breaks a rule) and runs
``guidegen check-data email-marketing --entity contact`` on it in a fresh process, interpreter
start included. Peak memory is the child's maximum resident set size. Prints a table; no
assertion anywhere.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

COLUMNS = ["contact_id", "email", "phone", "first_name", "last_name", "country_code", "locale", "timezone", "updated_at"]
COUNTRIES = ["CN", "CN", "CN", "US", "DE", "GB", "JP", "SG", "cn", "XX"]
LOCALES = ["zh-CN", "zh-CN", "en-US", "de-DE", "en-GB", "ja-JP", "en_US"]
ZONES = ["Asia/Shanghai", "Asia/Shanghai", "America/New_York", "Europe/Berlin", "Europe/London", "Asia/Tokyo", "Asia/Beijing"]


def write_extract(path: Path, rows: int, seed: int = 19) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(",".join(COLUMNS) + "\n")
        for i in range(rows):
            phone = f"13{rng.randint(0, 9)}{rng.randint(0, 99_999_999):08d}" if i % 40 else "12345"
            email = f" User.{i}@Example{i % 500}.com " if i % 60 else f"user{i}@"
            updated = f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}T{i % 24:02d}:{i % 60:02d}:00" + ("+08:00" if i % 3 else "Z")
            handle.write(",".join([f"C{i:08d}", email, phone, "Lei", "Li", rng.choice(COUNTRIES), rng.choice(LOCALES),
                                   rng.choice(ZONES), updated]) + "\n")


def measure(args: list[str]) -> tuple[float, float, int]:
    """Wall seconds, peak RSS (MB) and exit status of one child process."""
    start = time.perf_counter()
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        raise SystemExit(f"failed ({code}): {' '.join(args)}\n{process.stderr.read().decode() if process.stderr else ''}")
    return elapsed, usage.ru_maxrss / 1024, code


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=1)
    options = parser.parse_args()
    guidegen = str(Path(sys.executable).with_name("guidegen"))
    print(f"# check-data on {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
          f"Python {platform.python_version()}, {platform.system()} {platform.release()}")
    print("| rows | file | time | rows/s | peak memory |")
    print("|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as folder:
        for rows in options.rows:
            path = Path(folder) / f"contacts-{rows}.csv"
            write_extract(path, rows)
            runs = [measure([guidegen, "check-data", "email-marketing", "--entity", "contact", str(path), "--lang", "en"])
                    for _ in range(options.repeat)]
            seconds = statistics.median(r[0] for r in runs)
            peak = max(r[1] for r in runs)
            size = path.stat().st_size / 1024**2
            print(f"| {rows:,} | {size:.0f} MB | {seconds:.1f} s | {rows / seconds:,.0f} | {peak:.0f} MB |", flush=True)
            path.unlink()


if __name__ == "__main__":
    main()
