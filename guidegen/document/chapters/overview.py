"""Chapter 1: background, goals and scope."""

from __future__ import annotations

from guidegen.core.text import escape_markdown
from guidegen.document.builder import Builder


def build(b: Builder) -> None:
    o = b.guide.overview
    b.heading(1, "s_overview")
    products(b)
    b.section(2, "s_background", [o.background], lambda: b.notes(o.background))
    b.section(2, "s_goals", [o.goals], lambda: b.spec_table("goals", [
        {"id": g.id, "title": g.title, "statement": g.statement, "value": g.value or "", "kpi": g.kpi or ""}
        for g in o.goals]))
    s = o.scope
    if not any([s.objects, s.methods, s.events, s.directions, s.out_of_scope, s.notes]):
        return
    b.heading(2, "s_scope")
    b.notes(s.notes)
    b.section(3, "s_scope_objects", [s.objects], lambda: b.spec_table("scope_objects", [
        {"name": x.name, "crm_object": x.crm_object or "", "software_object": x.software_object or "",
         "description": x.description or ""} for x in s.objects]))
    b.section(3, "s_scope_methods", [s.methods], lambda: b.notes(s.methods))
    b.section(3, "s_scope_events", [s.events], lambda: b.notes(s.events))
    b.section(3, "s_scope_directions", [s.directions], lambda: b.spec_table("directions", [
        {"direction": b.code("direction", d.direction), "items": d.items} for d in s.directions]))
    b.section(3, "s_scope_out", [s.out_of_scope], lambda: b.notes(s.out_of_scope))


def products(b: Builder) -> None:
    """Which products the guide is specific to, and which it is product-neutral for."""
    m = b.guide.meta
    for pack in m.packs:
        b.prose(b.t("pack_applied", name=escape_markdown(pack.name), date=pack.verified.isoformat()))
    if m.neutral:
        b.prose(b.t("pack_neutral", names=b.join([escape_markdown(n) for n in m.neutral])))
