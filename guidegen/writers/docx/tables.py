"""Tables: widths sized to content within the text width, repeated header rows, no split rows.

Rows are built as ``w:tr``/``w:tc`` elements directly (python-docx's ``add_row().cells``
rebuilds the cell grid on every call and slows down sharply on large tables).
"""

from __future__ import annotations

import math
import re

from guidegen.document import layout as L
from guidegen.writers.common import approximate_plain
from guidegen.writers.docx.inline import (
    BlockStyles,
    Context,
    InlineWriter,
    esc,
    markdown_paragraphs,
    markdown_xml,
    paragraph_xml,
    run_xml,
)

# Table text is 9 pt: a CJK character is 180 twips wide, a Latin one about half that in
# Calibri and wider in the fonts that replace it elsewhere; each cell adds its margins.
TWIPS_PER_UNIT = 92
CELL_MARGIN = 170
LANDSCAPE_TEXT_FACTOR = 3.0  # natural width (longest lines) over three portrait widths
MAX_ROW_LINES = 14  # a taller row may break across pages
SAMPLE_ROWS = 120  # rows measured per table to size its columns


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


def _levels(columns: list[L.Column], rows: list[list[L.Cell]]) -> list[list[int]]:
    """Per column, three widths (twips) it asks for, in order of need:

    0. its header words and short labels unbroken;
    1. identifiers up to 20 characters unbroken, and prose columns a readable 16;
    2. identifiers up to 32 characters unbroken, and prose its longest line (at most 120).
    """
    levels: list[list[int]] = [[], [], []]
    sample = rows if len(rows) <= SAMPLE_ROWS else rows[:: max(1, len(rows) // SAMPLE_ROWS)]
    for index, column in enumerate(columns):
        header = display_units(column.header)
        token = longest = 0
        for row in sample:
            for line in _cell_text(row[index]):
                token = max(token, _longest_token(line))
                longest = max(longest, display_units(line))
        # Header words are bold, about a fifth wider than body text.
        hard = max(column.min_chars, math.ceil(1.2 * min(_longest_token(column.header), 12)), min(header, 10),
                   min(token, 8))
        if column.literal:
            wants = [hard, max(hard, min(token, 20)), max(hard, min(token, 32), min(longest, 32))]
        else:
            wants = [hard, max(hard, min(longest, 16)), max(hard, min(max(longest, header), 120))]
        for level, units in enumerate(wants):
            levels[level].append(units * TWIPS_PER_UNIT + CELL_MARGIN)
    levels[1] = [max(a, b) for a, b in zip(levels[0], levels[1])]
    levels[2] = [max(a, b) for a, b in zip(levels[1], levels[2])]
    return levels


def column_widths(columns: list[L.Column], rows: list[list[L.Cell]], available: int,
                  levels: list[list[int]] | None = None) -> list[int]:
    """Column widths in twips that fill exactly ``available``.

    Every column first gets its level-0 width (see :func:`_levels`); the rest is handed out
    level by level, so identifiers and short prose are readable before any column grows to its
    longest line. Within the last level, columns grow in proportion to the square root of how
    much more they want, times their weight. Large tables are sampled.
    """
    levels = levels or _levels(columns, rows)
    widths = [float(w) for w in levels[0]]
    if sum(widths) >= available:
        return _fit([w * available / sum(widths) for w in widths], available)
    for level, target in enumerate(levels[1:], 1):
        spare = available - sum(widths)
        demand = [t - w for t, w in zip(target, widths)]
        if sum(demand) <= spare:
            widths = [float(t) for t in target]
            continue
        if level == 1:
            widths = [w + d * spare / sum(demand) for w, d in zip(widths, demand)]
        else:
            widths = _share(widths, target, columns, spare)
        return _fit(widths, available)
    return _fit([w * available / sum(widths) for w in widths], available)


def _share(widths: list[float], target: list[int], columns: list[L.Column], spare: float) -> list[float]:
    """Hand out ``spare`` by sqrt(want) x weight, never past a column's target."""
    widths = list(widths)
    wants = [math.sqrt(max(0.0, t - w)) * c.weight for t, w, c in zip(target, widths, columns)]
    while spare > 1 and any(wants):
        total = sum(wants)
        given = 0.0
        for i, want in enumerate(wants):
            if not want:
                continue
            share = min(spare * want / total, target[i] - widths[i])
            widths[i] += share
            given += share
            if widths[i] >= target[i] - 1:
                wants[i] = 0
        spare -= given
        if given < 1:
            break
    return widths


def _fit(widths: list[float], available: int) -> list[int]:
    result = [max(1, math.floor(w)) for w in widths]
    result[-1] -= max(0, sum(result) - available)
    return result


def table_levels(table: L.Table) -> list[list[int]]:
    """The width levels of a table (computed once, used to choose orientation and widths)."""
    return _levels(table.columns, table.rows)


def needs_landscape(table: L.Table, levels: list[list[int]], portrait_width: int) -> bool:
    """A table goes on a landscape page when its words do not fit the portrait width, when it
    has many columns, or when it holds so much text that portrait rows would be very tall."""
    hard, readable, natural = levels
    return len(table.columns) >= 8 or sum(readable) > portrait_width or sum(natural) > LANDSCAPE_TEXT_FACTOR * portrait_width


def _tbl_pr(ctx: Context, width: int, border_color: str, caption: str | None = None) -> str:
    sides = "".join(f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="{border_color}"/>'
                    for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
    # Borders again as direct table properties: some readers ignore table-style borders.
    # firstRow="1" in tblLook tells Word (and pandoc) that the first row is a header row.
    return (
        f'<w:tblPr><w:tblStyle w:val="{esc(ctx.styles["table"])}"/><w:tblW w:w="{width}" w:type="dxa"/>'
        f"<w:tblBorders>{sides}</w:tblBorders><w:tblLayout w:type=\"fixed\"/>"
        '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" '
        'w:noHBand="1" w:noVBand="1"/>'
        # The table's title (Word: Table Properties > Alt Text), which pandoc reads as its caption.
        + (f'<w:tblCaption w:val="{esc(caption)}"/>' if caption else "")
        + "</w:tblPr>"
    )


def build_table(ctx: Context, table: L.Table, available: int, header_fill: str, border_color: str,
                levels: list[list[int]] | None = None, caption: str | None = None) -> str:
    """The w:tbl (as WordprocessingML text) for a layout table, at most ``available`` twips
    wide; ``caption`` (the caption paragraph's text) is stored as the table's title."""
    widths = column_widths(table.columns, table.rows, available, levels)
    cell_open = [f'<w:tc><w:tcPr><w:tcW w:w="{w}" w:type="dxa"/></w:tcPr>' for w in widths]
    heading = ctx.styles["table_heading"]
    header_cells = "".join(
        f'<w:tc><w:tcPr><w:tcW w:w="{w}" w:type="dxa"/><w:shd w:val="clear" w:color="auto" w:fill="{header_fill}"/>'
        f"</w:tcPr>{paragraph_xml(heading, run_xml(column.header))}</w:tc>"
        for column, w in zip(table.columns, widths)
    )
    parts = [
        "<w:tbl>", _tbl_pr(ctx, sum(widths), border_color, caption), "<w:tblGrid>",
        "".join(f'<w:gridCol w:w="{w}"/>' for w in widths), "</w:tblGrid>",
        f"<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>{header_cells}</w:tr>",
    ]
    styles = BlockStyles(ctx.styles["table_text"], in_table=True)
    list_style = ctx.styles["table_list"]
    for values in table.rows:
        keep = "<w:cantSplit/>" if not _very_tall(values, widths) else ""
        parts.append(f"<w:tr><w:trPr>{keep}</w:trPr>")
        for value, column, opening in zip(values, table.columns, cell_open):
            parts.append(opening)
            parts.append(_cell_content(ctx, value, column, styles, list_style))
            parts.append("</w:tc>")
        parts.append("</w:tr>")
    parts.append("</w:tbl>")
    return "".join(parts)


def _very_tall(values: list[L.Cell], widths: list[int]) -> bool:
    """Rows stay on one page, except a row so tall (about half a page or more) that keeping it
    whole would leave a page mostly empty."""
    if sum(len(v) if isinstance(v, str) else sum(map(len, v)) for v in values) < MAX_ROW_LINES * 8:
        return False
    for value, width in zip(values, widths):
        capacity = max(1, (width - CELL_MARGIN) // TWIPS_PER_UNIT)
        lines = sum(-(-max(1, display_units(line)) // capacity) for line in _cell_text(value))
        if lines > MAX_ROW_LINES:
            return True
    return False


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
    bodies = [p.body for p in markdown_paragraphs(ctx, text, BlockStyles(style, in_table=True))]
    joined = run_xml("\n").join(bodies)
    return paragraph_xml(style, run_xml(f"{number}. ") + joined)
