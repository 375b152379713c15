"""Tables: widths sized to content within the text width, repeated header rows, no split rows.

Rows are built as ``w:tr``/``w:tc`` elements directly (python-docx's ``add_row().cells``
rebuilds the cell grid on every call and slows down sharply on large tables).
"""

from __future__ import annotations

import math
import re

from ... import layout as L
from ..common import approximate_plain
from .inline import BlockStyles, Context, InlineWriter, markdown_xml, paragraph_xml, run_xml

# Table text is 9 pt: a CJK character is 180 twips wide, a Latin one about half that in
# Calibri and wider in the fonts that replace it elsewhere; each cell adds its margins.
TWIPS_PER_UNIT = 92
CELL_MARGIN = 170


_WIDE = re.compile("[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf"
                   "\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]")
_LATIN_RUN = re.compile(r"[!-~]+")


def display_units(text: str) -> int:
    """Width of a text in half-em units: 2 for wide (CJK, full-width) characters, 1 for the rest."""
    if text.isascii():
        return len(text)
    return len(text) + len(_WIDE.findall(text))


def _longest_token(text: str) -> int:
    """The widest piece that should not wrap: a Latin word, or a short run of CJK (CJK text
    may wrap between any two characters, but a label like 字符串 reads badly broken)."""
    text = text.replace("/", "/ ")
    best = max(map(len, _LATIN_RUN.findall(text)), default=0)
    if not text.isascii() and _WIDE.search(text):
        best = max(best, min(8, max(map(display_units, text.split()), default=0)))
    return best


def _cell_text(cell: L.Cell) -> list[str]:
    if isinstance(cell, list):
        return [f"{n}. {approximate_plain(x)}" for n, x in enumerate(cell, 1)]
    return approximate_plain(cell).split("\n")


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


def _tbl_pr(ctx: Context, width: int, border_color: str) -> str:
    sides = "".join(f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="{border_color}"/>'
                    for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
    # Borders again as direct table properties: some readers ignore table-style borders.
    # firstRow="1" in tblLook tells Word (and pandoc) that the first row is a header row.
    return (
        f'<w:tblPr><w:tblStyle w:val="{ctx.styles["table"]}"/><w:tblW w:w="{width}" w:type="dxa"/>'
        f"<w:tblBorders>{sides}</w:tblBorders><w:tblLayout w:type=\"fixed\"/>"
        '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" '
        'w:noHBand="1" w:noVBand="1"/></w:tblPr>'
    )


def build_table(ctx: Context, table: L.Table, available: int, header_fill: str, border_color: str) -> str:
    """The w:tbl (as WordprocessingML text) for a layout table, at most ``available`` twips wide."""
    widths = column_widths(table.columns, table.rows, available)
    cell_open = [f'<w:tc><w:tcPr><w:tcW w:w="{w}" w:type="dxa"/></w:tcPr>' for w in widths]
    heading = ctx.styles["table_heading"]
    header_cells = "".join(
        f'<w:tc><w:tcPr><w:tcW w:w="{w}" w:type="dxa"/><w:shd w:val="clear" w:color="auto" w:fill="{header_fill}"/>'
        f"</w:tcPr>{paragraph_xml(heading, run_xml(column.header))}</w:tc>"
        for column, w in zip(table.columns, widths)
    )
    parts = [
        "<w:tbl>", _tbl_pr(ctx, sum(widths), border_color), "<w:tblGrid>",
        "".join(f'<w:gridCol w:w="{w}"/>' for w in widths), "</w:tblGrid>",
        f"<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>{header_cells}</w:tr>",
    ]
    styles = BlockStyles(ctx.styles["table_text"], in_table=True)
    list_style = ctx.styles["table_list"]
    for values in table.rows:
        parts.append("<w:tr><w:trPr><w:cantSplit/></w:trPr>")
        for value, column, opening in zip(values, table.columns, cell_open):
            parts.append(opening)
            parts.append(_cell_content(ctx, value, column, styles, list_style))
            parts.append("</w:tc>")
        parts.append("</w:tr>")
    parts.append("</w:tbl>")
    return "".join(parts)


def _cell_content(ctx: Context, value: L.Cell, column: L.Column, styles: BlockStyles, list_style: str) -> str:
    """The paragraphs of one cell (a cell always ends with a paragraph)."""
    if isinstance(value, list):
        return "".join(_numbered(ctx, n, item, list_style) for n, item in enumerate(value, 1)) or paragraph_xml(
            styles.paragraph, "")
    if not value:
        return paragraph_xml(styles.paragraph, "")
    if column.literal:  # identifiers: taken as written, but a URL still becomes a link
        writer = InlineWriter(ctx)
        writer.text(value)
        return paragraph_xml(styles.paragraph, writer.xml())
    return "".join(markdown_xml(ctx, value, styles))


def _numbered(ctx: Context, number: int, text: str, style: str) -> str:
    """One numbered step; a step of several paragraphs is kept in one, with line breaks."""
    paragraphs = markdown_xml(ctx, text, BlockStyles(style, in_table=True))
    bodies = [p[p.index("</w:pPr>") + len("</w:pPr>") : -len("</w:p>")] for p in paragraphs]
    joined = run_xml("\n").join(bodies)
    return paragraph_xml(style, run_xml(f"{number}. ") + joined)
