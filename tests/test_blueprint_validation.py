"""Every validation message names file, line, column and key path, expected and given."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import ROOT, run_cli
from guidegen.resolve.checks import check_blueprint
from guidegen.blueprint.loader import load_blueprint
from guidegen.core.errors import UserError

MINIMAL = (ROOT / "tests" / "data" / "minimal.yaml").read_text(encoding="utf-8")


def write(tmp_path: Path, text: str, name: str = "bp.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def marked_line(text: str) -> int:
    """The 1-based line carrying the '# <-' marker."""
    return next(i for i, line in enumerate(text.splitlines(), 1) if "# <-" in line)


def problems(tmp_path: Path, text: str) -> list:
    path = write(tmp_path, text)
    try:
        loaded = load_blueprint(path)
    except UserError as exc:
        return exc.problems
    return check_blueprint(loaded)


CASES = [
    pytest.param(
        MINIMAL.replace("  scope:\n", "  scoep:   # <-\n"),
        "unknown key 'scoep' — did you mean 'scope'?", "overview.scoep", id="near-miss-key",
    ),
    pytest.param(
        MINIMAL.replace("      fields:\n", "      feilds:   # <-\n"),
        "unknown key 'feilds' — did you mean 'fields'?", "data.entities[0].feilds", id="feilds",
    ),
    pytest.param(
        MINIMAL.replace("default_complexity: simple", "default_complexity: easy   # <-"),
        "value not allowed", "default_complexity", id="bad-enum",
    ),
    pytest.param(
        MINIMAL.replace("      goals: [G1]\n", "      goals: [G9]   # <-\n"),
        "unknown goal 'G9'", "testing.cases[0].goals", id="unknown-goal",
    ),
    pytest.param(
        MINIMAL.replace("      owners: [crm_dev]\n", "      owners: [qa]   # <-\n", 1),
        "unknown team role 'qa'", "implementation.tasks[1].owners", id="unknown-owner",
    ),
    pytest.param(
        MINIMAL.replace("    - stage: build\n", "    - stage: buld   # <-\n"),
        "unknown stage 'buld'", "implementation.tasks[1].stage", id="unknown-stage",
    ),
    pytest.param(
        MINIMAL.replace("      scope_object: contact\n", "      scope_object: contacts   # <-\n"),
        "unknown scope object 'contacts'", "data.entities[0].scope_object", id="unknown-scope-object",
    ),
    pytest.param(
        MINIMAL.replace("    - id: TC-01\n", "    - id: TC-01\n      category: functional\n      title: x\n      expected: y\n    - id: TC-01   # <-\n"),
        "duplicate id 'TC-01'", "testing.cases[1]", id="duplicate-id",
    ),
    pytest.param(
        MINIMAL.replace("id: minimal\n", "id: minimal\nid: again   # <-\n"),
        "duplicate key 'id'", None, id="duplicate-yaml-key",
    ),
    pytest.param(
        MINIMAL.replace("  software: {zh: 测试系统, en: Test System}", "  software: {zh: 测试系统, fr: Système}   # <-"),
        "invalid value", "defaults.software", id="text-language-key",
    ),
    pytest.param(
        MINIMAL.replace("      statement: {zh: 联系人双向同步, en: Contacts sync both ways}",
                        "      statement: {zh: '{{ softwar }}', en: x}   # <-"),
        "unknown placeholder", "overview.goals[0].statement", id="undefined-placeholder",
    ),
    pytest.param(
        MINIMAL.replace("include: [roles, plans]", "include: [roles, plan]   # <-"),
        "fragment 'plan' not found", None, id="missing-fragment",
    ),
    pytest.param(
        MINIMAL.replace("      title: {zh: 同步联系人, en: Sync contacts}", "      title: [a, b]   # <-"),
        "invalid value", "overview.goals[0].title", id="wrong-type",
    ),
    pytest.param(
        MINIMAL.replace("defaults:\n", "defaults: !!python/object:os.system   # <-\n"),
        "YAML tag 'tag:yaml.org,2002:python/object:os.system' is not allowed", None, id="python-tag",
    ),
]


@pytest.mark.parametrize("text, message, path", CASES)
def test_each_problem_is_reported_with_file_line_and_key_path(tmp_path: Path, text: str, message: str, path: str | None) -> None:
    found = [p for p in problems(tmp_path, text) if p.severity == "error"]
    assert found, "no error reported"
    match = [p for p in found if message in p.message]
    assert match, [p.format() for p in found]
    problem = match[0]
    assert problem.location.file.endswith("bp.yaml")
    assert problem.location.line == marked_line(text)
    assert problem.location.column is not None
    if path:
        assert problem.location.path == path


def test_validate_reports_every_problem_at_once(tmp_path: Path) -> None:
    text = MINIMAL.replace("  scope:\n", "  scoep:\n").replace("default_complexity: simple", "default_complexity: easy")
    code, _, err = run_cli("validate", write(tmp_path, text))
    assert code == 2
    assert "scoep" in err and "easy" in err and "2 error(s)" in err


def test_lint_warns_about_weak_guides_and_strict_fails(tmp_path: Path) -> None:
    text = MINIMAL.replace("      goals: [G1]\n", "") + """operations:
  metrics:
    - id: MON-X
      name: {zh: 指标, en: Metric}
