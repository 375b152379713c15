"""Project files, starter files, new blueprints and user blueprint folders."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from conftest import FIXED_DATE, ROOT, run_cli
from readback import md_tables


def test_init_project_writes_a_commented_file_that_renders(tmp_path: Path) -> None:
    project = tmp_path / "engagement.yaml"
    code, out, err = run_cli("init-project", project, "--blueprint", "email-marketing")
    assert code == 0, err
    text = project.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=")
    assert "business_owner:" in text and "# goals:" in text
    code, out, err = run_cli("render", "--project", project, "--format", "md", "--date", FIXED_DATE)
    assert code == 0, err
    written = Path(out.split()[0])
    assert written.parent == tmp_path / "output"
    assert "ACME Corp" in written.read_text(encoding="utf-8")


def test_init_project_never_overwrites(tmp_path: Path) -> None:
    project = tmp_path / "engagement.yaml"
    project.write_text("mine", encoding="utf-8")
    code, _, err = run_cli("init-project", project)
    assert code == 2 and "refusing to overwrite" in err
    assert project.read_text(encoding="utf-8") == "mine"


def test_project_file_start_date_yields_recomputable_phase_dates(tmp_path: Path) -> None:
    project = tmp_path / "p.yaml"
    project.write_text(
        "blueprint: email-marketing\nlang: en\nstart_date: 2027-01-04\nformats: [md]\n"
        "people:\n  crm_dev: {name: Li Lei, contact: li@example.com}\n", encoding="utf-8")
    code, out, err = run_cli("render", "--project", project, "--out", tmp_path, "--date", FIXED_DATE)
    assert code == 0, err
    tables = md_tables(Path(out.split()[0]).read_bytes())
    plan = next(t for t in tables if "Phases and tasks" in t.caption)
    monday = dt.date(2027, 1, 4)
    for row in plan.rows:
        weeks = [int(w) for w in row[1].replace("Weeks ", "").replace("Week ", "").split("–")]
        start, end = row[2].split(" – ")
        assert start == (monday + dt.timedelta(weeks=weeks[0] - 1)).isoformat()
        assert end == (monday + dt.timedelta(weeks=weeks[-1] - 1, days=4)).isoformat()
    roles = next(t for t in tables if "Roles and responsibilities" in t.caption)
    assert ["CRM developer", "Li Lei", "li@example.com"] == [roles.rows[1][0], roles.rows[1][2], roles.rows[1][3]]


def test_command_line_overrides_the_project_file(tmp_path: Path) -> None:
    project = tmp_path / "p.yaml"
    project.write_text("blueprint: email-marketing\nlang: zh\nsoftware: FromFile\nformats: [md]\n", encoding="utf-8")
    code, out, err = run_cli("render", "--project", project, "--lang", "en", "--software", "FromCLI", "--out", tmp_path)
    assert code == 0, err
    text = Path(out.split()[0]).read_text(encoding="utf-8")
    assert "FromCLI" in text and "FromFile" not in text and out.split()[0].endswith("-en.md")


def test_a_bad_project_file_names_file_line_and_key(tmp_path: Path) -> None:
    project = tmp_path / "p.yaml"
    project.write_text("blueprint: email-marketing\nlang: fr\n", encoding="utf-8")
    code, _, err = run_cli("render", "--project", project)
    assert code == 2
    assert "p.yaml:2:" in err and "lang" in err and "'zh' or 'en'" in err


def test_new_blueprint_skeleton_validates_strictly_and_renders(tmp_path: Path) -> None:
    code, out, err = run_cli("new-blueprint", "e-signature", "--dir", tmp_path)
    assert code == 0, err
    path = tmp_path / "e-signature.yaml"
    code, _, err = run_cli("validate", "--strict", path)
    assert code == 0, err
    code, out, err = run_cli("render", path, "--out", tmp_path / "out", "--lang", "en", "--date", FIXED_DATE)
    assert code == 0, err
    assert len(out.split()) == 3


def test_new_blueprint_from_an_existing_one_is_a_renamed_copy(tmp_path: Path) -> None:
    code, _, err = run_cli("new-blueprint", "my-email", "--from", "email-marketing", "--dir", tmp_path)
    assert code == 0, err
    text = (tmp_path / "my-email.yaml").read_text(encoding="utf-8")
    assert "\nid: my-email\n" in text
    code, _, err = run_cli("validate", "--strict", tmp_path / "my-email.yaml")
    assert code == 0, err


def test_new_blueprint_refuses_a_bad_id_and_an_existing_file(tmp_path: Path) -> None:
    code, _, err = run_cli("new-blueprint", "../evil", "--dir", tmp_path)
    assert code == 2 and "invalid blueprint id" in err
    (tmp_path / "x.yaml").write_text("mine")
    code, _, _ = run_cli("new-blueprint", "x", "--dir", tmp_path)
    assert code == 2 and (tmp_path / "x.yaml").read_text() == "mine"


def test_user_blueprint_folders_join_list_and_render(tmp_path: Path, monkeypatch) -> None:
    folder = tmp_path / "mine"
    assert run_cli("new-blueprint", "e-signature", "--dir", folder)[0] == 0
    code, out, _ = run_cli("list", "--blueprints", folder)
    assert "e-signature" in out and "email-marketing" in out
    code, out, err = run_cli("render", "e-signature", "--blueprints", folder, "--format", "md", "--out", tmp_path / "o")
    assert code == 0, err
    monkeypatch.setenv("GUIDEGEN_BLUEPRINTS", str(folder))
    code, out, _ = run_cli("list")
    assert "e-signature" in out


def test_render_all_renders_every_blueprint_in_parallel(tmp_path: Path) -> None:
    code, out, err = run_cli("render", "--all", "--lang", "zh", "--lang", "en", "--format", "md", "--jobs", "2",
                             "--out", tmp_path, "--date", FIXED_DATE)
    assert code == 0, err
    builtins = sorted(p.stem for p in (ROOT / "blueprints" / "types").glob("*.yaml"))
    assert len(out.split()) == 2 * len(builtins)
    assert "summary:" in err and "rendered" in err


def test_render_all_reports_failures_and_still_writes_the_others(tmp_path: Path) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "broken.yaml").write_text("id: broken\n", encoding="utf-8")
    code, out, err = run_cli("render", "--all", "--blueprints", folder, "--format", "md", "--out", tmp_path / "o",
                             "--jobs", "1")
    assert code == 2
    assert "failed: broken" in err
    assert any("email-marketing" in p for p in out.split())
