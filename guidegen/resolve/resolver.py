"""Blueprint + Engagement -> Guide.

Applies the conditions written in the blueprint (complexity, scenario), picks the language,
fills placeholders in a sandbox, computes the plan's weeks and dates, names the owners, and
traces goals to tests. Most sections convert field by field (a blueprint model and its Guide
counterpart share field names); the plan, the field mappings, goals and owners need the
engagement and are built explicitly.
"""

from __future__ import annotations

import datetime as dt
import functools
import typing
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from guidegen.blueprint import schema as bp
from guidegen.blueprint.loader import LoadedBlueprint
from guidegen.content.declare import ContentMismatch, conversion_plan
from guidegen.content.rules import Checks, describe_checks, describe_transform
from guidegen.core import i18n
from guidegen.core.errors import Location, Problem, UserError
from guidegen.core.text import Conditional, LocalizedText, escape_markdown
from guidegen.core.vocab import LANGS
from guidegen.core.yamlsource import format_path, locate
from guidegen.guide import model
from guidegen.resolve.engagement import Engagement, GoalSpec, build_date
from guidegen.resolve.templating import TemplateProblem, clean_text, render_text, unescape_markdown


def document_date(engagement: Engagement) -> dt.date:
    """The engagement's date, else SOURCE_DATE_EPOCH (reproducible builds), else today."""
    return engagement.date or build_date()


def first_monday(start: dt.date) -> dt.date:
    """Week 1 starts on the start date if it is a Monday, else on the next Monday."""
    return start + dt.timedelta(days=(7 - start.weekday()) % 7)


@dataclass
class Resolution:
    """The resolved guide and what the user should hear about it."""

    guide: model.Guide
    warnings: list[Problem] = field(default_factory=list)