summary:
  risks:
    - id: R-X
      category: {zh: 类别, en: Category}
      risk: 只有中文的风险描述
      likelihood: low
      impact: low
"""
    path = write(tmp_path, text)
    warnings = [p for p in check_blueprint(load_blueprint(path)) if p.severity == "warning"]
    lines = text.splitlines()

    def line_of(fragment: str) -> int:
        return next(i for i, line in enumerate(lines, 1) if fragment in line)

    expected = {
        "goal G1 is not covered by any test case": (line_of("- id: G1"), "overview.goals[0]"),
        "metric MON-X has no threshold": (line_of("- id: MON-X"), "operations.metrics[0]"),
        "risk R-X has no mitigation": (line_of("- id: R-X"), "summary.risks[0]"),
        "text is only in Chinese": (line_of("risk: 只有中文"), "summary.risks[0].risk"),
    }
    for message, (line, key_path) in expected.items():
        found = [p for p in warnings if message in p.message]
        assert found, message
        assert found[0].location.file.endswith("bp.yaml")
        assert (found[0].location.line, found[0].location.path) == (line, key_path), (message, found[0].location)
    code, _, _ = run_cli("validate", path)
    assert code == 0
    code, _, err = run_cli("validate", "--strict", path)
    assert code == 2 and "warning" in err


def test_scope_object_without_mapping_is_flagged(tmp_path: Path) -> None:
    text = MINIMAL.replace("    objects:\n", "    objects:\n      - id: invoice\n        name: {zh: 发票, en: Invoice}\n")
    warnings = [p.message for p in problems(tmp_path, text) if p.severity == "warning"]
    assert "scope object 'invoice' has no field mapping" in warnings


def test_problems_inside_an_included_fragment_point_at_the_fragment(tmp_path: Path) -> None:
    (tmp_path / "fragments").mkdir()
    (tmp_path / "fragments" / "extra.yaml").write_text(
        "operations:\n  metrics:\n    - id: MON-1\n      nmae: x   # <-\n", encoding="utf-8"
    )
    text = MINIMAL.replace("include: [roles, plans]", "include: [roles, plans, extra]")
    found = problems(tmp_path, text)
    problem = next(p for p in found if "nmae" in p.message)
    assert problem.location.file.endswith("fragments/extra.yaml")
    assert problem.location.line == 4


def _every_item(node, path=()):
    """Every model in a validated blueprint with its path, by a walk that skips nothing."""
    from pydantic import BaseModel

    if isinstance(node, list):
        for i, item in enumerate(node):
            yield from _every_item(item, path + (i,))
    elif isinstance(node, BaseModel):
        yield path, node
        for name in type(node).model_fields:
            yield from _every_item(getattr(node, name), path + (name,))


@pytest.mark.parametrize("blueprint", ["email-marketing", "helpdesk", "call-center", "ecommerce", "erp"])
def test_reference_walks_find_every_item_a_full_walk_finds(blueprint: str) -> None:
    from guidegen.blueprint.loader import resolve_blueprint_path
    from guidegen.resolve.checks import items_naming

    bp = load_blueprint(resolve_blueprint_path(blueprint)).blueprint
    everything = list(_every_item(bp))
    for field in ("goals", "sources", "applies_to"):
        expected = [(p, id(item)) for p, item in everything if getattr(item, field, None) and field in type(item).model_fields
                    and all(isinstance(x, str) for x in getattr(item, field))]
        assert expected, field  # the built-in content uses the field
        assert [(p, id(item)) for p, item in items_naming(field, bp)] == expected, (blueprint, field)


def test_two_mapping_rows_with_one_key_are_a_duplicate_with_both_lines(tmp_path: Path) -> None:
    text = MINIMAL.replace("        - {source: phone, target: phone, type: string}\n",
                           "        - {source: phone, target: phone, type: string}\n"
                           "        - {source: phone, target: mobile, type: string}   # <-\n")
    found = [p for p in problems(tmp_path, text) if "duplicate id 'phone'" in p.message]
    assert len(found) == 1 and found[0].location.line == marked_line(text)
    assert "data.entities[0].fields[2]" in found[0].location.path and "line 52" in found[0].given


@pytest.mark.parametrize("where", ["blueprint", "fragment"])
def test_an_item_marked_omit_is_removed_from_what_a_fragment_gives(tmp_path: Path, where: str) -> None:
    """A fragment gives two test cases; ``omit: true`` on one of them, written in the blueprint
    or in a second fragment merged after the first, removes it."""
    case = ("    - id: {id}\n      category: functional\n      title: {{zh: 用例, en: Case}}\n      goals: [G1]\n"
            "      steps: [{{zh: 步骤, en: Step}}]\n      expected: {{zh: 结果, en: Result}}\n")
    (tmp_path / "fragments").mkdir()
    (tmp_path / "fragments" / "cases.yaml").write_text(
        "testing:\n  cases:\n" + case.format(id="TC-10") + case.format(id="TC-11"), encoding="utf-8")
    omit = "testing:\n  cases:\n    - id: TC-10\n      omit: true\n"
    text = MINIMAL.replace("include: [roles, plans]", "include: [roles, plans, cases" + (", drop]" if where == "fragment" else "]"))
    if where == "fragment":
        (tmp_path / "fragments" / "drop.yaml").write_text(omit, encoding="utf-8")
    else:
        text = text.replace("testing:\n  cases:\n", omit)
    cases = [c.id for c in load_blueprint(write(tmp_path, text)).blueprint.testing.cases]
    assert "TC-10" not in cases and "TC-11" in cases and "TC-01" in cases


DESCRIBED = "        - {source: {zh: 净到期日(基准日期 + 付款天数), en: net due date (baseline date + payment days)}, target: due_date, type: date}"


def test_a_field_described_in_words_is_shown_in_each_language(tmp_path: Path) -> None:
    """A value no single field holds is described per language; the row is keyed by its id,
    and the workbook carries the text of the guide's language."""
    from guidegen.resolve.engagement import Engagement
    from guidegen.resolve.resolver import resolve_guide

    text = MINIMAL.replace("        - {source: phone, target: phone, type: string}\n",
                           "        - {source: phone, target: phone, type: string}\n"
                           + DESCRIBED.replace("{source:", "{id: due_date, source:") + "\n")
    loaded = load_blueprint(write(tmp_path, text))
    assert not [p for p in check_blueprint(loaded) if p.severity == "error"]
    rows = {lang: resolve_guide(loaded, Engagement(lang=lang, date="2026-11-25")).guide.data.entities[0].fields[-1]
            for lang in ("zh", "en")}
    assert rows["zh"].source == "净到期日（基准日期 + 付款天数）" and rows["en"].source.startswith("net due date (")
    assert rows["zh"].key == rows["en"].key == "due_date"
    assert [f.source for f in loaded.blueprint.data.entities[0].fields[:2]] == ["email", "phone"]  # names stay text


def test_a_field_described_in_words_without_an_id_is_an_error_at_its_line(tmp_path: Path) -> None:
    text = MINIMAL.replace("        - {source: phone, target: phone, type: string}\n",
                           "        - {source: phone, target: phone, type: string}\n" + DESCRIBED + "   # <-\n")
    found = [p for p in problems(tmp_path, text) if "described in words needs an id" in p.message]
    assert len(found) == 1 and found[0].location.line == marked_line(text)
    assert found[0].location.path == "data.entities[0].fields[2]"
    code, _, err = run_cli("render", write(tmp_path, text), "--format", "md", "--out", tmp_path / "out")
    assert code == 2 and "needs an id" in err
