"""XLSX writer: the field-mapping workbook client teams review, fill in and sign off.

Sheets: Instructions, Engagement, one mapping sheet per entity, Summary (live counts and the
sign-off block), enum mappings, transformation and validation rules, interfaces, security and
compliance controls, test cases, traceability, plan, monitoring metrics, risks, open issues,
change log, references, a hidden list sheet for drop-downs (labels with their codes), and a
hidden index that ``guidegen import-mapping`` reads back. Every sheet has its full title in
A1, a frozen, shaded header row (row 2) and first column, an autofilter, widths fitted to
content, wrapped text and print setup. Text stays text: a value that looks like a formula is
stored as a string cell. Only this module imports openpyxl.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import uuid
import zipfile
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Sequence

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.writer.excel import ExcelWriter

from guidegen.core import i18n
from guidegen.core.errors import Location, UserError
from guidegen.guide.model import Guide
from guidegen.content.tables import (
    COLUMN_CODE_PREFIX,
    INDEX_SHEET,
    LIST_CODE_SUFFIX,
    TABLES,
    WORKBOOK_FORMAT,
    ColumnSpec,
    TableSpec,
)
from guidegen.core.spreadsheet import MAX_CELL_TEXT, needs_text_protection, sheet_title  # noqa: F401 - re-exported
from guidegen.core.text import clean_text, escape_markdown
from guidegen.core.vocab import CODE_GROUPS, review_status
from guidegen.writers import WriterOptions, metrics
from guidegen.writers.common import markdown_to_plain, normalize_zip
from guidegen.writers.xlsx import rows as rows_text

EXTRA_ROWS = 300  # rows below the data that still get drop-downs, for additions
# Every sheet opens with its full title in A1 (sheet names are cut to 31 characters); the
# column headers are in row 2 and the data starts in row 3.
TITLE_ROW, HEADER_ROW, FIRST_ROW = 1, 2, 3
TITLE_SIZE = 12  # points
# Fonts are named explicitly: a cell without a font name shows in the reader's default, often a
# serif. LibreOffice substitutes metric-compatible fonts (Carlito, Noto Sans CJK) when absent.
_FONT_NAMES = {"zh": "Microsoft YaHei"}
_LATIN_FONT = "Calibri"
FONT_SIZE = 10  # body and header text, in points
_DATE_FORMAT = "yyyy-mm-dd"
# Row shading by review status on mapping sheets (Excel's own good / neutral / muted tones).
_STATUS_FILLS = {"approved": "C6EFCE", "to_review": "FFEB9C", "mapped": "FFEB9C", "not_required": "EDEDED",
                 "deprecated": "EDEDED"}
_HEADER_FILL = PatternFill("solid", fgColor="D9E2F3")
_THIN = Side(style="thin", color="8EAADB")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="top")
_TITLE_ALIGN = Alignment(vertical="center")  # not wrapped: the title runs on over the empty cells beside it
_TEXT_FORMAT = "@"  # Excel's Text format: what is typed into the cell stays text (never a formula or a number)
_HEADER_ALIGN = Alignment(wrap_text=True, vertical="center")

# Print layout. Sheets are printed at a fixed scale (never "fit to one page wide", which
# shrank a 23-column sheet to 3-4 pt): the smallest paper and orientation that holds the sheet
# at 100 %, else A3 landscape at no less than 80 % (10 pt text prints at >= 8 pt) with the
# columns that do not fit on following pages and the key column repeated.
MIN_PRINT_SCALE = 80
_MARGIN_IN = 0.7  # Excel's default left and right margins
_PAPERS = (("9", "portrait", 8.27), ("9", "landscape", 11.69), ("8", "landscape", 16.54))  # A4, A4, A3 (width, inches)
_UNIT_PX = 7  # Excel's column width unit in pixels at 96 dpi (the widest digit of Calibri 11)
_PX_PER_EM = FONT_SIZE * 96 / 72
_MEASURE_SAFETY = 1.04  # readers round glyph positions to pixels
_TOKEN = re.compile(f"[{metrics.WIDE_CLASS}] *|[^ {metrics.WIDE_CLASS}]+ *| +")  # what a line breaks between
_LATIN = {"zh": metrics.SHEET}  # how the Latin letters of the workbook font measure
_LINE_PT = {"zh": 17.0}  # a line of 10 pt text in the body font (Microsoft YaHei / Noto Sans CJK are taller)
_LATIN_LINE_PT = 13.5


_DIGIT_PX = metrics.em_width("0") * 11 * 96 / 72  # the widest digit of Calibri 11 pt, unrounded


def _column_points(width: float) -> float:
    """Printed width of a column of ``width`` characters, the wider of the two readers': Excel
    rounds the default font's widest digit to 7 px and adds 5 px of padding (at 96 dpi);
    LibreOffice takes the digit's exact width (Calibri / Carlito 11 pt: about 7.4 px) and no
    padding, so a wide column prints wider there."""
    return max(width * _UNIT_PX + 5, width * _DIGIT_PX) * 0.75


@dataclass(frozen=True)
class PrintLayout:
    """How a sheet prints: paper size code, orientation, scale (%) and the columns after which a
    new page starts (column groups of a sheet too wide for one page)."""

    paper: str
    orientation: str
    scale: int
    breaks: tuple[int, ...] = ()


def print_layout(widths: Sequence[float]) -> PrintLayout:
    """The print layout of a sheet with these column widths (in characters).

    The smallest paper that holds the sheet at 100 %; else A3 landscape at the largest scale
    (>= MIN_PRINT_SCALE) that holds it; else column groups on A3 landscape with the first column
    repeated: the fewest groups that fit at MIN_PRINT_SCALE, balanced so that no page is left
    mostly empty (a spreadsheet's own breaks fill each page in turn, so a wide column arriving
    late pushed most of a sheet onto the next page), printed at the largest scale the widest
    group allows.
    """
    points = [_column_points(w) for w in widths]
    need = sum(points)
    for paper, orientation, inches in _PAPERS:
        if need <= _printable(inches):
            return PrintLayout(paper, orientation, 100)
    paper, orientation, inches = _PAPERS[-1]
    printable = _printable(inches) * _PRINT_SAFETY  # readers measure columns slightly differently
    if need * MIN_PRINT_SCALE / 100 <= printable or len(points) < 3:
        return PrintLayout(paper, orientation, max(MIN_PRINT_SCALE, min(100, int(100 * printable / need))))
    key, rest = points[0], points[1:]
    room = max(printable * 100 / MIN_PRINT_SCALE - key, max(rest))
    count = len(_groups(rest, room))
    low, high = max(rest), room  # the smallest page width that still needs only `count` groups
    for _ in range(40):
        middle = (low + high) / 2
        low, high = (middle, high) if len(_groups(rest, middle)) > count else (low, middle)
    groups = _groups(rest, high)
    widest = max(sum(group) for group in groups)
    scale = max(MIN_PRINT_SCALE, min(100, int(100 * printable / (key + widest))))
    ends, column = [], 1
    for group in groups[:-1]:
        column += len(group)
        ends.append(column)
    return PrintLayout(paper, orientation, scale, tuple(ends))


_PRINT_SAFETY = 0.97


def _printable(inches: float) -> float:
    """Printable width in points of a page ``inches`` wide."""
    return (inches - 2 * _MARGIN_IN) * 72


def _groups(points: Sequence[float], room: float) -> list[list[float]]:
    """Columns filled into pages of width ``room`` in turn (each page as full as it goes)."""
    groups: list[list[float]] = [[]]
    for width in points:
        if groups[-1] and sum(groups[-1]) + width > room:
            groups.append([])
        groups[-1].append(width)
    return groups


def _shown(value: Any, literal: bool = False) -> str | None:
    """A cell's text as shown, for measuring (``literal``: an identifier, not Markdown)."""
    if value is None or isinstance(value, Formula):
        return None
    if isinstance(value, str):
        return value if literal else markdown_to_plain(value)
    return str(value)


