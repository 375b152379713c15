"""Reading a guidegen workbook back (for ``guidegen import-mapping``).

The hidden index sheet tells which sheet holds what; columns are found by the codes their
header cells carry (see columns.py), never by position; every value comes back as text with its
``Sheet!Cell`` reference, so the importer can point at the exact cell of a bad edit. The package
is checked against the input budget (sizes, compression ratio, DOCTYPE) before anything parses it.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from guidegen.content.tables import INDEX_SHEET, LIST_CODE_SUFFIX, TABLES, WORKBOOK_FORMAT
from guidegen.core import budget, i18n
from guidegen.core.errors import Location, Problem, UserError, fail, over_budget
from guidegen.workbook.columns import header_codes


@dataclass
class SheetRows:
    """One data sheet: its kind, the entity it maps, and its rows as key -> text."""

    title: str
    kind: str
    entity: str
    keys: list[str]
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    columns: dict[str, int] = field(default_factory=dict)  # key -> 0-based column, as found in the sheet
    header_row: int = 1

    def cell(self, row: int, key: str) -> str:
        """'Sheet!C7' for a column key in a row."""
        column = self.columns[key] if key in self.columns else self.keys.index(key)
        return f"{self.title}!{get_column_letter(column + 1)}{row}"


@dataclass
class WorkbookContent:
    engagement: dict[str, Any]
    sheets: list[SheetRows]
    # The workbook's own drop-down lists: list name -> {label -> code} (empty in workbooks
    # written before the list sheet kept codes; the importer then uses today's labels).
    codes: dict[str, dict[str, str]] = field(default_factory=dict)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value).strip()


def read_workbook(path: Path) -> WorkbookContent:
    """The workbook's engagement and data rows; UserError if it is not a readable guidegen workbook."""
    name = str(path)
    limits = budget.current()
    data, codes = _checked_package(path, name, limits)
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # noqa: BLE001 - a damaged package raises anything; it is bad input
        raise UserError.single(Location(name), "cannot read the workbook", expected="an .xlsx file written by guidegen",
                               given=f"{type(exc).__name__}: {str(exc)[:200]}") from None
    try:
        return _read_sheets(wb, name, codes, limits)
    except UserError:
        raise
    except Exception as exc:  # noqa: BLE001 - openpyxl meeting a damaged part
        raise UserError.single(Location(name), "cannot read the workbook", expected="an .xlsx file written by guidegen",
                               given=f"{type(exc).__name__}: {str(exc)[:200]}") from None
    finally:
        wb.close()


def _checked_package(path: Path, name: str, limits: budget.Budget) -> tuple[bytes, dict[str, dict[str, str]]]:
    """The workbook's bytes and header codes, after the budget and XML checks."""
    try:
        data = budget.read_regular_file(path, limits.zip_file_bytes)
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            budget.check_zip(archive, limits)
            budget.refuse_doctype(archive, limits)
            codes = header_codes(archive)
    except budget.BudgetExceeded as exc:
        raise over_budget(Location(name), exc) from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, ValueError) as exc:
        raise UserError.single(Location(name), "cannot read the workbook", expected="an .xlsx file written by guidegen",
                               given=f"{type(exc).__name__}: {str(exc)[:200]}") from None
    except OSError as exc:
        raise fail(name, f"cannot read file: {exc.strerror or exc}") from None
    return data, codes


def _read_sheets(wb: Any, name: str, codes: dict[str, dict[str, str]], limits: budget.Budget) -> WorkbookContent:
    if INDEX_SHEET not in wb.sheetnames:
        raise UserError.single(Location(name), f"not a guidegen workbook: the hidden '{INDEX_SHEET}' sheet is missing",
                               hint="import a workbook exported by 'guidegen render --format xlsx'")
    index = [[_text(v) for v in row] for row in wb[INDEX_SHEET].iter_rows(values_only=True)]
    if not index or index[0][:1] != [WORKBOOK_FORMAT]:
        raise UserError.single(Location(name, cell=f"{INDEX_SHEET}!A1"), "the workbook index is damaged")
    try:
        engagement = json.loads(index[0][4])
        if not isinstance(engagement, dict):
            raise ValueError("not an object")
    except (IndexError, ValueError):
        raise UserError.single(Location(name, cell=f"{INDEX_SHEET}!E1"), "the workbook index is damaged") from None
    sheets = []
    lists: dict[str, dict[str, str]] = {}
    for number, entry in enumerate(index[1:], 2):
        title, kind, entity, keys, header_row = (entry + ["", "", "", "", ""])[:5]
        if kind == "lists" and title in wb.sheetnames:
            lists = _list_codes(wb[title], limits)
        if kind not in ("mapping", "enums"):
            continue
        expected = list(TABLES["mapping" if kind == "mapping" else "enum"].codes())
        # A workbook written before columns were added (e.g. the review columns) still reads:
        # its columns must be known ones, in their declared order, starting with the key.
        given = keys.split(",")
        if given != [code for code in expected if code in given] or given[:1] != expected[:1]:
            raise UserError.single(Location(name, cell=f"{INDEX_SHEET}!D{number}"), "the workbook index is damaged",
                                   expected=",".join(expected), given=keys,
                                   hint="import a workbook exported by 'guidegen render --format xlsx'")
        if title not in wb.sheetnames:
            raise UserError.single(Location(name, cell=f"{INDEX_SHEET}!A{number}"), f"sheet '{title}' is missing",
                                   hint="do not rename or delete the workbook's sheets")
        sheet = SheetRows(title, kind, entity, keys.split(","), header_row=int(header_row) if header_row.isdigit() else 1)
        _read_rows(wb[title], sheet, codes.get(title, {}), name, limits)
        sheets.append(sheet)
    return WorkbookContent(engagement, sheets, lists)