@dataclass
class _Context:
    loaded: LoadedBlueprint
    lang: str
    complexity: str
    scenario: str
    variables: dict[str, Any]
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    _missing_lang: int = 0
    # The goal ids the engagement chose (None: all the blueprint's), and the test ids that
    # engagement goals name, which stay whatever goals they were written for.
    chosen_goals: frozenset[str] | None = None
    linked_tests: frozenset[str] = frozenset()
    cited: dict[str, None] = field(default_factory=dict)
    _memo: dict[str, str] | None = None
    level_dependent: bool = False  # a text just finished used the complexity or the scenario
    templated: bool = False  # a text just finished may use a placeholder
    traits: frozenset[str] | None = None  # the blueprint's traits; None: every item applies  # source ids cited by converted items, in order

    @property
    def locale(self) -> i18n.Locale:
        return i18n.locale(self.lang)

    def where(self, path: tuple[Any, ...]) -> Location:
        return locate(self.loaded.raw, path) or Location(self.loaded.path, path=format_path(path))

    def text(self, value: LocalizedText | None, path: tuple[Any, ...]) -> str | None:
        if value is None:
            return None
        chosen = value.get(self.lang)
        if chosen is None:
            chosen = next((value.get(other) for other in LANGS if value.get(other) is not None), None)
            self._missing_lang += 1
            if self._missing_lang <= 5:
                self.warnings.append(
                    Problem(self.where(path), f"no '{self.lang}' text; the other language is shown", severity="warning")
                )
        source = chosen or ""
        templated = "{" in source
        level_dependent = templated and ("complexity" in source or "scenario" in source)
        self.templated = self.templated or templated
        memo = self.memo
        done = None if level_dependent else memo.get(source)
        if done is not None:
            return done
        try:
            rendered = render_text(source, self.variables)
        except TemplateProblem as exc:
            self.errors.append(Problem(self.where(path), str(exc)))
            return chosen
        done = self.locale.polish(clean_text(rendered))
        if level_dependent:
            self.level_dependent = True
        else:
            memo[source] = done
        return done

    @property
    def rows_memo(self) -> dict[tuple[int, int], tuple[Any, Any, Any]]:
        """Converted mapping rows, shared like the texts (rows do not depend on complexity or
        scenario; the selection of rows does, and is made every time)."""
        return _rows_memo(("rows",) + self._memo_key())

    @property
    def plain_rows_memo(self) -> dict[tuple[int, int], tuple[Any, Any, Any]]:
        """Converted mapping rows with no placeholder in any text: the same for every placeholder
        value, so shared by language alone."""
        return _rows_memo(("plain rows", self.lang))

    def _memo_key(self) -> tuple[Any, ...]:
        """Language and placeholder values, less the complexity and scenario: a text that uses
        those is never shared (see ``text``)."""
        return (self.lang, tuple(sorted((k, str(v)) for k, v in self.variables.items() if k not in _LEVEL_VARIABLES)))

    @property
    def memo(self) -> dict[str, str]:
        """Finished texts by source text, shared by every resolution with the same language and
        placeholder values (validate resolves a blueprint at every level, scenario and language;
        a render --all worker resolves several guides)."""
        if self._memo is None:
            key = self._memo_key()
            if len(_TEXT_MEMO) > 64:
                _TEXT_MEMO.clear()
            self._memo = _TEXT_MEMO.setdefault(key, {})
        return self._memo

    def _mark_stale(self, item: Any, data: dict[str, Any]) -> None:
        """Texts of the item awaiting translation into this guide's language carry a visible marker."""
        for name, langs in (getattr(item, "stale", None) or {}).items():
            if self.lang in langs and isinstance(data.get(name), str) and data[name]:
                data[name] = self.locale.t("stale_marker") + data[name]

    def applies(self, item: Any) -> bool:
        """The item's condition holds, and it serves a chosen goal (or no goal in particular)."""
        if isinstance(item, Conditional) and not item.applies(self.complexity, self.scenario):
            return False
        kinds = getattr(item, "applies_to", None)
        if kinds and self.traits is not None and not self.traits.intersection(kinds):
            return False
        served = getattr(item, "goals", None)
        if served and self.chosen_goals is not None and not self.chosen_goals.intersection(served):
            return getattr(item, "id", None) in self.linked_tests
        return True

    def selected(self, items: list[Any], path: tuple[Any, ...]) -> list[tuple[Any, tuple[Any, ...]]]:
        """Items whose condition holds, each with its path (original index)."""
        return [(item, path + (i,)) for i, item in enumerate(items) if self.applies(item)]

    def convert(self, value: Any, target: Any, path: tuple[Any, ...], **computed: Any) -> Any:
        """Convert a blueprint value to the Guide type ``target`` field by field.

        Both sides derive from one declaration, so their fields line up: shared fields are
        converted, blueprint-only ones are left behind, and guide-only ones must come in
        ``computed`` (which may also replace a shared value). A field on one side only that
        the declaration does not mark that way is a bug, raised as ContentMismatch.
        """
        if isinstance(value, LocalizedText):
            return self.text(value, path)
        if isinstance(value, list):
            inner = _item_type(target)
            return [self.convert(item, inner, p) for item, p in self.selected(value, path)]
        if isinstance(value, BaseModel):
            cls = _model_type(target)
            for source in getattr(value, "sources", ()) or ():
                self.cited.setdefault(source, None)
            shared, required = _plan(type(value), cls)
            missing = [name for name in required if name not in computed]
            if missing:
                raise ContentMismatch(f"{cls.__name__}: the resolver must compute {missing}")
            annotations = _annotations(cls)
            data = {}
            for name in shared:
                if name in computed:
                    continue
                item = getattr(value, name)
                kind = type(item)
                if item is None or kind is bool or kind is int:  # as convert() would: unchanged
                    data[name] = item
                elif kind is str:
                    data[name] = clean_text(item)
                else:
                    data[name] = self.convert(item, annotations[name], path + (name,))
            data.update(computed)
            self._mark_stale(value, data)
            return cls(**data)
        if isinstance(value, str):
            return clean_text(value)
        return value


_PLANS: dict[tuple[type, type], tuple[list[str], list[str]]] = {}


@functools.lru_cache(maxsize=None)
def _annotations(cls: type[BaseModel]) -> dict[str, Any]:
    """Field name -> annotation of a Guide model (looked up once per class, not per value)."""
    return {name: f.annotation for name, f in cls.model_fields.items()}

