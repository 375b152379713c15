"""Column codes: how ``import-mapping`` knows what each workbook column means.

The XLSX writer gives every header cell of a sheet that can be imported (field mappings, code
sets) a cell comment whose first line is ``guidegen-column: <code>`` (the code is the column's
code in content/tables.py, e.g. ``source``, ``rule``). A comment travels with its cell when a reviewer moves, swaps, inserts or
deletes columns, and disappears with the header row if that row is deleted, so the importer
matches columns by meaning, never by position, and refuses a sheet whose header row is gone.
Codes never change when the visible labels do, so old workbooks keep importing.

Workbooks written before codes existed have none: their columns are recognised by the header
labels in either language.

The comments are read from the package directly (read-only openpyxl does not load comments,
and loading whole sheets in normal mode costs memory proportional to the sheet).
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from typing import Any
from xml.etree import ElementTree

from guidegen.content.tables import COLUMN_CODE_PREFIX as CODE_PREFIX
from guidegen.core.budget import read_zip_part

_NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
}
_COMMENTS_TYPE = "/comments"
_CELL = re.compile(r"^([A-Z]{1,3})(\d+)$")


def header_codes(archive: zipfile.ZipFile) -> dict[str, dict[str, str]]:
    """Sheet title -> {header cell ('C2') -> column code}, from the package's comment parts (the
    header row is the row whose cells carry the codes: row 2 since sheets open with their title,
    row 1 in older workbooks)."""
    rels = _relationships(archive, "xl/workbook.xml")
    book = _xml(archive, "xl/workbook.xml")
    found: dict[str, dict[str, str]] = {}
    if book is None:
        return found
    for sheet in book.iterfind("m:sheets/m:sheet", _NS):
        target = rels.get(sheet.get(f"{{{_NS['r']}}}id", ""))
        if not target:
            continue
        codes: dict[str, str] = {}
        for part in _relationships(archive, target, _COMMENTS_TYPE).values():
            comments = _xml(archive, part)
            if comments is None:
                continue
            for comment in comments.iterfind("m:commentList/m:comment", _NS):
                ref = comment.get("ref", "")
                text = "".join(t.text or "" for t in comment.iter(f"{{{_NS['m']}}}t")).strip()
                match = _CELL.match(ref)
                if match and text.startswith(CODE_PREFIX):
                    codes[ref] = text[len(CODE_PREFIX):].split()[0] if text[len(CODE_PREFIX):].split() else ""
        found[sheet.get("name", "")] = codes
    return found


def _xml(archive: zipfile.ZipFile, name: str) -> Any:
    try:
        return ElementTree.fromstring(read_zip_part(archive, name))
    except (KeyError, ElementTree.ParseError):
        return None


def _relationships(archive: zipfile.ZipFile, part: str, kind: str | None = None) -> dict[str, str]:
    """Relationship id -> target part name (resolved against ``part``), optionally of one type."""
    folder, name = posixpath.split(part)
    rels = _xml(archive, posixpath.join(folder, "_rels", name + ".rels"))
    found: dict[str, str] = {}
    if rels is None:
        return found
    for rel in rels.iterfind("rel:Relationship", _NS):
        if rel.get("TargetMode") == "External" or (kind and not rel.get("Type", "").endswith(kind)):
            continue
        target = rel.get("Target", "")
        path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
        found[rel.get("Id", "")] = path
    return found
