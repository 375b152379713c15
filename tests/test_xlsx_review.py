"""The mapping workbook a client team reviews and signs off (read back with openpyxl)."""

from __future__ import annotations

import openpyxl
import pytest

from conftest import guide_for, rendered
from guidegen.content.tables import TABLES
from guidegen.core import i18n
from guidegen.core.vocab import review_status
from readback import xlsx_index, xlsx_workbook


def _mapping_sheets(wb) -> list:
    return [wb[row[0]] for row in xlsx_index(wb) if row[1] == "mapping"]


def _column(ws, code: str) -> int:
    return TABLES["mapping"].codes().index(code) + 1


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_rows_not_approved_in_the_blueprint_await_review(lang: str) -> None:
    guide = guide_for("email-marketing", lang, None, "new")
    wb = xlsx_workbook(rendered("email-marketing", "xlsx", lang))
    sheets = {row[2]: wb[row[0]] for row in xlsx_index(wb) if row[1] == "mapping"}
    seen = set()
    for entity in guide.data.entities:
        ws = sheets[entity.id]
        status = _column(ws, "status")
        for number, f in enumerate(entity.fields, 2):
            expected = i18n.code(lang, "status", review_status(f.status))
            assert ws.cell(number, status).value == expected, (ws.title, number)
            seen.add(ws.cell(number, status).value)
    assert i18n.code(lang, "status", "to_review") in seen
    assert i18n.code(lang, "status", "mapped") not in seen


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_review_columns_have_prompts_dates_and_status_shading(lang: str) -> None:
    wb = xlsx_workbook(rendered("email-marketing", "xlsx", lang))
    ws = _mapping_sheets(wb)[0]
    headers = [c.value for c in ws[1]]
    for code, label in (("status", "col_status"), ("reviewer", "col_reviewer"), ("decided", "col_decided"),
                        ("comment", "col_comment"), ("key", "col_row_key")):
        assert headers[_column(ws, code) - 1] == i18n.t(lang, label)
    prompts = {}
    for dv in ws.data_validations.dataValidation:
        for rng in dv.sqref.ranges:
            prompts[rng.min_col] = dv
    for code in ("status", "reviewer", "decided", "comment", "key"):
        dv = prompts[_column(ws, code)]
        assert dv.showInputMessage and dv.prompt and len(dv.prompt) <= 255, code
    assert i18n.code(lang, "status", "approved") in prompts[_column(ws, "status")].prompt
    assert prompts[_column(ws, "decided")].type == "date"
    decided = openpyxl.utils.get_column_letter(_column(ws, "decided"))
    assert ws.cell(2, _column(ws, "decided")).number_format == "yyyy-mm-dd"
    assert ws.column_dimensions[decided].number_format == "yyyy-mm-dd"
    status_letter = openpyxl.utils.get_column_letter(_column(ws, "status"))
    rules = {rule.formula[0]: rule for cf in ws.conditional_formatting for rule in cf.rules}
    for status, color in (("approved", "C6EFCE"), ("to_review", "FFEB9C"), ("not_required", "EDEDED")):
        formula = f'${status_letter}2="{i18n.code(lang, "status", status)}"'
        assert formula in rules, formula
        assert rules[formula].dxf.fill.fgColor.rgb.endswith(color)
    status_width = ws.column_dimensions[status_letter].width
    longest = max(len(i18n.code(lang, "status", s)) for s in ("approved", "not_required", "to_review", "deprecated"))
    assert status_width >= longest + 2  # "Not required" is not clipped


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_keys_and_identifiers_are_locked_and_review_columns_editable(lang: str) -> None:
    wb = xlsx_workbook(rendered("email-marketing", "xlsx", lang))
    for ws in _mapping_sheets(wb):
        assert ws.protection.sheet and not ws.protection.password
        assert not ws.protection.autoFilter and not ws.protection.sort  # filtering and sorting stay allowed
        for spec in TABLES["mapping"].workbook_columns():
            column = _column(ws, spec.code)
            letter = openpyxl.utils.get_column_letter(column)
            assert ws.cell(2, column).protection.locked == spec.locked, (ws.title, spec.code)
            if not spec.locked:  # rows added below the data are editable too
                assert ws.column_dimensions[letter].protection.locked is False, spec.code
        assert {s.code for s in TABLES["mapping"].workbook_columns() if s.locked} >= {"key", "source_system", "target_system"}
        assert not any(s.locked for s in TABLES["mapping"].workbook_columns()
                       if s.code in ("status", "reviewer", "decided", "comment", "rule", "type"))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_header_and_body_fonts_are_named_and_sized(lang: str) -> None:
    wb = xlsx_workbook(rendered("email-marketing", "xlsx", lang))
    expected = "Microsoft YaHei" if lang == "zh" else "Calibri"
    for ws in wb.worksheets:
        if ws.sheet_state != "visible":
            continue
        for cell in ws[1]:
            if cell.value:
                assert cell.font.name == expected and cell.font.sz == 10 and cell.font.b, (ws.title, cell.coordinate)
        for cell in ws[2]:
            if cell.value is not None:
                assert cell.font.name == expected and cell.font.sz >= 8, (ws.title, cell.coordinate)
