"""The peers guidegen is measured against, each run as its own process by benchmarks/run.py.

    python benchmarks/peers.py docxtpl ROWS OUT.docx     # docxtpl fills one ROWS-row table (6 columns)
    python benchmarks/peers.py openpyxl ROWS OUT.xlsx    # openpyxl write-only: a styled ROWS x 17 sheet
    python benchmarks/peers.py stages BLUEPRINT          # guidegen's stages, timed in one process

docxtpl is what a consultant reaches for to fill a Word template from data; openpyxl's write-only
mode is the floor for writing a styled sheet from Python.
"""

from __future__ import annotations

import io
import sys
import time
from pathlib import Path


def _rows(n: int, columns: int) -> list[list[str]]:
    return [[f"Entity{i % 40}.Field_{i}_{c}" if c < 2 else f"text {i} {c} with some words" for c in range(columns)]
            for i in range(n)]


def docxtpl_table(rows: int, out: Path) -> None:
    from docx import Document
    from docxtpl import DocxTemplate

    template = Document()
    table = template.add_table(rows=3, cols=6)
    table.style = "Table Grid"
    for c in range(6):
        table.cell(0, c).text = f"Column {c + 1}"
    table.cell(1, 0).text = "{%tr for r in rows %}"
    for c in range(6):
        table.cell(2, c).text = "{{ r[%d] }}" % c
    # the closing tag row
    row = table.add_row()
    row.cells[0].text = "{%tr endfor %}"
    buffer = io.BytesIO()
    template.save(buffer)
    buffer.seek(0)
    document = DocxTemplate(buffer)
    document.render({"rows": _rows(rows, 6)})
    document.save(out)


def openpyxl_write_only(rows: int, out: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, NamedStyle, PatternFill

    book = Workbook(write_only=True)
    header = NamedStyle(name="header", font=Font(name="Calibri", bold=True, size=10),
                        fill=PatternFill("solid", fgColor="DDEBF7"), alignment=Alignment(wrap_text=True))
    body = NamedStyle(name="body", font=Font(name="Calibri", size=10), alignment=Alignment(wrap_text=True, vertical="top"))
    book.add_named_style(header)
    book.add_named_style(body)
    sheet = book.create_sheet("Mapping")
    sheet.freeze_panes = "A2"

    def cell(value: str, style: str) -> WriteOnlyCell:
        c = WriteOnlyCell(sheet, value=value)
        c.style = style
        return c

    sheet.append([cell(f"Column {c + 1}", "header") for c in range(17)])
    for values in _rows(rows, 17):
        sheet.append([cell(v, "body") for v in values])
    book.save(out)


def stages(blueprint: str) -> None:
    """Seconds per stage of one DOCX, Markdown and XLSX render (cache off)."""
    import os

    os.environ["GUIDEGEN_NO_CACHE"] = "1"
    start = time.perf_counter()
    from guidegen.app.cli import tune_gc

    tune_gc()  # as the command does
    from guidegen.app.pipeline import load_for
    from guidegen.document.layout import build_document
    from guidegen.resolve.engagement import Engagement
    from guidegen.resolve.resolver import resolve_guide
    from guidegen.writers import WriterOptions, get_writer

    imported = time.perf_counter()
    engagement = Engagement(blueprint=blueprint, date="2026-11-25")
    from guidegen.core.yamlsource import load_yaml_file

    load_yaml_file(blueprint, located=False)  # as a render parses it
    parsed = time.perf_counter()
    load_yaml_file(blueprint)  # with every value's location, as validate does
    located = time.perf_counter()
    loaded = load_for(engagement)
    validated = time.perf_counter()
    guide = resolve_guide(loaded, engagement).guide
    resolved = time.perf_counter()
    build_document(guide)
    laid_out = time.perf_counter()
    times = {"imports": imported - start, "YAML parse": parsed - imported,
             "YAML parse with locations": located - parsed, "parse + merge + validate": validated - located, "resolve": resolved - validated, "layout": laid_out - resolved}
    for fmt in ("docx", "md", "xlsx"):
        t0 = time.perf_counter()
        get_writer(fmt)(guide, WriterOptions())
        times[f"{fmt} writer (with layout)"] = time.perf_counter() - t0
    for name, seconds in times.items():
        print(f"{name}\t{seconds:.3f}")


if __name__ == "__main__":
    kind = sys.argv[1]
    if kind == "docxtpl":
        docxtpl_table(int(sys.argv[2]), Path(sys.argv[3]))
    elif kind == "openpyxl":
        openpyxl_write_only(int(sys.argv[2]), Path(sys.argv[3]))
    elif kind == "stages":
        stages(sys.argv[2])
    else:
        raise SystemExit(__doc__)