_TEXT_MEMO: dict[tuple[Any, ...], dict[str, str]] = {}


def _rows_memo(key: tuple[Any, ...]) -> dict[tuple[int, int], tuple[Any, Any, Any]]:
    """One of the shared memos of converted mapping rows, emptied when it grows too large."""
    found = _TEXT_MEMO.setdefault(key, {})
    if len(found) > 500_000:
        found.clear()
    return found  # type: ignore[return-value]


_LEVEL_VARIABLES = ("complexity", "scenario")


def _plan(source: type[BaseModel], target: type[BaseModel]) -> tuple[list[str], list[str]]:
    """The fields converted from ``source`` to ``target``, and the guide-only fields of ``target``
    that the resolver must compute (the required ones); worked out once per pair."""
    key = (source, target)
    if key not in _PLANS:
        shared, guide_only = conversion_plan(source, target, ignore=frozenset(Conditional.model_fields))
        _PLANS[key] = shared, [name for name in guide_only if target.__pydantic_fields__[name].is_required()]
    return _PLANS[key]


def _model_type(annotation: Any) -> type[BaseModel]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg
    raise TypeError(f"no model type in {annotation!r}")


def _item_type(annotation: Any) -> Any:
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if typing.get_origin(annotation) is list:
        return args[0]
    for arg in args:
        if typing.get_origin(arg) is list:
            return typing.get_args(arg)[0]
    return annotation


def resolve_guide(loaded: LoadedBlueprint, engagement: Engagement) -> Resolution:
    """Build the Guide for one engagement; UserError if a placeholder cannot be filled."""
    blueprint = loaded.blueprint
    lang = engagement.lang
    complexity = engagement.complexity or blueprint.default_complexity
    scenario = engagement.scenario
    ctx = _Context(loaded, lang, complexity, scenario, {})
    ctx.traits = frozenset(blueprint.traits) if blueprint.traits is not None else None
    ctx.variables = _template_variables(ctx, blueprint, engagement)
    ctx._memo = None  # texts finished with the placeholder values from here on

    meta = _meta(ctx, blueprint, engagement, complexity)
    team = _team(ctx, blueprint, engagement)
    role_names = _role_names(ctx, blueprint, engagement)
    goals = _goals(ctx, blueprint, engagement)
    level_drops_goals = any(not ctx.applies(g) for g in blueprint.overview.goals)
    if engagement.goals is not None or level_drops_goals:
        # A goal the complexity level leaves out takes what serves only it along, as a goal
        # the engagement does not choose does.
        ctx.chosen_goals = frozenset(g.id for g in goals)
        ctx.linked_tests = frozenset(t for entry in (engagement.goals or []) + engagement.add_goals
                                     if isinstance(entry, GoalSpec) for t in entry.tests)
    overview = model.Overview(
        background=ctx.convert(blueprint.overview.background, list[model.Note], ("overview", "background")),
        goals=goals,
        scope=ctx.convert(blueprint.overview.scope, model.Scope, ("overview", "scope")),
    )
    testing = ctx.convert(blueprint.testing, model.Testing, ("testing",))
    testing = _custom_goal_links(testing, engagement, goals)
    implementation = _implementation(ctx, blueprint, engagement, team)
    migration = None
    if blueprint.migration is not None and ctx.applies(blueprint.migration):
        migration = ctx.convert(blueprint.migration, model.Migration, ("migration",))
        for checklist in ("cutover", "rollback_triggers", "decommission"):
            setattr(migration, checklist, [c.model_copy(update={"owner": _owner_name(c.owner, team, role_names)})
                                           for c in getattr(migration, checklist)])
    operations = ctx.convert(blueprint.operations, model.Operations, ("operations",))
    operations.metrics = _grouped(operations.metrics, lambda m: m.category or "")
    summary = ctx.convert(blueprint.summary, model.Summary, ("summary",))
    summary.risks = [r.model_copy(update={"owner": _owner_name(r.owner, team, role_names)}) for r in summary.risks]
    guide = model.Guide(
        meta=meta,
        revisions=_revisions(engagement, meta, blueprint.change_history),
        approvals=_approvals(engagement, role_names, team),
        overview=overview,
        architecture=ctx.convert(blueprint.architecture, model.Architecture, ("architecture",)),
        implementation=implementation,
        migration=migration,
        data=_data(ctx, blueprint),
        testing=testing,
        traceability=_traceability(goals, testing),
        operations=operations,
        summary=summary,
        change_history=[model.ChangeEntry(**entry.model_dump()) for entry in blueprint.change_history],
    )
    guide.references = _references(ctx, blueprint)
    if ctx.errors:
        raise UserError(ctx.errors)
    for trace in guide.traceability:
        if not trace.covered:
            ctx.warnings.append(
                Problem(
                    Location(loaded.path, path=f"goal {trace.goal}"),
                    f"goal {trace.goal} is not covered by any test case (shown as uncovered in the traceability matrix)",
                    severity="warning",
                )
            )
    return Resolution(guide, ctx.warnings)


