"""Reading a client's sample extract record by record: CSV, XLSX, JSON and NDJSON.

Every reader streams (a record at a time; JSON arrays are the exception, parsed whole) and
yields :class:`Row` items: the row's number in the file (CSV/NDJSON line, sheet row, JSON
record index) and its values by column name — or, for a row that cannot be read, a message.
Problems with the file as a whole (encoding, no header, unknown format) are a UserError
naming the file and line or sheet and cell.
"""

from __future__ import annotations

import codecs
import csv
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from guidegen.core.errors import Location, UserError

CSV_SUFFIXES = (".csv", ".tsv", ".txt")
XLSX_SUFFIXES = (".xlsx", ".xlsm")
JSON_SUFFIXES = (".json",)
NDJSON_SUFFIXES = (".ndjson", ".jsonl")
SUFFIXES = CSV_SUFFIXES + XLSX_SUFFIXES + JSON_SUFFIXES + NDJSON_SUFFIXES
_DELIMITERS = ",;\t|"
_MAX_XLSX_ENTRY = 2 * 1024**3
MAX_LINE = 16 * 1024**2  # bytes: a longer line is not a record but a broken or hostile file
_MAX_XLSX_RATIO = 200


@dataclass(slots=True)
class Row:
    """One record: its number in the file and its values, or why it could not be read."""

    number: int
    values: dict[str, Any] | None
    problem: str | None = None


class Source:
    """An opened sample file: its column names and its rows, with locations for reports."""

    def __init__(self, path: Path, label: str, columns: list[str], rows: Iterator[Row], unit: str, sheet: str | None = None):
        self.path = path
        self.label = label  # file name shown in reports (with the sheet for workbooks)
        self.columns = columns
        self.rows = rows
        self.unit = unit  # "line", "row" or "record"
        self.sheet = sheet

    def where(self, number: int, column: str | None = None) -> str:
        """'contacts.csv:12 (email)', 'Book.xlsx Contacts!C7', 'data.json record 3 (email)'."""
        name = self.path.name
        if self.sheet is not None:
            if column is not None and column in self.columns:
                from openpyxl.utils import get_column_letter

                return f"{name} {self.sheet}!{get_column_letter(self.columns.index(column) + 1)}{number}"
            return f"{name} {self.sheet}!{number}:{number}"
        place = f"{name}:{number}" if self.unit == "line" else f"{name} record {number}"
        return place + (f" ({column})" if column is not None else "")


def open_source(path: Path, *, encoding: str = "utf-8", delimiter: str | None = None,
                sheet_names: list[str] | None = None, sheet: str | None = None) -> Source:
    """Open one sample file by its suffix. ``sheet_names`` are names that pick a workbook's
    sheet when it has several (the entity's id, name, objects); ``sheet`` names it exactly."""
    if not path.is_file():
        raise UserError.single(Location(str(path)), "sample file not found" if not path.exists() else "not a regular file",
                               expected="a CSV, XLSX, JSON or NDJSON file")
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        return _open_csv(path, encoding, delimiter)
    if suffix in XLSX_SUFFIXES:
        return _open_xlsx(path, sheet_names or [], sheet)
    if suffix in JSON_SUFFIXES:
        return _open_json(path, encoding)
    if suffix in NDJSON_SUFFIXES:
        return _open_ndjson(path, encoding)
    raise UserError.single(Location(str(path)), "unknown sample file type", expected=", ".join(SUFFIXES), given=path.suffix or "(no suffix)")


# --------------------------------------------------------------------------- text lines
def _lines(path: Path, encoding: str) -> Iterator[str]:
    """Decoded lines (with their line ends), BOM removed; a byte the encoding cannot decode
    is a UserError naming the line, the byte and the encoding the file seems to be in."""
    decoder_name = "utf-8-sig" if codecs.lookup(encoding).name == "utf-8" else encoding
    with path.open("rb") as handle:
        number = 0
        for number, raw in enumerate(iter(lambda: handle.readline(MAX_LINE + 1), b""), start=1):
            if len(raw) > MAX_LINE:
                raise UserError.single(Location(str(path), number), f"line {number} is longer than {MAX_LINE // 1024**2} MiB",
                                       expected="one record per line (or a record over a few lines)")
            if number == 1 and decoder_name == "utf-8-sig" and raw.startswith(codecs.BOM_UTF8):
                raw = raw[len(codecs.BOM_UTF8):]
            try:
                yield raw.decode(encoding)
            except UnicodeDecodeError as exc:
                raise _decode_error(path, number, raw, exc, encoding) from None


