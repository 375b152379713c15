"""Reading a guidegen workbook back (for ``guidegen import-mapping``).

The hidden index sheet tells which sheet holds what; every value comes back as text with its
``Sheet!Cell`` reference, so the importer can point at the exact cell of a bad edit.
"""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from guidegen.core.errors import Location, UserError
from guidegen.content.tables import INDEX_SHEET, TABLES, WORKBOOK_FORMAT


@dataclass
class SheetRows:
    """One data sheet: its kind, the entity it maps, and its rows as key -> text."""

    title: str
    kind: str
    entity: str
    keys: list[str]
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)

    def cell(self, row: int, key: str) -> str:
        """'Sheet!C7' for a column key in a row."""
        return f"{self.title}!{get_column_letter(self.keys.index(key) + 1)}{row}"


@dataclass
class WorkbookContent:
    engagement: dict[str, Any]
    sheets: list[SheetRows]


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
    try:
        wb = load_workbook(path, read_only=True, data_only=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
        raise UserError.single(Location(name), "cannot read the workbook", expected="an .xlsx file written by guidegen",
                               given=f"{type(exc).__name__}: {exc}") from None
    try:
        if INDEX_SHEET not in wb.sheetnames:
            raise UserError.single(Location(name), f"not a guidegen workbook: the hidden '{INDEX_SHEET}' sheet is missing",
                                   hint="import a workbook exported by 'guidegen render --format xlsx'")
        index = [[_text(v) for v in row] for row in wb[INDEX_SHEET].iter_rows(values_only=True)]
        if not index or index[0][:1] != [WORKBOOK_FORMAT]:
            raise UserError.single(Location(name, cell=f"{INDEX_SHEET}!A1"), "the workbook index is damaged")
        try:
            engagement = json.loads(index[0][4])
        except (IndexError, ValueError):
            raise UserError.single(Location(name, cell=f"{INDEX_SHEET}!E1"), "the workbook index is damaged") from None
        sheets = []
        for number, entry in enumerate(index[1:], 2):
            title, kind, entity, keys = (entry + ["", "", "", ""])[:4]
            if kind not in ("mapping", "enums"):
                continue
            expected = list(TABLES["mapping" if kind == "mapping" else "enum"].codes())
            # A workbook written before columns were added (e.g. the review columns) still reads:
            # its columns must be known ones, in their declared order.
            given = keys.split(",")
            if given != [code for code in expected if code in given] or given[:1] != expected[:1]:
                raise UserError.single(Location(name, cell=f"{INDEX_SHEET}!D{number}"), "the workbook index is damaged",
                                       expected=",".join(expected), given=keys,
                                       hint="import a workbook exported by 'guidegen render --format xlsx'")
            if title not in wb.sheetnames:
                raise UserError.single(Location(name, cell=f"{INDEX_SHEET}!A{number}"), f"sheet '{title}' is missing",
                                       hint="do not rename or delete the workbook's sheets")
            sheet = SheetRows(title, kind, entity, keys.split(","))
            for row_number, row in enumerate(wb[title].iter_rows(min_row=2, values_only=True), 2):
                values = [_text(v) for v in row][: len(sheet.keys)]
                if any(values):
                    values += [""] * (len(sheet.keys) - len(values))
                    sheet.rows.append((row_number, dict(zip(sheet.keys, values))))
            sheets.append(sheet)
        return WorkbookContent(engagement, sheets)
    finally:
        wb.close()