def _references(ctx: _Context, blueprint: bp.Blueprint) -> list[model.Source]:
    """The register's sources that the guide's content cites, in order of first citation."""
    register = {s.id: (i, s) for i, s in enumerate(blueprint.sources)}
    for pack in ctx.loaded.packs:  # the pages a pack's object and field names come from
        for sid in pack.cited:
            ctx.cited.setdefault(sid, None)
    return [ctx.convert(register[sid][1], model.Source, ("sources", register[sid][0]))
            for sid in ctx.cited if sid in register]


def _grouped(items: list[Any], key: Any) -> list[Any]:
    """Items of the same group together, groups in order of first appearance (a stable sort):
    shared and blueprint metrics of one category end up side by side."""
    first: dict[Any, int] = {}
    for item in items:
        first.setdefault(key(item), len(first))
    return sorted(items, key=lambda item: first[key(item)])


# --------------------------------------------------------------------------- engagement data
def _template_variables(ctx: _Context, blueprint: bp.Blueprint, engagement: Engagement) -> dict[str, Any]:
    """Placeholder values. The texts they come from are rendered with no placeholders of their
    own (ctx.variables is still empty), and any problem in them is reported like any other."""
    lang = ctx.lang
    variables: dict[str, Any] = {
        v.id: engagement.variables.get(v.id) or _variable_value(ctx, v, i) for i, v in enumerate(blueprint.variables)
    }
    for key in engagement.variables:
        if key not in variables:
            ctx.warnings.append(
                Problem(Location(ctx.loaded.path), f"variable '{key}' is not used by blueprint {blueprint.id}", severity="warning")
            )
    defaults = blueprint.defaults
    variables.update(
        software=_product(ctx.loaded, "software", engagement.software) or ctx.text(defaults.software, ("defaults", "software")),
        crm=_product(ctx.loaded, "crm", engagement.crm) or ctx.text(defaults.crm, ("defaults", "crm")),
        client=engagement.client or ctx.text(defaults.client, ("defaults", "client")) or i18n.t(lang, "the_client"),
        software_kind=ctx.text(blueprint.software_kind, ("software_kind",)),
        middleware=i18n.t(lang, "middleware"),
        complexity=ctx.complexity,
        scenario=ctx.scenario,
        team_size=len(ctx.selected(blueprint.implementation.team, ("implementation", "team"))),
        lang=lang,
    )
    return variables


def _variable_value(ctx: _Context, variable: bp.Variable, index: int) -> str | None:
    """The variable's value at the guide's complexity level, else its default value."""
    levels = variable.by_complexity
    chosen = getattr(levels, ctx.complexity, None) if levels is not None else None
    if chosen is not None:
        return ctx.text(chosen, ("variables", index, "by_complexity", ctx.complexity))
    return ctx.text(variable.value, ("variables", index, "value"))


