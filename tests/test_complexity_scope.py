"""Complexity is scope, and upgrade is a whole-guide scenario.

A simple guide describes a genuinely smaller integration than a high one (fewer flows, tests,
metrics; at most about 70 % of the Markdown text), variables sized per level follow the level,
each plan states its assumptions and an effort estimate whose totals add up, and an upgrade
names the legacy integration from chapter 1 and runs inventory -> build -> dual run -> pilot ->
cutover -> decommission.
"""

from __future__ import annotations

import re

import pytest

from conftest import available_builtins, guide_for, rendered
from guidegen.blueprint.loader import load_blueprint, resolve_blueprint_path
from guidegen.core import i18n
from guidegen.core.typography import polish_zh

BLUEPRINTS = available_builtins()
LANGS = ["zh", "en"]
# The simple guide's Markdown is at most this share of the high guide's (measured per type and
# language; see the README's parameters section for the figures).
MAX_SIMPLE_SHARE = 0.71
UPGRADE_ORDER = ["inventory", "build", "dual_run", "pilot", "cutover", "decommission"]


def _markdown(blueprint: str, lang: str, complexity: str, scenario: str = "new") -> str:
    return rendered(blueprint, "md", lang, complexity, scenario).decode()


def _as_shown(text: str | None, lang: str) -> str:
    """A blueprint text as the guide prints it (Chinese punctuation is polished)."""
    return polish_zh(text or "") if lang == "zh" else text or ""


def _chapter(markdown: str, number: int) -> str:
    """The text of one chapter of a rendered guide (from its '## N' heading to the next)."""
    match = re.search(rf"^## {number} .*?(?=^## {number + 1} |\Z)", markdown, flags=re.M | re.S)
    assert match, f"chapter {number} not found"
    return match.group(0)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("blueprint", BLUEPRINTS)
def test_simple_guide_has_fewer_flows_tests_and_metrics_than_high(blueprint: str, lang: str) -> None:
    simple, high = guide_for(blueprint, lang, "simple"), guide_for(blueprint, lang, "high")
    assert len(simple.architecture.flows) < len(high.architecture.flows)
    assert len(simple.testing.cases) < len(high.testing.cases)
    assert len(simple.operations.metrics) < len(high.operations.metrics)
    assert len(simple.operations.runbooks) < len(high.operations.runbooks)
    assert len(simple.implementation.team) < len(high.implementation.team)
    assert len(simple.architecture.requirements) < len(high.architecture.requirements)
    assert len(simple.summary.risks) < len(high.summary.risks)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("blueprint", BLUEPRINTS)
def test_simple_guide_text_is_at_most_about_seventy_percent_of_high(blueprint: str, lang: str) -> None:
    simple, high = _markdown(blueprint, lang, "simple"), _markdown(blueprint, lang, "high")
    share = len(simple) / len(high)
    assert share <= MAX_SIMPLE_SHARE, f"{blueprint} {lang}: simple is {share:.0%} of high ({len(simple)} / {len(high)})"


@pytest.mark.parametrize("blueprint", BLUEPRINTS)
def test_high_adds_capacity_disaster_recovery_chaos_and_reliability_roles(blueprint: str) -> None:
    high, simple = guide_for(blueprint, "en", "high"), guide_for(blueprint, "en", "simple")
    for guide, present in ((high, True), (simple, False)):
        requirement_ids = {r.id for r in guide.architecture.requirements}
        assert ({"NFR-CAPACITY", "NFR-DR"} <= requirement_ids) is present
        assert any(c.id == "TC-CHAOS" for c in guide.testing.cases) is present
        assert any(m.id == "sre" for m in guide.implementation.team) is present
        assert any(r.id == "RB-FAILOVER" for r in guide.operations.runbooks) is present


@pytest.mark.parametrize("blueprint", BLUEPRINTS)
def test_variables_sized_per_level_follow_the_level(blueprint: str) -> None:
    loaded = load_blueprint(resolve_blueprint_path(blueprint)).blueprint
    sized = [v for v in loaded.variables if v.by_complexity is not None]
    for lang in LANGS:
        for variable in sized:
            for level in ("simple", "medium", "high"):
                value = _as_shown((getattr(variable.by_complexity, level) or variable.value).get(lang), lang)
                text = " ".join(_markdown(blueprint, lang, level).replace("\\", "").split())
                if level == "high":  # (a simple guide may leave out every text that uses it)
                    assert value in text, (variable.id, level, lang)
                others = {_as_shown((getattr(variable.by_complexity, o) or variable.value).get(lang), lang)
                          for o in ("simple", "medium", "high")}
                for other in others - {value}:
                    assert other not in text, (variable.id, level, lang, other)


def test_call_center_simple_keeps_no_high_peak_and_erp_simple_no_month_end_milestone() -> None:
    assert "10,000 events/minute" not in _markdown("call-center", "en", "simple")
    assert "10,000 events/minute" in _markdown("call-center", "en", "high")
    assert not any("month-end" in m.name.lower() for m in guide_for("erp", "en", "simple").implementation.milestones)
    assert any("month-end" in m.name.lower() for m in guide_for("erp", "en", "high").implementation.milestones)


