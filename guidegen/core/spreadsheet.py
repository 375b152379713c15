"""Spreadsheet rules every workbook we write must keep (no openpyxl here: pure text rules)."""

from __future__ import annotations

import re

MAX_CELL_TEXT = 32767  # Excel's limit per cell
_INVALID_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def sheet_title(name: str, taken: set[str]) -> str:
    """A valid, unique sheet name: no []:*?/\\, not blank, at most 31 characters."""
    base = _INVALID_SHEET_CHARS.sub("-", name).strip("' ") or "Sheet"
    base = base[:31]
    title, n = base, 2
    while title.lower() in taken:
        suffix = f" ({n})"
        title = base[: 31 - len(suffix)] + suffix
        n += 1
    taken.add(title.lower())
    return title


def needs_text_protection(value: str) -> bool:
    """Values a spreadsheet would read as a formula or command (spreadsheet injection)."""
    return bool(value) and value[0] in "=+-@\t\r" and value != "-"