def _decode_error(path: Path, line: int, raw: bytes, exc: UnicodeDecodeError, encoding: str) -> UserError:
    bad = raw[exc.start:exc.end]
    column = len(raw[: exc.start].decode(encoding, errors="replace")) + 1
    hint = None
    if codecs.lookup(encoding).name == "utf-8":
        try:
            raw.decode("cp1252")
            hint = ("the file looks like Latin-1 (ISO-8859-1 / Windows-1252): pass --encoding latin-1, "
                    "or save it again as CSV UTF-8")
        except UnicodeDecodeError:
            hint = "save the file again as UTF-8, or pass its encoding with --encoding"
    return UserError.single(
        Location(str(path), line, column),
        f"the file is not valid {encoding}: byte{'s' if len(bad) > 1 else ''} {bad.hex(' ').upper()} cannot be decoded",
        expected=f"text in {encoding}", given=repr(raw.decode(encoding, errors="replace").rstrip("\r\n")[:80]), hint=hint,
    )


# --------------------------------------------------------------------------- CSV
def _sniff_delimiter(header: str) -> str:
    """The candidate that splits the header line into the most cells (quotes respected)."""
    best, best_count = ",", 1
    for candidate in _DELIMITERS:
        cells = next(csv.reader([header], delimiter=candidate), [])
        if len(cells) > best_count:
            best, best_count = candidate, len(cells)
    return best


def _open_csv(path: Path, encoding: str, delimiter: str | None) -> Source:
    lines = _lines(path, encoding)
    first, skipped = next(lines, None), 0
    while first is not None and not first.strip():
        first, skipped = next(lines, None), skipped + 1
    if first is None:
        raise UserError.single(Location(str(path), 1), "the file is empty", expected="a header row with column names")
    chosen = delimiter or _sniff_delimiter(first)

    def all_lines() -> Iterator[str]:
        yield first
        yield from lines

    reader = csv.reader(all_lines(), delimiter=chosen)
    header = [cell.strip() for cell in next(reader)]
    header_line = reader.line_num + skipped
    _check_header(path, header, lambda i: f"line {header_line}, column {i + 1}", Location(str(path), header_line))
    return Source(path, path.name, header, _csv_rows(reader, header, skipped), "line")


def _csv_rows(reader: Any, header: list[str], skipped: int) -> Iterator[Row]:
    """Rows numbered by the line they start on (csv counts the lines it has read)."""
    width = len(header)
    last = reader.line_num + skipped
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield Row(last + 1, None, f"not readable as CSV: {exc}")
            last = reader.line_num + skipped
            continue
        start, last = last + 1, reader.line_num + skipped
        if not cells or (len(cells) == 1 and not cells[0].strip()):
            continue
        if len(cells) != width:
            yield Row(start, None, f"{len(cells)} cells, the header has {width}")
            continue
        yield Row(start, dict(zip(header, cells)))


def _check_header(path: Path, header: list[str], where: Any, location: Location) -> None:
    if not any(header):
        raise UserError.single(location, "the header row is empty", expected="column names in the first row")
    seen: dict[str, int] = {}
    for i, name in enumerate(header):
        if not name:
            raise UserError.single(location, f"column {i + 1} has no name", expected="a name for every column in the header row")
        if name in seen:
            raise UserError.single(location, f"column name '{name}' appears twice ({where(seen[name])} and {where(i)})",
                                   expected="each column name once")
        seen[name] = i


# --------------------------------------------------------------------------- XLSX
def _safe_zip(path: Path) -> None:
    """A workbook whose entries would inflate enormously is refused before parsing."""
    try:
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                if info.file_size > _MAX_XLSX_ENTRY or (info.compress_size and info.file_size / info.compress_size > _MAX_XLSX_RATIO
                                                        and info.file_size > 50 * 1024**2):
                    raise UserError.single(Location(str(path)), f"workbook part {info.filename} inflates to {info.file_size} bytes",
                                           expected="an ordinary workbook")
    except zipfile.BadZipFile:
        raise UserError.single(Location(str(path)), "not a readable XLSX workbook", expected="an .xlsx file saved by Excel or LibreOffice") from None


