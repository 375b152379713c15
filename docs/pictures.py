"""Render the page images README's "The deliverable" shows: a field-mapping page and the TOC
page of a built-in guide, as LibreOffice lays out the PDF a client receives.

    python docs/pictures.py   (or: make pictures; needs LibreOffice and poppler's pdftoppm)

Writes docs/page-mapping.png and docs/page-toc.png.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from guidegen.blueprint.loader import load_blueprint, resolve_blueprint_path  # noqa: E402
from guidegen.document.layout import Heading, Table, build_document  # noqa: E402
from guidegen.resolve.engagement import Engagement  # noqa: E402
from guidegen.resolve.resolver import resolve_guide  # noqa: E402
from guidegen.writers import WriterOptions  # noqa: E402
from guidegen.writers.libreoffice import bookmark_pages  # noqa: E402
from guidegen.writers.pdf import write_pdf  # noqa: E402

BLUEPRINT, LANG, CLIENT = "ecommerce", "en", "Northwind Retail"
RESOLUTION = 80  # pixels per inch: readable on GitHub, a few hundred kB per page


def main() -> None:
    loaded = load_blueprint(resolve_blueprint_path(BLUEPRINT))
    engagement = Engagement(blueprint=BLUEPRINT, lang=LANG, client=CLIENT, date="2026-11-25")
    guide = resolve_guide(loaded, engagement).guide
    pdf = write_pdf(guide, WriterOptions(paginate=True))
    document = build_document(guide)
    headings = [b for b in document.blocks if isinstance(b, Heading)]
    pages = [page for name, page in sorted(bookmark_pages(pdf).items()) if name.startswith("_Toc")]
    # The first mapping table's section: the heading just before it.
    blocks = document.blocks
    first_mapping = next(i for i, b in enumerate(blocks) if isinstance(b, Table) and b.key.startswith("mapping"))
    heading = next(b for b in reversed(blocks[:first_mapping]) if isinstance(b, Heading))
    mapping_page = pages[headings.index(heading)]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "guide.pdf"
        path.write_bytes(pdf)
        # Page 3 is the TOC's first page: cover, document control, then the contents.
        for name, page in (("page-toc", 3), ("page-mapping", mapping_page)):
            target = ROOT / "docs" / name
            subprocess.run(["pdftoppm", "-png", "-singlefile", "-r", str(RESOLUTION), "-f", str(page), "-l", str(page),
                            str(path), str(target)], check=True)
            print(f"docs/{name}.png: page {page}")


if __name__ == "__main__":
    main()
