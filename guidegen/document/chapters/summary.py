"""Chapter 7: key points, risk register and closing remarks."""

from __future__ import annotations

from guidegen.document.builder import Builder


def build(b: Builder) -> None:
    s = b.guide.summary
    b.heading(1, "s_summary")
    b.section(2, "s_key_points", [s.key_points], lambda: b.notes(s.key_points))
    b.section(2, "s_risks", [s.risks], lambda: b.spec_table("risks", [
        {"id": r.id, "category": r.category, "risk": r.risk, "likelihood": b.code("level", r.likelihood),
         "impact": b.code("level", r.impact), "mitigation": r.mitigation or "", "owner": r.owner or ""}
        for r in s.risks]))
    b.notes(s.closing)