def normalized_name(text: str) -> str:
    """A name compared ignoring case, spaces and punctuation ('E-mail Address' ~ 'emailaddress')."""
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def _open_xlsx(path: Path, names: list[str], sheet: str | None) -> Source:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    _safe_zip(path)
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
        raise UserError.single(Location(str(path)), f"not a readable XLSX workbook ({type(exc).__name__})",
                               expected="an .xlsx file saved by Excel or LibreOffice") from None
    titles = [ws.title for ws in wb.worksheets]
    chosen = _choose_sheet(path, titles, names, sheet)
    ws = wb[chosen]
    rows = ws.iter_rows(values_only=True)
    number = 0
    header: list[str] = []
    for number, cells in enumerate(rows, start=1):
        if any(c not in (None, "") for c in cells):
            header = ["" if c is None else str(c).strip() for c in cells]
            while header and not header[-1]:
                header.pop()
            break
    if not header:
        raise UserError.single(Location(str(path), cell=f"{chosen}!A1"), "the sheet is empty", expected="a header row with column names")
    from openpyxl.utils import get_column_letter

    _check_header(path, header, lambda i: f"{chosen}!{get_column_letter(i + 1)}{number}", Location(str(path), cell=f"{chosen}!A{number}"))

    def data_rows() -> Iterator[Row]:
        try:
            for row_number, cells in enumerate(rows, start=number + 1):
                if not any(c not in (None, "") for c in cells):
                    continue
                extra = [c for c in cells[len(header):] if c not in (None, "")]
                if extra:
                    yield Row(row_number, None, f"{len(extra)} value(s) right of the last named column")
                    continue
                values = dict(zip(header, cells))
                yield Row(row_number, values)
        finally:
            wb.close()

    return Source(path, f"{path.name} {chosen}", header, data_rows(), "row", sheet=chosen)


def _choose_sheet(path: Path, titles: list[str], names: list[str], sheet: str | None) -> str:
    if sheet is not None:
        if sheet not in titles:
            raise UserError.single(Location(str(path)), f"no sheet named '{sheet}'", expected="one of: " + ", ".join(titles), given=sheet)
        return sheet
    if len(titles) == 1:
        return titles[0]
    wanted = {normalized_name(n) for n in names if n} | {normalized_name(n) + "s" for n in names if n}
    matches = [t for t in titles if normalized_name(t) in wanted]
    if len(matches) == 1:
        return matches[0]
    raise UserError.single(
        Location(str(path)),
        "the workbook has several sheets and " + ("more than one" if matches else "none") + " is named after the entity",
        expected="a sheet named like " + " / ".join(dict.fromkeys(n for n in names if n)),
        given=", ".join(titles), hint="name the sheet with --sheet",
    )


