"""XLSX writer: the field-mapping workbook client teams review, fill in and sign off.

Sheets: Engagement (with a sign-off block), one mapping sheet per entity, enum mappings,
validation rules, test cases, traceability, plan, monitoring metrics, risks, a hidden list
sheet for drop-downs, and a hidden index that ``guidegen import-mapping`` reads back.
Every sheet has a frozen, shaded header row and first column, an autofilter, widths fitted to
content, wrapped text and print setup. Text stays text: a value that looks like a formula is
stored as a string cell. Only this module imports openpyxl.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import unicodedata
import zipfile
from dataclasses import dataclass, field
from typing import Any, Sequence

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.writer.excel import ExcelWriter

from guidegen.core import i18n
from guidegen.guide.model import Guide
from guidegen.content.tables import INDEX_SHEET, TABLES, WORKBOOK_FORMAT, TableSpec
from guidegen.core.spreadsheet import MAX_CELL_TEXT, needs_text_protection, sheet_title  # noqa: F401 - re-exported
from guidegen.core.text import clean_text
from guidegen.core.vocab import CODE_GROUPS
from guidegen.writers import WriterOptions
from guidegen.writers.common import markdown_to_plain, normalize_zip

EXTRA_ROWS = 300  # rows below the data that still get drop-downs, for additions
_HEADER_FONT = Font(bold=True, color="1F3864")
_HEADER_FILL = PatternFill("solid", fgColor="D9E2F3")
_THIN = Side(style="thin", color="8EAADB")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="top")
_HEADER_ALIGN = Alignment(wrap_text=True, vertical="center")

def _units(text: str) -> int:
    longest = max((sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line) for line in text.split("\n")),
                  default=0)
    return longest


@dataclass
class Lists:
    """Drop-down values kept on a hidden sheet (inline lists are limited to 255 characters)."""

    columns: dict[str, list[str]] = field(default_factory=dict)

    def add(self, key: str, values: Sequence[str]) -> None:
        self.columns[key] = list(values)

    def formula(self, key: str, sheet: str) -> str:
        index = list(self.columns).index(key) + 1
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
        self._styles: dict[str, StyleArray] = {}

    def t(self, key: str, **values: Any) -> str:
        return i18n.t(self.lang, key, **values)

    def code(self, group: str, value: str | None) -> str:
        if not value:
            return ""
        m = self.guide.meta
        return i18n.code(self.lang, group, value, crm=m.crm, software=m.software)

    def cell(self, ws: Any, value: Any, header: bool = False, literal: bool = False) -> WriteOnlyCell:
        """A styled cell; prose is flattened from Markdown, identifiers are kept as written."""
        if isinstance(value, str):
            value = clean_text(value if header or literal else markdown_to_plain(value))
            if len(value) > MAX_CELL_TEXT:  # Excel's limit per cell
                value = value[: MAX_CELL_TEXT - 1] + "…"
        cell = WriteOnlyCell(ws, value=value if value != "" else None)
        if isinstance(value, str) and needs_text_protection(value):
            cell.data_type = "s"  # text, never a formula
        # Styles are copied as index arrays from a prototype cell: assigning style objects to
        # every cell makes openpyxl hash them each time, which dominates large workbooks.
        cell._style = StyleArray(self._style(ws, header))
        return cell

    def _style(self, ws: Any, header: bool) -> StyleArray:
        key = "header" if header else "body"
        if key not in self._styles:
            proto = WriteOnlyCell(ws)
            if header:
                proto.font, proto.fill, proto.alignment, proto.border = _HEADER_FONT, _HEADER_FILL, _HEADER_ALIGN, _BORDER
            else:
                proto.alignment, proto.border = _WRAP, _BORDER
            self._styles[key] = proto._style
        return self._styles[key]

    def sheet(self, name: str, kind: str, headers: list[str], rows: list[list[Any]],
              validations: dict[int, str] | None = None, entity: str = "", keys: Sequence[str] = (),
              literal: Sequence[int] = ()) -> None:
        """One data sheet: header row, rows, and every working feature."""
        title = sheet_title(name, self.taken)
        ws = self.wb.create_sheet(title)
        for index, header in enumerate(headers, 1):
            values = [header] + [row[index - 1] for row in rows[:500]]
            width = max(_units(markdown_to_plain(str(v))) if v is not None else 0 for v in values)
            ws.column_dimensions[get_column_letter(index)].width = max(8, min(width + 2, 60))
        ws.freeze_panes = "B2"
        last_col = get_column_letter(len(headers))
        last_row = max(len(rows) + 1, 2)
        ws.auto_filter.ref = f"A1:{last_col}{last_row}"
        ws.print_title_rows = "1:1"
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = "9"  # A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        for column, list_key in (validations or {}).items():
            letter = get_column_letter(column)
            dv = DataValidation(type="list", formula1=self.lists.formula(list_key, self.lists_title), allow_blank=True)
            dv.error = self.t("xl_invalid_choice")
            dv.errorTitle = headers[column - 1]
            dv.showErrorMessage = True
            dv.add(f"{letter}2:{letter}{len(rows) + 1 + EXTRA_ROWS}")
            ws.data_validations.append(dv)
        ws.append([self.cell(ws, h, header=True) for h in headers])
        for row in rows:
            ws.append([self.cell(ws, v, literal=i in literal) for i, v in enumerate(row)])
        self.index.append([title, kind, entity, ",".join(keys)])


def _lists(book: _Book) -> None:
    """Every code group's labels (drop-downs refer to them by group name), yes/no and alert levels."""
    for group, codes in CODE_GROUPS.items():
        book.lists.add(group, [book.code(group, c) for c in codes])
    book.lists.add("yes_no", [book.t("yes"), book.t("no")])
    book.lists.add("alert", ["P1", "P2", "P3"])


