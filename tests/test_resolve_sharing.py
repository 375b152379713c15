"""Resolutions of one parsed blueprint share finished texts and mapping rows (validate resolves
every complexity, scenario and language; a worker renders several guides): what they share
must never leak from one guide into another."""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path

from conftest import FIXED_DATE, ROOT
from guidegen.blueprint.loader import load_blueprint
from guidegen.resolve.engagement import Engagement
from guidegen.resolve.resolver import resolve_guide


def _blueprint(tmp_path: Path, edit) -> Path:
    shutil.copytree(ROOT / "blueprints" / "fragments", tmp_path / "fragments")
    path = tmp_path / "email-marketing.yaml"
    path.write_text(edit((ROOT / "blueprints" / "types" / "email-marketing.yaml").read_text(encoding="utf-8")),
                    encoding="utf-8")
    return path


def _rows(guide):
    return {(e.id, r.key): r for e in guide.data.entities for r in e.fields}


def test_a_text_that_names_the_level_is_rendered_for_each_level(tmp_path: Path) -> None:
    text = '"{% if complexity == \'high\' %}HIGH-RULE{% else %}PLAIN-RULE{% endif %} {{ scenario }}"'
    path = _blueprint(tmp_path, lambda t: t.replace("rule: {zh: \"转小写、去空格\", en: \"Lower-case and trim\"}",
                                                     f"rule: {{zh: {text}, en: {text}}}", 1))
    loaded = load_blueprint(path)
    seen = {}
    for level, scenario in itertools.product(("simple", "high"), ("new", "upgrade")):
        guide = resolve_guide(loaded, Engagement(complexity=level, scenario=scenario, lang="en", date=FIXED_DATE)).guide
        rules = [r.rule for r in _rows(guide).values() if r.rule and "RULE" in r.rule]
        assert rules, "the edited rule is in the guide"
        seen[(level, scenario)] = set(rules)
    assert seen[("high", "new")] == {"HIGH-RULE new"} and seen[("simple", "upgrade")] == {"PLAIN-RULE upgrade"}


def test_shared_rows_give_the_same_guide_as_a_fresh_process_would(tmp_path: Path) -> None:
    path = _blueprint(tmp_path, lambda t: t)
    loaded = load_blueprint(path)
    first = {}
    for level, scenario, lang in itertools.product(("simple", "medium", "high"), ("new", "upgrade"), ("zh", "en")):
        engagement = Engagement(complexity=level, scenario=scenario, lang=lang, date=FIXED_DATE)
        first[(level, scenario, lang)] = resolve_guide(loaded, engagement).guide
    from guidegen.resolve import resolver

    resolver._TEXT_MEMO.clear()
    for key, guide in first.items():
        level, scenario, lang = key
        fresh = resolve_guide(load_blueprint(path), Engagement(complexity=level, scenario=scenario, lang=lang,
                                                              date=FIXED_DATE)).guide
        resolver._TEXT_MEMO.clear()
        assert fresh == guide, key


def test_a_product_name_is_never_taken_from_another_guides_rows(tmp_path: Path) -> None:
    path = _blueprint(tmp_path, lambda t: t)
    loaded = load_blueprint(path)
    a = resolve_guide(loaded, Engagement(lang="en", software="AlphaMail", date=FIXED_DATE)).guide
    b = resolve_guide(loaded, Engagement(lang="en", software="BetaSend", date=FIXED_DATE)).guide
    text_b = b.model_dump_json()
    assert "AlphaMail" not in text_b and "BetaSend" in text_b and "AlphaMail" in a.model_dump_json()


def test_a_row_without_placeholders_is_shared_across_products_and_one_with_them_follows_the_product(tmp_path: Path) -> None:
    text = '"Copy from {{ software }}"'
    path = _blueprint(tmp_path, lambda t: t.replace("rule: {zh: \"转小写、去空格\", en: \"Lower-case and trim\"}",
                                                     f"rule: {{zh: {text}, en: {text}}}", 1))
    loaded = load_blueprint(path)
    guides = {name: resolve_guide(loaded, Engagement(software=name, lang="en", date=FIXED_DATE)).guide
              for name in ("Acme Mail", "Zeta Send")}
    first, second = (_rows(g) for g in guides.values())
    templated = [k for k, r in first.items() if r.rule and r.rule.startswith("Copy from")]
    assert templated and all(first[k].rule == "Copy from Acme Mail" and second[k].rule == "Copy from Zeta Send"
                             for k in templated)
    plain = [k for k in first if k not in templated]
    assert plain and all(first[k] is second[k] for k in plain)  # one converted row, shared


def test_rows_share_one_set_of_given_field_names_and_an_assignment_changes_no_other_row() -> None:
    """Pydantic keeps a set of the field names each instance was given (2 KB for a mapping row):
    equal sets are shared. A frozen model cannot be assigned to; a guide model shares only a set
    naming every field, so an assignment cannot add a name another instance would see."""
    from guidegen.blueprint.schema import Task
    from guidegen.core.text import LocalizedText
    from guidegen.guide.model import Goal

    loaded = load_blueprint(ROOT / "blueprints" / "types" / "email-marketing.yaml")
    guide = resolve_guide(loaded, Engagement(lang="en", date=FIXED_DATE)).guide
    rows = [r for e in guide.data.entities for r in e.fields]
    assert len({id(r.__pydantic_fields_set__) for r in rows}) < len(rows) // 4
    first, second = LocalizedText(en="a"), LocalizedText(en="b")
    assert first.__pydantic_fields_set__ is second.__pydantic_fields_set__ == {"en"}
    assert first.model_copy(update={"zh": "甲"}).model_fields_set == {"en", "zh"}
    assert second.model_fields_set == {"en"}
    partial = [Goal(id="G1", title="t", statement="s"), Goal(id="G2", title="t", statement="s")]
    assert partial[0].__pydantic_fields_set__ is not partial[1].__pydantic_fields_set__
    partial[0].kpi = "k"
    assert "kpi" not in partial[1].model_fields_set
    assert Task.model_config.get("frozen")
