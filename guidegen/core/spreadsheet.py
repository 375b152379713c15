"""Spreadsheet rules every workbook we write must keep (no openpyxl here: pure text rules)."""

from __future__ import annotations

import re

MAX_CELL_TEXT = 32767  # Excel's limit per cell
_INVALID_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def sheet_title(name: str, taken: set[str]) -> str:
    """A valid, unique sheet name: no []:*?/\\, not blank, at most 31 characters."""
    base = _INVALID_SHEET_CHARS.sub("-", name).strip("' ") or "Sheet"
    title, n = _whole_words(base, 31), 2
    while title.lower() in taken:
        suffix = f" ({n})"
        title = _whole_words(base, 31 - len(suffix)) + suffix
        n += 1
    taken.add(title.lower())
    return title


def _whole_words(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters at a word boundary (a cut word confuses reviewers)."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    if text[limit].isspace() or not cut[-1].isascii() or not text[limit].isascii():
        return cut.rstrip(" -(")  # at a space already, or in CJK text where every character is a word
    boundary = max(cut.rfind(" "), cut.rfind("-"))
    cut = cut[:boundary] if boundary > 0 else cut
    if cut.count("(") > cut.count(")") and cut.rfind("(") > 0:  # no half of a parenthesis
        cut = cut[: cut.rfind("(")]
    return cut.rstrip(" -(")


def needs_text_protection(value: str) -> bool:
    """Values a spreadsheet would read as a formula or command (spreadsheet injection)."""
    return bool(value) and value[0] in "=+-@\t\r" and value != "-"
