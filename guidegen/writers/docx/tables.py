"""Tables: widths sized to content within the text width, repeated header rows, no split rows.

Rows are built as ``w:tr``/``w:tc`` elements directly (python-docx's ``add_row().cells``
rebuilds the cell grid on every call and slows down sharply on large tables).
"""

from __future__ import annotations

import math
import unicodedata

from lxml import etree

from ... import layout as L
from ..common import markdown_to_plain
from .inline import BlockStyles, Context, InlineWriter, markdown_paragraphs
from .ooxml import borders, el, paragraph, run, shading, sub

# Table text is 9 pt: a CJK character is 180 twips wide, a Latin one about half that in
# Calibri and wider in the fonts that replace it elsewhere; each cell adds its margins.
TWIPS_PER_UNIT = 92
CELL_MARGIN = 170


def display_units(text: str) -> int:
    """Width of a text in half-em units: 2 for wide (CJK) characters, 1 for the rest."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _longest_token(text: str) -> int:
    """The widest piece that should not wrap: a Latin word, or a short run of CJK (CJK text
    may wrap between any two characters, but a label like 字符串 reads badly broken)."""
    best = 0
    for word in text.replace("/", "/ ").split():
        if any(unicodedata.east_asian_width(ch) in "WF" for ch in word):
            latin_runs = "".join(ch if ch.isascii() else " " for ch in word).split()
            best = max([best, min(display_units(word), 8)] + [len(r) for r in latin_runs])
        else:
            best = max(best, len(word))
    return best


def _cell_text(cell: L.Cell) -> list[str]:
    if isinstance(cell, list):
        return [f"{n}. {markdown_to_plain(x)}" for n, x in enumerate(cell, 1)]
    return markdown_to_plain(cell).split("\n")


def _bounds(columns: list[L.Column], rows: list[list[L.Cell]]) -> tuple[list[int], list[int]]:
    """Per column, the narrowest width without breaking words and the width it would like."""
    minimum, maximum = [], []
    sample = rows if len(rows) <= 400 else rows[:: max(1, len(rows) // 400)]
    for index, column in enumerate(columns):
        header_units = display_units(column.header)
        low = max(column.min_chars, min(header_units, 10), _longest_token(column.header))
        high = header_units
        # Identifier columns keep whole names on one line; in prose a rare long name may wrap.
        token_cap = 28 if column.literal else 14
        for row in sample:
            for line in _cell_text(row[index]):
                low = max(low, min(_longest_token(line), token_cap))
                high = max(high, display_units(line))
        minimum.append(low * TWIPS_PER_UNIT + CELL_MARGIN)
        maximum.append(max(low, min(high, 120)) * TWIPS_PER_UNIT + CELL_MARGIN)
    return minimum, maximum


def column_widths(columns: list[L.Column], rows: list[list[L.Cell]], available: int) -> list[int]:
    """Column widths in twips: each at least its longest word, together exactly ``available``.

    Every column first gets its minimum (longest word or header word). When the natural widths
    (longest lines) do not fit, the remaining width goes to the columns that want more, in
    proportion to the square root of how much more they want times their weight: prose columns
    then get room without identifier columns being squeezed. Large tables are sampled.
    """
    minimum, maximum = _bounds(columns, rows)
    total_min, total_max = sum(minimum), sum(maximum)
    if total_min >= available:
        widths = [m * available / total_min for m in minimum]
    elif total_max <= available:
        widths = [m * available / total_max for m in maximum]
    else:
        wants = [math.sqrt(hi - lo) * col.weight for lo, hi, col in zip(minimum, maximum, columns)]
        spare = available - total_min
        widths = [float(lo) for lo in minimum]
        # Hand out the spare width, never giving a column more than its natural width.
        while spare > 1 and any(wants):
            total_want = sum(wants)
            given = 0.0
            for i, want in enumerate(wants):
                if not want:
                    continue
                share = min(spare * want / total_want, maximum[i] - widths[i])
                widths[i] += share
                given += share
                if widths[i] >= maximum[i] - 1:
                    wants[i] = 0
            spare -= given
            if given < 1:
                break
    result = [max(1, math.floor(w)) for w in widths]
    result[-1] -= max(0, sum(result) - available)
    return result


def minimum_width(columns: list[L.Column], rows: list[list[L.Cell]]) -> int:
    """The narrowest the table can be without breaking words (to choose the orientation)."""
    return sum(_bounds(columns, rows)[0])


def _tbl_pr(ctx: Context, width: int, border_color: str) -> etree._Element:
    tbl_pr = el("w:tblPr")
    sub(tbl_pr, "w:tblStyle", {"w:val": ctx.styles["table"]})
    sub(tbl_pr, "w:tblW", {"w:w": str(width), "w:type": "dxa"})
    # Borders again as direct table properties: some readers ignore table-style borders.
    tbl_pr.append(borders("w:tblBorders", border_color))
    sub(tbl_pr, "w:tblLayout", {"w:type": "fixed"})
    # firstRow="1" tells Word (and pandoc) that the first row is a header row.
    sub(tbl_pr, "w:tblLook", {"w:val": "04A0", "w:firstRow": "1", "w:lastRow": "0", "w:firstColumn": "0",
                              "w:lastColumn": "0", "w:noHBand": "1", "w:noVBand": "1"})
    return tbl_pr


def _cell(width: int, content: list[etree._Element], fill: str | None = None) -> etree._Element:
    tc = el("w:tc")
    tc_pr = sub(tc, "w:tcPr")
    sub(tc_pr, "w:tcW", {"w:w": str(width), "w:type": "dxa"})
    if fill:
        tc_pr.append(shading(fill))
    for item in content:
        tc.append(item)
    return tc


def _row(header: bool = False) -> etree._Element:
    tr = el("w:tr")
    tr_pr = sub(tr, "w:trPr")
    sub(tr_pr, "w:cantSplit")
    if header:
        sub(tr_pr, "w:tblHeader")
    return tr


def build_table(ctx: Context, table: L.Table, available: int, header_fill: str, border_color: str) -> etree._Element:
    """A w:tbl for a layout table, at most ``available`` twips wide."""
    widths = column_widths(table.columns, table.rows, available)
    tbl = el("w:tbl")
    tbl.append(_tbl_pr(ctx, sum(widths), border_color))
    grid = sub(tbl, "w:tblGrid")
    for width in widths:
        sub(grid, "w:gridCol", {"w:w": str(width)})
    heading_style = ctx.styles["table_heading"]
    header = _row(header=True)
    for column, width in zip(table.columns, widths):
        header.append(_cell(width, [paragraph(heading_style, run(column.header))], header_fill))
    tbl.append(header)
    text_style = BlockStyles(ctx.styles["table_text"], in_table=True)
    for values in table.rows:
        tr = _row()
        for value, column, width in zip(values, table.columns, widths):
            tr.append(_cell(width, _cell_content(ctx, value, column, text_style)))
        tbl.append(tr)
    return tbl


def _cell_content(ctx: Context, value: L.Cell, column: L.Column, styles: BlockStyles) -> list[etree._Element]:
    if isinstance(value, list):
        list_style = ctx.styles["table_list"]
        return [
            _numbered(ctx, n, item, list_style) for n, item in enumerate(value, 1)
        ] or [paragraph(styles.paragraph)]
    if not value:
        return [paragraph(styles.paragraph)]
    if column.literal:  # identifiers: taken as written, but a URL still becomes a link
        p = paragraph(styles.paragraph)
        InlineWriter(ctx, p).text(value)
        return [p]
    return markdown_paragraphs(ctx, value, styles)


def _numbered(ctx: Context, number: int, text: str, style: str) -> etree._Element:
    paragraphs = markdown_paragraphs(ctx, text, BlockStyles(style, in_table=True))
    first = paragraphs[0]
    ppr = first.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}pPr")
    marker = run(f"{number}. ")
    (ppr.addnext(marker) if ppr is not None else first.insert(0, marker))
    if len(paragraphs) == 1:
        return first
    # A step with several paragraphs: keep them in one paragraph separated by line breaks.
    for extra in paragraphs[1:]:
        first.append(run("\n"))
        for child in list(extra):
            if child.tag.endswith("}pPr"):
                continue
            first.append(child)
    return first
