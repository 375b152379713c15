"""Checks beyond the schema: cross-references (errors) and weak spots in the guide (warnings).

Errors make a blueprint unusable: a duplicate id, a reference to a role, goal, stage, code set
or scope object that does not exist, a missing plan, a placeholder that cannot be filled.
Warnings point at a guide that would be weak: a goal no test covers, an object in scope with
no mapping, a metric without threshold, a risk without mitigation, a text in one language only or awaiting
translation, characters XML cannot hold. ``guidegen validate --strict`` treats warnings as errors.
"""

from __future__ import annotations

import functools
import itertools
import re
import typing
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel

from guidegen.blueprint.loader import LoadedBlueprint
from guidegen.blueprint.schema import Blueprint
from guidegen.core.errors import Location, Problem, UserError
from guidegen.core.text import COMPLEXITIES, LANGS, SCENARIOS, LocalizedText
from guidegen.core.yamlsource import LocDict, LocList, format_path, locate
from guidegen.resolve.engagement import build_date
from guidegen.resolve.templating import has_forbidden_chars

_CJK = re.compile(r"[\u3400-\u9fff]")
_ENGLISH_WORD = re.compile(r"\b[a-z]{3,}\b")


class _Reporter:
    def __init__(self, loaded: LoadedBlueprint) -> None:
        self.loaded = loaded
        self.problems: list[Problem] = []

    def where(self, path: tuple[Any, ...]) -> Location:
        return locate(self.loaded.raw, path) or Location(self.loaded.path, path=format_path(path))

    def error(self, path: tuple[Any, ...], message: str, **details: str | None) -> None:
        self.problems.append(Problem(self.where(path), message, **details))

    def warn(self, path: tuple[Any, ...], message: str, **details: str | None) -> None:
        self.problems.append(Problem(self.where(path), message, severity="warning", **details))


def check_blueprint(loaded: LoadedBlueprint) -> list[Problem]:
    """Every cross-reference error and lint warning of a loaded blueprint (for 'validate')."""
    r = _Reporter(loaded)
    bp = loaded.blueprint
    _structure(r, bp)
    _coverage(r, bp)
    _texts(r, bp, ())
    _stale(r, bp, ())
    _forbidden_chars(r, loaded.tree, ())
    if not any(p.severity == "error" for p in r.problems):
        _render_everywhere(r, loaded)
    return r.problems


def reference_errors(loaded: LoadedBlueprint) -> list[Problem]:
    """The errors that make a blueprint unusable (duplicate ids, dangling references, missing
    plans) — cheap enough to check before every render."""
    r = _Reporter(loaded)
    _structure(r, loaded.blueprint)
    return [p for p in r.problems if p.severity == "error"]


def _structure(r: _Reporter, bp: Blueprint) -> None:
    _unique_ids(r, bp, ())
    _references(r, bp)
    _plans(r, bp)


# --------------------------------------------------------------------------- walking
@functools.lru_cache(maxsize=None)
def _nested_fields(cls: type[BaseModel]) -> tuple[str, ...]:
    """The fields of a model that can hold items (models or lists of them): the walks below
    skip texts and scalars, which are most of a large blueprint."""
    return tuple(name for name, f in cls.model_fields.items() if _holds_models(f.annotation))


def _holds_models(annotation: Any) -> bool:
    return bool(_models_in(annotation))


