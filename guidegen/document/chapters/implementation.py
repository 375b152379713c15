"""Chapter 3: roles, phase plan, timeline, milestones, RACI, acceptance gate, and for upgrades
the migration and cutover."""

from __future__ import annotations

from guidegen.content.tables import TABLES
from guidegen.document.blocks import Cell, Column, Gantt, GanttBar
from guidegen.document.builder import Builder, bullets, iso
from guidegen.guide.model import Phase

RACI_PHASE_MIN_CHARS = 3  # a phase column holds one RACI code ("A/R" at most)


def weeks(b: Builder, phase: Phase) -> str:
    if phase.start_week == phase.end_week:
        return b.t("week_single", a=phase.start_week)
    return b.t("week_span", a=phase.start_week, b=phase.end_week)


def dates(phase: Phase) -> str:
    if not phase.start_date or not phase.end_date:
        return ""
    return f"{phase.start_date.isoformat()} – {phase.end_date.isoformat()}"


def build(b: Builder) -> None:
    g = b.guide
    im = g.implementation
    b.heading(1, "s_implementation")
    b.section(2, "s_roles", [im.team], lambda: b.spec_table("roles", [
        {"name": m.name, "responsibilities": m.responsibilities, "person": m.person.name if m.person else "",
         "contact": (m.person.contact or "") if m.person else ""} for m in im.team]))
    b.heading(2, "s_phases")
    lo, hi = im.duration_weeks
    span = b.t("weeks_range", a=lo, b=hi) if lo != hi else b.t("week_single", a=lo)
    sentence = b.t("duration_sentence", complexity=b.code("complexity", g.meta.complexity), weeks=span)
    if g.meta.scenario == "upgrade":
        sentence += " " + b.t("duration_upgrade")
    b.prose(sentence)
    dated = g.meta.start_date is not None and any(p.start_date for p in im.phases)
    if dated:
        monday = im.phases[0].start_date if im.phases else None
        b.prose(b.t("dates_sentence", start=g.meta.start_date.isoformat(), monday=iso(monday)))  # type: ignore[union-attr]
    else:
        b.prose(b.t("no_dates_sentence"))
    b.spec_table("phases", [
        {"name": p.name, "weeks": weeks(b, p), "dates": dates(p) if dated else "",
         "tasks": bullets([t.text + b.parenthesis(b.roles(t.owners)) for t in p.tasks]),
         "owners": b.roles(p.owners), "deliverables": bullets(p.deliverables)} for p in im.phases])
    if im.phases:
        b.heading(2, "s_timeline")
        b.blocks.append(Gantt(
            b.t("cap_gantt"),
            b.figure_number(),
            [GanttBar(p.name, p.start_week, p.end_week, p.start_date, p.end_date) for p in im.phases],
            max(p.end_week for p in im.phases),
            b.locale.week_label,
        ))
    b.section(2, "s_milestones", [im.milestones], lambda: b.spec_table("milestones", [
        {"id": ms.id, "name": ms.name, "when": iso(ms.date) or b.t("week_single", a=ms.week), "criterion": ms.criterion}
        for ms in im.milestones]))

    def raci() -> None:
        columns = b.columns(TABLES["raci"]) + [Column(p.name, 1, min_chars=RACI_PHASE_MIN_CHARS) for p in im.phases]
        rows: list[list[Cell]] = [[g.role_name(r.role), *r.cells] for r in im.raci]
        b.table("raci", b.t("cap_raci"), columns, rows, wide=len(im.phases) > 5)
        b.prose(b.t("raci_legend"))

    b.section(2, "s_raci", [im.raci], raci)
    b.section(2, "s_estimate", [im.assumptions, im.effort.rows], lambda: estimate(b))
    b.section(2, "s_gate", [im.gate], lambda: b.notes(im.gate))
    b.notes(im.notes)
    if g.migration is not None:
        migration(b)


def days(value: float) -> str:
    """Person-days as written in an estimate: 2, 0.5; nothing for none."""
    return f"{value:g}" if value else ""


def estimate(b: Builder) -> None:
    """The plan's assumptions, then person-days by role and phase with the resolver's totals."""
    im = b.guide.implementation
    b.spec_table("assumptions", [{"topic": a.topic, "assumption": a.assumption} for a in im.assumptions])
    effort = im.effort
    if not effort.rows:
        return
    largest = max(range(len(im.phases)), key=lambda i: effort.phase_totals[i])
    b.prose(b.t("effort_sentence", days=days(effort.total), roles=len(effort.rows), phase=im.phases[largest].name,
                phase_days=days(effort.phase_totals[largest])))
    role, total = b.columns(TABLES["effort"])
    columns = [role] + [Column(p.name, 1, min_chars=RACI_PHASE_MIN_CHARS) for p in im.phases] + [total]
    rows: list[list[Cell]] = [[b.guide.role_name(r.role), *map(days, r.days), days(r.total)] for r in effort.rows]
    rows.append([f"**{b.t('effort_total_row')}**", *map(days, effort.phase_totals), f"**{days(effort.total)}**"])
    b.table("effort", b.t("cap_effort"), columns, rows, wide=len(im.phases) > 5)


def migration(b: Builder) -> None:
    mg = b.guide.migration
    assert mg is not None
    b.heading(2, "s_migration")
    b.section(3, "s_legacy", [mg.legacy_interfaces], lambda: b.spec_table("legacy", [
        {"id": x.id, "name": x.name + (" " + b.t("legacy_example") if x.example else ""), "disposition": x.disposition,
         "note": x.note or ""} for x in mg.legacy_interfaces]))
    b.section(3, "s_data_migration", [mg.migration], lambda: b.notes(mg.migration))
    b.section(3, "s_migration_reconciliation", [mg.reconciliation], lambda: b.notes(mg.reconciliation))
    b.section(3, "s_dual_run", [mg.dual_run], lambda: b.notes(mg.dual_run))
    b.section(3, "s_cutover", [mg.cutover], lambda: b.spec_table("cutover", [
        {"id": c.id, "check": c.check, "criterion": c.criterion, "owner": c.owner or ""} for c in mg.cutover]))
    b.section(3, "s_versioning", [mg.versioning], lambda: b.notes(mg.versioning))
    b.section(3, "s_rollback_triggers", [mg.rollback_triggers], lambda: b.spec_table("rollback_triggers", [
        {"id": c.id, "check": c.check, "criterion": c.criterion, "owner": c.owner or ""} for c in mg.rollback_triggers]))
    b.section(3, "s_rollback", [mg.rollback], lambda: b.notes(mg.rollback))
    b.section(3, "s_decommission", [mg.decommission], lambda: b.spec_table("decommission", [
        {"id": c.id, "check": c.check, "criterion": c.criterion, "owner": c.owner or ""} for c in mg.decommission]))
