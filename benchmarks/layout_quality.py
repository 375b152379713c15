"""Measure how the built-in guides look on paper, as LibreOffice lays them out.

    python benchmarks/layout_quality.py [--out DIR] [--blueprints erp] [--langs zh en] [--keep]

Renders each guide with ``--format pdf`` (or reads the PDFs already in DIR with --keep) and
prints per guide: pages, blank pages, pages under half full that are not a chapter's last,
identifiers broken where no break is allowed and header words broken. A report, no assertion;
the tests (tests/test_page_layout.py) hold the same figures to their targets.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from pdf_pages import chapter_starts, identifier_breaks, page_fill, read_pages, under_filled_pages  # noqa: E402

from guidegen.blueprint.loader import load_blueprint, resolve_blueprint_path  # noqa: E402
from guidegen.document.layout import build_document  # noqa: E402
from guidegen.resolve.engagement import Engagement  # noqa: E402
from guidegen.resolve.resolver import resolve_guide  # noqa: E402
from guidegen.writers import WriterOptions  # noqa: E402
from guidegen.writers.libreoffice import bookmark_pages  # noqa: E402
from guidegen.writers.pdf import write_pdf  # noqa: E402


def measure(pdf: Path, document) -> dict:  # noqa: ANN001
    pages = read_pages(pdf)
    fills = page_fill(pages)
    marks = bookmark_pages(pdf.read_bytes())
    heading_pages = [page for name, page in sorted(marks.items()) if name.startswith("_Toc")]
    under = under_filled_pages(fills, chapter_starts(document, heading_pages))
    ids, headers = identifier_breaks(pages, document, min(heading_pages))
    return {"pages": len(pages), "blank": [i for i, f in enumerate(fills, 1) if f == 0],
            "under": under, "ids": ids, "headers": headers,
            "switches": sum(1 for a, b in zip(pages, pages[1:]) if a.landscape != b.landscape)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("/tmp/guidegen-layout"))
    parser.add_argument("--blueprints", nargs="+", default=["email-marketing", "helpdesk", "call-center", "ecommerce", "erp"])
    parser.add_argument("--langs", nargs="+", default=["zh", "en"])
    parser.add_argument("--keep", action="store_true", help="measure the PDFs already in --out")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every broken word")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    print(f"{'guide':34} pages blank under½ switches broken-ids broken-headers")
    for blueprint in args.blueprints:
        for lang in args.langs:
            loaded = load_blueprint(resolve_blueprint_path(blueprint))
            guide = resolve_guide(loaded, Engagement(blueprint=blueprint, lang=lang, date="2026-11-25")).guide
            pdf = args.out / f"{blueprint}-{guide.meta.complexity}-{lang}.pdf"
            if not (args.keep and pdf.exists()):
                pdf.write_bytes(write_pdf(guide, WriterOptions(paginate=True)))
            r = measure(pdf, build_document(guide))
            under = sum(len(v) for v in r["under"].values())
            worst = max((len(v) for v in r["under"].values()), default=0)
            print(f"{pdf.stem:34} {r['pages']:5} {len(r['blank']):5} {under:3} (max {worst}/ch) {r['switches']:8} "
                  f"{len(r['ids']):10} {len(r['headers']):14}")
            if args.verbose:
                print("   blank:", r["blank"], " under-half:", r["under"])
                print("   ids:", ", ".join(map(str, r["ids"][:40])))
                print("   headers:", ", ".join(map(str, r["headers"][:40])))


if __name__ == "__main__":
    main()