# --------------------------------------------------------------------------- JSON and NDJSON
def _flatten(record: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested objects become dotted names (address.city); lists stay JSON text."""
    flat: dict[str, Any] = {}
    for key, value in record.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, name + "."))
        elif isinstance(value, list):
            flat[name] = json.dumps(value, ensure_ascii=False)
        else:
            flat[name] = value
    return flat


def _open_json(path: Path, encoding: str) -> Source:
    """A top-level array is streamed record by record (each numbered by the line it starts
    on); any other document is parsed whole and must hold exactly one array of records."""
    lines = _lines(path, encoding)
    stream = _ArrayStream(path, lines)
    if not stream.starts_array():
        text = stream.buffer + "".join(lines)
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise UserError.single(Location(str(path), stream.line + exc.lineno - 1, exc.colno), f"not valid JSON: {exc.msg}",
                                   expected="an array of objects (one per record)") from None
        lists = [v for v in data.values() if isinstance(v, list)] if isinstance(data, dict) else []
        if len(lists) != 1:
            raise UserError.single(Location(str(path), 1), "the JSON is not a list of records",
                                   expected="an array of objects, or an object with one array of objects", given=type(data).__name__)
        items: Iterator[tuple[int, Any]] = ((index, item) for index, item in enumerate(lists[0], start=1))
        unit = "record"
    else:
        items = iter(stream)
        unit = "line"
    first = next(items, None)

    def rows() -> Iterator[Row]:
        if first is not None:
            yield _json_row(*first)
        for number, item in items:
            yield _json_row(number, item)

    columns = list(_flatten(first[1])) if first is not None and isinstance(first[1], dict) else []
    return Source(path, path.name, columns, rows(), unit)


def _json_row(number: int, item: Any) -> Row:
    if isinstance(item, dict):
        return Row(number, _flatten(item))
    return Row(number, None, f"a JSON {type(item).__name__}, not an object")


class _ArrayStream:
    """Items of a top-level JSON array, decoded one at a time from a growing text buffer."""

    MAX_ITEM = 16 * 1024 * 1024  # a record larger than this is treated as a syntax error

    def __init__(self, path: Path, lines: Iterator[str]):
        self.path, self.lines = path, lines
        self.buffer, self.pos, self.line = "", 0, 1  # self.line: line number of buffer[0]
        self.decoder = json.JSONDecoder()

    def _more(self) -> bool:
        line = next(self.lines, None)
        if line is None:
            return False
        self.buffer += line
        return True

    def _skip_space(self) -> str | None:
        while True:
            while self.pos < len(self.buffer) and self.buffer[self.pos] in " \t\r\n":
                self.pos += 1
            if self.pos < len(self.buffer):
                return self.buffer[self.pos]
            if not self._more():
                return None

    def _line_at(self, pos: int) -> int:
        return self.line + self.buffer.count("\n", 0, pos)

    def _drop_consumed(self) -> None:
        self.line += self.buffer.count("\n", 0, self.pos)
        self.buffer, self.pos = self.buffer[self.pos:], 0

    def starts_array(self) -> bool:
        if self._skip_space() != "[":
            return False
        self.pos += 1
        return True

    def _error(self, message: str) -> UserError:
        before = self.buffer[: self.pos]
        column = self.pos - (before.rfind("\n") + 1) + 1
        return UserError.single(Location(str(self.path), self._line_at(self.pos), column), f"not valid JSON: {message}",
                                expected="an array of objects (one per record)")

    def __iter__(self) -> Iterator[tuple[int, Any]]:
        expect_item, after_comma = True, False
        while True:
            char = self._skip_space()
            if char is None:
                raise self._error("the array is not closed")
            if char == "]":
                if after_comma:
                    raise self._error("a ',' before ']'")
                return
            if not expect_item:
                if char != ",":
                    raise self._error("expected ',' or ']' between records")
                self.pos += 1
                expect_item = after_comma = True
                continue
            after_comma = False
            self._drop_consumed()
            while True:
                try:
                    item, end = self.decoder.raw_decode(self.buffer, self.pos)
                    break
                except json.JSONDecodeError as exc:
                    if len(self.buffer) > self.MAX_ITEM or not self._more():
                        self.pos = exc.pos
                        raise self._error(exc.msg) from None
            yield self.line, item
            self.pos = end
            expect_item = False


def _open_ndjson(path: Path, encoding: str) -> Source:
    """Columns are taken from the first readable record (records may add more: they are read too)."""
    lines = enumerate(_lines(path, encoding), start=1)
    buffered: list[Row] = []
    columns: list[str] = []
    for number, line in lines:
        row = _ndjson_row(number, line)
        if row is None:
            continue
        buffered.append(row)
        if row.values is not None:
            columns = list(row.values)
            break

    def rows() -> Iterator[Row]:
        yield from buffered
        for number, line in lines:
            row = _ndjson_row(number, line)
            if row is not None:
                yield row

    return Source(path, path.name, columns, rows(), "line")


def _ndjson_row(number: int, line: str) -> Row | None:
    if not line.strip():
        return None
    try:
        item = json.loads(line)
    except json.JSONDecodeError as exc:
        return Row(number, None, f"not valid JSON at column {exc.colno}: {exc.msg}")
    if not isinstance(item, dict):
        return Row(number, None, f"a JSON {type(item).__name__}, not an object")
    return Row(number, _flatten(item))
