"""The document layout: declared tables, numbering, and every writer handling every block type."""

from __future__ import annotations

import datetime as dt

import pytest

from guidegen.content.tables import TABLES
from guidegen.core import i18n
from guidegen.document import layout as L
from guidegen.writers import get_writer
from readback import docx_document, plain

from conftest import available_builtins, guide_for

BLUEPRINTS = available_builtins()


def test_table_declarations_have_unique_codes_and_labels() -> None:
    for spec in TABLES.values():
        codes = [c.code for c in spec.columns]
        assert len(codes) == len(set(codes)), spec.key
        assert spec.document_columns() or spec.workbook_only, spec.key


@pytest.mark.parametrize("blueprint", BLUEPRINTS)
def test_every_table_uses_its_declared_columns(blueprint: str) -> None:
    guide = guide_for(blueprint, "en", complexity="high", scenario="upgrade")
    doc = L.build_document(guide)
    locale = i18n.locale("en")
    names = {"crm": guide.meta.crm, "software": guide.meta.software}
    for table in (b for b in doc.blocks if isinstance(b, L.Table)):
        spec = TABLES[table.key.split(":")[0]]
        declared = [locale.t(c.label, **names) for c in spec.document_columns()]
        required = [locale.t(c.label, **names) for c in spec.document_columns() if not c.optional]
        headers = [c.header for c in table.columns]
        if spec.per_phase:  # the phase columns come from the plan, not the declaration
            headers = [h for h in headers if h in declared]
        assert [h for h in declared if h in headers] == headers, (table.key, headers)
        assert set(required) <= set(headers), (table.key, headers)


def _every_block() -> L.Document:
    guide = guide_for("email-marketing", "en")
    doc = L.build_document(guide)
    table = L.Table("t", "Table caption", "1-1", [L.Column("A"), L.Column("B", literal=True)], [["cell a", ["step 1", "step 2"]]])
    bar = L.GanttBar("Phase one", 1, 2, dt.date(2027, 1, 4), dt.date(2027, 1, 15))
    blocks: list[L.Block] = [
        L.Heading(1, "Chapter heading", "1"),
        L.Prose("Prose paragraph"),
        L.Items([("Lead", "Item text")], ordered=True),
        table,
        L.Gantt("Gantt caption", "1-1", [bar], 2, "W"),
        L.Flowchart("Flowchart caption", [L.FlowStep("DF-01", "Flow name", "CRM", "Software", ["step"])]),
    ]
    assert {type(b) for b in blocks} == set(L.BLOCK_TYPES), "a new block type needs a case here"
    doc.blocks = blocks
    return doc


@pytest.mark.parametrize("fmt", ["docx", "md", "html"])
def test_every_writer_renders_every_block_type(fmt: str, monkeypatch: pytest.MonkeyPatch) -> None:
    doc = _every_block()
    monkeypatch.setattr(L, "build_document", lambda guide: doc)
    data = get_writer(fmt)(guide_for("email-marketing", "en"), None)
    if fmt == "docx":
        document = docx_document(data)
        cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
        text = "\n".join([p.text for p in document.paragraphs] + cells)
    elif fmt == "html":
        import html
        import re

        text = html.unescape(re.sub(r"<[^>]+>", " ", data.decode("utf-8")))
    else:
        text = plain(data.decode("utf-8"))
    for expected in ("Chapter heading", "Prose paragraph", "Item text", "cell a", "step 2", "Phase one"):
        assert expected in text, (fmt, expected)
