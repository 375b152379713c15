"""Hostile and broken input: exit 2 with a clear message, no traceback, nothing escapes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import FIXED_DATE, ROOT, run_cli

CORPUS = ROOT / "tests" / "hostile"

# corpus file -> words the message must contain
EXPECTED = {
    "billion_laughs.yaml": "alias/anchor bomb",
    "deep_nesting.yaml": "nested too deeply",
    "python_object.yaml": "python/object/apply:os.system' is not allowed",
    "custom_tag.yaml": "'!include' is not allowed",
    "template_escape.yaml": "is not allowed in blueprint texts",
    "traversal_id.yaml": "invalid identifier",
    "non_utf8.yaml": "not valid UTF-8",
    "truncated.yaml": "invalid YAML",
    "empty.yaml": "the file is empty",
    "two_documents.yaml": "expected a single document",
    "list_root.yaml": "must be a YAML mapping",
    "wrong_types.yaml": "wrong kind of value",
    "duplicate_keys.yaml": "duplicate key 'title'",
    "merge_key.yaml": "merge keys",
}


def _files(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file()}


@pytest.mark.parametrize("name", sorted(EXPECTED))
@pytest.mark.parametrize("command", ["validate", "render"])
def test_bad_blueprint_is_refused_cleanly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, command: str) -> None:
    monkeypatch.chdir(tmp_path)
    source = CORPUS / name
    args = [command, source] + (["--out", tmp_path / "out"] if command == "render" else [])
    code, out, err = run_cli(*args)
    assert code == 2, err
    assert EXPECTED[name] in err
    assert name in err  # the message names the file
    assert "Traceback" not in out + err
    assert _files(tmp_path) == set()  # nothing written anywhere
    assert not Path("/tmp/guidegen-pwned").exists()


def test_control_characters_are_removed_and_validate_warns(tmp_path: Path) -> None:
    source = CORPUS / "control_chars.yaml"
    code, out, err = run_cli("validate", source)
    assert code == 0 and "control characters" in err
    code, out, err = run_cli("render", source, "--out", tmp_path, "--date", FIXED_DATE)
    assert code == 0, err
    import io
    import zipfile

    for path in tmp_path.glob("controls-*"):
        data = path.read_bytes()
        if zipfile.is_zipfile(io.BytesIO(data)):
            archive = zipfile.ZipFile(io.BytesIO(data))
            data = b"".join(archive.read(n) for n in archive.namelist())
        for bad in (b"\x07", b"\x1b", b"\x0c", b"\x00", "\ufffe".encode(), "\uffff".encode()):
            assert bad not in data, (path.name, bad)


def test_a_bad_project_file_is_refused_and_its_values_stay_literal(tmp_path: Path) -> None:
    code, out, err = run_cli("render", "--project", CORPUS / "project_bad.yaml", "--out", tmp_path / "out")
    assert code == 2 and "etc/passwd" in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_a_corrupted_workbook_is_refused(tmp_path: Path) -> None:
    code, _, err = run_cli("import-mapping", CORPUS / "corrupted.xlsx", ROOT / "blueprints" / "email-marketing.yaml",
                           "--dry-run")
    assert code == 2 and "cannot read the workbook" in err and "corrupted.xlsx" in err and "Traceback" not in err


def test_an_oversized_file_is_refused_with_its_size(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_text("id: big\n" + "# padding\n" * 600_000, encoding="utf-8")
    code, _, err = run_cli("validate", big)
    assert code == 2 and "too large" in err and "big.yaml" in err


def test_very_long_texts_and_very_wide_tables_still_make_valid_files(tmp_path: Path) -> None:
    source = (ROOT / "tests" / "data" / "minimal.yaml").read_text(encoding="utf-8")
    long_rule = "x" * 20000 + " " + "长" * 5000
    source = source.replace("rule: {zh: 小写, en: Lower-case}", f"rule: '{long_rule}', note: '{'n' * 3000}'")
    path = tmp_path / "long.yaml"
    path.write_text(source, encoding="utf-8")
    code, out, err = run_cli("render", path, "--out", tmp_path / "out", "--date", FIXED_DATE)
    assert code == 0, err
    import io
    import zipfile

    import docx
    import openpyxl

    for written in out.split():
        data = Path(written).read_bytes()
        if written.endswith(".docx"):
            assert docx.Document(io.BytesIO(data)).tables
        elif written.endswith(".xlsx"):
            openpyxl.load_workbook(io.BytesIO(data))
        assert data and (written.endswith(".md") or zipfile.is_zipfile(io.BytesIO(data)))


def test_an_internal_error_exits_1_with_advice_and_debug_shows_the_traceback(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import guidegen.app.pipeline as pipeline

    def boom(*args, **kwargs):
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(pipeline, "resolve_guide", boom)
    code, _, err = run_cli("render", "email-marketing", "--out", tmp_path)
    assert code == 1 and "internal error" in err and "--debug" in err and "Traceback" not in err
    monkeypatch.delenv("GUIDEGEN_DEBUG", raising=False)
    code, _, err = run_cli("--debug", "render", "email-marketing", "--out", tmp_path)
    assert code == 1 and "Traceback" in err


def test_output_names_from_input_never_leave_the_output_folder(tmp_path: Path) -> None:
    source = (ROOT / "tests" / "data" / "minimal.yaml").read_text(encoding="utf-8").replace("id: minimal", "id: a..b")
    path = tmp_path / "dots.yaml"
    path.write_text(source, encoding="utf-8")
    code, out, err = run_cli("render", path, "--out", tmp_path / "out", "--format", "md")
    assert code == 0, err
    for written in out.split():
        assert Path(written).resolve().parent == (tmp_path / "out").resolve()
    assert sorted(os.listdir(tmp_path)) == ["dots.yaml", "out"]  # nothing written beside the output folder
