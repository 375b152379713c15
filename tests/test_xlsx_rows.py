"""Rows written as text (guidegen/writers/xlsx/rows.py) are the bytes openpyxl would write."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils.datetime import to_excel

from guidegen.writers.xlsx import rows

# Text openpyxl accepts in a cell: no control characters but tab, newline and carriage return.
_CHARS = st.characters(blacklist_categories=("Cs",), blacklist_characters=[chr(c) for c in range(32) if c not in (9, 10, 13)])
_VALUES = st.one_of(
    st.none(),
    st.text(_CHARS, max_size=40),
    st.sampled_from(["=SUM(A1:A3)", "#N/A", "#REF!", "=", " lead", "trail ", "a&b<c>", "中文“引号”", "emoji 😀", "\r\n"]),
    st.integers(-10**12, 10**12),
    st.floats(allow_nan=False, allow_infinity=False, width=64),
    st.booleans(),
    st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(9999, 12, 31)),
)


def _openpyxl_row(values: list[object], height: float | None) -> tuple[str, list[int]]:
    """The <row> openpyxl's write-only writer makes of ``values`` (each cell bold), and the
    style index of each cell."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("s")
    if height is not None:
        sheet.row_dimensions[1].height = height
    cells = []
    for value in values:
        cell = WriteOnlyCell(sheet, value=value)
        cell.font = Font(bold=True)
        cells.append(cell)
    sheet.append(cells)
    out = io.BytesIO()
    book.save(out)
    xml = zipfile.ZipFile(out).read("xl/worksheets/sheet1.xml").decode("ascii")
    start = xml.index("<row ")
    return xml[start: xml.index("</row>", start) + len("</row>")], [c.style_id for c in cells]


@settings(max_examples=150, deadline=None)
@given(st.lists(_VALUES, min_size=1, max_size=6), st.one_of(st.none(), st.floats(1, 409).map(lambda h: round(h, 1))))
def test_row_text_is_the_row_openpyxl_writes(values: list[object], height: float | None) -> None:
    expected, styles = _openpyxl_row(values, height)
    refs = rows.letters(len(values))
    cells = [rows.cell_xml(f"{ref}1", style, value) for ref, style, value in zip(refs, styles, values)]
    assert rows.row_xml(1, cells, height) == expected


def test_a_text_kept_as_text_is_never_a_formula_or_an_error() -> None:
    assert rows.cell_xml("A1", 3, "=SUM(A1)", as_text=True) == \
        '<c r="A1" s="3" t="inlineStr"><is><t>=SUM(A1)</t></is></c>'
    assert rows.cell_xml("A1", 3, "#N/A", as_text=True) == '<c r="A1" s="3" t="inlineStr"><is><t>#N/A</t></is></c>'


def test_a_date_is_its_serial_number() -> None:
    assert rows.cell_xml("B2", 5, dt.date(2026, 11, 25)) == f'<c r="B2" s="5" t="n"><v>{to_excel(dt.date(2026, 11, 25)):.16g}</v></c>'


def test_an_unknown_value_type_is_refused() -> None:
    try:
        rows.cell_xml("A1", 0, object())
    except TypeError as exc:
        assert "object" in str(exc)
    else:
        raise AssertionError("an object was written to a cell")