@lru_cache(maxsize=1 << 16)
def _lines(text: str | None, width: float, latin: str, bold: bool = False) -> int:
    """Lines a wrapped cell showing ``text`` needs in a column ``width`` units wide: lines are
    broken after spaces and around CJK characters, as the readers break them; a word wider
    than the column is broken where it runs out of room."""
    if text is None:
        return 1
    room = max(width - 1.5, 1)
    total = 0
    for line in text.split("\n"):
        if _line_units(line, latin, bold) <= room:
            total += 1
            continue
        lines, used = 1, 0.0
        for token in _TOKEN.findall(line):
            word = _line_units(token.rstrip(" "), latin, bold)
            if used and used + word > room:
                lines, used = lines + 1, 0.0
            if word > room:  # broken inside the word; its last piece starts the next line's fill
                lines += int(word // room)
                used = word % room
            else:
                used += _line_units(token, latin, bold) if token[-1] == " " else word
        total += lines
    return total


class Formula(str):
    """A live formula (written by this module, never taken from content)."""


def _units(text: str, latin: str, bold: bool = False) -> float:
    """Width of the longest line in column units."""
    return max((_line_units(line, latin, bold) for line in text.split("\n")), default=0)


@lru_cache(maxsize=1 << 16)
def _line_units(line: str, latin: str, bold: bool = False) -> float:
    """Width of one line of FONT_SIZE text in column units: Excel's unit is the widest digit of
    the workbook's default font (Calibri 11: 7 px at 96 dpi). Measured with the font's own
    widths (``latin``: metrics.BODY, or metrics.SHEET in a Chinese workbook)."""
    return metrics.em_width(line, bold, latin == metrics.SHEET, latin) * _PX_PER_EM / _UNIT_PX * _MEASURE_SAFETY


def code_comment(code: str) -> Comment:
    """The comment that marks a header cell with its column code (import-mapping matches
    columns by it; see guidegen/workbook/columns.py)."""
    comment = Comment(f"{COLUMN_CODE_PREFIX} {code}", "guidegen")
    comment.width, comment.height = 160, 40
    return comment


def _too_long(guide: Guide, cell: str, row: list[Any], length: int) -> UserError:
    return UserError.single(
        Location(f"blueprint {guide.meta.blueprint}", cell=cell, path=f"row {row[0]!s:.60}"),
        "a text is longer than a workbook cell can hold", expected=f"at most {MAX_CELL_TEXT:,} characters per cell",
        given=f"{length:,} characters", hint="shorten the text in the blueprint, or render the guide without --format xlsx")


@dataclass
class Lists:
    """Drop-down values kept on a hidden sheet (inline lists are limited to 255 characters).

    Each list is two columns: the labels the drop-down offers, and beside them the codes they
    stand for (header ``<list>:code``). The importer reads the codes from the workbook it is
    given, so a workbook sent before a label was reworded still imports.
    """

    columns: dict[str, list[str]] = field(default_factory=dict)
    codes: dict[str, list[str]] = field(default_factory=dict)

    def add(self, key: str, values: Sequence[str], codes: Sequence[str]) -> None:
        self.columns[key] = list(values)
        self.codes[key] = list(codes)

    def formula(self, key: str, sheet: str) -> str:
        index = 2 * list(self.columns).index(key) + 1
        letter = get_column_letter(index)
        return f"{quote_sheetname(sheet)}!${letter}$2:${letter}${len(self.columns[key]) + 1}"


class _Book:
    def __init__(self, guide: Guide) -> None:
        self.guide = guide
        self.lang = guide.meta.lang
        self.wb = Workbook(write_only=True)
        self.taken: set[str] = {INDEX_SHEET.lower()}
        self.index: list[list[str]] = []
        self.lists = Lists()
        self.lists_title = ""
        self._styles: dict[tuple[bool, bool, str | None, bool, bool], StyleArray] = {}
        self._style_ids: dict[tuple[Any, ...], int] = {}
        self.splices: list[tuple[Any, bytes, bytes]] = []  # (sheet, marker row, rows as text)
        self.font = _FONT_NAMES.get(self.lang, _LATIN_FONT)
        self.latin = _LATIN.get(self.lang, metrics.BODY)

    def t(self, key: str, **values: Any) -> str:
        return i18n.t(self.lang, key, **values)

    def code(self, group: str, value: str | None) -> str:
        if not value:
            return ""
        m = self.guide.meta
        return i18n.code(self.lang, group, value, crm=m.crm, software=m.software)

    def prose_code(self, group: str, value: str | None) -> str:
        """A label for a prose cell (flattened from Markdown): the names in it escaped, so the cell
        shows them as written and matches the drop-down list."""
        return escape_markdown(self.code(group, value))

    def cell(self, ws: Any, value: Any, header: bool = False, literal: bool = False, locked: bool = True,
             date: bool = False, number_format: str | None = None) -> WriteOnlyCell:
        """A styled cell; prose is flattened from Markdown, identifiers are kept as written."""
        value, quote, style = self._prepare(value, header, literal, locked, date, number_format)
        cell = WriteOnlyCell(ws, value=value)
        if quote:
            cell.data_type = "s"  # text, never a formula
        # Styles are copied as index arrays from a prototype cell: assigning style objects to
        # every cell makes openpyxl hash them each time, which dominates large workbooks.
        cell._style = StyleArray(self._style(ws, *style))
        return cell

    def cell_xml(self, ws: Any, ref: str, value: Any, header: bool = False, literal: bool = False,
                 locked: bool = True, date: bool = False, number_format: str | None = None,
                 seen: dict[Any, str] | None = None) -> str:
        """The same cell as :meth:`cell`, as SpreadsheetML text (see rows.py). ``seen`` holds the
        cells already written in this column (with the same flags): a repeated value is written
        from it."""
        try:
            key = (value.__class__, value)
            tail = seen.get(key) if seen is not None else None
        except TypeError:  # an unhashable value
            key, tail = None, None
        if tail is None:
            value, quote, style = self._prepare(value, header, literal, locked, date, number_format)
            index = self._style_ids.get(style)
            if index is None:  # registered when first written, as openpyxl does: the same indexes
                index = self._style_ids[style] = self.wb._cell_styles.add(StyleArray(self._style(ws, *style)))
            tail = rows_text.cell_tail(index, value, quote)
            if seen is not None and key is not None:
                seen[key] = tail
        return f'<c r="{ref}"{tail}'

    def _prepare(self, value: Any, header: bool, literal: bool, locked: bool, date: bool,
                 number_format: str | None) -> tuple[Any, bool, tuple[bool, bool, str | None, bool]]:
        """A cell's value as stored, whether it is text that must stay text, and its style key."""
        if isinstance(value, Formula):
            return str(value), False, (header, locked, number_format, False)
        if isinstance(value, str):
            value = clean_text(value if header or literal else markdown_to_plain(value))
        quote = isinstance(value, str) and needs_text_protection(value)
        if (date or isinstance(value, dt.date)) and not header:
            number_format = _DATE_FORMAT
        elif number_format is None and not header and (value is None or isinstance(value, str)):
            number_format = _TEXT_FORMAT  # a text cell: what the reviewer types into it stays text
        return (value if value != "" else None), quote, (header, locked or header, number_format, quote)

    def _style(self, ws: Any, header: bool, locked: bool = True, number_format: str | None = None,
               quote: bool = False, title: bool = False) -> StyleArray:
        key = (header, locked, number_format, quote, title)
        if key not in self._styles:
            proto = WriteOnlyCell(ws)
            # Excel's quote prefix: the cell shows its text, and editing it keeps it text
            # (an '=' or '+' at the start does not turn it into a formula or a number).
            proto.quotePrefix = quote
            if title:
                proto.font = Font(name=self.font, size=TITLE_SIZE, bold=True, color="1F3864")
                proto.alignment = _TITLE_ALIGN
            elif header:
                proto.font = Font(name=self.font, size=FONT_SIZE, bold=True, color="1F3864")
                proto.fill, proto.alignment, proto.border = _HEADER_FILL, _HEADER_ALIGN, _BORDER
            else:
                proto.font = Font(name=self.font, size=FONT_SIZE)
                proto.alignment, proto.border = _WRAP, _BORDER
            if not locked:
                proto.protection = Protection(locked=False)
            if number_format:
                proto.number_format = number_format
            self._styles[key] = proto._style
        return self._styles[key]

    def _check_lengths(self, title: str, rows: list[list[Any]], literal: Sequence[int]) -> None:
        """Refuse a text longer than Excel's cell limit (a cut text would be imported back cut)."""
        for number, row in enumerate(rows, FIRST_ROW):
            for column, value in enumerate(row):
                if not isinstance(value, str) or len(value) <= MAX_CELL_TEXT:
                    continue
                length = len(clean_text(value if column in literal else markdown_to_plain(value)))
                if length > MAX_CELL_TEXT:
                    raise _too_long(self.guide, f"{title}!{get_column_letter(column + 1)}{number}", row, length)

    def sheet(self, name: str, kind: str, headers: list[str], rows: list[list[Any]],
              validations: dict[int, str] | None = None, entity: str = "", keys: Sequence[str] = (),
              literal: Sequence[int] = (), columns: Sequence[ColumnSpec] = (),
              blocks: Sequence[tuple[list[str], list[list[Any]]]] = (), formats: dict[int, str] | None = None,
              heading: str | None = None, header_words: bool = False) -> Any:
        """One data sheet: its full title (``heading``, else ``name``) in A1, the header row, the
        rows, and every working feature.

        ``columns`` (from a table declaration) adds the review features: input prompts, date
        cells, row shading by status and, when a column is locked, sheet protection. ``blocks``
        are further small tables (header, rows) below the first, after an empty row;
        ``formats`` gives number formats by column (0-based); ``header_words``: a column is sized
        to its header's longest word, not the whole header, which wraps (long names over short
        numbers).
        """
        title = sheet_title(name, self.taken)
        self._check_lengths(title, rows, literal)  # before the sheet exists: write-only sheets cannot be undone
        ws = self.wb.create_sheet(title)
        validations = validations or {}
        extra = [r for head, body in blocks for r in [head, *body]]
        latin = self.latin
        widths: list[float] = []
        for index, header in enumerate(headers, 1):
            shown = [_shown(row[index - 1], index - 1 in literal) for row in rows[:500]]
            shown += [_shown(v) for v in [*(r[index - 1] for r in extra if len(r) >= index),
                                          *self.lists.columns.get(validations.get(index, ""), [])]]  # every drop-down label
            words = header.split() if header_words else [header]
            width = max([*(_units(w, latin, True) for w in words), *(_units(t, latin) for t in shown if t is not None)])
            widths.append(round(max(8, min(width + 2, 60)), 1))
            dimension = ws.column_dimensions[get_column_letter(index)]
            dimension.width = widths[-1]
            if index <= len(columns):  # cells typed below the data: dates as dates, everything else as text
                dimension.number_format = _DATE_FORMAT if columns[index - 1].date else _TEXT_FORMAT
        ws.freeze_panes = f"B{FIRST_ROW}"
        last_col = get_column_letter(len(headers))
        last_row = max(len(rows) + HEADER_ROW, FIRST_ROW)
        ws.auto_filter.ref = f"A{HEADER_ROW}:{last_col}{last_row}"
        self._print_setup(ws, widths, title)
        line = _LINE_PT.get(self.lang, _LATIN_LINE_PT)
        ws.row_dimensions[TITLE_ROW].height = round(line * TITLE_SIZE / FONT_SIZE + 6, 1)
        shown_rows = [[_shown(v) for v in headers],
                      *([_shown(v, i in literal) for i, v in enumerate(row)] for row in rows),
                      *([[]] if blocks else []), *([_shown(v) for v in row] for row in extra)]
        bold = [True, *[False] * (len(rows) + bool(blocks)), *(i == 0 for _, body in blocks for i in range(len(body) + 1))]
        heights = [round(min(max((_lines(v, w, latin, heavy) for v, w in zip(row, widths)), default=1) * line + 4, 409), 1)
                   for row, heavy in zip(shown_rows, bold)]  # 409 pt: Excel's limit
        ws.row_dimensions[HEADER_ROW].height = heights[0]
        prompts = {i: c.prompt for i, c in enumerate(columns, 1) if c.prompt}
        end = len(rows) + HEADER_ROW + EXTRA_ROWS
        for column, list_key in validations.items():
            letter = get_column_letter(column)
            dv = DataValidation(type="list", formula1=self.lists.formula(list_key, self.lists_title), allow_blank=True)
            dv.error = self.t("xl_invalid_choice")
            dv.errorTitle = headers[column - 1]
            dv.showErrorMessage = True
            self._prompt(dv, headers[column - 1], prompts.pop(column, None))
            dv.add(f"{letter}{FIRST_ROW}:{letter}{end}")
            ws.data_validations.append(dv)
        for column, spec in enumerate(columns, 1):
            letter = get_column_letter(column)
            if spec.date:
                dv = DataValidation(type="date", operator="greaterThan", formula1="DATE(2000,1,1)", allow_blank=True)
                dv.error, dv.errorTitle, dv.showErrorMessage = self.t("xl_invalid_date"), headers[column - 1], True
            elif column in prompts:
                dv = DataValidation(type="custom", formula1="TRUE", allow_blank=True)  # a prompt, no restriction
            else:
                continue
            self._prompt(dv, headers[column - 1], prompts.get(column))
            dv.add(f"{letter}{FIRST_ROW}:{letter}{end}")
            ws.data_validations.append(dv)
        self._review_features(ws, columns, end)
        locked = {i for i, c in enumerate(columns) if c.locked}
        dates = {i for i, c in enumerate(columns) if c.date}
        formats = formats or {}
        title_cell = WriteOnlyCell(ws, value=clean_text(heading or name))
        title_cell.data_type = "s"
        title_cell._style = StyleArray(self._style(ws, False, title=True))
        ws.append([title_cell])
        header_cells = [self.cell(ws, h, header=True) for h in headers]
        for cell, key in zip(header_cells, keys):
            cell.comment = code_comment(key)  # import-mapping matches columns by this code
        ws.append(header_cells)
        refs = rows_text.letters(max([len(headers), *map(len, rows), *map(len, extra)]))
        text: list[str] = []
        number = FIRST_ROW
        seen: list[dict[Any, str]] = [{} for _ in refs]  # per column: each distinct value written once
        for row in rows:
            text.append(rows_text.row_xml(number, [
                self.cell_xml(ws, f"{ref}{number}", v, literal=i in literal, locked=i in locked or not locked,
                              date=i in dates, number_format=formats.get(i), seen=seen[i])
                for i, (ref, v) in enumerate(zip(refs, row))],
                heights[number - HEADER_ROW]))
            number += 1
        for head, body in blocks:
            text.append(rows_text.row_xml(number, [], heights[number - HEADER_ROW]))
            number += 1
            for values, header in [(head, True), *((r, False) for r in body)]:  # the body is filled in by hand
                text.append(rows_text.row_xml(number, [
                    self.cell_xml(ws, f"{ref}{number}", v, header=header, locked=header)
                    for ref, v in zip(refs, values)], heights[number - HEADER_ROW]))
                number += 1
        if text:  # openpyxl writes a marker row, replaced by these rows when the package is written
            marker = f"rows-{uuid.uuid4().hex}"
            ws.append([marker])
            self.splices.append((ws, rows_text.row_xml(FIRST_ROW, [rows_text.cell_xml(f"A{FIRST_ROW}", 0, marker)])
                                 .replace(' s="0"', "").encode(), "".join(text).encode("ascii")))
        self.index.append([title, kind, entity, ",".join(keys), str(HEADER_ROW)])
        return ws

    def _print_setup(self, ws: Any, widths: Sequence[float], title: str) -> None:
        """Paper, orientation and scale that keep text legible; header (client, title, sheet) and page numbers."""
        layout = print_layout(widths)
        ws.page_setup.paperSize, ws.page_setup.orientation = layout.paper, layout.orientation
        ws.page_setup.scale = layout.scale
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=False)
        ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
        if layout.scale < 100 or layout.paper == "8":
            ws.print_title_cols = "A:A"  # the key column on every page of a wide sheet
        for column in layout.breaks:  # a page break after this column (1-based)
            ws.col_breaks.append(Break(id=column))
        m = self.guide.meta
        escape = lambda text: text.replace("&", "&&")  # noqa: E731 - '&' starts a header code
        for part, text in ((ws.oddHeader.left, escape(m.client or "")), (ws.oddHeader.center, escape(m.title)),
                           (ws.oddHeader.right, "&A"), (ws.oddFooter.center, self.t("xl_page"))):
            part.text, part.size, part.font = text, FONT_SIZE, self.font

    def _prompt(self, dv: DataValidation, title: str, key: str | None) -> None:
        if not key:
            return
        labels = {c: self.code("status", c) for c in CODE_GROUPS["status"]}
        dv.prompt, dv.promptTitle, dv.showInputMessage = self.t(key, **labels)[:255], title[:32], True

    def _review_features(self, ws: Any, columns: Sequence[ColumnSpec], end: int) -> None:
        """Row shading by status; with locked columns, protection that leaves the others editable."""
        if not columns:
            return
        last = get_column_letter(len(columns))
        for column, spec in enumerate(columns, 1):
            if spec.choices != "status":
                continue
            letter = get_column_letter(column)
            for status, color in _STATUS_FILLS.items():
                label = self.code("status", status).replace('"', '""')
                fill = PatternFill(start_color=color, end_color=color, fill_type="solid")
                ws.conditional_formatting.add(f"A{FIRST_ROW}:{last}{end}",
                                              FormulaRule(formula=[f'${letter}{FIRST_ROW}="{label}"'], fill=fill))
        if not any(c.locked for c in columns):
            return
        for column, spec in enumerate(columns, 1):
            if not spec.locked:  # empty cells below the data take the column's style: new rows stay editable
                ws.column_dimensions[get_column_letter(column)].protection = Protection(locked=False)
        # Protection without a password: it guards against accidents, not people. Filtering,
        # sorting and resizing stay allowed.
        p = ws.protection
        p.sheet = True
        p.autoFilter = p.sort = p.formatColumns = p.formatRows = p.formatCells = False


