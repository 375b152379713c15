"""Goals select capabilities: a guide for a subset of goals leaves out what serves only the others."""

from __future__ import annotations

from guidegen.blueprint.loader import load_blueprint, resolve_blueprint_path
from guidegen.guide.model import Guide
from guidegen.resolve.engagement import Engagement, GoalSpec
from guidegen.resolve.resolver import resolve_guide
from guidegen.writers import WriterOptions, get_writer

from conftest import FIXED_DATE, run_cli

CLICK_ITEMS = {"entity": "click", "interfaces": {"IF-03", "IF-07"}, "flow": "DF-02", "runbook": "RB-02", "test": "TC-07"}


def _guide(goals: list | None, lang: str = "en") -> Guide:
    loaded = load_blueprint(resolve_blueprint_path("email-marketing"))
    engagement = Engagement(blueprint="email-marketing", lang=lang, date=FIXED_DATE, goals=goals)
    return resolve_guide(loaded, engagement).guide


def _capabilities(guide: Guide) -> dict[str, set[str]]:
    return {
        "entities": {e.id for e in guide.data.entities},
        "interfaces": {i.id for i in guide.architecture.interfaces},
        "flows": {f.id for f in guide.architecture.flows},
        "runbooks": {r.id for r in guide.operations.runbooks},
        "tests": {c.id for c in guide.testing.cases},
        "objects": {o.id for o in guide.overview.scope.objects},
    }


def test_all_goals_by_default_keep_every_capability() -> None:
    found = _capabilities(_guide(None))
    assert "click" in found["entities"] and "click" in found["objects"]
    assert CLICK_ITEMS["interfaces"] <= found["interfaces"]
    assert {"DF-02"} <= found["flows"] and {"RB-02"} <= found["runbooks"] and {"TC-07"} <= found["tests"]


def test_dropping_the_click_goal_drops_the_click_capability() -> None:
    everything = _capabilities(_guide(None))
    without = _capabilities(_guide(["G1", "G2", "G3"]))
    assert "click" not in without["entities"] and "click" not in without["objects"]
    assert not CLICK_ITEMS["interfaces"] & without["interfaces"]
    assert "DF-02" not in without["flows"] and "RB-02" not in without["runbooks"] and "TC-07" not in without["tests"]
    # What serves other goals (or no goal in particular) stays.
    assert everything["entities"] - {"click"} == without["entities"]
    assert everything["interfaces"] - CLICK_ITEMS["interfaces"] == without["interfaces"]


def test_the_remaining_goals_are_still_traced_to_tests() -> None:
    guide = _guide(["G1", "G2", "G3"])
    assert [t.goal for t in guide.traceability] == ["G1", "G2", "G3"]
    assert all(t.covered for t in guide.traceability)


def test_a_custom_goal_keeps_the_tests_it_names() -> None:
    custom = GoalSpec(statement="Attribute campaign clicks to opportunities", tests=["TC-07"])
    guide = _guide(["G1", custom])
    assert "TC-07" in {c.id for c in guide.testing.cases}
    trace = {t.goal: t for t in guide.traceability}
    assert trace["CG1"].tests == ["TC-07"]


def test_the_subset_shows_in_every_format() -> None:
    guide = _guide(["G1", "G2", "G3"])
    markdown = get_writer("md")(guide, WriterOptions()).decode("utf-8")
    assert "Behavior events (clicks)" not in markdown and "DF-02" not in markdown
    full = get_writer("md")(_guide(None), WriterOptions()).decode("utf-8")
    assert "Behavior events (clicks)" in full and "DF-02" in full


def test_an_unknown_goal_link_is_a_located_error(tmp_path) -> None:
    import shutil

    from conftest import ROOT

    text = (ROOT / "blueprints" / "types" / "email-marketing.yaml").read_text(encoding="utf-8")
    path = tmp_path / "email.yaml"
    path.write_text(text.replace("goals: [G4]", "goals: [G9]", 1), encoding="utf-8")
    shutil.copytree(ROOT / "blueprints" / "fragments", tmp_path / "fragments")
    code, _, err = run_cli("validate", path)
    assert code == 2 and "G9" in err and "email.yaml:" in err


def test_list_shows_the_goals_to_choose_from_and_what_each_brings() -> None:
    code, out, err = run_cli("list", "email-marketing")
    assert code == 0, err
    assert "G4" in out and "Interface IF-07" in out and "Flow DF-02" in out and "Entity click" in out
