"""Hostile and broken input: exit 2 with a clear message, no traceback, nothing escapes."""

from __future__ import annotations

import os
import re
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
    code, _, err = run_cli("import-mapping", CORPUS / "corrupted.xlsx", ROOT / "blueprints" / "types" / "email-marketing.yaml",
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


# --------------------------------------------------------------------------- every surface
# Each case builds a hostile input in a temporary folder and runs the real command in a child
# process held to a time and memory budget (resource limits, not timed assertions): bad input
# must end in seconds with exit 2 and a located message — or be handled (exit 0) — and never
# as an internal error, a traceback, or a process the kernel kills.

import resource
import subprocess
import sys
from dataclasses import dataclass, field
from typing import Callable

from hostile import generate as gen

MEMORY_BUDGET = 2 * 1024**3  # address space per case
TIME_BUDGET = 60  # CPU seconds per case (wall clock: twice that)


@dataclass
class Case:
    name: str
    build: Callable[[Path], list[str]]  # -> command-line arguments
    codes: tuple[int, ...] = (2,)
    words: tuple[str, ...] = ()  # the message must contain each
    env: dict[str, str] = field(default_factory=dict)


def _limits() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BUDGET, MEMORY_BUDGET))
    resource.setrlimit(resource.RLIMIT_CPU, (TIME_BUDGET, TIME_BUDGET))


def _guidegen(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[bytes]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("GUIDEGEN_") and k != "SOURCE_DATE_EPOCH"}
    environment.update(env)
    return subprocess.run([sys.executable, "-m", "guidegen", *args], cwd=cwd, env=environment, capture_output=True,
                          timeout=TIME_BUDGET * 2, preexec_fn=_limits, check=False)


def _render(path: Path | str, *extra: str) -> list[str]:
    return ["render", str(path), "--out", "out", "--date", FIXED_DATE, *extra]


def _exported(tmp: Path, lang: str = "zh") -> tuple[Path, Path]:
    blueprint = tmp / "minimal.yaml"
    blueprint.write_bytes(gen.MINIMAL.read_bytes())
    code, out, err = run_cli("render", blueprint, "--format", "xlsx", "--lang", lang, "--out", tmp / "export", "--date", FIXED_DATE)
    assert code == 0, err
    return Path(out.split()[0]), blueprint


def _import(change: Callable[[Path, Path], Path]) -> Callable[[Path], list[str]]:
    def build(tmp: Path) -> list[str]:
        workbook, blueprint = _exported(tmp)
        return ["import-mapping", str(change(workbook, tmp / "hostile.xlsx")), str(blueprint)]
    return build


def _fifo(tmp: Path) -> Path:
    os.mkfifo(tmp / "fifo.yaml")
    return tmp / "fifo.yaml"


def _zero_link(tmp: Path) -> Path:
    (tmp / "zero.yaml").symlink_to("/dev/zero")
    return tmp / "zero.yaml"


def _project(tmp: Path, text: str) -> Path:
    path = tmp / "engagement.yaml"
    path.write_text(f"blueprint: {gen.MINIMAL}\nformats: [md]\n" + text, encoding="utf-8")
    return path


