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