def _lists(book: _Book) -> None:
    """Every code group's labels (drop-downs refer to them by group name), yes/no and alert levels."""
    for group, codes in CODE_GROUPS.items():
        book.lists.add(group, [book.code(group, c) for c in codes], codes)
    book.lists.add("yes_no", [book.t("yes"), book.t("no")], ["yes", "no"])
    book.lists.add("alert", ["P1", "P2", "P3"], ["P1", "P2", "P3"])


def _write_lists(book: _Book) -> None:
    ws = book.wb.create_sheet(book.lists_title)
    ws.sheet_state = "hidden"
    lists = book.lists
    keys = list(lists.columns)
    ws.append([name for k in keys for name in (k, f"{k}{LIST_CODE_SUFFIX}")])
    depth = max(len(v) for v in lists.columns.values())
    for i in range(depth):
        ws.append([values[i] if i < len(values) else None
                   for k in keys for values in (lists.columns[k], lists.codes[k])])
    book.index.append([book.lists_title, "lists", "", "", ""])


def _engagement(book: _Book) -> None:
    g, m = book.guide, book.guide.meta
    lo, hi = g.implementation.duration_weeks
    rows = [
        [book.t("cover_client"), escape_markdown(m.client or "")],
        [book.t("param_crm"), escape_markdown(m.crm)],
        [book.t("param_software"), escape_markdown(m.software)],
        [book.t("cover_integration"), escape_markdown(m.integration)],
        [book.t("cover_type"), m.software_kind],
        [book.t("cover_complexity"), book.code("complexity", m.complexity)],
        [book.t("cover_scenario"), book.code("scenario", m.scenario)],
        [book.t("param_language"), book.code("lang", m.lang)],
        [book.t("s_phases"), book.t("weeks_range", a=lo, b=hi)],
        [book.t("param_start_date"), m.start_date],
        [book.t("cover_version"), m.version],
        [book.t("cover_date"), m.date],
        [book.t("cover_author"), escape_markdown(m.author or "")],
    ]
    headers = [book.t("col_parameter"), book.t("col_param_value")]
    book.sheet(book.t("ws_engagement"), "engagement", headers, rows)


