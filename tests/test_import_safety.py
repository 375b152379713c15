"""import-mapping reads columns by meaning and writes the user's blueprint without losing anything:
column codes, a deleted header row, YAML aliases, permissions, line ends, BOM, symlinks, the
backup, literal text, and every built-in type's unedited round trip."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import openpyxl
import pytest
from openpyxl.comments import Comment

from conftest import FIXED_DATE, ROOT, available_builtins, run_cli
from guidegen.blueprint.loader import load_blueprint
from test_import_mapping import edit

MINIMAL = ROOT / "tests" / "data" / "minimal.yaml"
SHEET = "映射-联系人"  # minimal.yaml's one entity, in Chinese
RULE = "L"  # the rule column as exported


def export(blueprint: Path, out: Path, lang: str = "zh") -> Path:
    code, stdout, err = run_cli("render", blueprint, "--format", "xlsx", "--lang", lang, "--out", out, "--date", FIXED_DATE)
    assert code == 0, err
    return Path(stdout.split()[0])


@pytest.fixture
def workspace(tmp_path: Path) -> tuple[Path, Path]:
    blueprint = tmp_path / "minimal.yaml"
    shutil.copy(MINIMAL, blueprint)
    return blueprint, export(blueprint, tmp_path / "out")


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("name", available_builtins())
def test_every_built_in_type_round_trips_unedited(tmp_path: Path, name: str, lang: str) -> None:
    blueprint = tmp_path / f"{name}.yaml"
    shutil.copy(ROOT / "blueprints" / "types" / f"{name}.yaml", blueprint)
    before = blueprint.read_bytes()
    code, out, err = run_cli("import-mapping", export(blueprint, tmp_path / "out", lang), blueprint)
    assert code == 0, err
    assert "no changes" in out
    assert blueprint.read_bytes() == before


def _swap_columns(ws, a: int, b: int) -> None:
    for row in ws.iter_rows(min_row=1, max_row=ws.max_row):
        x, y = row[a - 1], row[b - 1]
        x.value, y.value = y.value, x.value
        cx, cy = x.comment, y.comment
        x.comment = Comment(cy.text, cy.author) if cy else None
        y.comment = Comment(cx.text, cx.author) if cx else None


def test_swapped_columns_are_read_by_their_codes(workspace) -> None:
    blueprint, workbook = workspace
    before = blueprint.read_bytes()
    edited = edit(workbook, lambda wb: _swap_columns(wb[SHEET], 12, 13))  # rule <-> validation
    code, out, err = run_cli("import-mapping", edited, blueprint)
    assert code == 0, err
    assert "no changes" in out and blueprint.read_bytes() == before


def test_swapped_columns_with_one_edit_change_only_that_field(workspace) -> None:
    blueprint, workbook = workspace

    def change(wb):
        _swap_columns(wb[SHEET], 4, 8)  # source field <-> target field
        wb[SHEET]["M3"] = "非空"  # validation
    code, out, err = run_cli("import-mapping", edit(workbook, change), blueprint)
    assert code == 0, err
    assert "1 changed" in out and "validation" in out
    field = load_blueprint(blueprint).blueprint.data.entities[0].fields[0]
    assert (field.source, field.target, field.validation.zh) == ("email", "email_address", "非空")


def test_a_deleted_header_row_is_refused_and_no_row_is_taken_as_data(workspace) -> None:
    blueprint, workbook = workspace
    before = blueprint.read_bytes()
    code, out, err = run_cli("import-mapping", edit(workbook, lambda wb: wb[SHEET].delete_rows(2)), blueprint)
    assert code == 2 and "header row is missing" in err and f"{SHEET}!A2" in err
    assert blueprint.read_bytes() == before


@pytest.mark.parametrize("change, message, cell", [
    (lambda ws: ws.delete_cols(12), "columns are missing", "!2:2"),
    (lambda ws: (ws.cell(2, 20, "备注2"), setattr(ws.cell(2, 20), "comment", Comment("guidegen-column: note", "x"))),
     "appears twice", "!T2"),
    (lambda ws: (ws.cell(2, 25, "My notes"), ws.cell(3, 25, "check")), "unknown column", "!Y2"),
    (lambda ws: ws.cell(3, 26, "stray"), "column the import does not know", "!Z3"),
])
def test_missing_duplicated_and_unknown_columns_are_refused_naming_the_cell(workspace, change, message: str,
                                                                              cell: str) -> None:
    blueprint, workbook = workspace
    before = blueprint.read_bytes()
    code, out, err = run_cli("import-mapping", edit(workbook, lambda wb: change(wb[SHEET])), blueprint)
    assert code == 2, out
    assert message in err and SHEET + cell in err and "Traceback" not in err
    assert blueprint.read_bytes() == before


def test_a_workbook_without_column_codes_is_read_by_its_header_labels(workspace) -> None:
    """Workbooks exported before columns carried codes keep importing."""
    blueprint, workbook = workspace

    def change(wb):
        for cell in wb[SHEET][2]:
            cell.comment = None
        wb[SHEET][f"{RULE}3"] = "转小写"
    code, out, err = run_cli("import-mapping", edit(workbook, change), blueprint)
    assert code == 0, err
    assert "1 changed" in out


def test_a_value_shared_by_a_yaml_alias_changes_only_for_the_edited_field(tmp_path: Path) -> None:
    blueprint = tmp_path / "minimal.yaml"
    text = MINIMAL.read_text(encoding="utf-8")
    text = text.replace("rule: {zh: 小写, en: Lower-case}}", "rule: &lower {zh: 小写, en: Lower-case}}")
    text = text.replace("{source: phone, target: phone, type: string}", "{source: phone, target: phone, type: string, rule: *lower}")
    blueprint.write_text(text, encoding="utf-8")
    workbook = export(blueprint, tmp_path / "out")
    code, out, err = run_cli("import-mapping", edit(workbook, lambda wb: wb[SHEET].__setitem__(f"{RULE}4", "去空格")),
                             blueprint)
    assert code == 0, err
    assert "1 changed" in out and "shared by YAML alias &lower" in out
    email, phone = load_blueprint(blueprint).blueprint.data.entities[0].fields
    assert (email.rule.zh, email.rule.en) == ("小写", "Lower-case")
    assert (phone.rule.zh, phone.rule.en) == ("去空格", "Lower-case")


def test_text_typed_into_a_cell_stays_literal(workspace, tmp_path: Path) -> None:
    blueprint, workbook = workspace
    typed = "{{ 7*7 }} {% if x %} [site](http://evil.example) *x*\n# heading"
    code, out, err = run_cli("import-mapping", edit(workbook, lambda wb: wb[SHEET].__setitem__(f"{RULE}3", typed)), blueprint)
    assert code == 0, err
    code, out, err = run_cli("render", blueprint, "--format", "xlsx", "--format", "md", "--out", tmp_path / "again",
                             "--date", FIXED_DATE)
    assert code == 0, err
    xlsx, md = (Path(p) for p in out.split())
    cells = [c.value for row in openpyxl.load_workbook(xlsx)[SHEET].iter_rows() for c in row]
    assert typed in cells  # the same text comes back: a second import changes nothing
    markdown = md.read_text(encoding="utf-8")
    assert "49" not in markdown.split("email_address")[1][:200]
    assert "[site](http" not in markdown and "\\[site\\](http" in markdown and "\n# heading" not in markdown
    code, out, err = run_cli("import-mapping", xlsx, blueprint, "--dry-run")
    assert code == 0 and "no changes" in out, out + err


def _edit_rule(workbook: Path, value: str = "转小写") -> Path:
    return edit(workbook, lambda wb: wb[SHEET].__setitem__(f"{RULE}3", value))


def test_permissions_crlf_line_ends_and_bom_are_kept(workspace) -> None:
    blueprint, workbook = workspace
    original = b"\xef\xbb\xbf" + blueprint.read_bytes().replace(b"\n", b"\r\n")
    blueprint.write_bytes(original)
    os.chmod(blueprint, 0o640)
    code, out, err = run_cli("import-mapping", _edit_rule(workbook), blueprint)
    assert code == 0, err
    data = blueprint.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and data.count(b"\r\n") >= original.count(b"\r\n")  # + the change history
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert stat.S_IMODE(blueprint.stat().st_mode) == 0o640
    assert "转小写" in data.decode("utf-8")
    backup = blueprint.with_name(blueprint.name + ".bak")
    assert backup.read_bytes() == original and stat.S_IMODE(backup.stat().st_mode) == 0o640


def test_a_symlinked_blueprint_updates_the_real_file_and_stays_a_link(workspace, tmp_path: Path) -> None:
    blueprint, workbook = workspace
    real_dir = tmp_path / "real"
    real_dir.mkdir()
    real = real_dir / "minimal.yaml"
    shutil.move(blueprint, real)
    blueprint.symlink_to(real)
    code, out, err = run_cli("import-mapping", _edit_rule(workbook), blueprint)
    assert code == 0, err
    assert blueprint.is_symlink() and blueprint.resolve() == real.resolve()
    assert "转小写" in real.read_text(encoding="utf-8")
    assert (real_dir / "minimal.yaml.bak").is_file()


def test_the_backup_is_never_written_through_a_symlink(workspace, tmp_path: Path) -> None:
    blueprint, workbook = workspace
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me", encoding="utf-8")
    backup = blueprint.with_name(blueprint.name + ".bak")
    backup.symlink_to(victim)
    code, out, err = run_cli("import-mapping", _edit_rule(workbook), blueprint)
    assert code == 0, err
    assert victim.read_text(encoding="utf-8") == "keep me"
    assert not backup.is_symlink() and backup.read_bytes() == MINIMAL.read_bytes()


def test_a_text_the_workbook_cannot_hold_is_refused_at_export_not_cut(tmp_path: Path) -> None:
    blueprint = tmp_path / "long.yaml"
    long_rule = "x" * 33_000
    blueprint.write_text(MINIMAL.read_text(encoding="utf-8").replace("rule: {zh: 小写, en: Lower-case}",
                                                                     f"rule: '{long_rule}'"), encoding="utf-8")
    code, out, err = run_cli("render", blueprint, "--format", "xlsx", "--out", tmp_path / "out", "--date", FIXED_DATE)
    assert code == 2 and "longer than a workbook cell can hold" in err and f"{SHEET}!L3" in err
    assert "33,000" in err and not (tmp_path / "out").exists()
    code, out, err = run_cli("render", blueprint, "--format", "md", "--out", tmp_path / "out", "--date", FIXED_DATE)
    assert code == 0 and long_rule in Path(out.split()[0]).read_text(encoding="utf-8")
