"""The workbook is a real working spreadsheet (checked with openpyxl)."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pytest

from conftest import FIXED_DATE, ROOT, available_builtins, rendered, run_cli
from guidegen.writers.xlsx import needs_text_protection, sheet_title
from readback import xlsx_index, xlsx_workbook

BLUEPRINTS = available_builtins()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_data_sheet_has_the_working_features(lang: str) -> None:
    wb = xlsx_workbook(rendered("email-marketing", "xlsx", lang))
    visible = [ws for ws in wb.worksheets if ws.sheet_state == "visible"]
    assert len(visible) >= 9
    for ws in visible:
        assert ws.freeze_panes == "B3", ws.title
        assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A2:"), ws.title
        assert ws.print_title_rows == "$2:$2"
        assert ws.page_setup.orientation in ("landscape", "portrait") and ws.page_setup.scale >= 80
        assert ws["A1"].value and ws["A1"].font.bold  # the full title above the header row
        header = ws[2]
        assert all(c.font.bold and c.fill.fgColor.rgb.endswith("D9E2F3") for c in header if c.value)
        for column in range(1, ws.max_column + 1):
            width = ws.column_dimensions[openpyxl.utils.get_column_letter(column)].width
            assert 8 <= width <= 60
        assert all(c.alignment.wrap_text for row in ws.iter_rows(min_row=3, max_row=4) for c in row if c.value)


def test_drop_downs_come_from_a_hidden_list_sheet() -> None:
    wb = xlsx_workbook(rendered("email-marketing", "xlsx", "en"))
    lists = wb["Lists"]
    assert lists.sheet_state == "hidden"
    kinds = {ws.title: ws for ws in wb.worksheets}
    index = {row[0]: row[1] for row in xlsx_index(wb)}
    expectations = {"mapping": {"Source type", "Target type", "Required", "Direction", "Status"},
                    "tests": {"Category", "Priority", "Status"}, "risks": {"Likelihood", "Impact"},
                    "metrics": {"Alert level"}}
    for title, kind in index.items():
        if kind not in expectations:
            continue
        ws = kinds[title]
        headers = {c.column_letter: c.value for c in ws[2]}
        covered = set()
        for dv in ws.data_validations.dataValidation:
            if dv.type != "list":  # input prompts and date checks
                continue
            assert dv.formula1.startswith(("Lists!$", "'Lists'!$"))
            for rng in dv.sqref.ranges:
                covered.add(headers[re.sub(r"\d", "", rng.coord.split(":")[0])])
                assert rng.max_row > ws.max_row  # room for added rows
        assert expectations[kind] <= covered, (title, covered)
    column = next(c.column_letter for c in lists[1] if c.value == "field_type")
    type_values = [c.value for c in lists[column][1:] if c.value]
    assert "String" in type_values and "Enum" in type_values


def test_sheet_names_are_valid_unique_and_short() -> None:
    taken: set[str] = set()
    names = [sheet_title(n, taken) for n in ["Map-a/b:c*d?[e]", "Map-a/b:c*d?[e]", "x" * 40, "x" * 40, "", "  "]]
    assert len(set(n.lower() for n in names)) == len(names)
    for name in names:
        assert 0 < len(name) <= 31 and not re.search(r"[\[\]:*?/\\]", name)
    for blueprint in BLUEPRINTS:
        for lang in ("zh", "en"):
            titles = xlsx_workbook(rendered(blueprint, "xlsx", lang)).sheetnames
            assert len(set(t.lower() for t in titles)) == len(titles)
            assert all(len(t) <= 31 for t in titles)


def test_sheet_names_are_in_the_guides_language() -> None:
    assert "测试用例" in xlsx_workbook(rendered("email-marketing", "xlsx", "zh")).sheetnames
    assert "Test cases" in xlsx_workbook(rendered("email-marketing", "xlsx", "en")).sheetnames


def test_formula_like_text_is_stored_as_text(tmp_path: Path) -> None:
    source = (ROOT / "tests" / "data" / "minimal.yaml").read_text(encoding="utf-8")
    source = source.replace("rule: {zh: 小写, en: Lower-case}", "rule: '+1', example: '-', default: '@SUM(A1)'")
    path = tmp_path / "inject.yaml"
    path.write_text(source, encoding="utf-8")
    code, out, err = run_cli("render", path, "--format", "xlsx", "--out", tmp_path, "--client", '=HYPERLINK("http://x","y")',
                             "--date", FIXED_DATE)
    assert code == 0, err
    wb = openpyxl.load_workbook(Path(out.split()[0]))
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
    by_value = {c.value: c for c in cells}
    for value in ('=HYPERLINK("http://x","y")', "+1", "@SUM(A1)"):
        assert by_value[value].data_type == "s", value
    assert by_value["-"].value == "-" and by_value["-"].data_type == "s"
    plan = wb["实施计划"]
    assert isinstance(plan["B3"].value, int)  # numbers stay numbers
    # Only the summary's counts and the effort estimate's totals are formulas; no content ever becomes one.
    assert not any(c.data_type == "f" for c in cells if c.parent.title not in ("汇总", "工作量估算"))
    assert all(c.value.startswith("=SUM(") for c in cells if c.data_type == "f" and c.parent.title == "工作量估算")
    assert all(c.value.startswith(("=COUNTIF(", "=COUNTA(", "=SUM(", "=IF(")) for c in cells if c.data_type == "f")


@pytest.mark.parametrize("value, protect", [("=A1", True), ("+1", True), ("-1", True), ("@x", True), ("\tx", True),
                                            ("\rx", True), ("-", False), ("a=b", False), ("", False)])
def test_injection_prefixes(value: str, protect: bool) -> None:
    assert needs_text_protection(value) is protect


def test_workbook_properties_come_from_the_engagement() -> None:
    wb = xlsx_workbook(rendered("email-marketing", "xlsx", "en"))
    assert wb.properties.title and wb.properties.subject and wb.properties.keywords
    assert wb.properties.created.date().isoformat() == FIXED_DATE
    assert wb.properties.modified.date().isoformat() == FIXED_DATE


def test_traceability_and_plan_sheets_list_every_goal_and_phase() -> None:
    from conftest import guide_for

    guide = guide_for("email-marketing", "en")
    wb = xlsx_workbook(rendered("email-marketing", "xlsx", "en"))
    assert [r[0].value for r in wb["Traceability"].iter_rows(min_row=3)] == [g.id for g in guide.overview.goals]
    assert [r[0].value for r in wb["Plan"].iter_rows(min_row=3)] == [p.name for p in guide.implementation.phases]