def _instructions(book: _Book) -> None:
    """How to review, what each status means and what not to change."""
    labels = {c: book.code("status", c) for c in CODE_GROUPS["status"]}
    keys = ("xl_howto_review", "xl_howto_status", "xl_howto_edit", "xl_howto_translation", "xl_howto_add",
            "xl_howto_keep", "xl_howto_issues", "xl_howto_summary")
    rows = [[n, book.t(k, **labels)] for n, k in enumerate(keys, 1)]
    book.sheet(book.t("ws_instructions"), "instructions", [book.t("col_step"), book.t("col_instruction")], rows)


def _summary(book: _Book) -> None:
    """Rows per status per entity as live formulas over the mapping sheets, and the sign-off block."""
    g = book.guide
    codes = TABLES["mapping"].codes()
    status = get_column_letter(codes.index("status") + 1)
    source = get_column_letter(codes.index("source") + 1)
    statuses = CODE_GROUPS["status"]
    names = {e.id: e.name for e in g.data.entities}
    sheets = [(entry[0], entry[2]) for entry in book.index if entry[1] == "mapping"]
    rows: list[list[Any]] = []
    total_col = get_column_letter(len(statuses) + 2)
    approved_col = get_column_letter(statuses.index("approved") + 2)
    first = FIRST_ROW
    for n, (title, entity) in enumerate(sheets, first):
        end = sum(1 for e in g.data.entities if e.id == entity for _ in e.fields) + HEADER_ROW + EXTRA_ROWS
        where = quote_sheetname(title)
        counts = [Formula(f'=COUNTIF({where}!${status}${first}:${status}${end},'
                          f'"{book.code("status", s).replace(chr(34), chr(34) * 2)}")') for s in statuses]
        rows.append([names.get(entity, entity), *counts, Formula(f"=COUNTA({where}!${source}${first}:${source}${end})"),
                     Formula(f"=IF({total_col}{n}=0,0,{approved_col}{n}/{total_col}{n})")])
    last = len(sheets) + HEADER_ROW
    n = last + 1
    rows.append([book.t("xl_total"), *_column_sums(range(2, len(statuses) + 3), first, last),
                 Formula(f"=IF({total_col}{n}=0,0,{approved_col}{n}/{total_col}{n})")])
    headers = [book.t("col_entity"), *[book.code("status", s) for s in statuses], book.t("col_total"),
               book.t("col_percent_approved")]
    approvals = [[a.role, a.name or "", a.date, ""] for a in g.approvals] or [
        [book.t(k), "", None, ""] for k in ("signoff_prepared", "signoff_reviewed", "signoff_approved")]
    signoff = [book.t(c.label) for c in TABLES["approvals"].columns]
    order = [c.code for c in TABLES["approvals"].columns]  # role, name, signature, date
    block = [[row[("role", "name", "date", "signature").index(code)] for code in order] for row in approvals]
    book.sheet(book.t("ws_summary"), "summary", headers, rows, blocks=[(signoff, block)],
               formats={len(headers) - 1: "0%"})
    # Written after the mapping sheets (its formulas name them), shown right after the instructions.
    sheets = book.wb._sheets  # write-only sheets are not in Workbook.worksheets, so move_sheet cannot see them
    sheets.insert(1, sheets.pop())


