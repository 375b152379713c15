"""Benchmarks: guidegen at 100, 1,000 and 10,000 mapped fields per format, against pandoc.

    python benchmarks/run.py [--sizes 100 1000 10000] [--repeat 3]

Every measurement is a whole command run in a fresh process (interpreter start, loading,
validation, resolving and writing included), timed by wall clock; peak memory is the child's
maximum resident set size. The Markdown guidegen writes is then converted to DOCX by pandoc in
the same run, so the ratio compares the two on the same content and machine. Prints tables; no
assertion anywhere.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
FORMATS = ("docx", "md", "xlsx")


def measure(args: list[str], cwd: Path) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one child process."""
    start = time.perf_counter()
    process = subprocess.Popen(args, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"failed: {' '.join(args)}\n{process.stderr.read().decode() if process.stderr else ''}")
    return elapsed, usage.ru_maxrss / 1024


def best_of(args: list[str], cwd: Path, repeat: int) -> tuple[float, float]:
    runs = [measure(args, cwd) for _ in range(repeat)]
    return statistics.median(r[0] for r in runs), max(r[1] for r in runs)


def guidegen() -> list[str]:
    exe = Path(sys.executable).with_name("guidegen")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "guidegen"]


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(next(l for l in Path("/proc/meminfo").read_text().splitlines() if l.startswith("MemTotal")).split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GiB RAM"
    except (OSError, StopIteration):
        pass
    return f"{cpu}, {os.cpu_count()} CPUs{mem}, {platform.system()} {platform.release()}, Python {platform.python_version()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 10000])
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (median time)")
    args = parser.parse_args()
    pandoc = shutil.which("pandoc")
    print(f"machine: {machine()}")
    if pandoc:
        version = subprocess.run([pandoc, "--version"], capture_output=True, text=True).stdout.splitlines()[0]
        print(f"pandoc:  {version}")
    print()
    results: dict[tuple[int, str], tuple[float, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for rows in args.sizes:
            blueprint = work / f"bench-{rows}.yaml"
            subprocess.run([sys.executable, str(HERE / "make_blueprint.py"), "--rows", str(rows), "--out", str(blueprint)],
                           check=True, stdout=subprocess.DEVNULL)
            out = work / f"out-{rows}"
            for fmt in FORMATS:
                command = guidegen() + ["render", str(blueprint), "--format", fmt, "--out", str(out), "--force",
                                        "--date", "2026-11-25"]
                results[(rows, fmt)] = best_of(command, work, args.repeat)
            if pandoc:
                markdown = out / "bench-high-zh.md"
                command = [pandoc, "-f", "markdown", "-t", "docx", str(markdown), "-o", str(work / f"pandoc-{rows}.docx")]
                results[(rows, "pandoc")] = best_of(command, work, 1 if rows >= 10000 else args.repeat)
        builtin = best_of(guidegen() + ["render", "call-center", "--out", str(work / "builtin"), "--force",
                                        "--date", "2026-11-25"], work, args.repeat)
        help_time = best_of(guidegen() + ["--help"], work, max(args.repeat, 5))

    print("mapped fields | format | time (s) | peak memory (MB)")
    print("---:|---|---:|---:")
    for rows in args.sizes:
        for fmt in FORMATS + (("pandoc",) if pandoc else ()):
            seconds, mb = results[(rows, fmt)]
            label = "pandoc md→docx" if fmt == "pandoc" else f"guidegen {fmt}"
            print(f"{rows:,} | {label} | {seconds:.2f} | {mb:.0f}")
    print()
    if pandoc:
        print("mapped fields | guidegen docx / pandoc")
        print("---:|---:")
        for rows in args.sizes:
            print(f"{rows:,} | {results[(rows, 'docx')][0] / results[(rows, 'pandoc')][0]:.0%}")
        print()
    if len(args.sizes) >= 2:
        small, large = args.sizes[-2], args.sizes[-1]
        print(f"growth {small:,} → {large:,} fields (×{large // small}) | time ratio")
        print("---|---:")
        for fmt in FORMATS:
            print(f"{fmt} | ×{results[(large, fmt)][0] / results[(small, fmt)][0]:.1f}")
        print()
    print(f"built-in guide (call-center, all three formats, including interpreter start): {builtin[0]:.2f} s, "
          f"{builtin[1]:.0f} MB")
    print(f"guidegen --help: {help_time[0]:.2f} s")


if __name__ == "__main__":
    main()