def _models_in(annotation: Any) -> tuple[type[BaseModel], ...]:
    """The item models an annotation can hold (through lists, optionals and unions)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return () if issubclass(annotation, LocalizedText) else (annotation,)
    return tuple(model for arg in typing.get_args(annotation) for model in _models_in(arg))


_IDS = "id"  # a list of items with ids (or mapping rows, keyed by 'key'): checked for duplicates


@functools.lru_cache(maxsize=None)
def _fields_toward(cls: type[BaseModel], field: str) -> tuple[str, ...]:
    """The nested fields of ``cls`` below which some item has ``field``: a walk looking for
    that field skips the rest (a large blueprint's mapping rows hold neither goals nor ids)."""
    return tuple(name for name in _nested_fields(cls)
                 if any(_reaches(model, field, frozenset()) for model in _models_in(cls.model_fields[name].annotation)))


def _reaches(cls: type[BaseModel], field: str, seen: frozenset[type[BaseModel]]) -> bool:
    if field in cls.model_fields or (field == _IDS and cls.__name__ == "FieldMapping"):
        return True
    seen = seen | {cls}
    return any(_reaches(model, field, seen) for name in _nested_fields(cls)
               for model in _models_in(cls.model_fields[name].annotation) if model not in seen)


# --------------------------------------------------------------------------- ids
def _unique_ids(r: _Reporter, value: Any, path: tuple[Any, ...]) -> None:
    if isinstance(value, BaseModel):
        for name in _fields_toward(type(value), _IDS):
            _unique_ids(r, getattr(value, name), path + (name,))
    elif isinstance(value, list):
        seen: dict[str, int] = {}
        for i, item in enumerate(value):
            key = getattr(item, "id", None)
            if key is None and type(item).__name__ == "FieldMapping":
                key = item.key
            if isinstance(key, str) and key:
                if key in seen:
                    first = r.where(path + (seen[key],))
                    r.error(path + (i,), f"duplicate id '{key}'", expected="ids unique within the list",
                            given=f"'{key}' again (first at line {first.line})")
                else:
                    seen[key] = i
            _unique_ids(r, item, path + (i,))


# --------------------------------------------------------------------------- references
SOURCE_MAX_AGE_DAYS = 365  # a source last verified longer ago is flagged by validate --strict


def _check_refs(r: _Reporter, path: tuple[Any, ...], refs: list[str], known: set[str], what: str) -> None:
    for ref in refs:
        if ref not in known:
            r.error(path, f"unknown {what} '{ref}'", expected=f"one of: {', '.join(sorted(known)) or '(none defined)'}",
                    given=ref)


def items_naming(field: str, node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    """Every item in the tree whose ``field`` lists ids (goals it serves, sources it cites), with its path."""
    if isinstance(node, list):
        for i, item in enumerate(node):
            yield from items_naming(field, item, path + (i,))
    elif isinstance(node, BaseModel):
        ids = getattr(node, field, None) if field in type(node).__pydantic_fields__ else None
        if ids and all(isinstance(x, str) for x in ids):
            yield path, node
        for name in _fields_toward(type(node), field):
            value = getattr(node, name)
            if isinstance(value, (list, BaseModel)) and name != field:
                yield from items_naming(field, value, path + (name,))


def items_with_goals(node: Any) -> Iterator[tuple[tuple[Any, ...], Any]]:
    return items_naming("goals", node)


def _references(r: _Reporter, bp: Blueprint) -> None:
    roles = {x.id for x in bp.roles}
    team = {x.id for x in bp.implementation.team}
    stages = {x.id for x in bp.stages}
    goals = {x.id for x in bp.overview.goals}
    enums = {x.id for x in bp.data.enums}
    objects = {x.id for x in bp.overview.scope.objects}
    for i, entity in enumerate(bp.data.entities):
        for j, row in enumerate(entity.fields):
            if not row.key:
                r.error(("data", "entities", i, "fields", j), "a row whose field is described in words needs an id",
                        expected="id: a stable key for the row (letters, digits, - and _)", given="no id",
                        hint="the key of a row is its id, else its source field name; a text in two languages is not one")
    im = bp.implementation
    for i, member in enumerate(im.team):
        _check_refs(r, ("implementation", "team", i, "id"), [member.id], roles, "role")
        _check_refs(r, ("implementation", "team", i, "consulted"), member.consulted, stages, "stage")
    if sum(1 for m in im.team if m.accountable) > 1:
        r.error(("implementation", "team"), "more than one team role is accountable",
                expected="at most one role with accountable: true")
    for i, task in enumerate(im.tasks):
        _check_refs(r, ("implementation", "tasks", i, "stage"), [task.stage], stages, "stage")
        _check_refs(r, ("implementation", "tasks", i, "owners"), task.owners, team, "team role")
    for key in ("deliverables", "milestones"):
        for i, item in enumerate(getattr(im, key)):
            _check_refs(r, ("implementation", key, i, "stage"), [item.stage], stages, "stage")
    for path, item in items_with_goals(bp):
        _check_refs(r, path + ("goals",), item.goals, goals, "goal")
    sources = {s.id for s in bp.sources}
    for path, item in items_naming("sources", bp):
        _check_refs(r, path + ("sources",), item.sources, sources, "source")
    for i, risk in enumerate(bp.summary.risks):
        if risk.owner:
            _check_refs(r, ("summary", "risks", i, "owner"), [risk.owner], roles, "role")
    if bp.migration:
        for checklist in ("cutover", "rollback_triggers", "decommission"):
            for i, check in enumerate(getattr(bp.migration, checklist)):
                if check.owner:
                    _check_refs(r, ("migration", checklist, i, "owner"), [check.owner], roles, "role")
    for e, entity in enumerate(bp.data.entities):
        if entity.scope_object:
            _check_refs(r, ("data", "entities", e, "scope_object"), [entity.scope_object], objects, "scope object")
        for f, field in enumerate(entity.fields):
            if field.enum:
                _check_refs(r, ("data", "entities", e, "fields", f, "enum"), [field.enum], enums, "code set")
            _rule_refs(r, ("data", "entities", e, "fields", f), field, enums)


def _rule_refs(r: _Reporter, path: tuple[Any, ...], field: Any, enums: set[str]) -> None:
    """Code sets named by structured checks and transforms exist; checks agree with 'required'."""
    if field.checks and field.checks.code_set:
        _check_refs(r, path + ("checks", "code_set"), [field.checks.code_set], enums, "code set")
    if field.checks and field.checks.required is not None and field.required is not None \
            and field.checks.required != field.required:
        r.error(path + ("checks", "required"), "checks.required contradicts the mapping's required",
                expected=f"{str(field.required).lower()} (as in 'required') or no checks.required",
                given=str(field.checks.required).lower())
    for i, step in enumerate(field.transform):
        if step.map is not None:
            _check_refs(r, path + ("transform", i, "map", "code_set"), [step.map.code_set], enums, "code set")


def _plans(r: _Reporter, bp: Blueprint) -> None:
    stages = {x.id for x in bp.stages}
    for level in COMPLEXITIES:
        plan = getattr(bp.plans, level)
        if plan is None:
            r.error(("plans",), f"no plan for complexity '{level}'",
                    expected="plans.simple, plans.medium and plans.high (include the 'plans' fragment)")
            continue
        if plan.duration[0] > plan.duration[1]:
            r.error(("plans", level, "duration"), "duration must be [min, max]", given=str(plan.duration))
        for i, phase in enumerate(plan.phases):
            path = ("plans", level, "phases", i)
            _check_refs(r, path + ("stages",), phase.stages, stages, "stage")
            if phase.weeks[0] < 1 or phase.weeks[0] > phase.weeks[1]:
                r.error(path + ("weeks",), "weeks must be [first, last] with 1 <= first <= last", given=str(phase.weeks))
        phase_ids = {p.id for p in plan.phases}
        for i, estimate in enumerate(plan.effort):
            for phase_id in estimate.days:
                if phase_id not in phase_ids:
                    r.error(("plans", level, "effort", i, "days", phase_id), f"unknown phase '{phase_id}' in the {level} plan",
                            expected="one of: " + ", ".join(sorted(phase_ids)), given=phase_id)
        for scenario in SCENARIOS:
            covered = {s for p in plan.phases if p.applies(level, scenario) for s in p.stages}
            for i, task in enumerate(bp.implementation.tasks):
                if task.applies(level, scenario) and task.stage not in covered:
                    r.warn(("implementation", "tasks", i, "stage"),
                           f"task is dropped at complexity '{level}', scenario '{scenario}': no phase covers stage '{task.stage}'")


# --------------------------------------------------------------------------- lint
def _coverage(r: _Reporter, bp: Blueprint) -> None:
    for i, goal in enumerate(bp.overview.goals):
        missing = []
        for level, scenario in itertools.product(COMPLEXITIES, SCENARIOS):
            if not goal.applies(level, scenario):
                continue
            if not any(goal.id in t.goals and t.applies(level, scenario) for t in bp.testing.cases):
                missing.append(f"{level}/{scenario}")
        if missing:
            r.warn(("overview", "goals", i), f"goal {goal.id} is not covered by any test case at: {', '.join(missing)}",
                   hint="add its id to the 'goals' of a test case")
    _level_references(r, bp)
    mapped = {e.scope_object for e in bp.data.entities}
    for i, obj in enumerate(bp.overview.scope.objects):
        if obj.id not in mapped:
            r.warn(("overview", "scope", "objects", i), f"scope object '{obj.id}' has no field mapping",
                   hint="add an entity with scope_object: " + obj.id)
    for i, metric in enumerate(bp.operations.metrics):
        if metric.threshold is None:
            r.warn(("operations", "metrics", i), f"metric {metric.id} has no threshold")
    for i, risk in enumerate(bp.summary.risks):
        if risk.mitigation is None:
            r.warn(("summary", "risks", i), f"risk {risk.id} has no mitigation")
    if bp.traits is None:
        marked = [f"{item.id} ({', '.join(item.applies_to)})" for _, item in items_naming("applies_to", bp)
                  if getattr(item, "id", None)]
        if marked:
            r.warn(("id",), f"the blueprint declares no traits, so every shared item applies, including {len(marked)} "
                   f"meant for some kinds of integration only: {'; '.join(marked[:6])}",
                   hint="add traits: [personal_data, ...] (personal_data, marketing_consent, payment_cards, call_recording)")
    today = build_date()
    for i, source in enumerate(bp.sources):
        if (today - source.verified).days > SOURCE_MAX_AGE_DAYS:
            r.warn(("sources", i, "verified"), f"source {source.id} was last verified on {source.verified.isoformat()}, "
                   f"more than 12 months ago", hint="check the facts citing it against the current text and update 'verified'")


def _level_references(r: _Reporter, bp: Blueprint) -> None:
    """At each complexity and scenario, a field's code set and an entity's scope object are
    there too: content left out at a level must not leave a reference behind."""
    reported: set[tuple[Any, ...]] = set()
    for level, scenario in itertools.product(COMPLEXITIES, SCENARIOS):
        enums = {x.id for x in bp.data.enums if x.applies(level, scenario)}
        objects = {x.id for x in bp.overview.scope.objects if x.applies(level, scenario)}
        for e, entity in enumerate(bp.data.entities):
            if not entity.applies(level, scenario):
                continue
            path = ("data", "entities", e, "scope_object")
            if entity.scope_object and entity.scope_object not in objects and path not in reported:
                reported.add(path)
                r.warn(path, f"entity '{entity.id}' appears at complexity '{level}', scenario '{scenario}' but its scope "
                       f"object '{entity.scope_object}' does not", hint="give both the same 'when'")
            for f, field in enumerate(entity.fields):
                path = ("data", "entities", e, "fields", f, "enum")
                if field.enum and field.applies(level, scenario) and field.enum not in enums and path not in reported:
                    reported.add(path)
                    r.warn(path, f"field '{field.key}' appears at complexity '{level}', scenario '{scenario}' but its code "
                           f"set '{field.enum}' does not", hint="give the field the code set's 'when'")


def _texts(r: _Reporter, value: Any, path: tuple[Any, ...]) -> None:
    """Warn about texts given in one language only."""
    if isinstance(value, LocalizedText):
        if value.plain:
            text = value.zh or ""
            if _CJK.search(text):
                r.warn(path, "text is only in Chinese", expected="{zh: ..., en: ...}", given=text[:60])
            elif len(_ENGLISH_WORD.findall(text)) >= 4 and path[:1] != ("sources",):
                # (an English document title may stand in a Chinese guide's references)
                r.warn(path, "text is only in English", expected="{zh: ..., en: ...}", given=text[:60])
        else:
            for lang in LANGS:
                if value.get(lang) is None:
                    r.warn(path, f"text has no '{lang}' version", expected="{zh: ..., en: ...}")
    elif isinstance(value, BaseModel):
        for name in type(value).__pydantic_fields__:
            _texts(r, getattr(value, name), path + (name,))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _texts(r, item, path + (i,))


def _stale(r: _Reporter, value: Any, path: tuple[Any, ...]) -> None:
    """Warn about every text marked as awaiting translation (import-mapping marks them)."""
    if isinstance(value, BaseModel):
        fields = type(value).__pydantic_fields__
        for name, langs in (getattr(value, "stale", None) or {}).items() if "stale" in fields else ():
            if not isinstance(getattr(value, name, None), LocalizedText):
                r.warn(path + ("stale", name), f"'stale' names '{name}', which is not a text of this item",
                       expected="the name of one of the item's texts", given=name)
            elif langs:
                r.warn(path + (name,), f"the {', '.join(langs)} text of '{name}' awaits translation",
                       hint=f"translate it, then delete '{name}' from the item's 'stale' list")
        for name in fields:
            if name != "stale":
                _stale(r, getattr(value, name), path + (name,))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _stale(r, item, path + (i,))


def _forbidden_chars(r: _Reporter, value: Any, path: tuple[Any, ...]) -> None:
    if isinstance(value, str):
        if has_forbidden_chars(value):
            r.warn(path, "text contains control characters that XML cannot hold; they will be removed",
                   given=repr(value[:60]))
    elif isinstance(value, LocDict):
        for key, item in value.items():
            _forbidden_chars(r, item, path + (key,))
    elif isinstance(value, LocList):
        for i, item in enumerate(value):
            _forbidden_chars(r, item, path + (i,))


def _render_everywhere(r: _Reporter, loaded: LoadedBlueprint) -> None:
    """Resolve the guide at every complexity, scenario and language: placeholder errors surface."""
    from guidegen.resolve.engagement import Engagement
    from guidegen.resolve.resolver import resolve_guide

    seen: set[str] = set()
    for level, scenario, lang in itertools.product(COMPLEXITIES, SCENARIOS, LANGS):
        try:
            resolve_guide(loaded, Engagement(complexity=level, scenario=scenario, lang=lang))
        except UserError as exc:
            for problem in exc.problems:
                key = problem.format()
                if key not in seen:
                    seen.add(key)
                    r.problems.append(problem)
