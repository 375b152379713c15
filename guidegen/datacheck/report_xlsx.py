"""The check-data report as a workbook: per entity a sheet of rules, a sheet of failing rows
with the failing cells highlighted (and the rule in a comment), and a sheet of what the
target would receive. openpyxl in write-only mode; text is never read as a formula."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill

from guidegen.core.text import clean_text
from guidegen.core.spreadsheet import MAX_CELL_TEXT, needs_text_protection, sheet_title
from guidegen.datacheck.engine import EntityReport
from guidegen.datacheck.report import verdict

_BOLD = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="D9E2F3")
_FAIL_FILL = PatternFill("solid", fgColor="F8CBAD")
_FAIL_FONT = Font(color="9C0006")


def _cell(ws: Any, value: Any, header: bool = False, failed: str | None = None) -> WriteOnlyCell:
    if isinstance(value, str):
        value = clean_text(value)[:MAX_CELL_TEXT]
    cell = WriteOnlyCell(ws, value=value if value != "" else None)
    if isinstance(value, str) and needs_text_protection(value):
        cell.data_type = "s"
    if header:
        cell.font, cell.fill = _BOLD, _HEADER_FILL
    if failed:
        cell.fill, cell.font = _FAIL_FILL, _FAIL_FONT
        cell.comment = Comment(failed, "guidegen")
    return cell


def _row(ws: Any, values: list[Any], header: bool = False) -> None:
    ws.append([_cell(ws, v, header) for v in values])


def write_report_xlsx(reports: list[EntityReport]) -> bytes:
    wb = Workbook(write_only=True)
    taken: set[str] = set()
    for r in reports:
        _rules_sheet(wb.create_sheet(sheet_title(r.entity, taken)), r)
        _rows_sheet(wb.create_sheet(sheet_title(f"{r.entity} failing rows", taken)), r)
        _preview_sheet(wb.create_sheet(sheet_title(f"{r.entity} preview", taken)), r)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _rules_sheet(ws: Any, r: EntityReport) -> None:
    ws.freeze_panes = "A3"
    _row(ws, [f"{r.name} ({r.entity}): {verdict(r)}" + (f", {r.unreadable_rows:,} unreadable" if r.unreadable_rows else "")
              + f" — {', '.join(r.files)}"], header=True)
    _row(ws, ["Source field", "Column", "Target field", "Rule", "Checked", "Passed", "Failed", "Top failing values"], header=True)
    for f in r.fields:
        for s in f.rules.values():
            if s.checked:
                ws.append([_cell(ws, f.source), _cell(ws, f.column or ""), _cell(ws, f.target), _cell(ws, s.rule),
                           _cell(ws, s.checked), _cell(ws, s.passed),
                           _cell(ws, s.failed, failed=f"{s.failed} failing" if s.failed else None),
                           _cell(ws, "; ".join(f"{v} ×{n}" for v, n in s.top()))])
    if r.duplicates:
        _row(ws, [])
        _row(ws, ["Duplicate keys", "Value", "Repeated at"], header=True)
        for d in r.duplicates:
            _row(ws, [d.field, d.value, ", ".join(d.rows)])
    if r.outside:
        _row(ws, [])
        _row(ws, ["Outside a code set", "Code set", "Value", "Rows", "Nearest code"], header=True)
        for o in r.outside:
            _row(ws, [o.field, o.code_set, o.value, o.count, o.nearest or ""])
    if r.missing_columns:
        _row(ws, [])
        _row(ws, ["No column found for", ", ".join(r.missing_columns)])


def _rows_sheet(ws: Any, r: EntityReport) -> None:
    ws.freeze_panes = "B2"
    columns = r.columns
    _row(ws, ["Row", *columns, "Problems"], header=True)
    for row in r.failing_rows:
        if row.unreadable:
            _row(ws, [row.where, *([""] * len(columns)), row.unreadable])
            continue
        by_column: dict[str, list[str]] = {}
        for x in row.failures:
            if x.column is not None:
                by_column.setdefault(x.column, []).append(x.rule + (f": {x.message}" if x.message else ""))
        cells = [_cell(ws, row.where)]
        for column in columns:
            rules = by_column.get(column)
            cells.append(_cell(ws, row.values.get(column, ""), failed="; ".join(rules) if rules else None))
        cells.append(_cell(ws, "; ".join(f"{x.field} [{x.rule}]" for x in row.failures)))
        ws.append(cells)


def _preview_sheet(ws: Any, r: EntityReport) -> None:
    ws.freeze_panes = "A2"
    targets = list(r.preview[0]) if r.preview else [f.target for f in r.fields]
    _row(ws, targets, header=True)
    for p in r.preview:
        _row(ws, [p.get(t, "") for t in targets])
