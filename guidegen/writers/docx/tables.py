"""Tables: widths sized to content within the text width, repeated header rows, no split rows.

Rows are built as ``w:tr``/``w:tc`` elements directly (python-docx's ``add_row().cells``
rebuilds the cell grid on every call and slows down sharply on large tables).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from guidegen.document import layout as L
from guidegen.writers.common import cell_key
from guidegen.writers import metrics
from guidegen.writers.docx.inline import (
    ZWSP,
    BlockStyles,
    Context,
    InlineWriter,
    esc,
    markdown_paragraphs,
    markdown_xml,
    paragraph_xml,
    run_xml,
)

CELL_MARGIN = 170  # twips: the table style's left and right cell margins (80 + 80) and a little air
MAX_ROW_LINES = 14  # a taller row may break across pages
SAMPLE_ROWS = 120  # rows measured per table to size its columns
PROSE_WORD_CAP = 1900  # twips (22 letters at 9 pt): a longer piece of prose (a URL, a path) may wrap anywhere
LABEL_CAP = 1900  # twips: a cell no wider than this on one line is a label, kept on one line when room allows
WRAP_LOSS = 0.9  # share of a line that greedy wrapping fills on average
# Usable text height of a landscape page over a portrait one (A4 with the default margins):
# a landscape table must save more lines than this ratio costs.
LANDSCAPE_HEIGHT_RATIO = 0.66
BREAK_AFTER = "._/-"  # characters an identifier may break after when its column must wrap
_LONG = 12  # characters: a shorter token in prose is never given break opportunities
_LONG_TOKEN = re.compile(rf"[^\s]{{{_LONG},}}")
_SPACES = re.compile(r"\s+")
SHORT_CJK = 4  # ideographs: a run this short is a word or a term, kept on one line
_CJK_TERM = re.compile("[\u3400-\u4dbf\u4e00-\u9fff]+")
_BREAKABLE = re.compile(r"(?<=[._/-])(?=[^\s._/-])")
_PIECE = re.compile(r"[^._/-]+[._/-]*|[._/-]+")  # for a token without spaces: splits as _BREAKABLE does
_WIDE_RUN = re.compile(r"[\u2e80-\u9fff\uff00-\uffef]+")


@dataclass
class Measure:
    """What a table's text asks of each column's width (twips, cell margins included)."""

    header: list[int]  # the header's words (bold): the last thing to give way
    floor: list[int]  # header words, prose words and numbers, identifier pieces: never broken
    whole: list[int]  # identifiers and code values unbroken
    most: list[int]  # three in four of a column's identifiers unbroken
    label: list[int]  # short cells (a name, a week range) on one line
    # Per distinct sampled row (rows whose every cell measures the same count once), per column:
    # the width of each paragraph; and how many sampled rows each stands for.
    paragraphs: list[list[list[int]]]
    weights: list[float]
    counts: list[int]
    sized: dict[int, list[int]] = field(default_factory=dict)  # column_widths per available width


def _pieces(token: str) -> list[str]:
    """The parts of an identifier (no spaces) between its allowed break points (after . _ / -)."""
    return _PIECE.findall(token) or [token]


def _unbroken(text: str) -> list[str]:
    """Pieces of prose that must not wrap: Latin words and numbers, and the parts of an
    identifier between the places it may break (see :func:`breakable`). CJK may wrap anywhere,
    but a run of up to SHORT_CJK ideographs ("字符串", the "时间戳" of "时间戳（UTC）") is a
    word or a term, kept on one line."""
    pieces = [run for run in _CJK_TERM.findall(text) if len(run) <= SHORT_CJK]
    for token in _SPACES.split(text):
        for part in _WIDE_RUN.split(token):
            pieces += [p for p in _pieces(part) if p] if len(part) >= _LONG else [part] if part else []
    return pieces


_CODE_SPAN = re.compile(r"`([^`\n]+)`")
_MARKUP = re.compile(r"\*\*|(?<!\w)[*_]+|[*_]+(?!\w)|~~|!?\[([^\]]*)\]\([^)]*\)|<(https?://[^>]*)>|\\(?=[^\w\s])")
_LIST_MARK = re.compile(r"^\s*(?:[-+*]|>|#{1,6})\s+", re.MULTILINE)


def _plain(text: str) -> str:
    """Markdown as shown, roughly: markers dropped (an underscore inside a word is kept),
    inline code marked for measuring in its monospaced font (see metrics.em_width)."""
    text = _CODE_SPAN.sub(lambda m: metrics.CODE_START + m.group(1) + metrics.CODE_END, text)
    text = _LIST_MARK.sub("• ", text)
    return _MARKUP.sub(lambda m: m.group(1) or m.group(2) or "", text)


def _cell_lines(cell: L.Cell, literal: bool = False) -> list[str]:
    if isinstance(cell, list):
        return [f"{n}. {_plain(x)}" for n, x in enumerate(cell, 1)]
    return (cell if literal else _plain(cell)).split("\n")


# A Chinese header too long for its column is split once, between words: after a joining
# character, or before a common closing noun; the nearest such place to the middle wins.
_JOINERS = "与和及、的"
_CLOSING_NOUNS = ("对象", "系统", "字段", "规则", "日期", "时间", "类型", "名称", "编号", "说明", "方式", "标准", "要求",
                  "条件", "结果", "频率", "角色", "人员", "交付", "冻结", "联调", "上线", "文档", "配置")


def header_lines(header: str) -> list[str]:
    """A Chinese header of more than four characters as two lines split between words (Latin
    headers wrap at their spaces)."""
    if " " in header or not any(metrics.is_wide(c) for c in header) or len(header) <= 4:
        return [header]
    n = len(header)
    places = [k for k in range(2, n - 1) if header[k - 1] in _JOINERS or header.startswith(_CLOSING_NOUNS, k)]
    if header[-2:] in _CLOSING_NOUNS and n - 2 >= 2:
        places.append(n - 2)
    k = min(places, key=lambda k: (abs(2 * k - n), k)) if places else (n + 1) // 2
    return [header[:k], header[k:]]


def _header_floor(header: str, size: int, east_asian: bool) -> int:
    """The widest header word (bold); a long Chinese header takes its two lines' width."""
    if any(metrics.is_wide(c) for c in header) and " " not in header:
        words = header_lines(header)
    else:
        words = header.split()
    return max((metrics.twips(w, size, True, east_asian) for w in words), default=0)


