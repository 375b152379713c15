"""PDF writer: the paginated Word document, converted by LibreOffice headless.

The PDF is the DOCX a client would receive, so both show the same pages: the TOC carries the
page numbers of the layout pass, the PDF outline (bookmarks) follows the headings, and the
document properties (title, subject, author, keywords) come from the DOCX's.
"""

from __future__ import annotations

from dataclasses import replace

from guidegen.guide.model import Guide
from guidegen.writers import WriterOptions
from guidegen.writers.docx import write_docx
from guidegen.writers.libreoffice import docx_to_pdf, require_tools


def write_pdf(guide: Guide, options: WriterOptions | None = None) -> bytes:
    """Render the guide as PDF (bytes); exit 2 naming what to install when LibreOffice is missing."""
    require_tools("--format pdf")
    docx = write_docx(guide, replace(options or WriterOptions(), paginate=True))
    return docx_to_pdf(docx, "--format pdf")
