"""Every writer's output, read back by an independent library, holds the model's content."""

from __future__ import annotations

import re

import pytest

from conftest import available_builtins, guide_for, rendered
from guidegen.core import i18n
from guidegen.document.chapters.data import shown_field
from readback import docx_headings, docx_tables, md_headings, md_tables, xlsx_index, xlsx_workbook

BLUEPRINTS = available_builtins()


def _strip_number(text: str) -> str:
    return re.sub(r"^\d+(\.\d+)*\s+", "", text)


@pytest.mark.parametrize("fmt, read", [("docx", docx_tables), ("md", md_tables)])
@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("blueprint", BLUEPRINTS)
def test_document_holds_every_mapping_row_in_order(blueprint: str, lang: str, fmt: str, read) -> None:
    guide = guide_for(blueprint, lang)
    tables = read(rendered(blueprint, fmt, lang))
    suffix = "字段映射" if lang == "zh" else " field mapping"
    for entity in guide.data.entities:
        matches = [t for t in tables if t.caption.endswith(entity.name + suffix)]
        assert matches, f"no table captioned for {entity.name}"
        assert [(r[0], r[1]) for r in matches[0].rows] == [(shown_field(f.source, i18n.t(lang, "none")), shown_field(f.target, i18n.t(lang, "none")))
                                                               for f in entity.fields]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("blueprint", BLUEPRINTS)
def test_workbook_holds_every_mapping_row_in_order(blueprint: str, lang: str) -> None:
    guide = guide_for(blueprint, lang)
    wb = xlsx_workbook(rendered(blueprint, "xlsx", lang))
    sheets = {row[2]: row[0] for row in xlsx_index(wb) if row[1] == "mapping"}
    assert list(sheets) == [e.id for e in guide.data.entities]
    for entity in guide.data.entities:
        ws = wb[sheets[entity.id]]
        values = list(ws.iter_rows(min_row=3, values_only=True))
        assert [(v[0], v[3], v[7]) for v in values] == [(f.key, f.source, f.target) for f in entity.fields]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("blueprint", BLUEPRINTS)
def test_docx_and_markdown_hold_the_same_sections_and_tables(blueprint: str, lang: str) -> None:
    docx_data, md_data = rendered(blueprint, "docx", lang), rendered(blueprint, "md", lang)
    assert [(lvl, _strip_number(t)) for lvl, t in docx_headings(docx_data)] == md_headings(md_data)
    figure = "图" if lang == "zh" else "Figure"
    docx_body_tables = [t for t in docx_tables(docx_data) if not t.after.startswith(figure)]
    assert len(docx_body_tables) == len(md_tables(md_data))


@pytest.mark.parametrize("blueprint", BLUEPRINTS)
def test_every_enum_value_appears_in_every_format(blueprint: str) -> None:
    guide = guide_for(blueprint, "en")
    md = rendered(blueprint, "md", "en").decode()
    docx_text = "\n".join("\n".join("\t".join(r) for r in t.rows) for t in docx_tables(rendered(blueprint, "docx", "en")))
    wb = xlsx_workbook(rendered(blueprint, "xlsx", "en"))
    enum_sheet = next(wb[r[0]] for r in xlsx_index(wb) if r[1] == "enums")
    xlsx_rows = [(r[0], r[2] or None, r[3]) for r in enum_sheet.iter_rows(min_row=3, values_only=True)]
    expected = [(cs.id, v.source, v.target) for cs in guide.data.enums for v in cs.values]
    assert xlsx_rows == expected
    for _, _, target in expected:
        assert target in md and target in docx_text
