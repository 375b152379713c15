"""The command line as a user meets it: commands, outputs, exit statuses, messages."""

from __future__ import annotations

import io
import re
from pathlib import Path

import docx

from conftest import FIXED_DATE, ROOT, available_builtins, run_cli


def test_list_shows_every_builtin_blueprint_with_its_default_complexity() -> None:
    code, out, _ = run_cli("list")
    assert code == 0
    for blueprint in available_builtins():
        assert re.search(rf"^{blueprint}\s+(simple|medium|high)\s+\S", out, re.MULTILINE)


def test_render_writes_all_three_formats_with_default_names(tmp_path: Path) -> None:
    code, out, err = run_cli("render", "email-marketing", "--out", tmp_path, "--date", FIXED_DATE)
    assert code == 0, err
    names = sorted(Path(line).name for line in out.split())
    assert names == [f"email-marketing-simple-zh.{ext}" for ext in ("docx", "md", "xlsx")]
    for name in names:
        assert (tmp_path / name).stat().st_size > 1000


def test_render_names_the_upgrade_scenario_and_each_language(tmp_path: Path) -> None:
    code, out, err = run_cli("render", "email-marketing", "--scenario", "upgrade", "--lang", "zh", "--lang", "en",
                             "--format", "md", "--out", tmp_path, "--date", FIXED_DATE)
    assert code == 0, err
    assert {Path(p).name for p in out.split()} == {"email-marketing-simple-zh-upgrade.md", "email-marketing-simple-en-upgrade.md"}


def test_values_from_the_command_line_are_text_never_templates(tmp_path: Path) -> None:
    code, _, err = run_cli("render", "email-marketing", "--software", "{{ 7*7 }}", "--client", "{% if 1 %}x{% endif %}",
                           "--format", "docx", "--out", tmp_path, "--date", FIXED_DATE)
    assert code == 0, err
    document = docx.Document(io.BytesIO((tmp_path / "email-marketing-simple-zh.docx").read_bytes()))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "{{ 7*7 }}" in text
    assert "{% if 1 %}x{% endif %}" in text
    assert "49" not in text


def test_bad_blueprint_exits_2_naming_file_and_line_without_traceback(tmp_path: Path) -> None:
    source = (ROOT / "blueprints" / "types" / "email-marketing.yaml").read_text(encoding="utf-8")
    broken = source.replace("default_complexity: simple", "default_complexity: easy")
    path = tmp_path / "broken.yaml"
    path.write_text(broken, encoding="utf-8")
    line = broken.splitlines().index("default_complexity: easy") + 1
    code, out, err = run_cli("render", str(path), "--out", tmp_path / "out")
    assert code == 2
    assert f"broken.yaml:{line}:" in err
    assert "default_complexity" in err and "'easy'" in err and "'simple', 'medium' or 'high'" in err
    assert "Traceback" not in err + out
    assert not (tmp_path / "out").exists()


def test_validate_accepts_builtins_strictly_and_rejects_a_broken_file(tmp_path: Path) -> None:
    code, out, err = run_cli("validate", "--strict", *[ROOT / "blueprints" / "types" / f"{b}.yaml" for b in available_builtins()])
    assert code == 0, err
    path = tmp_path / "bad.yaml"
    path.write_text("id: x\ntitle: t\n", encoding="utf-8")
    code, _, err = run_cli("validate", path)
    assert code == 2
    assert "missing required key 'default_complexity'" in err


def test_unknown_blueprint_suggests_the_closest_id() -> None:
    code, _, err = run_cli("render", "email-marketin")
    assert code == 2
    assert "did you mean 'email-marketing'" in err


def test_schema_command_writes_what_is_committed(tmp_path: Path) -> None:
    code, _, err = run_cli("schema", "--out", tmp_path)
    assert code == 0, err
    for name in ("blueprint.schema.json", "project.schema.json"):
        assert (tmp_path / name).read_text(encoding="utf-8") == (ROOT / "schemas" / name).read_text(encoding="utf-8"), (
            f"schemas/{name} is out of date: run 'guidegen schema'"
        )


def test_every_command_has_help() -> None:
    code, out, _ = run_cli("--help")
    assert code == 0
    commands = re.findall(r"^  ([a-z-]+)\s", out.split("Commands:")[1], re.MULTILINE)
    assert {"list", "render", "validate", "schema"} <= set(commands)
    for command in commands:
        code, out, _ = run_cli(command, "--help")
        assert code == 0 and "Usage:" in out


def test_a_custom_goal_without_tests_is_flagged_in_every_format(tmp_path: Path) -> None:
    code, out, err = run_cli("render", "email-marketing", "--lang", "en", "--add-goal", "Halve duplicate contacts",
                             "--out", tmp_path, "--date", FIXED_DATE)
    assert code == 0, err
    assert "goal CG1 is not covered by any test case" in err
    md = (tmp_path / "email-marketing-simple-en.md").read_text(encoding="utf-8")
    assert "| CG1 | Halve duplicate contacts |" in md and "**Not covered**" in md
    assert "no test case covers these goals yet: CG1" in md
    document = docx.Document(io.BytesIO((tmp_path / "email-marketing-simple-en.docx").read_bytes()))
    trace = next(t for t in document.tables if t.rows[0].cells[0].text == "ID" and t.rows[0].cells[-1].text == "Coverage")
    assert [r.cells[0].text for r in trace.rows[1:]] == ["G1", "G2", "G3", "G4", "CG1"]
    assert trace.rows[-1].cells[-1].text == "Not covered"
    import openpyxl

    wb = openpyxl.load_workbook(tmp_path / "email-marketing-simple-en.xlsx")
    rows = list(wb["Traceability"].iter_rows(min_row=3, values_only=True))
    assert rows[-1][0] == "CG1" and rows[-1][-1] == "Not covered"