def _meta(ctx: _Context, blueprint: bp.Blueprint, engagement: Engagement, complexity: str) -> model.Meta:
    v = ctx.variables
    # The title is plain text (cover, header, document properties): the escapes that keep names
    # literal inside Markdown texts are taken out again.
    title = unescape_markdown(ctx.text(blueprint.title, ("title",)) or blueprint.id)
    return model.Meta(
        blueprint=blueprint.id,
        title=title,
        integration=f"{v['crm']} ↔ {v['software']}",
        client=engagement.client or (v["client"] if blueprint.defaults.client else None),
        crm=v["crm"],
        software=v["software"],
        software_kind=v["software_kind"],
        middleware=v["middleware"],
        complexity=complexity,  # type: ignore[arg-type]
        scenario=ctx.scenario,  # type: ignore[arg-type]
        lang=ctx.lang,  # type: ignore[arg-type]
        version=engagement.version,
        date=document_date(engagement),
        author=engagement.author,
        classification=engagement.classification or i18n.t(ctx.lang, "classification_default"),
        start_date=engagement.start_date,
        keywords=[v["crm"], v["software"], v["software_kind"], blueprint.id],
        variables=dict(engagement.variables),
        packs=[model.PackRef(side=p.header.side, name=p.header.name, verified=p.header.verified) for p in ctx.loaded.packs],
        neutral=_neutral(ctx.loaded, engagement),
    )


def _product(loaded: LoadedBlueprint, side: str, named: str | None) -> str | None:
    """A product the engagement names, printed as typed, except a pack's id ('amazon-connect',
    as `guidegen list --packs` shows it), which prints as the pack's name ('Amazon Connect')."""
    return next((p.header.name for p in loaded.packs if p.header.side == side and p.header.id == named), named)


def _neutral(loaded: LoadedBlueprint, engagement: Engagement) -> list[str]:
    """The products the engagement names that no applied pack covers."""
    covered = {p.header.side for p in loaded.packs}
    named = (("crm", engagement.crm), ("software", engagement.software))
    return [name for side, name in named if name and side not in covered]


def _revisions(engagement: Engagement, meta: model.Meta, history: list[Any]) -> list[model.Revision]:
    """The engagement's revision history (or the first version), then one line per imported review workbook."""
    if engagement.revisions:
        revisions = [model.Revision(**r.model_dump()) for r in engagement.revisions]
    else:
        first = i18n.t(meta.lang, "first_version")
        revisions = [model.Revision(version=meta.version, date=meta.date, author=meta.author, change=first)]
    for entry in history:
        change = i18n.t(meta.lang, "change_entry", workbook=escape_markdown(entry.workbook), changed=entry.changed,
                        added=entry.added, deleted=entry.deleted)
        revisions.append(model.Revision(version=entry.version or meta.version, date=entry.date, author=entry.author,
                                        change=change))
    return revisions


def _person(engagement: Engagement, role_id: str) -> model.Person | None:
    spec = engagement.people.get(role_id)
    return model.Person(name=spec.name, contact=spec.contact) if spec else None


def _role_names(ctx: _Context, blueprint: bp.Blueprint, engagement: Engagement) -> dict[str, str]:
    """Role id -> printed owner: the role name, with the person's name when known."""
    names = {}
    for i, role in enumerate(blueprint.roles):
        name = ctx.text(role.name, ("roles", i, "name")) or role.id
        person = engagement.people.get(role.id)
        names[role.id] = f"{name} ({person.name})" if person else name
    return names


def _owner_name(role_id: str | None, team: list[model.TeamMember], role_names: dict[str, str]) -> str | None:
    """The printed owner of a risk or check. A role the team leaves out at this complexity
    hands its ownership to the accountable role."""
    if not role_id:
        return None
    if team and role_id not in {m.id for m in team}:
        role_id = next((m.id for m in team if m.accountable), role_id)
    return role_names.get(role_id, role_id)


APPROVAL_ROWS = 4


def _approvals(engagement: Engagement, role_names: dict[str, str], team: list[model.TeamMember]) -> list[model.Approval]:
    if engagement.approvals:
        return [
            model.Approval(role=role_names.get(a.role, a.role), name=a.name, date=a.date) for a in engagement.approvals
        ]
    # Without an approval list, the roles the engagement names people for sign off; with no
    # names either, the accountable roles first, then the team's leading roles (four lines).
    signers = [m for m in team if m.person] or (
        [m for m in team if m.accountable] + [m for m in team if not m.accountable])[:APPROVAL_ROWS]
    return [model.Approval(role=m.name, name=m.person.name if m.person else None) for m in signers]


