"""LibreOffice headless as a layout engine: a .docx converted to PDF, and the page on which
each Word bookmark lands.

Each conversion runs ``soffice --headless --convert-to pdf`` in a temporary folder with a
private user profile (-env:UserInstallation), so it neither touches nor waits for the user's
own LibreOffice, and under a timeout. Results are kept for the few most recent inputs: a
render that writes both the paginated DOCX and the PDF lays the document out once.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import tempfile
from collections import OrderedDict
from pathlib import Path

from guidegen.core.errors import Location, UserError

TIMEOUT_SECONDS = 300
_INSTALL = ("LibreOffice (Debian/Ubuntu: apt-get install libreoffice-writer-nogui; macOS: brew install --cask "
            "libreoffice; Windows: libreoffice.org) and poppler (apt-get install poppler-utils; brew install poppler)")

# writer_pdf_Export options (LibreOffice >= 7.4 reads them as JSON after the filter name):
# the outline from the headings, Word bookmarks as named destinations (read back by
# bookmark_pages), internal links kept as links.
_PDF_FILTER = "pdf:writer_pdf_Export:" + json.dumps({
    "ExportBookmarks": {"type": "boolean", "value": "true"},
    "ExportBookmarksToPDFDestination": {"type": "boolean", "value": "true"},
    "ExportLinksRelativeFsys": {"type": "boolean", "value": "false"},
    "ConvertOOoTargetToPDFTarget": {"type": "boolean", "value": "true"},
    "UseTaggedPDF": {"type": "boolean", "value": "true"},
}, separators=(",", ":"))

_CACHE: OrderedDict[str, bytes] = OrderedDict()
_CACHE_SIZE = 4


def _tool(name: str, option: str) -> str:
    for candidate in ((name, "libreoffice") if name == "soffice" else (name,)):
        path = shutil.which(candidate)
        if path:
            return path
    raise UserError.single(
        Location("command line", path=option),
        f"needs LibreOffice to lay the document out, but '{name}' is not on PATH",
        expected=f"{_INSTALL} installed",
        given=f"no '{name}' executable",
        hint="render without this option, or install the tools named above",
    )


def require_tools(option: str) -> None:
    """Fail early (exit 2, naming what to install) when the layout tools are missing."""
    _tool("soffice", option)
    _tool("pdfinfo", option)
    _tool("pdftotext", option)


def docx_to_pdf(docx: bytes, option: str = "--format pdf") -> bytes:
    """The PDF LibreOffice makes of a .docx (with outline and named destinations)."""
    key = hashlib.sha256(docx).hexdigest()
    if key in _CACHE:
        _CACHE.move_to_end(key)
        return _CACHE[key]
    soffice = _tool("soffice", option)
    with tempfile.TemporaryDirectory(prefix="guidegen-lo-") as tmp:
        folder = Path(tmp)
        source = folder / "guide.docx"
        source.write_bytes(docx)
        profile = (folder / "profile").as_uri()
        args = [soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore", "--nologo",
                "--convert-to", _PDF_FILTER, "--outdir", str(folder), str(source)]
        try:
            result = subprocess.run(args, cwd=folder, capture_output=True, text=True, timeout=TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            raise RuntimeError(f"LibreOffice did not finish converting within {TIMEOUT_SECONDS} s") from None
        target = folder / "guide.pdf"
        if result.returncode != 0 or not target.is_file():
            raise RuntimeError(f"LibreOffice could not convert the document (exit {result.returncode}): "
                               f"{(result.stderr or result.stdout).strip()[:500]}")
        pdf = target.read_bytes()
    _CACHE[key] = pdf
    while len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return pdf


_DEST = re.compile(r"^\s*(\d+)\s+\[.*?\]\s+\"(.*)\"\s*$")


def bookmark_pages(pdf: bytes, option: str = "--paginate") -> dict[str, int]:
    """Bookmark name -> page number (1-based), read from the PDF's named destinations with
    poppler's ``pdfinfo -dests``. LibreOffice writes a character other than a letter or digit
    in a destination name as its hex code ("_Toc1" becomes "5FToc1"); names are given back
    as the document spells them when they use only letters, digits and underscores."""
    pdfinfo = _tool("pdfinfo", option)
    with tempfile.TemporaryDirectory(prefix="guidegen-pdf-") as tmp:
        path = Path(tmp) / "guide.pdf"
        path.write_bytes(pdf)
        result = subprocess.run([pdfinfo, "-dests", str(path)], capture_output=True, text=True,
                                timeout=TIMEOUT_SECONDS)
    if result.returncode != 0:
        raise RuntimeError(f"pdfinfo could not read the laid-out document: {result.stderr.strip()[:300]}")
    pages: dict[str, int] = {}
    for line in result.stdout.splitlines():
        match = _DEST.match(line)
        if match:
            pages.setdefault(match.group(2).replace("5F", "_"), int(match.group(1)))
    return pages


_WORD_BOX = re.compile(r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">')
_PAGE_SIZE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">')
HEADER_ZONE = 56.0  # pt from the top and bottom edges: the running header and footer (body margins are 72 pt)


def page_fills(pdf: bytes, option: str = "--paginate") -> list[tuple[float, bool]]:
    """Per page: how far down its body text reaches, as a share of the body height (0 for a
    page without body text), and whether it is landscape. The body's top and bottom are the
    extremes seen on the pages of the same orientation; read with poppler's pdftotext -bbox."""
    pdftotext = _tool("pdftotext", option)
    with tempfile.TemporaryDirectory(prefix="guidegen-pdf-") as tmp:
        path = Path(tmp) / "guide.pdf"
        path.write_bytes(pdf)
        result = subprocess.run([pdftotext, "-bbox", str(path), "-"], capture_output=True, text=True,
                                timeout=TIMEOUT_SECONDS)
    if result.returncode != 0:
        raise RuntimeError(f"pdftotext could not read the laid-out document: {result.stderr.strip()[:300]}")
    pages: list[tuple[bool, list[tuple[float, float]]]] = []
    for chunk in result.stdout.split("<page ")[1:]:
        size = _PAGE_SIZE.match("<page " + chunk)
        width, height = (float(size.group(1)), float(size.group(2))) if size else (0.0, 0.0)
        body = [(top, bottom) for top, bottom in ((float(a), float(b)) for a, b in _WORD_BOX.findall(chunk))
                if top > HEADER_ZONE and bottom < height - HEADER_ZONE]
        pages.append((width > height, body))
    extremes: dict[bool, tuple[float, float]] = {}
    for landscape, body in pages:
        if body:
            top, bottom = extremes.get(landscape, (float("inf"), 0.0))
            extremes[landscape] = (min(top, min(t for t, _ in body)), max(bottom, max(b for _, b in body)))
    fills = []
    for landscape, body in pages:
        top, bottom = extremes.get(landscape, (0.0, 1.0))
        fills.append(((max(b for _, b in body) - top) / max(1.0, bottom - top) if body else 0.0, landscape))
    return fills