def measure_table(table: L.Table, size: int, east_asian: bool) -> Measure:
    """Measure a table's header and (a sample of) its cells at ``size`` half-points."""
    rows = table.rows if len(table.rows) <= SAMPLE_ROWS else table.rows[:: max(1, len(table.rows) // SAMPLE_ROWS)]
    header, floor, whole, most, label = [], [], [], [], []
    average = metrics.twips("n", size)
    columns: list[list[list[int]]] = []  # per column, per sampled row: the width of each paragraph
    for index, column in enumerate(table.columns):
        header.append(_header_floor(column.header, size, east_asian) + CELL_MARGIN)
        low = max(column.min_chars * average, header[-1] - CELL_MARGIN)
        high = short = low
        tokens: list[int] = []
        widths: list[list[int]] = []
        seen: dict[L.Cell | tuple[str, ...], list[int]] = {}  # a repeated cell is measured once
        seen_tokens: dict[L.Cell | tuple[str, ...], list[int]] = {}
        for row in rows:
            cell = row[index]
            key = cell_key(cell)
            known = seen.get(key)
            if known is not None:
                widths.append(known)
                if column.literal:
                    tokens += seen_tokens[key]
                continue
            lines = _cell_lines(cell, column.literal)
            measured = [metrics.twips(line, size, False, east_asian) for line in lines]
            cell_tokens: list[int] = []
            for line, width in zip(lines, measured):
                if width <= LABEL_CAP:
                    short = max(short, width)
                if column.literal:
                    for token in _SPACES.split(line):
                        if token:
                            cell_tokens.append(metrics.twips(token, size, False, east_asian))
                            high = max(high, cell_tokens[-1])
                            low = max(low, max(metrics.twips(p, size, False, east_asian) for p in _pieces(token)))
                else:
                    for piece in _unbroken(line):
                        low = max(low, min(PROSE_WORD_CAP, metrics.twips(piece, size, False, east_asian)))
            if column.literal:
                seen_tokens[key] = cell_tokens
                tokens += cell_tokens
            seen[key] = measured
            widths.append(measured)
        floor.append(low + CELL_MARGIN)
        whole.append(high + CELL_MARGIN)
        tokens.sort()
        most.append(max(low, tokens[(len(tokens) * 3) // 4] if tokens else 0) + CELL_MARGIN)
        label.append(short + CELL_MARGIN)
        columns.append(widths)
    distinct: dict[tuple[tuple[int, ...], ...], int] = {}  # row -> its index in paragraphs
    paragraphs: list[list[list[int]]] = []
    counts: list[int] = []
    for row in zip(*columns) if columns else ([] for _ in rows):
        key = tuple(map(tuple, row))
        at = distinct.setdefault(key, len(paragraphs))
        if at == len(paragraphs):
            paragraphs.append(list(row))
            counts.append(0)
        counts[at] += 1
    return Measure(header, floor, whole, most, label, paragraphs, [c.weight for c in table.columns], counts)


def _lines(paragraphs: list[int], width: float) -> float:
    """About how many lines a cell's paragraphs take in a column ``width`` twips wide."""
    usable = max(1.0, (width - CELL_MARGIN) * WRAP_LOSS)
    if len(paragraphs) == 1:
        return max(1.0, paragraphs[0] / usable)
    return sum(max(1.0, p / usable) for p in paragraphs) if paragraphs else 1.0


def table_lines(m: Measure, widths: list[float]) -> float:
    """The table's estimated height in lines: every row is as tall as its tallest cell."""
    return sum(max(_lines(cell, w) for cell, w in zip(row, widths)) * count for row, count in zip(m.paragraphs, m.counts))


def column_widths(m: Measure, available: int) -> list[int]:
    """Column widths in twips that fill exactly ``available`` (see :func:`_column_widths`);
    computed once per measured table and width."""
    if available not in m.sized:
        m.sized[available] = _column_widths(m, available)
    return list(m.sized[available])


def _column_widths(m: Measure, available: int) -> list[int]:
    """Column widths in twips that fill exactly ``available``.

    Every column first gets its floor (no header word, prose word or number broken); then,
    smallest need first while they fit, columns of short labels (up to LABEL_CAP) grow to hold
    each label on one line, identifier columns to hold their identifiers whole (else three in
    four of them), and the columns of longer labels. The rest of the width goes, a step at a
    time, to the column where it saves the most lines of table height (a column full in one row
    only saves little); what saves nothing is shared by the columns' weights.
    """
    widths = [float(w) for w in m.floor]
    if sum(widths) >= available:  # even the floors do not fit: words must break, header words last
        base = m.header if sum(m.header) < available else [0] * len(widths)
        excess = [f - b for f, b in zip(widths, base)]
        share = (available - sum(base)) / (sum(excess) or 1)
        return _fit([b + e * share for b, e in zip(base, excess)], available)
    # Short labels before whole identifiers: "字符串 → 枚 / 举" reads worse than an identifier
    # wrapped after its "." or "_".
    short_labels = [label if label <= LABEL_CAP + CELL_MARGIN else floor for label, floor in zip(m.label, m.floor)]
    for wanted in (short_labels, m.whole, m.most, m.label):
        for i in sorted(range(len(widths)), key=lambda i: wanted[i] - widths[i]):
            extra = wanted[i] - widths[i]
            if extra > 0 and sum(widths) + extra <= available:
                widths[i] += extra
    spare = available - sum(widths)
    step = max(40.0, spare / 60)
    lines = [[_lines(cell, w) for cell, w in zip(row, widths)] for row in m.paragraphs]
    # A wider column lowers a row only where that column alone is the row's tallest cell: each
    # row's tallest column (when unique) and the next tallest cell are kept up to date.
    tops = [_top(row) for row in lines]
    taller = [[r for r, row in enumerate(lines) if row[c] > 1.0] for c in range(len(widths))]  # one line cannot get lower
    while spare >= step:
        gains = [0.0] * len(widths)
        wider = [w + step for w in widths]
        for row, (top, tallest, second), count in zip(m.paragraphs, tops, m.counts):
            if top >= 0:
                gains[top] += (tallest - max(second, _lines(row[top], wider[top]))) * count
        best = max(range(len(widths)), key=lambda c: (gains[c], -c))
        if gains[best] <= 1e-3:
            break
        widths[best] += step
        spare -= step
        still = []
        for r in taller[best]:  # rows where this column's cell has more than one line
            cells = lines[r]
            new = _lines(m.paragraphs[r][best], widths[best])
            if new != cells[best]:
                cells[best] = new
                tops[r] = _top(cells)
            if new > 1.0:
                still.append(r)
        taller[best] = still
    if spare > 0:
        total = sum(m.weights) or 1.0
        widths = [w + spare * weight / total for w, weight in zip(widths, m.weights)]
    return _fit(widths, available)


def _top(lines: list[float]) -> tuple[int, float, float]:
    """The column of a row's tallest cell (-1 when several tie), its lines and the next
    tallest cell's."""
    tallest = max(lines)
    if lines.count(tallest) > 1:
        return -1, tallest, tallest
    top = lines.index(tallest)
    return top, tallest, max(lines[:top] + lines[top + 1:], default=0.0)


def _fit(widths: list[float], available: int) -> list[int]:
    result = [max(1, math.floor(w)) for w in widths]
    result[-1] += available - sum(result)
    return result


def needs_landscape(table: L.Table, m: Measure, portrait_width: int, landscape_width: int) -> bool:
    """A table goes on a landscape page when its words or identifiers do not fit the portrait
    width, when it has many columns, or when landscape saves more lines than its shorter
    pages cost."""
    if len(table.columns) >= 8 or sum(m.floor) > portrait_width:
        return True
    portrait = table_lines(m, [float(w) for w in column_widths(m, portrait_width)])
    landscape = table_lines(m, [float(w) for w in column_widths(m, landscape_width)])
    fits_whole = sum(max(f, w) for f, w in zip(m.floor, m.whole)) <= portrait_width
    return landscape < portrait * LANDSCAPE_HEIGHT_RATIO or (not fits_whole and landscape < portrait)


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


def build_table(ctx: Context, table: L.Table, available: int, border_color: str,
                m: Measure, size: int, east_asian: bool, caption: str | None = None) -> str:
    """The w:tbl (as WordprocessingML text) for a layout table, at most ``available`` twips
    wide, with text measured at ``size`` half-points; ``caption`` (the caption paragraph's
    text) is stored as the table's title."""
    widths = column_widths(m, available)
    cell_open = [f'<w:tc><w:tcPr><w:tcW w:w="{w}" w:type="dxa"/></w:tcPr>' for w in widths]
    heading = ctx.styles["table_heading"]
    header_cells = "".join(
        # The header's shading comes from the table style's first-row formatting (tblStylePr).
        f'<w:tc><w:tcPr><w:tcW w:w="{w}" w:type="dxa"/>'
        f"</w:tcPr>{paragraph_xml(heading, run_xml(_header_text(column.header, w, size, east_asian)))}</w:tc>"
        for column, w in zip(table.columns, widths)
    )
    parts = [
        "<w:tbl>", _tbl_pr(ctx, sum(widths), border_color, caption), "<w:tblGrid>",
        "".join(f'<w:gridCol w:w="{w}"/>' for w in widths), "</w:tblGrid>",
        f"<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>{header_cells}</w:tr>",
    ]
    styles = BlockStyles(ctx.styles["table_text"], in_table=True)
    list_style = ctx.styles["table_list"]
    # Identifiers wider than their column get break opportunities after . _ / - (only there).
    room = [w - CELL_MARGIN for w in widths]
    # A column's cells often repeat (types, yes/no, directions, shared rules): each distinct
    # cell is converted once per column.
    done: list[dict[L.Cell | tuple[str, ...], str]] = [{} for _ in widths]
    for values in table.rows:
        keep = "<w:cantSplit/>" if not _very_tall(values, widths, size, east_asian) else ""
        parts.append(f"<w:tr><w:trPr>{keep}</w:trPr>")
        for value, column, opening, space, seen in zip(values, table.columns, cell_open, room, done):
            key = cell_key(value)
            xml = seen.get(key)
            if xml is None:
                xml = seen[key] = _cell_xml(ctx, value, column, styles, list_style, space, size, east_asian)
            parts.append(opening)
            parts.append(xml)
            parts.append("</w:tc>")
        parts.append("</w:tr>")
    parts.append("</w:tbl>")
    return "".join(parts)


def _cell_xml(ctx: Context, value: L.Cell, column: L.Column, styles: BlockStyles, list_style: str, space: int,
              size: int, east_asian: bool) -> str:
    """One cell's paragraphs, with break opportunities in identifiers wider than ``space``."""
    wrap = lambda text: breakable(text, space, size, east_asian)  # noqa: E731
    if not column.literal:  # Markdown: identifiers in the prose (not links) may break too
        value = [breakable(v, space, size, east_asian, True) for v in value] if isinstance(value, list) else \
            breakable(value, space, size, east_asian, True)
    return _cell_content(ctx, value, column, styles, list_style, wrap)


def _header_text(header: str, width: int, size: int, east_asian: bool) -> str:
    """The header as shown: a Chinese header that does not fit on one line breaks between words."""
    lines = header_lines(header)
    if len(lines) > 1 and metrics.twips(header, size, True, east_asian) > width - CELL_MARGIN:
        return "\n".join(lines)
    return header


def breakable(text: str, room: int, size: int, east_asian: bool, markdown: bool = False) -> str:
    """``text`` with a zero-width space after each . _ / - inside every identifier wider than
    ``room`` twips: the only places a reader may then break it. Narrower ones are untouched,
    and in Markdown so are links and URLs."""
    if markdown and not _LONG_TOKEN.search(text):
        return text
    if metrics.twips(text, size, False, east_asian) <= room:  # no word in it can be wider than the whole
        return text

    def token(match: re.Match[str]) -> str:
        word = match.group(0)
        if metrics.twips(word, size, False, east_asian) <= room or (markdown and ("](" in word or "://" in word or "<" in word)):
            return word
        return _BREAKABLE.sub(ZWSP, word)

    return re.sub(r"\S+", token, text)


def _very_tall(values: list[L.Cell], widths: list[int], size: int, east_asian: bool) -> bool:
    """Rows stay on one page, except a row so tall (about half a page or more) that keeping it
    whole would leave a page mostly empty."""
    if sum(len(v) if isinstance(v, str) else sum(map(len, v)) for v in values) < MAX_ROW_LINES * 8:
        return False
    return any(_lines([metrics.twips(line, size, False, east_asian) for line in _cell_lines(value)], width) > MAX_ROW_LINES
               for value, width in zip(values, widths))


def _cell_content(ctx: Context, value: L.Cell, column: L.Column, styles: BlockStyles, list_style: str,
                  wrap=None) -> str:  # noqa: ANN001 - Callable[[str], str] | None
    """The paragraphs of one cell (a cell always ends with a paragraph)."""
    if isinstance(value, list):
        return "".join(_numbered(ctx, n, item, list_style) for n, item in enumerate(value, 1)) or paragraph_xml(
            styles.paragraph, "")
    if not value:
        return paragraph_xml(styles.paragraph, "")
    if column.literal:  # identifiers: taken as written, but a URL still becomes a link
        if "http" not in value:  # no link: one plain run (what InlineWriter.text makes of it)
            return paragraph_xml(styles.paragraph, run_xml(wrap(value) if wrap else value))
        writer = InlineWriter(ctx, display=wrap)
        writer.text(value)
        return paragraph_xml(styles.paragraph, writer.xml())
    return "".join(markdown_xml(ctx, value, styles))


def _numbered(ctx: Context, number: int, text: str, style: str) -> str:
    """One numbered step; a step of several paragraphs is kept in one, with line breaks."""
    bodies = [p.body for p in markdown_paragraphs(ctx, text, BlockStyles(style, in_table=True))]
    joined = run_xml("\n").join(bodies)
    return paragraph_xml(style, run_xml(f"{number}. ") + joined)
