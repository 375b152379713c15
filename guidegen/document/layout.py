"""Guide -> a document outline shared by the DOCX and Markdown writers.

The outline is a flat list of blocks (headings, prose, lists, tables, a timeline, a flowchart)
with every label already in the guide's language and every table and figure numbered per
chapter ("表 4-1" / "Table 4-1"). Writers only decide how each block looks, so the DOCX and the
Markdown always hold the same sections and the same tables.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Callable, Union

from guidegen.core import i18n
from guidegen.guide.model import Guide, Note, Phase

# --------------------------------------------------------------------------- blocks


@dataclass
class Heading:
    level: int  # 1..3
    text: str
    number: str  # "4.3.1"


@dataclass
class Prose:
    """Markdown block text (paragraphs, lists)."""

    text: str


@dataclass
class Items:
    """A list of Markdown items, each optionally with a bold title."""

    items: list[tuple[str | None, str]]
    ordered: bool = False


Cell = Union[str, list[str]]  # a list is shown as numbered steps


@dataclass
class Column:
    header: str
    weight: float = 1.0  # relative share of the width before content sizing
    literal: bool = False  # identifiers: never parsed as Markdown
    min_chars: int = 4  # a column is never narrower than this many characters
    optional: bool = False  # left out of a table where it is empty in every row


@dataclass
class Table:
    key: str  # stable name, e.g. "mapping:contact"
    caption: str | None
    number: str | None  # "4-1"
    columns: list[Column]
    rows: list[list[Cell]]
    wide: bool = False  # prefers a landscape page
    header_rows_bold: bool = True


@dataclass
class GanttBar:
    name: str
    start_week: int
    end_week: int
    start_date: dt.date | None
    end_date: dt.date | None


@dataclass
class Gantt:
    caption: str
    number: str
    bars: list[GanttBar]
    weeks: int
    week_label: str  # "W" / "周"


@dataclass
class FlowStep:
    flow_id: str
    name: str
    source: str
    target: str
    steps: list[str]


@dataclass
class Flowchart:
    caption: str
    flows: list[FlowStep]


Block = Union[Heading, Prose, Items, Table, Gantt, Flowchart]


@dataclass
class Front:
    """Cover and document-control page."""

    title: str
    subtitle: str
    cover: list[tuple[str, str]]
    revisions: Table
    approvals: Table


@dataclass
class Properties:
    title: str
    subject: str
    author: str
    keywords: list[str]
    date: dt.date
    lang: str
    version: str


@dataclass
class Document:
    lang: str
    front: Front
    blocks: list[Block]
    properties: Properties
    labels: dict[str, str] = field(default_factory=dict)  # fixed words writers print (toc, page x of y)


# --------------------------------------------------------------------------- builder


class _Builder:
    """Accumulates blocks, numbering headings, tables and figures per chapter."""

    def __init__(self, guide: Guide) -> None:
        self.guide = guide
        self.lang = guide.meta.lang
        self.blocks: list[Block] = []
        self.numbers = [0, 0, 0]
        self.tables = 0
        self.figures = 0

    # labels
    def t(self, key: str, **values: object) -> str:
        return i18n.t(self.lang, key, **values)

    def code(self, group: str, value: str | None) -> str:
        if value is None:
            return ""
        m = self.guide.meta
        return i18n.code(self.lang, group, value, crm=m.crm, software=m.software)

    def yes_no(self, value: bool | None) -> str:
        return "" if value is None else self.t("yes" if value else "no")

    def join(self, values: list[str]) -> str:
        return self.t("list_sep").join(values)

    def colon(self) -> str:
        return "：" if self.lang == "zh" else ": "

    def parenthesis(self, text: str) -> str:
        """' (text)' in English, '（text）' in Chinese; nothing for an empty text."""
        if not text:
            return ""
        return f"（{text}）" if self.lang == "zh" else f" ({text})"

    def roles(self, ids: list[str]) -> str:
        return self.join([self.guide.role_name(r) for r in ids])

    # blocks
    def heading(self, level: int, key_or_text: str, *, raw: bool = False) -> None:
        self.numbers[level - 1] += 1
        for deeper in range(level, 3):
            self.numbers[deeper] = 0
        if level == 1:
            self.tables = self.figures = 0
        number = ".".join(str(n) for n in self.numbers[:level])
        self.blocks.append(Heading(level, key_or_text if raw else self.t(key_or_text), number))

    def notes(self, notes: list[Note], ordered: bool = False) -> None:
        if notes:
            self.blocks.append(Items([(n.title, n.text) for n in notes], ordered))

    def prose(self, text: str) -> None:
        self.blocks.append(Prose(text))

    def table(self, key: str, caption: str | None, columns: list[Column], rows: list[list[Cell]], wide: bool = False) -> None:
        if not rows:
            return
        keep = [i for i, c in enumerate(columns) if not c.optional or any(row[i] for row in rows)]
        if len(keep) < len(columns):
            columns = [columns[i] for i in keep]
            rows = [[row[i] for i in keep] for row in rows]
        self.tables += 1
        number = f"{self.numbers[0]}-{self.tables}"
        self.blocks.append(Table(key, caption, number, columns, rows, wide))

    def section(self, level: int, key: str, content: list[object], body: Callable[[], None]) -> None:
        """A heading followed by its body, only when there is content."""
        if any(content):
            self.heading(level, key)
            body()


def build_document(guide: Guide) -> Document:
    """Lay out a Guide as numbered sections, tables and figures."""
    b = _Builder(guide)
    _overview(b)
    _architecture(b)
    _implementation(b)
    _data(b)
    _testing(b)
    _operations(b)
    _summary(b)
    m = guide.meta
    return Document(
        lang=m.lang,
        front=_front(b),
        blocks=b.blocks,
        properties=Properties(
            title=m.title,
            subject=f"{m.integration} — {i18n.t(m.lang, 'guide_subtitle')}",
            author=m.author or "",
            keywords=m.keywords,
            date=m.date,
            lang=m.lang,
            version=m.version,
        ),
        labels={
            "toc": i18n.t(m.lang, "toc"),
            "toc_placeholder": i18n.t(m.lang, "toc_placeholder"),
            "table": i18n.t(m.lang, "table"),
            "figure": i18n.t(m.lang, "figure"),
            "page_x_of_y": i18n.t(m.lang, "page_x_of_y", page="{page}", pages="{pages}"),
            "doc_control": i18n.t(m.lang, "doc_control"),
            "revision_history": i18n.t(m.lang, "revision_history"),
            "approvals": i18n.t(m.lang, "approvals"),
            "flowchart_note": i18n.t(m.lang, "flowchart_note"),
        },
    )


def _date(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


def _front(b: _Builder) -> Front:
    g, m = b.guide, b.guide.meta
    cover = [
        (b.t("cover_client"), m.client or ""),
        (b.t("cover_integration"), m.integration),
        (b.t("cover_type"), m.software_kind),
        (b.t("cover_complexity"), b.code("complexity", m.complexity)),
        (b.t("cover_scenario"), b.code("scenario", m.scenario)),
        (b.t("cover_version"), m.version),
        (b.t("cover_date"), m.date.isoformat()),
        (b.t("cover_author"), m.author or ""),
    ]
    revisions = Table(
        "revisions",
        None,
        None,
        [Column(b.t("col_version"), 1), Column(b.t("col_date"), 1.3), Column(b.t("col_author"), 1.3), Column(b.t("col_change"), 4)],
        [[r.version, _date(r.date), r.author or "", r.change] for r in g.revisions],
    )
    approvals = Table(
        "approvals",
        None,
        None,
        [Column(b.t("col_role"), 2), Column(b.t("col_name"), 1.5), Column(b.t("col_signature"), 2), Column(b.t("col_date"), 1.3)],
        [[a.role, a.name or "", "", _date(a.date)] for a in g.approvals],
    )
    return Front(m.title, b.t("guide_subtitle"), [(k, v) for k, v in cover if v], revisions, approvals)


# --------------------------------------------------------------------------- sections


def _overview(b: _Builder) -> None:
    o = b.guide.overview
    b.heading(1, "s_overview")
    b.section(2, "s_background", [o.background], lambda: b.notes(o.background))
    b.section(
        2,
        "s_goals",
        [o.goals],
        lambda: b.table(
            "goals",
            b.t("cap_goals"),
            [Column(b.t("col_id"), 0.6, True), Column(b.t("col_goal"), 1.5), Column(b.t("col_statement"), 3),
             Column(b.t("col_value"), 2), Column(b.t("col_kpi"), 2)],
            [[g.id, g.title, g.statement, g.value or "", g.kpi or ""] for g in o.goals],
        ),
    )
    s = o.scope
    if any([s.objects, s.methods, s.events, s.directions, s.out_of_scope, s.notes]):
        b.heading(2, "s_scope")
        b.notes(s.notes)
        b.section(3, "s_scope_objects", [s.objects], lambda: b.table(
            "scope_objects",
            b.t("cap_scope_objects"),
            [Column(b.t("col_object"), 1.5), Column(b.t("col_crm_object", crm=b.guide.meta.crm), 1.5, True),
             Column(b.t("col_software_object", software=b.guide.meta.software), 1.5, True),
             Column(b.t("col_description"), 3)],
            [[x.name, x.crm_object or "", x.software_object or "", x.description or ""] for x in s.objects],
        ))
        b.section(3, "s_scope_methods", [s.methods], lambda: b.notes(s.methods))
        b.section(3, "s_scope_events", [s.events], lambda: b.notes(s.events))
        b.section(3, "s_scope_directions", [s.directions], lambda: b.table(
            "directions",
            b.t("cap_directions"),
            [Column(b.t("col_direction"), 1.5), Column(b.t("col_content"), 4)],
            [[b.code("direction", d.direction), d.items] for d in s.directions],
        ))
        b.section(3, "s_scope_out", [s.out_of_scope], lambda: b.notes(s.out_of_scope))


def _flow_label(b: _Builder, source: str, target: str, both: bool = False) -> str:
    arrow = " ↔ " if both else " → "
    return b.code("system", source) + arrow + b.code("system", target)


def _architecture(b: _Builder) -> None:
    a = b.guide.architecture
    b.heading(1, "s_architecture")
    b.section(2, "s_arch_overview", [a.notes], lambda: b.notes(a.notes))
    b.section(2, "s_interfaces", [a.interfaces], lambda: b.table(
        "interfaces",
        b.t("cap_interfaces"),
        [Column(b.t("col_id"), 0.7, True), Column(b.t("col_system"), 1), Column(b.t("col_interface"), 2),
         Column(b.t("col_kind"), 1, True), Column(b.t("col_flow"), 1.5), Column(b.t("col_purpose"), 2.5),
         Column(b.t("col_auth"), 2)],
        [[i.id, b.code("system", i.provider), i.name, " / ".join(i.kind),
          _flow_label(b, i.source, i.target, i.bidirectional), i.purpose, i.auth or ""] for i in a.interfaces],
        wide=True,
    ))

    def flows() -> None:
        b.table(
            "flows",
            b.t("cap_flows"),
            [Column(b.t("col_id"), 0.7, True), Column(b.t("col_flow_name"), 1.5), Column(b.t("col_mode"), 0.9),
             Column(b.t("col_trigger"), 2), Column(b.t("col_steps"), 4.5)],
            [[f.id, f"{f.name}\n\n{_flow_label(b, f.source, f.target)}", b.code("mode", f.mode), f.trigger, list(f.steps)]
             for f in a.flows],
            wide=True,
        )
        b.blocks.append(Flowchart(
            b.t("flowchart_note"),
            [FlowStep(f.id, f.name, b.code("system", f.source), b.code("system", f.target), f.steps) for f in a.flows],
        ))

    b.section(2, "s_flows", [a.flows], flows)
    b.section(2, "s_sync", [a.sync], lambda: b.notes(a.sync))
    b.section(2, "s_master_data", [a.master_data], lambda: b.notes(a.master_data))
    b.section(2, "s_error_handling", [a.error_handling], lambda: b.notes(a.error_handling))
    b.section(2, "s_requirements", [a.requirements], lambda: b.table(
        "requirements",
        b.t("cap_requirements"),
        [Column(b.t("col_id"), 0.8, True), Column(b.t("col_category"), 1.2), Column(b.t("col_requirement"), 3),
         Column(b.t("col_target"), 2)],
        [[r.id, r.category, r.requirement, r.target] for r in a.requirements],
    ))
    b.section(2, "s_security", [a.security], lambda: b.table(
        "security",
        b.t("cap_security"),
        [Column(b.t("col_id"), 0.8, True), Column(b.t("col_area"), 1.3), Column(b.t("col_control"), 5)],
        [[c.id, c.area, c.control] for c in a.security],
    ))
    b.section(2, "s_compliance", [a.compliance], lambda: b.table(
        "compliance",
        b.t("cap_compliance"),
        [Column(b.t("col_id"), 0.8, True), Column(b.t("col_regulation"), 1.5), Column(b.t("col_requirement"), 3),
         Column(b.t("col_implementation"), 3)],
        [[c.id, c.regulation, c.requirement, c.implementation] for c in a.compliance],
    ))


def _weeks(b: _Builder, phase: Phase) -> str:
    if phase.start_week == phase.end_week:
        return b.t("week_single", a=phase.start_week)
    return b.t("week_span", a=phase.start_week, b=phase.end_week)


def _dates(phase: Phase) -> str:
    if not phase.start_date or not phase.end_date:
        return ""
    return f"{phase.start_date.isoformat()} – {phase.end_date.isoformat()}"


def _implementation(b: _Builder) -> None:
    g = b.guide
    im = g.implementation
    b.heading(1, "s_implementation")
    has_people = any(m.person for m in im.team)
    team_columns = [Column(b.t("col_role"), 1.5), Column(b.t("col_responsibilities"), 4)]
    if has_people:
        team_columns += [Column(b.t("col_person"), 1.2), Column(b.t("col_contact"), 1.6, True)]
    b.section(2, "s_roles", [im.team], lambda: b.table(
        "roles",
        b.t("cap_roles"),
        team_columns,
        [[m.name, m.responsibilities] + ([m.person.name if m.person else "", (m.person.contact or "") if m.person else ""]
                                         if has_people else []) for m in im.team],
    ))
    b.heading(2, "s_phases")
    lo, hi = im.duration_weeks
    weeks = b.t("weeks_range", a=lo, b=hi) if lo != hi else b.t("week_single", a=lo)
    sentence = b.t("duration_sentence", complexity=b.code("complexity", g.meta.complexity), weeks=weeks)
    if g.meta.scenario == "upgrade":
        sentence += " " + b.t("duration_upgrade")
    b.prose(sentence)
    dated = g.meta.start_date is not None and any(p.start_date for p in im.phases)
    if dated:
        monday = im.phases[0].start_date if im.phases else None
        b.prose(b.t("dates_sentence", start=g.meta.start_date.isoformat(), monday=_date(monday)))  # type: ignore[union-attr]
    else:
        b.prose(b.t("no_dates_sentence"))
    columns = [Column(b.t("col_phase"), 1.4), Column(b.t("col_weeks"), 0.9)]
    if dated:
        columns.append(Column(b.t("col_dates"), 1.3, True))
    columns += [Column(b.t("col_tasks"), 4), Column(b.t("col_owners"), 1.3), Column(b.t("col_deliverables"), 2)]
    rows: list[list[Cell]] = []
    for p in im.phases:
        row: list[Cell] = [p.name, _weeks(b, p)] + ([_dates(p)] if dated else [])
        tasks = [t.text + b.parenthesis(b.roles(t.owners)) for t in p.tasks]
        row += ["\n".join(f"- {x}" for x in tasks), b.roles(p.owners), "\n".join(f"- {d}" for d in p.deliverables)]
        rows.append(row)
    b.table("phases", b.t("cap_phases"), columns, rows, wide=True)
    if im.phases:
        b.heading(2, "s_timeline")
        b.figures += 1
        b.blocks.append(Gantt(
            b.t("cap_gantt"),
            f"{b.numbers[0]}-{b.figures}",
            [GanttBar(p.name, p.start_week, p.end_week, p.start_date, p.end_date) for p in im.phases],
            max(p.end_week for p in im.phases),
            "周" if b.lang == "zh" else "W",
        ))
    b.section(2, "s_milestones", [im.milestones], lambda: b.table(
        "milestones",
        b.t("cap_milestones"),
        [Column(b.t("col_id"), 0.6, True), Column(b.t("col_milestone"), 2), Column(b.t("col_when"), 1.3),
         Column(b.t("col_criterion"), 4)],
        [[ms.id, ms.name, _date(ms.date) or b.t("week_single", a=ms.week), ms.criterion] for ms in im.milestones],
    ))

    def raci() -> None:
        b.table(
            "raci",
            b.t("cap_raci"),
            [Column(b.t("col_role"), 2.2)] + [Column(p.name, 1, min_chars=3) for p in im.phases],
            [[g.role_name(r.role)] + list(r.cells) for r in im.raci],
            wide=len(im.phases) > 5,
        )
        b.prose(b.t("raci_legend"))

    b.section(2, "s_raci", [im.raci], raci)
    b.section(2, "s_gate", [im.gate], lambda: b.notes(im.gate))
    b.notes(im.notes)
    if g.migration is not None:
        _migration(b)


def _migration(b: _Builder) -> None:
    mg = b.guide.migration
    assert mg is not None
    b.heading(2, "s_migration")
    b.section(3, "s_legacy", [mg.legacy_interfaces], lambda: b.table(
        "legacy",
        b.t("cap_legacy"),
        [Column(b.t("col_id"), 0.8, True), Column(b.t("col_legacy"), 2.5), Column(b.t("col_disposition"), 2.5),
         Column(b.t("col_note"), 2.5)],
        [[x.id, x.name, x.disposition, x.note or ""] for x in mg.legacy_interfaces],
    ))
    b.section(3, "s_data_migration", [mg.migration], lambda: b.notes(mg.migration))
    b.section(3, "s_migration_reconciliation", [mg.reconciliation], lambda: b.notes(mg.reconciliation))
    b.section(3, "s_dual_run", [mg.dual_run], lambda: b.notes(mg.dual_run))
    b.section(3, "s_cutover", [mg.cutover], lambda: b.table(
        "cutover",
        b.t("cap_cutover"),
        [Column(b.t("col_id"), 0.8, True), Column(b.t("col_check"), 3), Column(b.t("col_go"), 3),
         Column(b.t("col_signoff"), 1.5)],
        [[c.id, c.check, c.criterion, c.owner or ""] for c in mg.cutover],
    ))
    b.section(3, "s_versioning", [mg.versioning], lambda: b.notes(mg.versioning))
    b.section(3, "s_rollback", [mg.rollback], lambda: b.notes(mg.rollback))


def mapping_columns(b: _Builder) -> list[Column]:
    return [
        Column(b.t("col_source_field"), 1.6, True, 8),
        Column(b.t("col_target_field"), 1.8, True, 8),
        Column(b.t("col_type"), 0.9, False, 5),
        Column(b.t("col_required"), 0.6, False, 3),
        Column(b.t("col_direction"), 0.9, False, 5),
        Column(b.t("col_rule"), 2.6),
        Column(b.t("col_validation"), 1.8, optional=True),
        Column(b.t("col_example"), 1.3, True, optional=True),
        Column(b.t("col_note"), 1.5, optional=True),
    ]


_ARROWS = {"crm_to_software": "→", "software_to_crm": "←", "bidirectional": "↔"}


def direction_arrow(entity_source: str, direction: str) -> str:
    """Arrow between the source and target columns: → when data flows source to target."""
    arrow = _ARROWS[direction]
    if entity_source == "software" and arrow != "↔":
        arrow = "→" if arrow == "←" else "←"
    return arrow


def _data(b: _Builder) -> None:
    d = b.guide.data
    b.heading(1, "s_data")
    b.section(2, "s_standards", [d.standards], lambda: b.table(
        "standards",
        b.t("cap_standards"),
        [Column(b.t("col_topic"), 1.2), Column(b.t("col_standard"), 4), Column(b.t("col_example"), 2, True)],
        [[s.topic, s.standard, s.example or ""] for s in d.standards],
    ))
    b.section(2, "s_keys", [d.keys], lambda: b.notes(d.keys))
    if d.entities:
        b.heading(2, "s_mappings")
        for e in d.entities:
            b.heading(3, e.name, raw=True)
            source = b.code("system", e.source)
            target = b.code("system", e.target)
            intro = b.t(
                "mapping_intro", source=source, source_object=e.source_object, target=target,
                target_object=e.target_object, direction=b.code("direction", e.direction),
            )
            b.prose((e.description + "\n\n" if e.description else "") + intro)
            b.table(
                f"mapping:{e.id}",
                b.t("cap_mapping", name=e.name),
                mapping_columns(b),
                [[f.source, f.target, _type_label(b, f.source_type, f.type), b.yes_no(f.required),
                  direction_arrow(e.source, f.direction), f.rule or "", f.validation or "", f.example or "",
                  _join_note(f.description, f.note, _status_note(b, f.status))] for f in e.fields],
                wide=True,
            )
    if d.enums or d.enum_notes:
        b.heading(2, "s_enums")
        for cs in d.enums:
            if cs.description:
                b.prose(f"**{cs.name}**{b.colon()}{cs.description}")
            b.table(
                f"enum:{cs.id}",
                b.t("cap_enum", name=cs.name),
                [Column(b.t("col_source_value"), 1.5, True), Column(b.t("col_target_value"), 1.5, True),
                 Column(b.t("col_meaning"), 3)],
                [[v.source or "", v.target, v.description or ""] for v in cs.values],
            )
        b.notes(d.enum_notes)
    b.section(2, "s_transformations", [d.transformations], lambda: b.table(
        "transformations",
        b.t("cap_transformations"),
        [Column(b.t("col_id"), 0.7, True), Column(b.t("col_title"), 1.5), Column(b.t("col_rule_text"), 5)],
        [[r.id, r.title, r.text] for r in d.transformations],
    ))
    b.section(2, "s_validations", [d.validations], lambda: b.table(
        "validations",
        b.t("cap_validations"),
        [Column(b.t("col_id"), 0.7, True), Column(b.t("col_title"), 1.4), Column(b.t("col_rule_text"), 3.5),
         Column(b.t("col_on_failure"), 2.2)],
        [[r.id, r.title, r.text, r.on_failure or ""] for r in d.validations],
    ))


def _type_label(b: _Builder, source_type: str, target_type: str) -> str:
    """'Boolean → Enum' when the two sides differ, else the one type."""
    if source_type == target_type:
        return b.code("field_type", target_type)
    return f"{b.code('field_type', source_type)} → {b.code('field_type', target_type)}"


def _join_note(*parts: str | None) -> str:
    return "\n\n".join(x for x in parts if x)


def _status_note(b: _Builder, status: str) -> str | None:
    """The review status, shown in the note column unless the row is simply mapped."""
    if status == "mapped":
        return None
    return f"*{b.t('col_status')}{b.colon()}{b.code('status', status)}*"


def _testing(b: _Builder) -> None:
    g = b.guide
    tst = g.testing
    b.heading(1, "s_testing")
    categories = list(dict.fromkeys(c.category for c in tst.cases))
    order = list(i18n.codes("test_category"))
    for category in sorted(categories, key=order.index):
        cases = [c for c in tst.cases if c.category == category]
        label = b.code("test_category", category)
        b.heading(2, label, raw=True)
        with_thresholds = [c for c in cases if c.thresholds]
        plain = [c for c in cases if not c.thresholds]
        if plain:
            b.table(
                f"tests:{category}",
                b.t("cap_tests", category=label),
                [Column(b.t("col_id"), 0.7, True), Column(b.t("col_test"), 1.6), Column(b.t("col_goals"), 0.7, True),
                 Column(b.t("col_steps"), 3), Column(b.t("col_expected"), 2.4), Column(b.t("col_acceptance"), 2)],
                [[c.id, c.title, ", ".join(c.goals), list(c.steps), c.expected, c.acceptance or ""] for c in plain],
                wide=True,
            )
        if with_thresholds:
            rows: list[list[Cell]] = []
            for c in with_thresholds:
                scenario = c.title + ("\n\n" + "\n".join(f"- {s}" for s in c.steps) if c.steps else "")
                metrics = "\n".join(f"- {t.metric}" for t in c.thresholds)
                limits = "\n".join(f"- {t.threshold}" for t in c.thresholds)
                rows.append([c.id, scenario, ", ".join(c.goals), metrics, limits, c.expected])
            b.table(
                f"thresholds:{category}",
                b.t("cap_thresholds", category=label),
                [Column(b.t("col_id"), 0.7, True), Column(b.t("col_scenario"), 3), Column(b.t("col_goals"), 0.7, True),
                 Column(b.t("col_metric"), 2), Column(b.t("col_threshold"), 1.6), Column(b.t("col_expected"), 2.2)],
                rows,
                wide=True,
            )
    b.section(2, "s_acceptance", [tst.acceptance], lambda: b.table(
        "acceptance",
        b.t("cap_acceptance"),
        [Column(b.t("col_id"), 0.7, True), Column(b.t("col_aspect"), 1.2), Column(b.t("col_criterion"), 4.5),
         Column(b.t("col_goals"), 0.8, True)],
        [[a.id, a.aspect, a.criterion, ", ".join(a.goals)] for a in tst.acceptance],
    ))

    def trace() -> None:
        rows: list[list[Cell]] = []
        for tr in g.traceability:
            goal = g.goal(tr.goal)
            rows.append([
                tr.goal, goal.title if goal else "", ", ".join(tr.tests), ", ".join(tr.acceptance), tr.kpi or "",
                b.t("covered") if tr.covered else f"**{b.t('uncovered')}**",
            ])
        b.table(
            "traceability",
            b.t("cap_traceability"),
            [Column(b.t("col_id"), 0.6, True), Column(b.t("col_goal"), 1.8), Column(b.t("col_tests"), 1.8, True),
             Column(b.t("col_acceptance"), 1, True), Column(b.t("col_kpi"), 2.5), Column(b.t("col_coverage"), 0.9)],
            rows,
        )
        missing = [tr.goal for tr in g.traceability if not tr.covered]
        if missing:
            b.prose(b.t("uncovered_note", goals=", ".join(missing)))

    b.section(2, "s_traceability", [g.traceability], trace)
    b.section(2, "s_test_notes", [tst.notes], lambda: b.notes(tst.notes))


def _operations(b: _Builder) -> None:
    o = b.guide.operations
    b.heading(1, "s_operations")
    b.section(2, "s_metrics", [o.metrics], lambda: b.table(
        "metrics",
        b.t("cap_metrics"),
        [Column(b.t("col_id"), 0.8, True), Column(b.t("col_category"), 1), Column(b.t("col_metric"), 2),
         Column(b.t("col_description"), 2.5), Column(b.t("col_threshold"), 2), Column(b.t("col_level"), 0.7, False, 3)],
        [[x.id, x.category or "", x.name, x.description or "", x.threshold or "", x.level or ""] for x in o.metrics],
        wide=True,
    ))
    b.section(2, "s_alert_levels", [o.alert_levels], lambda: b.table(
        "alert_levels",
        b.t("cap_alert_levels"),
        [Column(b.t("col_level"), 0.7, False, 3), Column(b.t("col_definition"), 3), Column(b.t("col_response"), 3)],
        [[x.level, x.definition, x.response or ""] for x in o.alert_levels],
    ))
    b.section(2, "s_incident", [o.incident_process], lambda: b.notes(o.incident_process, ordered=True))
    b.section(2, "s_runbooks", [o.runbooks], lambda: b.table(
        "runbooks",
        b.t("cap_runbooks"),
        [Column(b.t("col_id"), 0.7, True), Column(b.t("col_scenario"), 1.8), Column(b.t("col_steps"), 5)],
        [[r.id, r.scenario, list(r.steps)] for r in o.runbooks],
    ))
    b.section(2, "s_change", [o.change_process], lambda: b.notes(o.change_process))
    b.section(2, "s_runbook_notes", [o.runbook_notes], lambda: b.notes(o.runbook_notes))


def _summary(b: _Builder) -> None:
    s = b.guide.summary
    b.heading(1, "s_summary")
    b.section(2, "s_key_points", [s.key_points], lambda: b.notes(s.key_points))
    b.section(2, "s_risks", [s.risks], lambda: b.table(
        "risks",
        b.t("cap_risks"),
        [Column(b.t("col_id"), 0.6, True), Column(b.t("col_category"), 1), Column(b.t("col_risk"), 2.5),
         Column(b.t("col_likelihood"), 0.7, False, 3), Column(b.t("col_impact"), 0.7, False, 3),
         Column(b.t("col_mitigation"), 3.2), Column(b.t("col_owner"), 1.1)],
        [[r.id, r.category, r.risk, b.code("level", r.likelihood), b.code("level", r.impact), r.mitigation or "",
          r.owner or ""] for r in s.risks],
        wide=True,
    ))
    b.notes(s.closing)