SURFACES = [
    # blueprints: unbounded work
    Case("alias bomb without spaces", lambda t: ["validate", str(gen.alias_bomb_without_spaces(t / "bomb.yaml"))],
         words=("bomb.yaml:", "alias/anchor bomb")),
    Case("oversized blueprint", lambda t: ["validate", str(gen.oversized_yaml(t / "big.yaml"))], words=("big.yaml", "too large")),
    Case("symlink to /dev/zero", lambda t: ["validate", str(_zero_link(t))], words=("zero.yaml", "not a regular file")),
    Case("FIFO as a blueprint", lambda t: ["validate", str(_fifo(t))], words=("fifo.yaml", "not a regular file")),
    Case("400,000 includes", lambda t: ["validate", str(gen.many_includes(t / "inc.yaml"))], words=("inc.yaml:", "fragments")),
    Case("phase of five million weeks", lambda t: ["validate", str(gen.minimal_with(
        t / "weeks.yaml", "include: [roles, plans]", "include: [roles, plans]\nplans:\n  simple:\n    duration: [3, 5000000]\n"
        "    phases:\n      - {id: p1, name: P, weeks: [1, 5000000], stages: [build]}"))], words=("weeks.yaml:", "520")),
    Case("chained replace", lambda t: _render(gen.rule_template(t / "replace.yaml", "{{ 'ab' " + "|replace('a','aaaaaaaaaa')" * 9
                                                                + " }}"), "--format", "md"), words=("replace.yaml:", "budget")),
    Case("string formatting", lambda t: _render(gen.rule_template(t / "mod.yaml", "{{ '%0999999999d' % 1 }}"), "--format", "md"),
         words=("mod.yaml:", "not allowed")),
    Case("string multiplication", lambda t: _render(gen.rule_template(t / "mul.yaml", "{{ 'x' * 999999999 }}"), "--format", "md"),
         words=("mul.yaml:", "not allowed")),
    Case("lipsum global", lambda t: _render(gen.rule_template(t / "lipsum.yaml", "{{ lipsum }}"), "--format", "md"),
         words=("lipsum.yaml:", "unknown placeholder")),
    Case("deeply nested template", lambda t: _render(gen.rule_template(t / "nest.yaml", "{{ " + "(" * 5000 + "1" + ")" * 5000 + " }}"),
                                                     "--format", "md"), words=("nest.yaml:", "nested")),
    Case("huge literal in a template", lambda t: _render(gen.rule_template(t / "lit.yaml", "{{ " + "9" * 50000 + " }}"),
                                                         "--format", "md"), words=("lit.yaml:",)),
    # blueprints: malformed, truncated, wrong type
    Case("truncated blueprint", lambda t: _render(CORPUS / "truncated.yaml"), words=("truncated.yaml:", "invalid YAML")),
    Case("wrong types", lambda t: ["validate", str(CORPUS / "wrong_types.yaml")], words=("wrong_types.yaml:",)),
    Case("a folder as the blueprint", lambda t: _render(t), words=("not found",)),
    Case("unquoted placeholder", lambda t: ["validate", str(gen.minimal_with(t / "q.yaml", 'title: {zh: "{{ crm }} 与 {{ software }} 集成", en: "{{ crm }} ↔ {{ software }} integration"}', "title: {{ crm }} guide"))],
         words=("q.yaml:3", "quote a value")),
    # project files
    Case("project date 9999-12-31", lambda t: ["render", "--project", str(_project(t, "date: 9999-12-31\n")), "--out", "out"],
         words=("engagement.yaml:", "2099")),
    Case("project start date 1800", lambda t: ["render", "--project", str(_project(t, "start_date: 1800-01-01\n")), "--out", "out"],
         words=("engagement.yaml:", "1900")),
    Case("project people of the wrong type", lambda t: ["render", "--project", str(_project(t, "people: 5\n")), "--out", "out"],
         words=("engagement.yaml:",)),
    Case("truncated project", lambda t: ["render", "--project", str(_project(t, "people: {pm: {name: [")), "--out", "out"],
         words=("engagement.yaml:", "invalid YAML")),
    # command line and environment
    Case("document date past 2107", lambda t: _render(gen.MINIMAL, "--date", "2108-01-01", "--format", "md"),
         words=("command line", "2099")),
    Case("invalid SOURCE_DATE_EPOCH", lambda t: ["render", str(gen.MINIMAL), "--out", "out", "--format", "md"],
         env={"SOURCE_DATE_EPOCH": "99999999999999999999"}, words=("SOURCE_DATE_EPOCH",)),
    Case("control character in --author", lambda t: _render(gen.MINIMAL, "--author", "Bob\x07\x1bSmith"), codes=(0,)),
    Case("newlines in --client", lambda t: _render(gen.MINIMAL, "--client", "ACME\n# Pwned\n```", "--format", "md"), codes=(0,)),
    Case("non-UTF-8 argument", lambda t: _render(gen.MINIMAL, "--client", os.fsdecode(b"\xff\xfe")), words=("command line",)),
    Case("output folder is a file", lambda t: [*_render(gen.MINIMAL, "--format", "md")[:2], "--out", str(gen.MINIMAL)],
         words=("--out",)),
    Case("output folder name too long", lambda t: [*_render(gen.MINIMAL, "--format", "md")[:2], "--out", "x" * 300],
         words=("xxxx", "too long")),
    Case("output file path is a folder", lambda t: (t.joinpath("out", "minimal-simple-zh.md").mkdir(parents=True),
                                                    _render(gen.MINIMAL, "--format", "md"))[1],
         words=("minimal-simple-zh.md", "refusing to overwrite")),
    Case("strict validation", lambda t: ["validate", "--strict", str(CORPUS / "control_chars.yaml")],
         words=("control_chars.yaml:", "warnings treated as errors")),
    Case("batch render prints its warnings", lambda t: _render(gen.minimal_with(t / "warn.yaml", "en: Lower-case}", "}"),
                                                                 "--lang", "zh", "--lang", "en", "--format", "md", "--jobs", "1"),
         codes=(0,), words=("warn.yaml:", "no 'en' text")),
    Case("new-blueprint copying an oversized file", lambda t: ["new-blueprint", "copy", "--dir", str(t / "new"), "--from",
                                                                str(gen.oversized_yaml(t / "big.yaml"))], words=("big.yaml", "too large")),
    Case("new-blueprint with an invalid id", lambda t: ["new-blueprint", "../../etc/x", "--dir", str(t)], words=("command line",)),
    Case("init-project into a folder", lambda t: ["init-project", str(t)], words=("is a directory",)),
    Case("list with a hostile user folder", lambda t: ["list", "--blueprints", str(gen.alias_bomb_without_spaces(t / "bomb.yaml").parent)],
         words=("bomb.yaml:", "alias/anchor bomb")),
    Case("check-data sample workbook with an entity bomb", lambda t: ["check-data", "--entity", "contact", str(gen.MINIMAL), str(
        gen.with_doctype(_sample_xlsx(), t / "sample.xlsx", "xl/workbook.xml"))], words=("sample.xlsx", "DOCTYPE")),
    Case("limit switched off", lambda t: ["--max-file-bytes", "0", "list"], words=("--max-file-bytes", "never lowered")),
    Case("invalid limit in the environment", lambda t: ["list"], env={"GUIDEGEN_MAX_ROWS": "lots"},
         words=("GUIDEGEN_MAX_ROWS",)),
    # Word templates
    Case("template with a DOCTYPE", lambda t: _render(gen.MINIMAL, "--format", "docx", "--template",
                                                      str(gen.with_doctype(gen.blank_docx(), t / "dtd.docx", "word/document.xml"))),
         words=("dtd.docx", "DOCTYPE")),
    Case("template zip bomb", lambda t: _render(gen.MINIMAL, "--format", "docx", "--template",
                                                str(gen.zip_bomb_part(gen.blank_docx(), t / "bomb.docx"))),
         words=("bomb.docx", "compression ratio")),
    Case("template page in cm", lambda t: _render(gen.MINIMAL, "--format", "docx", "--template", str(gen.docx_page(t / "cm.docx", "21cm"))),
         codes=(0,)),
    Case("template page measure nonsense", lambda t: _render(gen.MINIMAL, "--format", "docx", "--template",
                                                             str(gen.docx_page(t / "wide.docx", "wide"))), words=("wide.docx", "w:pgSz")),
    Case("template page one inch wide", lambda t: _render(gen.MINIMAL, "--format", "docx", "--template",
                                                          str(gen.docx_page(t / "inch.docx", "1440"))), words=("inch.docx", "too narrow")),
    Case("template without a body", lambda t: _render(gen.MINIMAL, "--format", "docx", "--template", str(gen.docx_without_body(t / "nb.docx"))),
         words=("nb.docx", "no document body")),
    Case("template attaching a remote template", lambda t: _render(gen.MINIMAL, "--format", "docx", "--template",
                                                                   str(gen.docx_attached_template(t / "remote.docx"))),
         codes=(0,), words=("remote.docx", "attachedTemplate removed")),
    Case("truncated template", lambda t: _render(gen.MINIMAL, "--format", "docx", "--template",
                                                 str(_truncated(gen.blank_docx(), t / "cut.docx"))), words=("cut.docx",)),
    Case("template that is a text file", lambda t: _render(gen.MINIMAL, "--format", "docx", "--template", str(gen.MINIMAL)),
         words=("minimal.yaml", "Word template")),
    # workbooks
    Case("workbook zip bomb", _import(lambda w, p: gen.zip_bomb_part(w.read_bytes(), p)), words=("hostile.xlsx", "compression ratio")),
    Case("workbook with an entity bomb", _import(lambda w, p: gen.with_doctype(w.read_bytes(), p, "xl/workbook.xml")),
         words=("hostile.xlsx", "DOCTYPE")),
    Case("truncated workbook", _import(lambda w, p: _truncated(w.read_bytes(), p)), words=("hostile.xlsx", "cannot read")),
    Case("workbook over the row budget", _import(lambda w, p: gen.workbook_with_rows(w, p, "映射-联系人", 50_001)),
         words=("hostile.xlsx", "rows in one sheet")),
    Case("workbook index damaged", _import(lambda w, p: _edit_xlsx(w, p, lambda wb: wb["_guidegen"].__setitem__("E1", "[1, 2]"))),
         words=("hostile.xlsx", "_guidegen!E1")),
    Case("workbook header row deleted", _import(lambda w, p: _edit_xlsx(w, p, lambda wb: wb["映射-联系人"].delete_rows(2))),
         words=("hostile.xlsx", "header row")),
    Case("workbook cells of the wrong type", _import(lambda w, p: _edit_xlsx(w, p, _wrong_types)), codes=(0, 2),
         words=("hostile.xlsx",)),
]


