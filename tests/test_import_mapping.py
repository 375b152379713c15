"""Review-and-import: workbook edits come back into the blueprint YAML, comments intact."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import docx
import openpyxl
import pytest

from conftest import FIXED_DATE, ROOT, run_cli

SHEET = "映射-联系人主档"


@pytest.fixture
def workspace(tmp_path: Path) -> tuple[Path, Path]:
    blueprint = tmp_path / "email-marketing.yaml"
    shutil.copy(ROOT / "blueprints" / "types" / "email-marketing.yaml", blueprint)
    code, out, err = run_cli("render", blueprint, "--format", "xlsx", "--out", tmp_path, "--date", FIXED_DATE)
    assert code == 0, err
    return blueprint, Path(out.split()[0])


def edit(workbook: Path, change) -> Path:
    wb = openpyxl.load_workbook(workbook)
    change(wb)
    edited = workbook.with_name("edited.xlsx")
    wb.save(edited)
    return edited


def test_importing_an_unedited_workbook_changes_nothing_byte_for_byte(workspace) -> None:
    blueprint, workbook = workspace
    before = blueprint.read_bytes()
    code, out, err = run_cli("import-mapping", workbook, blueprint)
    assert code == 0, err
    assert "no changes" in out
    assert blueprint.read_bytes() == before
    assert not blueprint.with_name(blueprint.name + ".bak").exists()


def test_changed_added_and_deleted_fields_come_back_with_comments_intact(workspace, tmp_path: Path) -> None:
    blueprint, workbook = workspace
    before = blueprint.read_text(encoding="utf-8")

    def change(wb):
        ws = wb[SHEET]
        ws["L4"] = "转小写、去空格、去掉别名"
        ws.delete_rows(7)  # last_name
        ws.append([None, "CRM", "Contact", "mobile", "字符串", "邮件营销平台", "Subscriber", "sms_phone", "字符串", "否",
                   "CRM → 邮件营销平台", "E.164 标准化", None, None, "+8613900000000", None, None, None, "待评审"])

    code, out, err = run_cli("import-mapping", edit(workbook, change), blueprint)
    assert code == 0, err
    assert "1 changed, 1 added, 1 deleted" in out
    after = blueprint.read_text(encoding="utf-8")
    assert 'rule: {zh: "转小写、去空格、去掉别名", en: "Lower-case and trim"}' in after
    assert "source: last_name" not in after and "source: mobile" in after
    comments = [line for line in before.splitlines() if line.lstrip().startswith("#")]
    assert comments == [line for line in after.splitlines() if line.lstrip().startswith("#")]
    untouched = before.split("  entities:")[0]
    assert after.startswith(untouched)
    assert blueprint.with_name(blueprint.name + ".bak").read_text(encoding="utf-8") == before
    code, out, err = run_cli("render", blueprint, "--format", "docx", "--out", tmp_path / "again", "--date", FIXED_DATE)
    assert code == 0, err
    text = "\n".join(c.text for t in docx.Document(io.BytesIO(Path(out.split()[0]).read_bytes())).tables
                     for r in t.rows for c in r.cells)
    assert "去掉别名" in text and "sms_phone" in text and "last_name" not in text


def test_edited_enum_values_come_back(workspace) -> None:
    blueprint, workbook = workspace

    def change(wb):
        ws = wb["枚举映射"]
        for row in ws.iter_rows(min_row=3):
            if row[0].value == "consent_type" and row[2].value == "marketing":
                row[3].value = "promotional"
        ws.append(["consent_source", "同意来源", "import", "import", "批量导入"])

    code, out, err = run_cli("import-mapping", edit(workbook, change), blueprint)
    assert code == 0, err
    text = blueprint.read_text(encoding="utf-8")
    assert "{source: marketing, target: promotional," in text
    assert "{source: import, target: import, description: {zh: 批量导入}, stale: {description: [en]}}" in text


def test_dry_run_prints_the_summary_and_writes_nothing(workspace) -> None:
    blueprint, workbook = workspace
    before = blueprint.read_bytes()
    edited = edit(workbook, lambda wb: wb[SHEET].__setitem__("L4", "新规则"))
    code, out, _ = run_cli("import-mapping", edited, blueprint, "--dry-run")
    assert code == 0 and "1 changed" in out and "dry run" in out
    assert blueprint.read_bytes() == before


@pytest.mark.parametrize("cell, value, message", [
    ("I4", "stringy", "invalid data type"),
    ("H4", None, "the target field is empty"),
    ("A5", "email", "duplicate field 'email'"),
    ("J4", "maybe", "invalid value for required"),
    ("K4", "sideways", "invalid direction"),
])
def test_invalid_edits_are_refused_with_cell_references(workspace, cell: str, value, message: str) -> None:
    blueprint, workbook = workspace
    before = blueprint.read_bytes()
    edited = edit(workbook, lambda wb: wb[SHEET].__setitem__(cell, value))
    code, out, err = run_cli("import-mapping", edited, blueprint)
    assert code == 2
    assert f"{SHEET}!{cell}" in err or (message.startswith("duplicate") and f"{SHEET}!" in err)
    assert message in err
    assert "Traceback" not in err
    assert blueprint.read_bytes() == before


def test_a_corrupted_workbook_is_refused(workspace, tmp_path: Path) -> None:
    blueprint, workbook = workspace
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(workbook.read_bytes()[:2000])
    code, _, err = run_cli("import-mapping", broken, blueprint)
    assert code == 2 and "cannot read the workbook" in err and "Traceback" not in err


def test_a_workbook_of_another_blueprint_is_refused(workspace, tmp_path: Path) -> None:
    blueprint, workbook = workspace
    other = tmp_path / "minimal.yaml"
    shutil.copy(ROOT / "tests" / "data" / "minimal.yaml", other)
    code, _, err = run_cli("import-mapping", workbook, other)
    assert code == 2 and "belongs to another blueprint" in err


def test_renaming_a_source_field_keeps_the_row_key_stable(workspace) -> None:
    blueprint, workbook = workspace
    code, _, err = run_cli("import-mapping", edit(workbook, lambda wb: wb[SHEET].__setitem__("D5", "mobile_phone")), blueprint)
    assert code == 0, err
    text = blueprint.read_text(encoding="utf-8")
    assert "- id: phone\n          source: mobile_phone" in text
    code, out, err = run_cli("render", blueprint, "--format", "xlsx", "--out", blueprint.parent / "re", "--date", FIXED_DATE)
    assert code == 0, err
    code, out, err = run_cli("import-mapping", Path(out.split()[0]), blueprint)
    assert code == 0 and "no changes" in out


def test_a_field_described_in_words_round_trips_and_a_typed_name_replaces_it(tmp_path: Path) -> None:
    """The workbook shows a described field in its language; left alone it imports as no change,
    and a field name typed over it becomes the row's source, the row keeping its id."""
    blueprint = tmp_path / "minimal.yaml"
    described = "净到期日(基准日期 + 付款天数)"
    blueprint.write_text((ROOT / "tests" / "data" / "minimal.yaml").read_text(encoding="utf-8").replace(
        "        - {source: phone, target: phone, type: string}\n",
        "        - {source: phone, target: phone, type: string}\n"
        f"        - {{id: due_date, source: {{zh: '{described}', en: net due date}}, target: due_date, type: date}}\n"),
        encoding="utf-8")
    code, out, err = run_cli("render", blueprint, "--format", "xlsx", "--lang", "zh", "--out", tmp_path, "--date", FIXED_DATE)
    assert code == 0, err
    workbook = Path(out.split()[0])
    code, out, err = run_cli("import-mapping", workbook, blueprint)
    assert code == 0 and "no changes" in out, out + err

    def rename(wb) -> None:
        cell = next(c for ws in wb.worksheets for row in ws.iter_rows() for c in row
                    if isinstance(c.value, str) and c.value.startswith("净到期日"))
        cell.value = "ZFBDT"

    code, out, err = run_cli("import-mapping", edit(workbook, rename), blueprint)
    assert code == 0, err
    text = blueprint.read_text(encoding="utf-8")
    assert "id: due_date" in text and "source: ZFBDT" in text and described not in text
