"""Chapter 2: interfaces, data flows, sync strategy, conflicts, errors, capacity, security, compliance."""

from __future__ import annotations

from guidegen.document.blocks import Flowchart, FlowStep
from guidegen.document.builder import Builder


def route(b: Builder, source: str, target: str, both: bool = False) -> str:
    """'CRM → software', or with ↔ when data flows both ways."""
    arrow = " ↔ " if both else " → "
    return b.code("system", source) + arrow + b.code("system", target)


def build(b: Builder) -> None:
    a = b.guide.architecture
    b.heading(1, "s_architecture")
    b.section(2, "s_arch_overview", [a.notes], lambda: b.notes(a.notes))
    b.section(2, "s_interfaces", [a.interfaces], lambda: b.spec_table("interfaces", [
        {"id": i.id, "provider": b.code("system", i.provider), "name": i.name, "kind": " / ".join(i.kind),
         "route": route(b, i.source, i.target, i.bidirectional), "purpose": i.purpose, "auth": i.auth or ""}
        for i in a.interfaces]))

    def flows() -> None:
        b.spec_table("flows", [
            {"id": f.id, "name": f"{f.name}\n\n{route(b, f.source, f.target)}", "mode": b.code("mode", f.mode),
             "trigger": f.trigger, "steps": list(f.steps)} for f in a.flows])
        b.blocks.append(Flowchart(
            b.t("flowchart_note"),
            [FlowStep(f.id, f.name, b.code("system", f.source), b.code("system", f.target), f.steps) for f in a.flows],
        ))

    b.section(2, "s_flows", [a.flows], flows)
    b.section(2, "s_sync", [a.sync], lambda: b.notes(a.sync))
    b.section(2, "s_master_data", [a.master_data], lambda: b.notes(a.master_data))
    b.section(2, "s_error_handling", [a.error_handling], lambda: b.notes(a.error_handling))
    b.section(2, "s_requirements", [a.requirements], lambda: b.spec_table("requirements", [
        r.model_dump(include={"id", "category", "requirement", "target"}) for r in a.requirements]))
    b.section(2, "s_security", [a.security], lambda: b.spec_table("security", [
        c.model_dump(include={"id", "area", "control"}) for c in a.security]))
    b.section(2, "s_compliance", [a.compliance], lambda: b.spec_table("compliance", [
        c.model_dump(include={"id", "regulation", "requirement", "implementation"}) for c in a.compliance]))
    b.section(2, "s_platform", [a.platform, a.limits], lambda: platform(b))


def platform(b: Builder) -> None:
    """Product specifics: constraints and connectors as notes, then the limits table."""
    a = b.guide.architecture
    b.notes(a.platform)
    if a.limits:
        b.spec_table("limits", [
            {"id": x.id, "system": b.code("system", x.system), "name": x.name, "value": x.value,
             "scope": x.scope or "", "note": x.note or ""} for x in a.limits])