def _sample_xlsx() -> bytes:
    import io

    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.append(["email", "phone"])
    wb.active.append(["a@example.com", "+8613900000000"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _truncated(data: bytes, path: Path) -> Path:
    path.write_bytes(data[: len(data) // 2])
    return path


def _edit_xlsx(source: Path, path: Path, change: Callable) -> Path:
    import openpyxl

    wb = openpyxl.load_workbook(source)
    change(wb)
    wb.save(path)
    return path


def _wrong_types(wb) -> None:
    import datetime as dt

    ws = wb["映射-联系人"]
    ws["D3"], ws["I3"], ws["J3"], ws["L3"] = 42, dt.datetime(2020, 1, 1), True, 3.5


@pytest.mark.parametrize("case", SURFACES, ids=[c.name for c in SURFACES])
def test_every_surface_ends_bad_input_with_a_located_user_error(case: Case, tmp_path: Path) -> None:
    args = case.build(tmp_path)
    result = _guidegen(args, tmp_path, case.env)
    err = result.stderr.decode("utf-8", "replace")
    assert result.returncode in case.codes, (result.returncode, err[-2000:])
    assert "internal error" not in err and "Traceback" not in err, err[-2000:]
    for word in case.words:
        assert word in err, (word, err[-2000:])
    if result.returncode == 2:
        # "<file>[:line[:column]] [Sheet!Cell]: error: ..." or click's "Invalid value for '--option'"
        assert re.search(r"^(\S[^\n]*?: (error|warning): |Error: Invalid value for '\S+')", err, re.MULTILINE), err


# --------------------------------------------------------------------------- the output folder
import hashlib
import json


def _manifest_is_true(folder: Path) -> None:
    """Every file guidegen wrote has a hash the manifest accepts for it."""
    files = json.loads((folder / ".guidegen-manifest.json").read_text(encoding="utf-8"))["files"]
    for path in folder.iterdir():
        if path.name.startswith("."):
            continue
        accepted = files.get(path.name)
        accepted = set(accepted) if isinstance(accepted, list) else {accepted}
        assert hashlib.sha256(path.read_bytes()).hexdigest() in accepted, path.name


class _Killed(BaseException):
    """Stands for SIGKILL: nothing after it runs, not even cleanup handlers."""


@pytest.mark.parametrize("kill_at", range(1, 7))
def test_a_kill_at_any_point_leaves_the_folder_true_and_the_next_run_cleans_up(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kill_at: int) -> None:
    import guidegen.app.output as output

    out = tmp_path / "out"
    render = ["render", gen.MINIMAL, "--format", "md", "--format", "xlsx", "--out", out]
    assert run_cli(*render, "--date", "2026-01-01")[0] == 0
    real, calls = output.atomic_write, []

    def dying(path: Path, data: bytes, mode: int | None = None) -> None:
        calls.append(path.name)
        if len(calls) == kill_at:  # killed while writing: a half-written temporary file stays
            (path.parent / f".{path.name}.k1ll3d.tmp").write_bytes(data[: len(data) // 2])
            raise _Killed
        real(path, data, mode)

    monkeypatch.setattr(output, "atomic_write", dying)
    with pytest.raises(_Killed):
        run_cli(*render, "--date", "2026-02-02")
    monkeypatch.setattr(output, "atomic_write", real)
    _manifest_is_true(out)
    code, _, err = run_cli(*render, "--date", "2026-03-03")  # no --force: guidegen's own files are not refused
    assert code == 0, err
    _manifest_is_true(out)
    assert not list(out.glob(".*.tmp"))


def test_a_full_disk_is_a_user_error_and_leaves_the_folder_true(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    import guidegen.app.output as output

    out = tmp_path / "out"
    render = ["render", gen.MINIMAL, "--format", "md", "--out", out]
    assert run_cli(*render, "--date", "2026-01-01")[0] == 0
    real = output.atomic_write

    def full(path: Path, data: bytes, mode: int | None = None) -> None:
        if path.name != output.MANIFEST:
            raise OSError(errno.ENOSPC, "No space left on device")
        real(path, data, mode)

    monkeypatch.setattr(output, "atomic_write", full)
    code, _, err = run_cli(*render, "--date", "2026-02-02")
    assert code == 2 and "No space left on device" in err and "minimal-simple-zh.md" in err
    monkeypatch.setattr(output, "atomic_write", real)
    _manifest_is_true(out)
    assert run_cli(*render, "--date", "2026-03-03")[0] == 0


def test_concurrent_renders_into_one_folder_keep_every_manifest_entry(tmp_path: Path) -> None:
    variants = [["--lang", lang, "--format", fmt] for lang in ("zh", "en") for fmt in ("md", "xlsx", "docx")]
    for attempt in range(2):
        children = [subprocess.Popen([sys.executable, "-m", "guidegen", *_render(gen.MINIMAL, *v)], cwd=tmp_path,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, preexec_fn=_limits) for v in variants]
        results = [(child.wait(timeout=TIME_BUDGET * 2), child.stderr.read().decode()) for child in children]
        assert all(code == 0 for code, _ in results), results
    out = tmp_path / "out"
    assert len([p for p in out.iterdir() if not p.name.startswith(".")]) == 6
    _manifest_is_true(out)


def test_two_guides_with_one_file_name_are_both_refused_naming_each_other(tmp_path: Path, capsys) -> None:
    from guidegen.app.batch import JobResult, _write_results
    from guidegen.app.output import Output

    results = [JobResult("a.b simple zh", [Output("a.b-simple-zh.md", b"first")]),
               JobResult("A..b simple zh", [Output("A.b-simple-zh.md", b"second")]),
               JobResult("other simple zh", [Output("other-simple-zh.md", b"third")])]
    assert _write_results(results, tmp_path, force=False) == 2
    err = capsys.readouterr().err
    assert "a.b simple zh and A..b simple zh" in err and "A..b simple zh and a.b simple zh" in err
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(".")) == ["other-simple-zh.md"]


def test_a_template_heading_style_without_an_id_still_styles_the_chapter_headings(tmp_path: Path) -> None:
    import zipfile

    template = gen.docx_heading_style_without_id(tmp_path / "noid.docx")
    assert b'w:styleId="Heading1"' not in zipfile.ZipFile(template).read("word/styles.xml")
    code, out, err = run_cli("render", gen.MINIMAL, "--out", tmp_path / "out", "--template", template, "--format", "docx",
                             "--date", FIXED_DATE)
    assert code == 0, err
    package = zipfile.ZipFile(Path(out.split()[0]))
    styles, body = package.read("word/styles.xml").decode(), package.read("word/document.xml").decode()
    style_id = re.search(r'<w:style [^>]*w:styleId="([^"]+)"[^>]*>\s*<w:name w:val="heading 1"/>', styles)
    assert style_id, "the heading 1 style got an id"
    assert len(re.findall(rf'pStyle \w+:val="{style_id.group(1)}"', body)) >= 7  # the seven chapters


def test_a_second_blueprint_never_replaces_another_blueprints_file_of_the_same_name(tmp_path: Path) -> None:
    first = gen.minimal_with(tmp_path / "one.yaml", "id: minimal", "id: a.b")
    second = gen.minimal_with(tmp_path / "two.yaml", "id: minimal", "id: A..b")
    out = tmp_path / "out"
    assert run_cli("render", first, "--format", "md", "--out", out, "--date", FIXED_DATE)[0] == 0
    before = (out / "a.b-simple-zh.md").read_bytes()
    for force in ([], ["--force"]):
        code, _, err = run_cli("render", second, "--format", "md", "--out", out, "--date", FIXED_DATE, *force)
        assert code == 2 and "two blueprints give this file name" in err and "'a.b'" in err and "'A..b'" in err
    assert [p.name for p in out.iterdir() if not p.name.startswith(".")] == ["a.b-simple-zh.md"]
    assert (out / "a.b-simple-zh.md").read_bytes() == before


def test_phase_shifts_that_add_up_past_the_week_budget_are_refused(tmp_path: Path) -> None:
    phases = "\n".join(f"      - {{id: p{n}, name: P{n}, weeks: [1, 2], stages: [build], shift_following_weeks: 500}}"
                       for n in range(1, 4))
    path = gen.minimal_with(tmp_path / "shift.yaml", "include: [roles, plans]",
                            f"include: [roles, plans]\nplans:\n  simple:\n    duration: [3, 4]\n    phases:\n{phases}")
    code, _, err = run_cli("render", path, "--format", "md", "--out", tmp_path / "out")
    assert code == 2 and "shift.yaml:" in err and "plan is too long" in err and "1,002" in err
