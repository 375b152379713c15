"""Benchmark: what the LibreOffice layout pass costs per built-in guide.

    python benchmarks/pagination.py [--blueprints email-marketing erp] [--langs zh en]

For each guide, in this process (interpreter start excluded): the DOCX as today, the DOCX with
--paginate (one LibreOffice conversion to read the heading pages, and one more for each round of
fitting short pages), and the PDF after it (one more conversion; the layout pass is reused). Prints a table; no assertion anywhere.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from guidegen.blueprint.loader import load_blueprint, resolve_blueprint_path  # noqa: E402
from guidegen.resolve.engagement import Engagement  # noqa: E402
from guidegen.resolve.resolver import resolve_guide  # noqa: E402
from guidegen.writers import WriterOptions  # noqa: E402
from guidegen.writers.docx import write_docx  # noqa: E402
from guidegen.writers.pdf import write_pdf  # noqa: E402


def timed(function, *args):  # noqa: ANN001, ANN201
    start = time.perf_counter()
    result = function(*args)
    return time.perf_counter() - start, result


def _pages(pdf: bytes) -> int:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(pdf)
        f.flush()
        info = subprocess.run(["pdfinfo", f.name], capture_output=True, text=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--blueprints", nargs="+", default=["email-marketing", "helpdesk", "call-center", "ecommerce", "erp"])
    parser.add_argument("--langs", nargs="+", default=["zh", "en"])
    args = parser.parse_args()
    version = subprocess.run(["soffice", "--version"], capture_output=True, text=True).stdout.strip()
    print(f"{version}\n")
    print("| guide | pages | docx | docx --paginate | extra | pdf after it |")
    print("|---|---:|---:|---:|---:|---:|")
    for blueprint in args.blueprints:
        loaded = load_blueprint(resolve_blueprint_path(blueprint))
        for lang in args.langs:
            guide = resolve_guide(loaded, Engagement(blueprint=blueprint, lang=lang, date="2026-11-25")).guide
            plain, _ = timed(write_docx, guide, WriterOptions())
            paginated, _ = timed(write_docx, guide, WriterOptions(paginate=True))
            pdf_time, pdf = timed(write_pdf, guide, WriterOptions())
            pages = _pages(pdf)
            print(f"| {blueprint} {lang} | {pages} | {plain:.2f} s | {paginated:.2f} s | "
                  f"{paginated - plain:.2f} s | {pdf_time:.2f} s |")


if __name__ == "__main__":
    main()
