"""A generated sample for tests/data/rules_sample.yaml: valid rows with violations planted
in known rows, and the exact failures the checker must report."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from pathlib import Path

COLUMNS = ["id", "email", "phone", "country", "currency", "language", "tz", "updated_at", "birth_date", "score",
           "status", "tier", "name", "website", "amount", "active", "channel", "nickname"]

# (column, rule the checker must name, value that breaks it, rows it is planted in)
VIOLATIONS = [
    ("id", "unique", "C-0000", 2),
    ("id", "pattern", "X-1", 1),
    ("id", "required", "", 1),
    ("email", "required", "   ", 2),
    ("email", "email", "user@@example.com", 3),
    ("phone", "transform.phone_e164", "12345", 2),
    ("country", "country", "XX", 1),
    ("currency", "currency", "EURO", 2),
    ("language", "language", "en_US", 3),
    ("tz", "timezone", "Asia/Beijing", 1),
    ("updated_at", "transform.to_utc", "15/01/2025", 2),
    ("updated_at", "required", "", 1),
    ("birth_date", "type", "1990-02-30", 2),
    ("score", "transform.scale", "7", 3),
    ("status", "transform.map", "Actve", 2),
    ("name", "min_length", "X", 1),
    ("website", "url", "www.example.com", 2),
    ("amount", "type", "12,50", 1),
    ("amount", "max_value", "1000.01", 2),
    ("active", "type", "yes", 1),
    ("nickname", "max_length", "toolongname", 3),
]


def valid_row(i: int) -> dict[str, str]:
    return {
        "id": f"C-{i:04d}",
        "email": f"  User{i}@Example.com ",
        "phone": "13800138000" if i % 2 else "+14155550123",
        "country": " cn " if i % 3 else "DE",
        "currency": "CNY",
        "language": "zh-CN" if i % 2 else "en-GB",
        "tz": "Asia/Shanghai",
        "updated_at": "2025-01-15 08:15:30" if i % 2 else "2025-01-15T08:15:30+02:00",
        "birth_date": "1990-05-17",
        "score": str(i % 6),
        "status": ("Active", "Inactive", "prospect")[i % 3],
        "tier": (" Gold ", "silver", "platinum")[i % 3],  # platinum falls back to basic
        "name": "  Li Lei  ",
        "website": "https://example.com/a",
        "amount": "12.50",
        "active": "true" if i % 2 else "FALSE",
        "channel": "" if i % 4 else "store",  # empty -> default 'web'
        "nickname": "lil",
    }


def planted_rows(j: int, count: int) -> list[int]:
    """0-based data rows for violation j: never row 0, never two violations of a column in one row."""
    return [5 + 11 * j + 131 * m for m in range(count)]


def sample(n: int = 600) -> tuple[list[dict[str, str]], Counter[tuple[str, str]], set[int]]:
    """Rows, the expected failures per (field, rule), and the 0-based rows that fail."""
    rows = [valid_row(i) for i in range(n)]
    expected: Counter[tuple[str, str]] = Counter()
    failing: set[int] = set()
    for j, (column, rule, value, count) in enumerate(VIOLATIONS):
        for r in planted_rows(j, count):
            assert rows[r][column] == valid_row(r)[column], f"two violations of {column} in row {r}"
            rows[r][column] = value
            expected[(column, rule)] += 1
            failing.add(r)
    return rows, expected, failing


def write_csv(path: Path, rows: list[dict[str, str]], delimiter: str = ",", bom: bool = False, encoding: str = "utf-8") -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, delimiter=delimiter, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + buffer.getvalue().encode(encoding))


def write_ndjson(path: Path, rows: list[dict[str, str]]) -> None:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


def write_json(path: Path, rows: list[dict[str, str]], wrapped: bool = True) -> None:
    """{"records": [...]} (read whole), or a bare pretty-printed array (streamed)."""
    path.write_text(json.dumps({"records": rows} if wrapped else rows, ensure_ascii=False, indent=1), encoding="utf-8")


def write_xlsx(path: Path, rows: list[dict[str, str]], sheet: str = "Customers", other_sheets: tuple[str, ...] = ()) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(COLUMNS)
    for r in rows:
        ws.append([r[c] for c in COLUMNS])
    for name in other_sheets:
        other = wb.create_sheet(name)
        other.append(["note"])
        other.append(["not customer data"])
    wb.save(path)
