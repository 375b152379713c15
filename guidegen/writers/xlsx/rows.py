"""Sheet rows as SpreadsheetML text, byte for byte as openpyxl's write-only writer serializes them.

openpyxl turns every appended value into a cell object, binds and checks its type, looks up
its style and writes it through lxml's incremental writer: at 10,000 mapped fields that is
about half a million cell operations and most of the workbook's time. The rows of the data
sheets are instead written here as text, cell by cell with the same types, style indexes,
escapes and attributes, and put in place of one marker row when the package is written
(openpyxl still writes everything else of the sheet). ``tests/test_xlsx_rows.py`` checks that
both give the same bytes.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel

# Excel's error values: a text equal to one of them is stored as that error, as openpyxl does.
_ERROR_CODES = frozenset(("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"))
_TEXT = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})


def letters(count: int) -> list[str]:
    """The column letters A, B, ... of ``count`` columns."""
    return [get_column_letter(index) for index in range(1, count + 1)]


def text(value: str) -> str:
    """Element text as lxml writes it in an ASCII document: markup characters and CR escaped,
    everything beyond ASCII as character references."""
    return value.translate(_TEXT).encode("ascii", "xmlcharrefreplace").decode("ascii")


def cell_xml(ref: str, style: int, value: Any, as_text: bool = False) -> str:
    """One ``<c>`` element with style index ``style``; ``as_text`` keeps a string a string even
    when it starts like a formula (the caller has given it a quote-prefix style)."""
    return f'<c r="{ref}"{cell_tail(style, value, as_text)}'


def cell_tail(style: int, value: Any, as_text: bool = False) -> str:
    """A ``<c>`` element after its reference: the same for every cell with this value and style."""
    if value is None:
        return f' s="{style}" t="n"></c>'
    if isinstance(value, str):
        if not value:
            return f' s="{style}" t="inlineStr"></c>'
        if not as_text and len(value) > 1 and value.startswith("="):
            return f' s="{style}"><f>{text(value[1:])}</f><v></v></c>'
        if not as_text and value in _ERROR_CODES:
            return f' s="{style}" t="e"><v>{value}</v></c>'
        space = ' xml:space="preserve"' if value != value.strip() else ""
        return f' s="{style}" t="inlineStr"><is><t{space}>{text(value)}</t></is></c>'
    if isinstance(value, bool):
        return f' s="{style}" t="b"><v>{value:d}</v></c>'
    if isinstance(value, (int, float, Decimal)):
        return f' s="{style}" t="n"><v>{_number(value)}</v></c>'
    if isinstance(value, (dt.date, dt.datetime, dt.time, dt.timedelta)):
        return f' s="{style}" t="n"><v>{_number(to_excel(value))}</v></c>'
    raise TypeError(f"cannot write {type(value).__name__} to a cell")


def _number(value: float | int | Decimal) -> str:
    if value != value or value in (float("inf"), float("-inf")):  # NaN and infinities: an empty value
        return ""
    return "%.16g" % value


def row_xml(number: int, cells: list[str], height: float | None = None) -> str:
    """One ``<row>`` with its cells; ``height`` in points (a custom height)."""
    attributes = f' ht="{"%.16g" % height}" customHeight="1"' if height is not None else ""
    return f'<row r="{number}"{attributes}>{"".join(cells)}</row>'
