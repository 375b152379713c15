"""Parameters shape the guide: complexity, scenario, goals, dates, owners, placeholders."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from conftest import ROOT, available_builtins, guide_for
from guidegen.blueprint.loader import load_blueprint, resolve_blueprint_path
from guidegen.resolve.engagement import Engagement, GoalSpec, PersonSpec
from guidegen.resolve.resolver import first_monday, resolve_guide

BLUEPRINTS = available_builtins()


def resolve(blueprint: str = "email-marketing", **values):
    loaded = load_blueprint(resolve_blueprint_path(blueprint))
    return resolve_guide(loaded, Engagement(blueprint=blueprint, date="2026-11-25", **values))


@pytest.mark.parametrize("blueprint", BLUEPRINTS)
def test_complexity_sets_phase_count_and_duration(blueprint: str) -> None:
    expected = {"simple": (4, (3, 4)), "medium": (5, (6, 8)), "high": (7, (8, 12))}
    for level, (phases, weeks) in expected.items():
        impl = guide_for(blueprint, "zh", level).implementation
        assert len(impl.phases) == phases
        assert impl.duration_weeks == weeks
        assert max(p.end_week for p in impl.phases) <= weeks[1]


@pytest.mark.parametrize("blueprint", BLUEPRINTS)
def test_high_complexity_adds_capacity_dr_chaos_degradation_and_multi_az(blueprint: str) -> None:
    simple, high = guide_for(blueprint, "en", "simple"), guide_for(blueprint, "en", "high")

    def markers(g):
        return {
            "dr": any("RPO" in r.target for r in g.architecture.requirements),
            "capacity": any(r.id == "NFR-CAPACITY" for r in g.architecture.requirements),
            "chaos": any(c.category == "resilience" and ("chaos" in c.title.lower() or "fault" in c.title.lower())
                         for c in g.testing.cases),
            "degrade": any("egradation" in (n.title or "") for n in g.architecture.error_handling),
            "multi_az": any("Multi-AZ" in (n.title or "") for n in g.architecture.error_handling),
        }

    assert all(markers(high).values()), markers(high)
    assert not any(markers(simple).values()), markers(simple)


@pytest.mark.parametrize("blueprint", BLUEPRINTS)
def test_upgrade_scenario_adds_migration_cutover_rollback_and_regression(blueprint: str) -> None:
    new, upgrade = guide_for(blueprint, "en", None, "new"), guide_for(blueprint, "en", None, "upgrade")
    assert new.migration is None
    m = upgrade.migration
    assert m is not None
    assert m.legacy_interfaces and m.migration and m.reconciliation and m.dual_run and m.cutover and m.versioning and m.rollback
    assert m.rollback_triggers and m.decommission
    regression = [c for c in upgrade.testing.cases if c.category == "regression"]
    assert len(regression) > sum(1 for c in new.testing.cases if c.category == "regression")
    assert len(upgrade.implementation.phases) > len(new.implementation.phases)
    assert upgrade.implementation.duration_weeks[1] > new.implementation.duration_weeks[1]
    assert max(p.end_week for p in upgrade.implementation.phases) > max(p.end_week for p in new.implementation.phases)


def test_start_date_gives_monday_to_friday_phase_dates() -> None:
    guide = resolve("call-center" if "call-center" in BLUEPRINTS else "email-marketing", start_date="2027-01-04").guide
    monday = dt.date(2027, 1, 4)
    for phase in guide.implementation.phases:
        assert phase.start_date == monday + dt.timedelta(weeks=phase.start_week - 1)
        assert phase.end_date == monday + dt.timedelta(weeks=phase.end_week - 1, days=4)
        assert phase.start_date.weekday() == 0 and phase.end_date.weekday() == 4
    for milestone in guide.implementation.milestones:
        phase = next(p for p in guide.implementation.phases if p.id == milestone.phase)
        assert milestone.date == phase.end_date


def test_a_start_date_that_is_not_a_monday_starts_the_next_monday() -> None:
    assert first_monday(dt.date(2027, 1, 6)) == dt.date(2027, 1, 11)
    assert first_monday(dt.date(2027, 1, 4)) == dt.date(2027, 1, 4)


def test_goal_option_replaces_goals_and_an_uncovered_goal_is_flagged() -> None:
    result = resolve(goals=["G2", "Cut duplicate contacts by half"])
    guide = result.guide
    assert [g.id for g in guide.overview.goals] == ["G2", "CG1"]
    trace = {t.goal: t for t in guide.traceability}
    assert trace["G2"].covered and not trace["CG1"].covered
    assert any("CG1" in w.message and "not covered" in w.message for w in result.warnings)


def test_add_goal_extends_and_a_project_goal_can_name_its_tests() -> None:
    guide = resolve(add_goals=[GoalSpec(statement="Faster unsubscribes", kpi="< 1 minute", tests=["TC-03"])]).guide
    assert [g.id for g in guide.overview.goals][-1] == "CG1"
    assert {t.goal: t.tests for t in guide.traceability}["CG1"] == ["TC-03"]


def test_people_name_the_owners_and_the_raci_matrix_has_a_row_per_role() -> None:
    guide = resolve(people={"crm_dev": PersonSpec(name="Li Lei", contact="li@example.com")}, lang="en").guide
    member = next(m for m in guide.implementation.team if m.id == "crm_dev")
    assert member.person is not None and member.person.name == "Li Lei"
    raci = guide.implementation.raci
    assert [r.role for r in raci] == [m.id for m in guide.implementation.team]
    assert all(len(r.cells) == len(guide.implementation.phases) for r in raci)
    accountable = next(m.id for m in guide.implementation.team if m.accountable)
    assert all(c.startswith("A") for c in next(r for r in raci if r.role == accountable).cells)


def test_placeholders_are_filled_and_engagement_values_stay_literal() -> None:
    guide = resolve(software="Mailchimp", crm="Salesforce", client="ACME", lang="en").guide
    assert guide.meta.title == "Salesforce ↔ Mailchimp integration guide"
    assert "At ACME, Salesforce is in place" in guide.overview.background[0].text
    guide = resolve(software="{{ crm }}", lang="en").guide
    assert "{{ crm }}" in guide.meta.title


@pytest.mark.parametrize("blueprint", BLUEPRINTS)
def test_english_guides_contain_no_chinese(blueprint: str) -> None:
    import re

    from conftest import rendered

    for scenario in ("new", "upgrade"):
        for level in ("simple", "medium", "high"):
            text = rendered(blueprint, "md", "en", level, scenario).decode()
            found = re.findall(r"[\u4e00-\u9fff]+", text)
            assert not found, f"{blueprint} {level} {scenario}: {found[:5]}"


@pytest.mark.parametrize("blueprint", BLUEPRINTS)
def test_chinese_guides_use_full_width_punctuation_in_chinese_sentences(blueprint: str) -> None:
    import re

    from conftest import rendered

    text = rendered(blueprint, "md", "zh").decode()
    ascii_comma_in_chinese = re.findall(r"[\u4e00-\u9fff],[\u4e00-\u9fff]", text)
    assert not ascii_comma_in_chinese, ascii_comma_in_chinese[:5]


def test_minimal_blueprint_renders_at_every_level() -> None:
    loaded = load_blueprint(ROOT / "tests" / "data" / "minimal.yaml")
    for level in ("simple", "medium", "high"):
        for scenario in ("new", "upgrade"):
            guide = resolve_guide(loaded, Engagement(complexity=level, scenario=scenario, date="2026-11-25")).guide
            assert guide.implementation.phases


def test_raci_marks_consulted_roles_where_the_blueprint_says() -> None:
    guide = resolve().guide
    by_role = {r.role: r.cells for r in guide.implementation.raci}
    phases = guide.implementation.phases
    infosec = next(m for m in guide.implementation.team if m.id == "infosec")
    for phase, cell in zip(phases, by_role["infosec"]):
        if cell == "C":
            assert set(infosec.consulted) & set(phase.stages)
        if cell == "I":
            assert not set(infosec.consulted) & set(phase.stages)
    assert any("C" in cells for cells in by_role.values())


@pytest.mark.parametrize("blueprint", BLUEPRINTS)
def test_milestones_are_listed_in_the_order_they_fall_due(blueprint: str) -> None:
    """By week, and within a phase by the order of its stages: a pilot before the full launch,
    a cutover before it, whatever order the fragments and the type wrote them in."""
    stage_of = {m.id: m.stage for m in load_blueprint(resolve_blueprint_path(blueprint)).blueprint.implementation.milestones}
    for scenario in ("new", "upgrade"):
        impl = resolve(blueprint, complexity="high", scenario=scenario, lang="en").guide.implementation
        phases = {p.id: p for p in impl.phases}
        order = [(m.week, phases[m.phase].stages.index(stage_of[m.id])) for m in impl.milestones]
        assert order == sorted(order), [m.id for m in impl.milestones]
        ids = [m.id for m in impl.milestones]
        assert ids.index("M-DR") < ids.index("M4")  # the drill is passed before the full launch
        if "M-PILOT" in ids:
            assert ids.index("M-PILOT") < ids.index("M4")


@pytest.mark.parametrize("blueprint", BLUEPRINTS)
def test_every_risk_of_a_built_in_guide_has_an_owner(blueprint: str) -> None:
    for scenario in ("new", "upgrade"):
        risks = resolve(blueprint, complexity="high", scenario=scenario, lang="en").guide.summary.risks
        assert all(r.owner for r in risks), [r.id for r in risks if not r.owner]


# "net due date" or "(check only)", not "Account.Name" or "(VBRK-FKSTO)"
_ENGLISH_PHRASE = re.compile(r"(?<![\w.])[a-z]{3,} [a-z]{3,}(?![\w.])|\((?:[a-z]+ ?)+\)")


@pytest.mark.parametrize("crm", [None, "dynamics365", "hubspot", "salesforce"])
@pytest.mark.parametrize("blueprint", BLUEPRINTS)
def test_chinese_mapping_tables_name_fields_or_describe_them_in_chinese(blueprint: str, crm: str | None) -> None:
    """A mapping cell holds a field name or a formula of names; a value no field holds is
    described in the guide's language, not in an English phrase, and a CRM pack's names carry
    no English qualifier."""
    guide = _with_packs(blueprint, crm=crm)
    assert not _english_phrases(guide)


@pytest.mark.parametrize("software", [None, "netsuite", "sap-s4hana"])
@pytest.mark.parametrize("crm", [None, "dynamics365", "hubspot", "salesforce"])
def test_chinese_erp_mapping_tables_have_no_english_phrase_with_any_pack(software: str | None, crm: str | None) -> None:
    """The packs rename fields to their products' names; what a name leaves unsaid (a net
    amount, who identifies a user by what) goes in the row's description, in Chinese."""
    guide = _with_packs("erp", software=software, crm=crm)
    assert not _english_phrases(guide)