def _team(ctx: _Context, blueprint: bp.Blueprint, engagement: Engagement) -> list[model.TeamMember]:
    catalogue = {role.id: (i, role) for i, role in enumerate(blueprint.roles)}
    team = []
    for member, path in ctx.selected(blueprint.implementation.team, ("implementation", "team")):
        index, role = catalogue[member.id]
        name = ctx.text(role.name, ("roles", index, "name")) or member.id
        team.append(ctx.convert(member, model.TeamMember, path, name=name, person=_person(engagement, member.id)))
    return team


# --------------------------------------------------------------------------- goals
def _goals(ctx: _Context, blueprint: bp.Blueprint, engagement: Engagement) -> list[model.Goal]:
    defaults = ctx.convert(blueprint.overview.goals, list[model.Goal], ("overview", "goals"))
    by_id = {g.id: g for g in defaults}
    chosen = defaults if engagement.goals is None else []
    counter = 0

    def custom(entry: str | GoalSpec) -> model.Goal:
        nonlocal counter
        if isinstance(entry, str):
            if entry in by_id:
                return by_id[entry]
            counter += 1
            return model.Goal(id=f"CG{counter}", title=_short(entry), statement=entry, custom=True)
        if entry.id in by_id:
            base = by_id[entry.id]
            update = {k: v for k, v in entry.model_dump(include={"title", "statement", "value", "kpi"}).items() if v}
            return base.model_copy(update=update)
        counter += 1
        statement = entry.statement or entry.title or ""
        return model.Goal(
            id=entry.id or f"CG{counter}",
            title=entry.title or _short(statement),
            statement=statement,
            value=entry.value,
            kpi=entry.kpi,
            custom=True,
        )

    for entry in (engagement.goals or []) + engagement.add_goals:
        goal = custom(entry)
        chosen = [g for g in chosen if g.id != goal.id] + [goal]
    return chosen


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _custom_goal_links(testing: model.Testing, engagement: Engagement, goals: list[model.Goal]) -> model.Testing:
    """Goals given as mappings may name the test cases that prove them."""
    links: dict[str, list[str]] = {}
    for entry in (engagement.goals or []) + engagement.add_goals:
        if isinstance(entry, GoalSpec) and entry.tests:
            goal_id = entry.id or next((g.id for g in goals if g.statement == entry.statement), None)
            for test_id in entry.tests:
                links.setdefault(test_id, []).append(goal_id or "")
    if not links:
        return testing
    cases = [
        c.model_copy(update={"goals": c.goals + [g for g in links.get(c.id, []) if g and g not in c.goals]})
        for c in testing.cases
    ]
    return testing.model_copy(update={"cases": cases})


def _traceability(goals: list[model.Goal], testing: model.Testing) -> list[model.Trace]:
    return [
        model.Trace(
            goal=g.id,
            tests=[c.id for c in testing.cases if g.id in c.goals],
            acceptance=[a.id for a in testing.acceptance if g.id in a.goals],
            kpi=g.kpi,
        )
        for g in goals
    ]


# --------------------------------------------------------------------------- plan
def _check_plan_length(ctx: _Context, end_week: int, path: tuple[Any, ...]) -> None:
    """Shifts add up: the plan as computed must stay within the budget's weeks too."""
    from guidegen.core.budget import Budget

    if end_week > Budget.max_weeks:
        raise UserError.single(ctx.where(path + ("weeks",)), "input beyond the budget: the plan is too long",
                               expected=f"a plan ending by week {Budget.max_weeks}",
                               given=f"this phase ends in week {end_week:,} after the shifts of earlier phases")


