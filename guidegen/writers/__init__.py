"""Writer registry: one module per output format, each a function of the Guide alone.

Writers are imported lazily, so ``guidegen --help`` and ``list`` stay fast and a format's
library (python-docx, openpyxl) is loaded only when that format is written. Every writer has
the signature ``write(guide: Guide, options: WriterOptions) -> bytes``.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    from guidegen.guide.model import Guide


@dataclass(frozen=True)
class WriterOptions:
    """Options a writer may use; each writer ignores what does not concern it."""

    template: Path | None = None  # corporate Word template (docx only)
    # Lay the document out with LibreOffice and store the TOC's page numbers (docx; always pdf).
    paginate: bool = False


@dataclass(frozen=True)
class WriterSpec:
    name: str
    extension: str
    module: str
    function: str
    description: str


WRITERS: dict[str, WriterSpec] = {
    spec.name: spec
    for spec in (
        WriterSpec("docx", ".docx", "guidegen.writers.docx", "write_docx", "Word document (the deliverable)"),
        WriterSpec("pdf", ".pdf", "guidegen.writers.pdf", "write_pdf", "PDF through LibreOffice, with TOC pages and bookmarks"),
        WriterSpec("md", ".md", "guidegen.writers.markdown", "write_markdown", "Markdown (CommonMark + GFM tables)"),
        WriterSpec("xlsx", ".xlsx", "guidegen.writers.xlsx", "write_xlsx", "Excel field-mapping workbook"),
        WriterSpec("html", ".html", "guidegen.writers.html", "write_html", "HTML page (self-contained, prints well)"),
    )
}


def get_writer(name: str) -> Callable[["Guide", WriterOptions], bytes]:
    """The write function for a format name; KeyError lists the known names."""
    try:
        spec = WRITERS[name]
    except KeyError:
        raise KeyError(f"unknown format '{name}'; known: {', '.join(WRITERS)}") from None
    return getattr(importlib.import_module(spec.module), spec.function)