@pytest.mark.parametrize("software", [None, "netsuite", "sap-s4hana"])
@pytest.mark.parametrize(("crm", "identified_by"), [(None, "联合身份 ID"), ("salesforce", "联合身份 ID"),
                                                   ("dynamics365", "Microsoft Entra 对象 ID"), ("hubspot", "负责人邮箱")])
def test_the_quote_owner_row_says_how_the_crm_identifies_its_user_with_any_erp(software: str | None, crm: str | None,
                                                                               identified_by: str) -> None:
    """The CRM pack sets how a user is identified; the ERP pack's own quote rows say it too."""
    guide = _with_packs("erp", software=software, crm=crm)
    owners = [f for e in guide.data.entities for f in e.fields if f.id == "Quote.Owner" or f.source in ("Quote.Owner", "quotes.hubspot_owner_id", "quote.ownerid")]
    assert owners and all(identified_by in (f.description or "") for f in owners), [(f.source, f.description) for f in owners]


_SOFTWARE_PACKS = sorted((f.parent.name, f.stem) for f in (ROOT / "blueprints" / "packs").glob("*/*.yaml")
                         if f.parent.name not in ("crm", "erp"))


@pytest.mark.parametrize(("blueprint", "software"), _SOFTWARE_PACKS)
def test_chinese_mapping_tables_have_no_english_qualifier_with_a_software_pack(blueprint: str, software: str) -> None:
    """A software pack names its product's objects and fields; where two rows share a name (a
    simple product's id and its configurable parent's), their descriptions tell them apart."""
    guide = _with_packs(blueprint, software=software)
    assert not _english_phrases(guide)
    for entity in guide.data.entities:
        named = [(f.source, f.target) for f in entity.fields]
        assert len(named) == len(set(named)), entity.id


def _english_phrases(guide) -> list[str]:  # noqa: ANN001 - Guide
    """The mapping cells and objects of a guide that hold an English phrase or qualifier."""
    cells = [v for e in guide.data.entities for v in (e.source_object, e.target_object)]
    cells += [v for e in guide.data.entities for f in e.fields for v in (f.source, f.target, f.source_object, f.target_object)]
    return sorted({v for v in cells if v and _ENGLISH_PHRASE.search(v)})


def _with_packs(blueprint: str, **products):
    """The high-complexity Chinese guide with the packs of the named products applied."""
    from guidegen.app.pipeline import load_for

    engagement = Engagement(blueprint=blueprint, complexity="high", lang="zh", date="2026-11-25", **products)
    loaded = load_for(engagement)
    assert [p.header.id for p in loaded.packs] == [p for p in (products.get("crm"), products.get("software")) if p]
    return resolve_guide(loaded, engagement).guide
