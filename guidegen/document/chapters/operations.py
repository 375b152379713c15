"""Chapter 6: monitoring, alert levels, incident process, runbooks, change and upgrade."""

from __future__ import annotations

from guidegen.document.builder import Builder


def build(b: Builder) -> None:
    o = b.guide.operations
    b.heading(1, "s_operations")
    b.section(2, "s_metrics", [o.metrics], lambda: b.spec_table("metrics", [
        {"id": x.id, "category": x.category or "", "name": x.name, "description": x.description or "",
         "threshold": x.threshold or "", "level": x.level or ""} for x in o.metrics]))
    b.section(2, "s_alert_levels", [o.alert_levels], lambda: b.spec_table("alert_levels", [
        {"level": x.level, "definition": x.definition, "response": x.response or ""} for x in o.alert_levels]))
    b.section(2, "s_incident", [o.incident_process], lambda: b.notes(o.incident_process, ordered=True))
    b.section(2, "s_runbooks", [o.runbooks], lambda: b.spec_table("runbooks", [
        {"id": r.id, "scenario": r.scenario, "steps": list(r.steps)} for r in o.runbooks]))
    b.section(2, "s_change", [o.change_process], lambda: b.notes(o.change_process))
    b.section(2, "s_runbook_notes", [o.runbook_notes], lambda: b.notes(o.runbook_notes))