def _implementation(
    ctx: _Context, blueprint: bp.Blueprint, engagement: Engagement, team: list[model.TeamMember]
) -> model.Implementation:
    plan: bp.Plan | None = getattr(blueprint.plans, ctx.complexity)
    if plan is None:
        raise UserError.single(
            ctx.where(("plans",)),
            f"the blueprint has no plan for complexity '{ctx.complexity}'",
            expected="plans.simple, plans.medium and plans.high (include the 'plans' fragment)",
        )
    impl = blueprint.implementation
    monday = first_monday(engagement.start_date) if engagement.start_date else None
    phases: list[model.Phase] = []
    stage_phase: dict[str, int] = {}
    shift = 0
    plan_path = ("plans", ctx.complexity, "phases")
    for phase, path in ctx.selected(plan.phases, plan_path):
        start, end = phase.weeks[0] + shift, phase.weeks[1] + shift
        shift += phase.shift_following_weeks
        _check_plan_length(ctx, end, path)
        for stage in phase.stages:
            stage_phase.setdefault(stage, len(phases))
        phases.append(
            model.Phase(
                id=phase.id,
                name=ctx.text(phase.name, path + ("name",)) or phase.id,
                start_week=start,
                end_week=end,
                start_date=monday + dt.timedelta(weeks=start - 1) if monday else None,
                end_date=monday + dt.timedelta(weeks=end - 1, days=4) if monday else None,
                stages=list(phase.stages),
            )
        )
    tasks: list[list[model.Task]] = [[] for _ in phases]
    deliverables: list[list[str]] = [[] for _ in phases]
    team_ids = {m.id for m in team}
    for task, path in ctx.selected(impl.tasks, ("implementation", "tasks")):
        if task.stage in stage_phase:
            # A role the level's team leaves out owns nothing in this guide.
            owners = [o for o in task.owners if o in team_ids]
            tasks[stage_phase[task.stage]].append(ctx.convert(task, model.Task, path, owners=owners))
    for item, path in ctx.selected(impl.deliverables, ("implementation", "deliverables")):
        if item.stage in stage_phase:
            deliverables[stage_phase[item.stage]].append(ctx.text(item.text, path + ("text",)) or "")
    accountable = next((m.id for m in team if m.accountable), None)
    for i, phase in enumerate(phases):
        owners = list(dict.fromkeys(o for t in tasks[i] for o in t.owners if o in team_ids))
        phases[i] = phase.model_copy(
            update={"tasks": tasks[i], "deliverables": deliverables[i], "owners": owners, "accountable": accountable}
        )
    due: list[tuple[tuple[int, int], model.Milestone]] = []
    for item, path in ctx.selected(impl.milestones, ("implementation", "milestones")):
        if item.stage not in stage_phase:
            continue
        phase = phases[stage_phase[item.stage]]
        # in the order they fall due, and within a phase in the order of its stages
        due.append(((phase.end_week, phase.stages.index(item.stage)),
                    ctx.convert(item, model.Milestone, path, phase=phase.id, week=phase.end_week, date=phase.end_date)))
    milestones = [milestone for _, milestone in sorted(due, key=lambda pair: pair[0])]
    extra = plan.upgrade_extra_weeks if ctx.scenario == "upgrade" else [0, 0]
    duration = (plan.duration[0] + extra[0], plan.duration[1] + extra[1])
    return model.Implementation(
        team=team,
        duration_weeks=duration,
        phases=phases,
        milestones=milestones,
        raci=_raci(team, phases),
        assumptions=ctx.convert(plan.assumptions, list[model.Assumption], ("plans", ctx.complexity, "assumptions")),
        effort=_effort(ctx, plan, phases, team),
        gate=ctx.convert(impl.gate, list[model.Note], ("implementation", "gate")),
        notes=ctx.convert(impl.notes, list[model.Note], ("implementation", "notes")),
    )


def _effort(ctx: _Context, plan: bp.Plan, phases: list[model.Phase], team: list[model.TeamMember]) -> model.EffortEstimate:
    """Person-days by role (the team's, in its order) and phase (the guide's), with the totals."""
    estimates = {e.id: e for e, _ in ctx.selected(plan.effort, ("plans", ctx.complexity, "effort"))}
    rows = []
    for member in team:
        estimate = estimates.get(member.id)
        if estimate is None:
            continue
        days = [float(estimate.days.get(phase.id, 0)) for phase in phases]
        if any(days):
            rows.append(model.EffortRow(role=member.id, days=days, total=round(sum(days), 1)))
    phase_totals = [round(sum(row.days[i] for row in rows), 1) for i in range(len(phases))]
    return model.EffortEstimate(rows=rows, phase_totals=phase_totals, total=round(sum(phase_totals), 1))