def test_a_goal_left_out_at_a_level_takes_what_serves_only_it() -> None:
    simple, high = guide_for("erp", "en", "simple"), guide_for("erp", "en", "high")
    assert {"G3", "G6"} <= {g.id for g in high.overview.goals}
    kept = {g.id for g in simple.overview.goals}
    assert not {"G3", "G6"} & kept
    assert all(set(c.goals) & kept or not c.goals for c in simple.testing.cases)
    assert any(c.goals == ["G6"] for c in high.testing.cases)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("blueprint", BLUEPRINTS)
def test_every_plan_states_assumptions_and_an_effort_estimate_that_adds_up(blueprint: str, lang: str) -> None:
    totals = {}
    for level in ("simple", "medium", "high"):
        guide = guide_for(blueprint, lang, level)
        im = guide.implementation
        topics = {a.id for a in im.assumptions}
        assert {"AS-VOLUME", "AS-TEAM", "AS-ENV"} <= topics
        effort = im.effort
        assert effort.rows and {r.role for r in effort.rows} <= {m.id for m in im.team}
        for row in effort.rows:
            assert len(row.days) == len(im.phases)
            assert row.total == pytest.approx(sum(row.days))
        assert effort.phase_totals == pytest.approx([sum(r.days[i] for r in effort.rows) for i in range(len(im.phases))])
        assert effort.total == pytest.approx(sum(r.total for r in effort.rows))
        team_line = next(a.assumption for a in im.assumptions if a.id == "AS-TEAM")
        assert str(len(im.team)) in team_line
        chapter = _chapter(_markdown(blueprint, lang, level), 3)
        assert i18n.t(lang, "cap_effort") in chapter and i18n.t(lang, "cap_assumptions") in chapter
        assert f"**{effort.total:g}**" in chapter
        totals[level] = effort.total
    assert totals["simple"] < totals["medium"] < totals["high"]


@pytest.mark.parametrize("blueprint", BLUEPRINTS)
def test_upgrade_adds_the_effort_of_its_own_phases(blueprint: str) -> None:
    new, upgrade = guide_for(blueprint, "en", "medium"), guide_for(blueprint, "en", "medium", "upgrade")
    assert upgrade.implementation.effort.total > new.implementation.effort.total


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("blueprint", BLUEPRINTS)
def test_upgrade_chapter_one_names_the_legacy_integration(blueprint: str, lang: str) -> None:
    loaded = load_blueprint(resolve_blueprint_path(blueprint)).blueprint
    legacy = _as_shown(next(v for v in loaded.variables if v.id == "legacy_integration").value.get(lang), lang)
    upgrade = _chapter(_markdown(blueprint, lang, "medium", "upgrade"), 1)
    background, rest = upgrade.split("\n### 1.2 ", 1)
    goals, scope = rest.split("\n### 1.3 ", 1)
    for part in (background, goals, scope):
        assert legacy in " ".join(part.replace("\\", "").split()), part[:200]
    new = _chapter(_markdown(blueprint, lang, "medium", "new"), 1)
    assert legacy not in new and "G-UPG" not in new


@pytest.mark.parametrize("complexity", ["simple", "medium", "high"])
@pytest.mark.parametrize("blueprint", BLUEPRINTS)
def test_upgrade_runs_inventory_build_dual_run_pilot_cutover_decommission(blueprint: str, complexity: str) -> None:
    guide = guide_for(blueprint, "en", complexity, "upgrade")
    phases = guide.implementation.phases
    first = {stage: next(i for i, p in enumerate(phases) if stage in p.stages) for stage in UPGRADE_ORDER}
    order = [first[stage] for stage in UPGRADE_ORDER]
    assert order == sorted(order) and len(set(order[1:])) == len(order) - 1, first
    weeks = [phases[i].start_week for i in order]
    assert weeks == sorted(weeks)
    decommission = phases[first["decommission"]]
    assert decommission.tasks and decommission is phases[-1]
    assert guide.migration is not None and guide.migration.decommission and guide.migration.rollback_triggers
    assert any(m.id == "M-DECOM" for m in guide.implementation.milestones)
    assert all(x.id == "LEG-INVENTORY" or x.example for x in guide.migration.legacy_interfaces)


@pytest.mark.parametrize("complexity", ["simple", "medium", "high"])
@pytest.mark.parametrize("blueprint", BLUEPRINTS)
def test_new_scenario_plan_has_no_upgrade_phases(blueprint: str, complexity: str) -> None:
    guide, upgrade = guide_for(blueprint, "en", complexity, "new"), guide_for(blueprint, "en", complexity, "upgrade")
    new_phases = {p.id for p in guide.implementation.phases}
    assert not new_phases & {"migrate", "systest", "cutover", "decommission"}
    upgrade_tasks = {t.text for p in upgrade.implementation.phases for t in p.tasks} - {
        t.text for p in guide.implementation.phases for t in p.tasks}
    assert upgrade_tasks and not upgrade_tasks & {t.text for p in guide.implementation.phases for t in p.tasks}
    assert guide.migration is None
    assert guide.implementation.duration_weeks == {"simple": (3, 4), "medium": (6, 8), "high": (8, 12)}[complexity]
    assert max(p.end_week for p in guide.implementation.phases) == guide.implementation.duration_weeks[1]


@pytest.mark.parametrize("lang", LANGS)
def test_legacy_examples_are_marked_as_examples_to_replace(lang: str) -> None:
    text = _markdown("erp", lang, "high", "upgrade")
    marker = i18n.t(lang, "legacy_example")
    assert text.count(marker) == sum(1 for x in guide_for("erp", lang, "high", "upgrade").migration.legacy_interfaces if x.example)
