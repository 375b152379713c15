"""Nothing is lost: atomic writes, the edited-file guard, safe names, identical bytes."""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

import pytest

from conftest import FIXED_DATE, run_cli
from guidegen.app.output import MANIFEST, Output, safe_filename, write_outputs
from guidegen.core.errors import UserError


def _render(out: Path, *extra: str) -> tuple[int, str, str]:
    return run_cli("render", "email-marketing", "--out", out, "--date", FIXED_DATE, *extra)


def test_rendering_twice_overwrites_guidegens_own_unchanged_files(tmp_path: Path) -> None:
    assert _render(tmp_path)[0] == 0
    code, out, err = _render(tmp_path)
    assert code == 0, err
    assert len(out.split()) == 3


def test_an_edited_docx_is_not_overwritten_without_force(tmp_path: Path) -> None:
    assert _render(tmp_path)[0] == 0
    target = tmp_path / "email-marketing-simple-zh.docx"
    target.write_bytes(target.read_bytes() + b"edited")
    edited = target.read_bytes()
    code, out, err = _render(tmp_path)
    assert code == 2
    assert "email-marketing-simple-zh.docx" in err and "edited since guidegen wrote it" in err and "--force" in err
    assert target.read_bytes() == edited
    code, _, err = _render(tmp_path, "--force")
    assert code == 0, err
    assert target.read_bytes() != edited


def test_a_file_guidegen_did_not_write_is_never_overwritten(tmp_path: Path) -> None:
    mine = tmp_path / "email-marketing-simple-zh.md"
    mine.write_text("my own notes", encoding="utf-8")
    code, _, err = _render(tmp_path, "--format", "md")
    assert code == 2 and "did not write it" in err
    assert mine.read_text(encoding="utf-8") == "my own notes"


def test_refusal_writes_nothing_at_all(tmp_path: Path) -> None:
    (tmp_path / "email-marketing-simple-zh.xlsx").write_bytes(b"mine")
    code, _, _ = _render(tmp_path)
    assert code == 2
    assert not (tmp_path / "email-marketing-simple-zh.docx").exists()


def test_manifest_records_the_hash_of_every_output(tmp_path: Path) -> None:
    _render(tmp_path)
    import json

    manifest = json.loads((tmp_path / MANIFEST).read_text(encoding="utf-8"))["files"]
    for name, digest in manifest.items():
        assert hashlib.sha256((tmp_path / name).read_bytes()).hexdigest() == digest


def test_outputs_are_ordinary_readable_files(tmp_path: Path) -> None:
    _render(tmp_path)
    mode = stat.S_IMODE((tmp_path / "email-marketing-simple-zh.docx").stat().st_mode)
    umask = os.umask(0)
    os.umask(umask)
    assert mode == 0o666 & ~umask


def test_an_interrupted_write_leaves_the_previous_file_intact(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_outputs(tmp_path, [Output("a.md", b"old")])

    def boom(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(KeyboardInterrupt):
        write_outputs(tmp_path, [Output("a.md", b"new")])
    assert (tmp_path / "a.md").read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


@pytest.mark.parametrize("name, safe", [
    ("../../etc/passwd", "etc_passwd"), ("CON", "_CON"), ("a:b*c?.docx", "a_b_c_.docx"), ("", "guide"),
    ("..", "guide"), ("报告.md", "报告.md"), ("con.docx", "_con.docx"), ("a\x00b", "a_b"),
])
def test_file_names_are_safe_everywhere(name: str, safe: str) -> None:
    assert safe_filename(name) == safe


def test_an_unsafe_name_never_reaches_the_disk(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        write_outputs(tmp_path / "out", [Output("../escape.md", b"x")])
    assert not (tmp_path / "escape.md").exists()


@pytest.mark.parametrize("fmt", ["docx", "md", "xlsx"])
def test_same_inputs_give_identical_bytes_on_any_day(tmp_path: Path, fmt: str, monkeypatch: pytest.MonkeyPatch) -> None:
    first, second = tmp_path / "1", tmp_path / "2"
    assert _render(first, "--format", fmt)[0] == 0
    import time

    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + 86400 * 40)  # "another day"
    assert _render(second, "--format", fmt)[0] == 0
    name = f"email-marketing-simple-zh.{fmt}"
    assert (first / name).read_bytes() == (second / name).read_bytes()


def test_document_date_comes_from_source_date_epoch_when_not_given(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1798761600")  # 2027-01-01
    code, _, err = run_cli("render", "email-marketing", "--out", tmp_path, "--format", "md")
    assert code == 0, err
    assert "2027-01-01" in (tmp_path / "email-marketing-simple-zh.md").read_text(encoding="utf-8")


def test_write_outputs_reports_an_unwritable_folder_as_user_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(UserError):
        write_outputs(blocker / "out", [Output("a.md", b"x")])