def _raci(team: list[model.TeamMember], phases: list[model.Phase]) -> list[model.RaciRow]:
    """R = owns tasks in the phase, A = the accountable role, C = consulted in one of the
    phase's stages (the blueprint says where), I = every other team role."""
    rows = []
    for member in team:
        cells: list[model.RaciCode] = []
        for phase in phases:
            responsible = member.id in phase.owners
            if member.id == phase.accountable:
                cells.append("A/R" if responsible else "A")
            elif responsible:
                cells.append("R")
            else:
                cells.append("C" if set(member.consulted) & set(phase.stages) else "I")
        rows.append(model.RaciRow(role=member.id, cells=cells))
    return rows


# --------------------------------------------------------------------------- data
def _data(ctx: _Context, blueprint: bp.Blueprint) -> model.DataSpec:
    spec = blueprint.data
    entities = []
    shared, plain = ctx.rows_memo, ctx.plain_rows_memo
    for entity, path in ctx.selected(spec.entities, ("data", "entities")):
        rows = []
        for f, fpath in ctx.selected(entity.fields, path + ("fields",)):
            key = (id(entity), id(f))
            hit = plain.get(key) or shared.get(key)
            if hit is not None and hit[0] is entity and hit[1] is f:
                for source in f.sources:
                    ctx.cited.setdefault(source, None)
                rows.append(hit[2])
                continue
            errors, warnings = len(ctx.errors), len(ctx.warnings)
            ctx.level_dependent = ctx.templated = False
            row = _row(ctx, entity, f, fpath)
            # rows with problems (reported every time) or with texts that name the level are not shared
            if len(ctx.errors) == errors and len(ctx.warnings) == warnings and not ctx.level_dependent:
                (shared if ctx.templated else plain)[key] = (entity, f, row)
            rows.append(row)
        entities.append(ctx.convert(entity, model.Entity, path, fields=rows))
    return ctx.convert(spec, model.DataSpec, ("data",), entities=entities)


def _row(ctx: _Context, entity: Any, f: Any, fpath: tuple[Any, ...]) -> model.FieldMapping:
    """One mapping row of the Guide (the same for every complexity and scenario)."""
    return ctx.convert(
        f, model.FieldMapping, fpath,
        key=f.key,
        source_type=f.source_type or f.type,
        direction=f.direction or entity.direction,
        source_object=f.source_object or _object_name(ctx, entity, "source_object", fpath[:-2]),
        target_object=f.target_object or _object_name(ctx, entity, "target_object", fpath[:-2]),
        checks=effective_checks(f),
        transform=list(f.transform),
        rule=ctx.text(f.rule, fpath + ("rule",)) or describe_transform(f.transform, ctx.locale.t) or None,
        validation=ctx.text(f.validation, fpath + ("validation",))
        or (describe_checks(f.checks, ctx.locale.t) if f.checks else None) or None,
    )


def _object_name(ctx: _Context, entity: Any, side: str, path: tuple[Any, ...]) -> str:
    """An entity's object as a row shows it: its name, or its description in the guide's language."""
    value = getattr(entity, side)
    return value if isinstance(value, str) else ctx.text(value, path + (side,)) or ""


def effective_checks(f: Any) -> Checks:
    """The field's checks with the mapping's 'required' filled in where the checks do not say."""
    if f.checks is None:  # most fields: one shared value per 'required' (no row changes its checks)
        return _REQUIRED_ONLY[f.required]
    checks = f.checks
    if checks.required is None and f.required is not None:
        checks = checks.model_copy(update={"required": f.required})
    return checks


_REQUIRED_ONLY = {required: Checks(required=required) for required in (None, True, False)}