def _list_codes(ws: Any, limits: budget.Budget) -> dict[str, dict[str, str]]:
    """List name -> {label -> code}, from the hidden list sheet's label and code columns."""
    rows = [[_text(v) for v in row] for row in ws.iter_rows(values_only=True, max_col=limits.columns + 1,
                                                              max_row=limits.rows + 1)]
    if not rows:
        return {}
    found: dict[str, dict[str, str]] = {}
    header = rows[0]
    for column, name in enumerate(header):
        if not name or name.endswith(LIST_CODE_SUFFIX) or header[column + 1: column + 2] != [name + LIST_CODE_SUFFIX]:
            continue
        found[name] = {row[column]: row[column + 1] for row in rows[1:]
                       if column + 1 < len(row) and row[column] and row[column + 1]}
    return found


def _header_row(codes: dict[str, str], default: int) -> int:
    """The row whose cells carry the column codes, else the header row the index names (row 2
    below the sheet's title; row 1 in workbooks written before sheets had a title)."""
    rows = [int(ref.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")) for ref in codes]
    return max(set(rows), key=rows.count) if rows else default


def _read_rows(ws: Any, sheet: SheetRows, codes: dict[str, str], name: str, limits: budget.Budget) -> None:
    """The sheet's data rows, each value under its column's key; the rows above the header row
    (the sheet's title) are not data."""
    header_row = _header_row(codes, sheet.header_row)
    codes = {ref: code for ref, code in codes.items() if ref.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ") == str(header_row)}
    sheet.header_row = header_row
    rows = ws.iter_rows(values_only=True, max_col=limits.columns + 1, min_row=header_row)
    header = [_text(v) for v in next(rows, ())]
    sheet.columns = _columns(sheet, header, codes, name)
    for row_number, row in enumerate(rows, header_row + 1):
        if row_number - header_row > limits.rows:
            raise over_budget(Location(name, cell=f"{sheet.title}!A{row_number}"),
                              budget.BudgetExceeded("rows in one sheet", limits.rows, f"more than {limits.rows:,}"))
        values = [_text(v) for v in row]
        extra = next((i for i, v in enumerate(values) if v and i not in sheet.columns.values()), None)
        if extra is not None:
            raise UserError.single(Location(name, cell=f"{sheet.title}!{get_column_letter(extra + 1)}{row_number}"),
                                   "a value in a column the import does not know",
                                   expected="values only under the workbook's own columns", given=repr(values[extra][:60]),
                                   hint="move the value into a known column, or delete it")
        too_long = next((i for i, v in enumerate(values) if len(v) > limits.cell_chars), None)
        if too_long is not None:
            raise over_budget(Location(name, cell=f"{sheet.title}!{get_column_letter(too_long + 1)}{row_number}"),
                              budget.BudgetExceeded("characters in one cell", limits.cell_chars, len(values[too_long])))
        if any(values):
            sheet.rows.append((row_number, {key: values[col] if col < len(values) else ""
                                            for key, col in sheet.columns.items()}))


def _columns(sheet: SheetRows, header: list[str], codes: dict[str, str], name: str) -> dict[str, int]:
    """Column key -> position, from the header cells' codes (or, in a workbook written before
    codes existed, from their labels). Missing, duplicated and unknown columns are refused."""
    row = sheet.header_row
    where = lambda column: Location(name, cell=f"{sheet.title}!{get_column_letter(column + 1)}{row}")  # noqa: E731
    found: dict[str, int] = {}
    problems: list[Problem] = []
    by_label = _labels(sheet.kind) if not codes else {}
    for column in range(max(len(header), *(_column_index(ref) + 1 for ref in codes)) if codes else len(header)):
        ref = f"{get_column_letter(column + 1)}{row}"
        label = header[column] if column < len(header) else ""
        key = codes.get(ref) if codes else by_label.get(label)
        if key is None:
            if label:
                problems.append(Problem(where(column), "unknown column", expected="the workbook's own columns",
                                        given=repr(label[:60]), hint="delete the column, or move its values into a known one"))
            continue
        if key not in sheet.keys:
            problems.append(Problem(where(column), "unknown column code", expected=", ".join(sheet.keys), given=key))
        elif key in found:
            problems.append(Problem(where(column), f"column '{label or key}' appears twice",
                                    given=f"also column {get_column_letter(found[key] + 1)}"))
        else:
            found[key] = column
    missing = [key for key in sheet.keys if key not in found]
    if missing and not found:
        problems = [Problem(Location(name, cell=f"{sheet.title}!A{row}"), "the header row is missing (deleted?)",
                            expected="the header row the workbook was exported with, below the sheet's title",
                            given=repr(" | ".join(header[:4])[:80]),
                            hint="restore the header row (undo), or export the workbook again")]
    elif missing:
        problems.append(Problem(Location(name, cell=f"{sheet.title}!{row}:{row}"), "columns are missing",
                                expected="every column of the exported sheet", given="missing: " + ", ".join(missing),
                                hint="restore the deleted columns (undo), or export the workbook again"))
    if problems:
        raise UserError(problems)
    return found


def _column_index(ref: str) -> int:
    from openpyxl.utils import column_index_from_string

    return column_index_from_string(ref.rstrip("0123456789")) - 1


def _labels(kind: str) -> dict[str, str]:
    """Header label (either language) -> key: how a workbook without column codes is read."""
    spec = TABLES["mapping" if kind == "mapping" else "enum"]
    return {i18n.t(lang, c.workbook_label): c.code for c in spec.workbook_columns() for lang in ("zh", "en")}
