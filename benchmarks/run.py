"""Benchmarks: guidegen at 1,000, 10,000 and 50,000 mapped fields per format, against its peers.

    python benchmarks/run.py [--sizes 1000 10000 50000] [--repeat 3]

Peers, measured in the same run: pandoc converting the same Markdown to DOCX, docxtpl filling a
10,000-row table from a Word template, openpyxl's write-only mode writing a styled 10,000 x 17
sheet (benchmarks/peers.py). Also: cold and warm parsed-blueprint cache, validate, the time per
stage, render --all over every built-in type, a built-in guide, --help; ratios and the targets
of issue 20 printed at the end.

Every measurement is a whole command run in a fresh process (interpreter start, loading,
validation, resolving and writing included), timed by wall clock; peak memory is the child's
maximum resident set size. The package is byte-compiled first, as pip does when it installs a
wheel: an editable checkout run with PYTHONDONTWRITEBYTECODE would otherwise compile every
changed module again in every run. The Markdown guidegen writes is then converted to DOCX by pandoc in
the same run, so the ratio compares the two on the same content and machine. The ratios to
docxtpl and openpyxl are also measured in pairs (guidegen and the peer back to back, five times)
and the median pair ratio is the one held against the target. Prints tables; no assertion
anywhere.
"""

from __future__ import annotations

import argparse
import compileall
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

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