def _column_sums(columns: range, first: int, last: int) -> list[Formula]:
    """A totals row: the sum of rows ``first`` to ``last`` in each of ``columns`` (1-based)."""
    return [Formula(f"=SUM({get_column_letter(c)}{first}:{get_column_letter(c)}{last})") for c in columns]


def _spec_sheet(book: _Book, spec: TableSpec, name: str, kind: str, rows: list[dict[str, Any]], entity: str = "",
                heading: str | None = None, blocks: Sequence[tuple[TableSpec, list[dict[str, Any]]]] = ()) -> None:
    """A sheet whose columns come from a table declaration (and whose codes the importer reads);
    ``blocks`` are further declared tables below the first."""
    columns = spec.workbook_columns()
    validations = {i: c.choices for i, c in enumerate(columns, 1) if c.choices}
    literal = [i for i, c in enumerate(columns) if c.literal]
    below = [([book.t(c.workbook_label) for c in block.workbook_columns()],
              [[row.get(c.code, "") for c in block.workbook_columns()] for row in block_rows]) for block, block_rows in blocks]
    book.sheet(name, kind, [book.t(c.workbook_label) for c in columns], [[row.get(c.code, "") for c in columns] for row in rows],
               validations, entity=entity, keys=[c.code for c in columns], literal=literal, columns=columns,
               heading=heading, blocks=below)