def _write_lists(book: _Book) -> None:
    ws = book.wb.create_sheet(book.lists_title)
    ws.sheet_state = "hidden"
    keys = list(book.lists.columns)
    ws.append(keys)
    depth = max(len(v) for v in book.lists.columns.values())
    for i in range(depth):
        ws.append([book.lists.columns[k][i] if i < len(book.lists.columns[k]) else None for k in keys])


def _engagement(book: _Book) -> None:
    g, m = book.guide, book.guide.meta
    lo, hi = g.implementation.duration_weeks
    rows = [
        [book.t("cover_client"), m.client or ""],
        [book.t("param_crm"), m.crm],
        [book.t("param_software"), m.software],
        [book.t("cover_integration"), m.integration],
        [book.t("cover_type"), m.software_kind],
        [book.t("param_blueprint"), m.blueprint],
        [book.t("cover_complexity"), book.code("complexity", m.complexity)],
        [book.t("cover_scenario"), book.code("scenario", m.scenario)],
        [book.t("param_language"), book.code("lang", m.lang)],
        [book.t("s_phases"), book.t("weeks_range", a=lo, b=hi)],
        [book.t("param_start_date"), m.start_date.isoformat() if m.start_date else ""],
        [book.t("cover_version"), m.version],
        [book.t("cover_date"), m.date.isoformat()],
        [book.t("cover_author"), m.author or ""],
        [book.t("param_generator"), "guidegen"],
        ["", ""],
        [book.t("signoff"), book.t("col_name")],
    ]
    rows += [[book.t(k), ""] for k in ("signoff_prepared", "signoff_reviewed", "signoff_approved")]
    headers = [book.t("col_parameter"), book.t("col_param_value")]
    book.sheet(book.t("ws_engagement"), "engagement", headers, rows)


def _spec_sheet(book: _Book, spec: TableSpec, name: str, kind: str, rows: list[dict[str, Any]], entity: str = "") -> None:
    """A sheet whose columns come from a table declaration (and whose codes the importer reads)."""
    columns = spec.workbook_columns()
    validations = {i: c.choices for i, c in enumerate(columns, 1) if c.choices}
    literal = [i for i, c in enumerate(columns) if c.literal]
    book.sheet(name, kind, [book.t(c.workbook_label) for c in columns], [[row.get(c.code, "") for c in columns] for row in rows],
               validations, entity=entity, keys=[c.code for c in columns], literal=literal)


def _mappings(book: _Book) -> None:
    g = book.guide
    prefix = book.t("ws_mapping_prefix")
    for e in g.data.entities:
        rows = [
            {
                "key": f.key, "source_system": book.code("system", e.source), "source_object": f.source_object,
                "source": f.source, "source_type": book.code("field_type", f.source_type),
                "target_system": book.code("system", e.target), "target_object": f.target_object,
                "target": f.target, "type": book.code("field_type", f.type),
                "required": "" if f.required is None else book.t("yes" if f.required else "no"),
                "direction": book.code("direction", f.direction), "rule": f.rule or "",
                "validation": f.validation or "", "default": f.default or "", "example": f.example or "",
                "description": f.description or "", "note": f.note or "", "enum": f.enum or "",
                "status": book.code("status", f.status),
            }
            for f in e.fields
        ]
        _spec_sheet(book, TABLES["mapping"], prefix + e.name, "mapping", rows, entity=e.id)


def _enums(book: _Book) -> None:
    rows = [{"code_set": cs.id, "code_set_name": cs.name, "source": v.source or "", "target": v.target,
             "description": v.description or ""} for cs in book.guide.data.enums for v in cs.values]
    _spec_sheet(book, TABLES["enum"], book.t("ws_enums"), "enums", rows)


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
                  "crm": m.crm, "software": m.software, "client": m.client, "variables": m.variables}
    ws.append([WORKBOOK_FORMAT, "1", m.blueprint, m.lang, json.dumps(engagement, ensure_ascii=False, sort_keys=True)])
    for row in book.index:
        ws.append(row)


def write_xlsx(guide: Guide, options: WriterOptions | None = None) -> bytes:
    """Render the guide's workbook (bytes of an .xlsx package)."""
    book = _Book(guide)
    _lists(book)
    book.lists_title = sheet_title(book.t("ws_lists"), book.taken)
    for build in (_engagement, _mappings, _enums, _rules, _tests, _traceability, _plan, _metrics, _risks, _references):
        build(book)
    _write_lists(book)
    _index(book)
    m = guide.meta
    stamp = dt.datetime(m.date.year, m.date.month, m.date.day)
    props = book.wb.properties
    props.title = m.title
    props.subject = m.integration
    props.creator = m.author or "guidegen"
    props.lastModifiedBy = m.author or "guidegen"
    props.keywords = "; ".join(m.keywords)
    props.category = m.software_kind
    props.description = "Generated by guidegen"
    props.language = i18n.locale(m.lang).tag
    props.version = m.version
    props.created = stamp
    props.modified = stamp
    out = io.BytesIO()
    # ExcelWriter directly: Workbook.save() would stamp "modified" with the current time.
    ExcelWriter(book.wb, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, allowZip64=True)).save()
    return normalize_zip(out.getvalue(), (max(m.date.year, 1980), m.date.month, m.date.day, 0, 0, 0))