BUDGET = ["--max-file-bytes", "200000000"]  # the documented option: a 50,000-field blueprint is ~14 MB


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 50000])
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (median time)")
    args = parser.parse_args()
    pandoc = shutil.which("pandoc")
    compileall.compile_dir(str(ROOT / "guidegen"), quiet=1)
    print(f"machine: {machine()}")
    if pandoc:
        version = subprocess.run([pandoc, "--version"], capture_output=True, text=True).stdout.splitlines()[0]
        print(f"pandoc:  {version}")
    print()
    r: dict[Any, Any] = {}
    stages: dict[int, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        os.environ["GUIDEGEN_CACHE_DIR"] = str(work / "cache")
        os.environ.pop("GUIDEGEN_NO_CACHE", None)
        gg = guidegen() + BUDGET
        for rows in args.sizes:
            blueprint = work / f"bench-{rows}.yaml"
            subprocess.run([sys.executable, str(HERE / "make_blueprint.py"), "--rows", str(rows), "--out", str(blueprint)],
                           check=True, stdout=subprocess.DEVNULL)
            out = work / f"out-{rows}"
            repeat = 1 if rows > 10000 else args.repeat
            for fmt in FORMATS:
                command = ["render", str(blueprint), "--format", fmt, "--out", str(out), "--force", "--date", "2026-11-25"]
                r[(rows, fmt, "cold")] = best_of(guidegen() + ["--no-cache"] + BUDGET + command, work, repeat)
                measure(gg + command, work)  # fills the cache
                r[(rows, fmt, "warm")] = best_of(gg + command, work, repeat)
            r[(rows, "validate")] = best_of(guidegen() + ["--no-cache"] + BUDGET + ["validate", str(blueprint)], work, repeat)
            if pandoc and rows <= 10000:
                markdown = out / "bench-high-zh.md"
                command = [pandoc, "-f", "markdown", "-t", "docx", str(markdown), "-o", str(work / f"pandoc-{rows}.docx")]
                r[(rows, "pandoc")] = best_of(command, work, 1 if rows >= 10000 else args.repeat)
            if rows <= 10000:
                done = subprocess.run([sys.executable, str(HERE / "peers.py"), "stages", str(blueprint)], cwd=work,
                                      capture_output=True, text=True, env={**os.environ, "GUIDEGEN_MAX_FILE_BYTES": "200000000"})
                stages[rows] = {k: float(v) for k, v in (line.split("\t") for line in done.stdout.splitlines() if "\t" in line)}
        if 10000 in args.sizes:
            paired(r, gg, work, max(args.repeat, 5))
        r["docxtpl"] = best_of([sys.executable, str(HERE / "peers.py"), "docxtpl", "10000", str(work / "tpl.docx")],
                               work, args.repeat)
        r["openpyxl"] = best_of([sys.executable, str(HERE / "peers.py"), "openpyxl", "10000", str(work / "wo.xlsx")],
                                work, args.repeat)
        everything = ["render", "--all", "--lang", "zh", "--lang", "en", "--complexity", "simple", "--complexity", "medium",
                      "--complexity", "high", "--out", str(work / "all"), "--force", "--date", "2026-11-25"]
        shutil.rmtree(work / "cache", ignore_errors=True)
        r["all cold"] = measure(guidegen() + everything, work)
        r["all warm"] = best_of(guidegen() + everything, work, 1)
        r["builtin"] = best_of(guidegen() + ["--no-cache", "render", "call-center", "--out", str(work / "builtin"),
                                             "--force", "--date", "2026-11-25"], work, args.repeat)
        r["help"] = best_of(guidegen() + ["--help"], work, max(args.repeat, 5))
        r["python"] = best_of([sys.executable, "-c", "pass"], work, max(args.repeat, 5))
    report(args.sizes, r, stages)


PAIRS = {  # target -> (guidegen run, peer run): measured one after the other, repetition by repetition
    "DOCX 10k cold / docxtpl": ("docx cold", "docxtpl"),
    "DOCX 10k warm / docxtpl": ("docx warm", "docxtpl"),
    "XLSX 10k cold / openpyxl write-only": ("xlsx cold", "openpyxl"),
}


def paired(r: dict[Any, Any], gg: list[str], work: Path, repeat: int) -> None:
    """The ratios to the template engines from paired runs: each repetition runs guidegen and
    its peers back to back, so a slow spell of a shared machine (identical runs differ by up to
    40 % here) weighs on both sides of a ratio instead of on one; the median ratio is reported."""
    blueprint = work / "bench-10000.yaml"
    out = work / "paired"
    render = ["render", str(blueprint), "--out", str(out), "--force", "--date", "2026-11-25"]
    runs = {
        "docx cold": [*gg, "--no-cache", *render, "--format", "docx"],
        "docx warm": [*gg, *render, "--format", "docx"],
        "xlsx cold": [*gg, "--no-cache", *render, "--format", "xlsx"],
        "docxtpl": [sys.executable, str(HERE / "peers.py"), "docxtpl", "10000", str(work / "tpl.docx")],
        "openpyxl": [sys.executable, str(HERE / "peers.py"), "openpyxl", "10000", str(work / "wo.xlsx")],
    }
    measure(runs["docx warm"], work)  # fills the cache
    samples: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(repeat):
        for name, command in runs.items():
            samples[name].append(measure(command, work)[0])
    for target, (mine, peer) in PAIRS.items():
        r[("paired", target)] = [a / b for a, b in zip(samples[mine], samples[peer])]


def report(sizes: list[int], r: dict[Any, tuple[float, float]], stages: dict[int, dict[str, float]]) -> None:
    def t(key: Any) -> float:
        return r[key][0]

    print("mapped fields | format | cold cache (s) | warm cache (s) | peak memory (MB)")
    print("---:|---|---:|---:|---:")
    for rows in sizes:
        for fmt in FORMATS:
            print(f"{rows:,} | guidegen {fmt} | {t((rows, fmt, 'cold')):.2f} | {t((rows, fmt, 'warm')):.2f} | "
                  f"{r[(rows, fmt, 'cold')][1]:.0f}")
        print(f"{rows:,} | guidegen validate | {t((rows, 'validate')):.2f} | | {r[(rows, 'validate')][1]:.0f}")
        if (rows, "pandoc") in r:
            print(f"{rows:,} | pandoc md→docx | {t((rows, 'pandoc')):.2f} | | {r[(rows, 'pandoc')][1]:.0f}")
    print(f"10,000 rows | docxtpl, one table of 6 columns | {t('docxtpl'):.2f} | | {r['docxtpl'][1]:.0f}")
    print(f"10,000 rows | openpyxl write-only, 17 styled columns | {t('openpyxl'):.2f} | | {r['openpyxl'][1]:.0f}")
    print()
    if stages:
        names = list(next(iter(stages.values())))
        print("stage (s, one process, cache off) | " + " | ".join(f"{n:,} fields" for n in stages))
        print("---|" + "---:|" * len(stages))
        for name in names:
            print(f"{name} | " + " | ".join(f"{stages[n].get(name, 0):.2f}" for n in stages))
        print()
    print(f"render --all (5 types × 2 languages × 3 complexities × docx, md, xlsx): cold cache {t('all cold'):.2f} s, "
          f"warm cache {t('all warm'):.2f} s")
    print(f"built-in guide (call-center, docx + md + xlsx, cold, interpreter start included): {t('builtin'):.2f} s, "
          f"{r['builtin'][1]:.0f} MB")
    print(f"guidegen --help: {t('help'):.2f} s; bare interpreter: {t('python'):.2f} s")
    print()
    if 10000 not in sizes:
        return
    k = 10000
    checks = [
        ("DOCX 10k cold / docxtpl", t((k, "docx", "cold")) / t("docxtpl"), 0.8),
        ("DOCX 10k warm / docxtpl", t((k, "docx", "warm")) / t("docxtpl"), 0.4),
        ("XLSX 10k cold / openpyxl write-only", t((k, "xlsx", "cold")) / t("openpyxl"), 1.8),
        ("Markdown 10k / DOCX 10k (cold)", t((k, "md", "cold")) / t((k, "docx", "cold")), 0.5),
        ("validate 10k / DOCX 10k (cold)", t((k, "validate")) / t((k, "docx", "cold")), 1.5),
    ]
    if (k, "pandoc") in r:
        checks.insert(1, ("DOCX 10k cold / pandoc", t((k, "docx", "cold")) / t((k, "pandoc")), 0.12))
    for small, large, limit in ((1000, 10000, None), (10000, 50000, 5.5)):
        if small in sizes and large in sizes:
            for fmt in FORMATS:
                checks.append((f"{fmt} {large // 1000}k / {small // 1000}k (cold)",
                               t((large, fmt, "cold")) / t((small, fmt, "cold")), limit))
    checks.append(("peak memory at 10k, DOCX (MB)", r[(k, "docx", "cold")][1], 160))
    checks.append(("--help over a bare interpreter (s)", t("help") - t("python"), 0.1))
    checks.append(("built-in guide, all formats, cold (s)", t("builtin"), 0.6))
    print("target | measured | limit | met | measured how")
    print("---|---:|---:|---|---")
    notes = {}
    for index, (name, value, limit) in enumerate(checks):
        ratios = r.get(("paired", name))
        if ratios:
            checks[index] = (name, statistics.median(ratios), limit)
            notes[name] = f"paired median of {len(ratios)} (range {min(ratios):.2f}–{max(ratios):.2f}); apart: {value:.2f}"
    for name, value, limit in checks:
        met = "" if limit is None else ("yes" if value <= limit else "no")
        print(f"{name} | {value:.2f} | {'' if limit is None else limit} | {met} | {notes.get(name, 'same run')}")


if __name__ == "__main__":
    main()