def _mappings(book: _Book) -> None:
    g = book.guide
    prefix = book.t("ws_mapping_prefix")
    for e in g.data.entities:
        rows = [
            {
                "key": f.key, "source_system": book.prose_code("system", e.source), "source_object": f.source_object,
                "source": f.source, "source_type": book.code("field_type", f.source_type),
                "target_system": book.prose_code("system", e.target), "target_object": f.target_object,
                "target": f.target, "type": book.code("field_type", f.type),
                "required": "" if f.required is None else book.t("yes" if f.required else "no"),
                "direction": book.prose_code("direction", f.direction), "rule": f.rule or "",
                "validation": f.validation or "", "default": f.default or "", "example": f.example or "",
                "description": f.description or "", "note": f.note or "", "enum": f.enum or "",
                "status": book.code("status", review_status(f.status)),
                "reviewer": f.reviewer or "", "decided": f.decided, "comment": f.comment or "",
            }
            for f in e.fields
        ]
        _spec_sheet(book, TABLES["mapping"], prefix + e.name, "mapping", rows, entity=e.id,
                    heading=book.t("cap_mapping", name=e.name))


def _enums(book: _Book) -> None:
    rows = [{"code_set": cs.id, "code_set_name": cs.name, "source": v.source or "", "target": v.target,
             "description": v.description or ""} for cs in book.guide.data.enums for v in cs.values]
    _spec_sheet(book, TABLES["enum"], book.t("ws_enums"), "enums", rows)


