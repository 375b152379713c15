"""Sources register: facts cite sources by id; the guide ends with the sources it cites."""

from __future__ import annotations

import shutil
from pathlib import Path

from guidegen.writers import WriterOptions, get_writer
from readback import docx_headings, xlsx_workbook

from conftest import ROOT, guide_for, run_cli


def test_the_guide_lists_the_sources_its_content_cites() -> None:
    guide = guide_for("call-center", "en")
    ids = [s.id for s in guide.references]
    assert ids and len(ids) == len(set(ids))
    assert any("47/64.1200" in s.url for s in guide.references)  # TCPA rules cited by the compliance items
    assert all(s.verified.year >= 2026 for s in guide.references)


def test_references_appear_in_every_format() -> None:
    guide = guide_for("helpdesk", "zh")
    first = guide.references[0]
    md = get_writer("md")(guide, WriterOptions()).decode("utf-8")
    assert "参考资料" in md and first.url in md
    docx = get_writer("docx")(guide, WriterOptions())
    assert any(text.endswith("参考资料") for _, text in docx_headings(docx))
    wb = xlsx_workbook(get_writer("xlsx")(guide, WriterOptions()))
    sheet = wb["参考资料"]
    assert first.url in [c.value for c in sheet["D"]]


def test_a_guide_without_citations_has_no_references_chapter() -> None:
    guide = guide_for("erp", "en")
    if guide.references:  # erp cites sources once its facts carry them
        return
    md = get_writer("md")(guide, WriterOptions()).decode("utf-8")
    assert "References" not in md


def _copy(tmp_path: Path, name: str, edit) -> Path:
    text = (ROOT / "blueprints" / "types" / f"{name}.yaml").read_text(encoding="utf-8")
    path = tmp_path / f"{name}.yaml"
    path.write_text(edit(text), encoding="utf-8")
    shutil.copytree(ROOT / "blueprints" / "fragments", tmp_path / "fragments")
    return path


def test_an_unknown_source_is_a_located_error(tmp_path: Path) -> None:
    path = _copy(tmp_path, "helpdesk", lambda t: t.replace("sources: [", "sources: [nowhere-page, ", 1))
    code, _, err = run_cli("validate", path)
    assert code == 2 and "unknown source 'nowhere-page'" in err and "helpdesk.yaml:" in err


def test_validate_strict_flags_a_source_verified_over_a_year_ago(tmp_path: Path) -> None:
    path = _copy(tmp_path, "helpdesk", lambda t: t.replace("verified: 2026-11-25", "verified: 2024-01-10", 1))
    code, _, err = run_cli("validate", "--strict", path)
    assert code == 2 and "more than 12 months ago" in err and "2024-01-10" in err
    code, _, err = run_cli("validate", path)
    assert code == 0, err