def _interfaces(book: _Book) -> None:
    a = book.guide.architecture
    arrow = lambda i: " ↔ " if i.bidirectional else " → "  # noqa: E731
    rows = [{"id": i.id, "provider": book.prose_code("system", i.provider), "name": i.name, "kind": " / ".join(i.kind),
             "route": book.prose_code("system", i.source) + arrow(i) + book.prose_code("system", i.target),
             "purpose": i.purpose, "auth": i.auth or ""} for i in a.interfaces]
    if rows:
        _spec_sheet(book, TABLES["interfaces"], book.t("ws_interfaces"), "interfaces", rows,
                    heading=book.t("cap_interfaces"))


def _limits(book: _Book) -> None:
    rows = [{"id": x.id, "system": book.prose_code("system", x.system), "name": x.name, "value": x.value,
             "scope": x.scope or "", "note": x.note or ""} for x in book.guide.architecture.limits]
    if rows:
        _spec_sheet(book, TABLES["limits"], book.t("ws_limits"), "limits", rows, heading=book.t("cap_limits"))


def _controls(book: _Book) -> None:
    """Compliance requirements, and the security controls below them, on one sheet."""
    a = book.guide.architecture
    compliance = [c.model_dump(include={"id", "regulation", "requirement", "implementation"}) for c in a.compliance]
    security = [c.model_dump(include={"id", "area", "control"}) for c in a.security]
    if compliance or security:
        first, rest = ((TABLES["compliance"], compliance), [(TABLES["security"], security)]) if compliance else (
            (TABLES["security"], security), [])
        _spec_sheet(book, first[0], book.t("ws_controls"), "controls", first[1], blocks=[b for b in rest if b[1]])


def _transformations(book: _Book) -> None:
    rows = [{"id": r.id, "title": r.title, "text": r.text} for r in book.guide.data.transformations]
    if rows:
        _spec_sheet(book, TABLES["transformations"], book.t("ws_transformations"), "transformations", rows,
                    heading=book.t("cap_transformations"))


def _open_issues(book: _Book) -> None:
    """An empty log for the review's questions and findings (drop-downs and date cells below the header)."""
    _spec_sheet(book, TABLES["open_issues"], book.t("ws_open_issues"), "open_issues", [])


def _change_log(book: _Book) -> None:
    """Every reviewed workbook imported into the blueprint so far (the blueprint's change history)."""
    rows = [{"date": c.date, "workbook": c.workbook, "author": c.author or "", "version": c.version or "",
             "changed": c.changed, "added": c.added, "deleted": c.deleted, "fields": ", ".join(c.fields)}
            for c in book.guide.change_history]
    _spec_sheet(book, TABLES["change_log"], book.t("ws_change_log"), "change_log", rows)


def _rules(book: _Book) -> None:
    rows = [{"id": r.id, "title": r.title, "text": r.text, "on_failure": r.on_failure or ""}
            for r in book.guide.data.validations]
    _spec_sheet(book, TABLES["validations"], book.t("ws_validations"), "validations", rows)


def _tests(book: _Book) -> None:
    not_run = book.code("test_status", "not_run")
    rows = []
    for c in book.guide.testing.cases:
        expected = c.expected
        if c.thresholds:
            expected += "\n" + "\n".join(f"{t.metric}: {t.threshold}" for t in c.thresholds)
        rows.append({"id": c.id, "goals": ", ".join(c.goals), "category": book.code("test_category", c.category),
                     "title": c.title, "steps": "\n".join(f"{n}. {s}" for n, s in enumerate(c.steps, 1)),
                     "expected": expected, "acceptance": c.acceptance or "", "priority": book.code("level", c.priority),
                     "status": not_run, "tester": "", "date": None})
    _spec_sheet(book, TABLES["test_log"], book.t("ws_tests"), "tests", rows)


def _traceability(book: _Book) -> None:
    g = book.guide
    rows = []
    for tr in g.traceability:
        goal = g.goal(tr.goal)
        rows.append({"id": tr.goal, "goal": goal.title if goal else "", "tests": ", ".join(tr.tests),
                     "acceptance": ", ".join(tr.acceptance), "kpi": tr.kpi or "",
                     "coverage": book.t("covered") if tr.covered else book.t("uncovered")})
    _spec_sheet(book, TABLES["traceability"], book.t("ws_traceability"), "traceability", rows)


def _plan(book: _Book) -> None:
    g = book.guide
    rows = [{"name": p.name, "start_week": p.start_week, "end_week": p.end_week, "start_date": p.start_date,
             "end_date": p.end_date, "owners": i18n.locale(book.lang).join([g.role_name(r) for r in p.owners]),
             "deliverables": "\n".join(p.deliverables), "tasks": "\n".join(t.text for t in p.tasks)}
            for p in g.implementation.phases]
    _spec_sheet(book, TABLES["plan_sheet"], book.t("ws_plan"), "plan", rows)


def _effort(book: _Book) -> None:
    """The guide's effort estimate (person-days by role and phase) with live totals: a revised
    estimate adds up as it is typed. Days the estimate leaves at zero are empty cells."""
    im = book.guide.implementation
    effort = im.effort
    if not effort.rows:
        return
    role, total = TABLES["effort"].columns  # the layout puts one column per phase between them
    phases = len(im.phases)
    first, last = get_column_letter(2), get_column_letter(phases + 1)
    rows: list[list[Any]] = [
        [book.guide.role_name(r.role), *(d or None for d in r.days), Formula(f"=SUM({first}{n}:{last}{n})")]
        for n, r in enumerate(effort.rows, FIRST_ROW)]
    rows.append([book.t("effort_total_row"), *_column_sums(range(2, phases + 3), FIRST_ROW, len(effort.rows) + HEADER_ROW)])
    headers = [book.t(role.workbook_label), *(p.name for p in im.phases), book.t(total.workbook_label)]
    book.sheet(book.t("ws_effort"), "effort", headers, rows, heading=book.t("cap_effort"), header_words=True)


def _metrics(book: _Book) -> None:
    rows = [{"id": x.id, "category": x.category or "", "name": x.name, "description": x.description or "",
             "threshold": x.threshold or "", "level": x.level or ""} for x in book.guide.operations.metrics]
    _spec_sheet(book, TABLES["metrics"], book.t("ws_metrics"), "metrics", rows)


def _risks(book: _Book) -> None:
    rows = [{"id": r.id, "category": r.category, "risk": r.risk, "likelihood": book.code("level", r.likelihood),
             "impact": book.code("level", r.impact), "mitigation": r.mitigation or "", "owner": r.owner or ""}
            for r in book.guide.summary.risks]
    _spec_sheet(book, TABLES["risks"], book.t("ws_risks"), "risks", rows)


def _references(book: _Book) -> None:
    rows = [{"id": s.id, "title": s.title, "publisher": s.publisher or "", "url": s.url, "verified": s.verified}
            for s in book.guide.references]
    if rows:
        _spec_sheet(book, TABLES["references"], book.t("ws_references"), "references", rows)


def _index(book: _Book) -> None:
    """Hidden sheet telling import-mapping which sheet holds what (sheet, kind, entity, columns)."""
    ws = book.wb.create_sheet(INDEX_SHEET)
    ws.sheet_state = "hidden"
    m = book.guide.meta
    engagement = {"blueprint": m.blueprint, "lang": m.lang, "complexity": m.complexity, "scenario": m.scenario,
                  "crm": m.crm, "software": m.software, "client": m.client, "variables": m.variables,
                  "author": m.author, "version": m.version}
    ws.append([WORKBOOK_FORMAT, "1", m.blueprint, m.lang, json.dumps(engagement, ensure_ascii=False, sort_keys=True)])
    for row in book.index:
        ws.append(row)


def _discard(wb: Workbook) -> None:
    """Finish the write-only sheets of an abandoned workbook: left open, each one prints a
    traceback when the garbage collector closes its stream."""
    for ws in wb.worksheets:
        try:
            ws.close()
        except Exception:  # noqa: BLE001, S110 - discarding; the original error is what matters
            pass


def write_xlsx(guide: Guide, options: WriterOptions | None = None) -> bytes:
    """Render the guide's workbook (bytes of an .xlsx package)."""
    book = _Book(guide)
    _lists(book)
    book.lists_title = sheet_title(book.t("ws_lists"), book.taken)
    try:
        for build in (_instructions, _engagement, _mappings, _summary, _enums, _transformations, _rules, _interfaces,
                      _limits, _controls, _tests, _traceability, _plan, _effort, _metrics, _risks, _open_issues, _change_log, _references):
            build(book)
    except BaseException:
        _discard(book.wb)
        raise
    _write_lists(book)
    _index(book)
    m = guide.meta
    stamp = dt.datetime(m.date.year, m.date.month, m.date.day)
    props = book.wb.properties
    props.title = m.title
    props.subject = m.integration
    props.creator = m.author or ""
    props.lastModifiedBy = m.author or ""
    props.keywords = "; ".join(m.keywords)
    props.category = m.software_kind
    props.description = m.integration
    props.language = i18n.locale(m.lang).tag
    props.version = m.version
    props.created = stamp
    props.modified = stamp
    out = io.BytesIO()
    # ExcelWriter directly: Workbook.save() would stamp "modified" with the current time.
    ExcelWriter(book.wb, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, allowZip64=True)).save()
    sheets = book.wb.worksheets
    splices = {f"xl/worksheets/sheet{sheets.index(ws) + 1}.xml": (marker, text) for ws, marker, text in book.splices}
    return normalize_zip(out.getvalue(), (max(m.date.year, 1980), m.date.month, m.date.day, 0, 0, 0), splices)
