"""Chapter 5: test cases per category, thresholds, acceptance criteria, traceability."""

from __future__ import annotations

from guidegen.core.vocab import TEST_CATEGORIES
from guidegen.document.builder import Builder, bullets


def build(b: Builder) -> None:
    g = b.guide
    tst = g.testing
    b.heading(1, "s_testing")
    present = {c.category for c in tst.cases}
    for category in (c for c in TEST_CATEGORIES if c in present):
        cases = [c for c in tst.cases if c.category == category]
        label = b.code("test_category", category)
        b.heading(2, label, raw=True)
        b.spec_table("tests", [
            {"id": c.id, "title": c.title, "goals": ", ".join(c.goals), "steps": list(c.steps), "expected": c.expected,
             "acceptance": c.acceptance or ""} for c in cases if not c.thresholds],
            key=f"tests:{category}", category=label)
        b.spec_table("thresholds", [
            {"id": c.id, "scenario": c.title + ("\n\n" + bullets(c.steps) if c.steps else ""), "goals": ", ".join(c.goals),
             "metric": bullets([t.metric for t in c.thresholds]), "threshold": bullets([t.threshold for t in c.thresholds]),
             "expected": c.expected} for c in cases if c.thresholds],
            key=f"thresholds:{category}", category=label)
    b.section(2, "s_acceptance", [tst.acceptance], lambda: b.spec_table("acceptance", [
        {"id": a.id, "aspect": a.aspect, "criterion": a.criterion, "goals": ", ".join(a.goals)} for a in tst.acceptance]))

    def trace() -> None:
        rows = []
        for tr in g.traceability:
            goal = g.goal(tr.goal)
            rows.append({"id": tr.goal, "goal": goal.title if goal else "", "tests": ", ".join(tr.tests),
                         "acceptance": ", ".join(tr.acceptance), "kpi": tr.kpi or "",
                         "coverage": b.t("covered") if tr.covered else f"**{b.t('uncovered')}**"})
        b.spec_table("traceability", rows)
        missing = [tr.goal for tr in g.traceability if not tr.covered]
        if missing:
            b.prose(b.t("uncovered_note", goals=", ".join(missing)))

    b.section(2, "s_traceability", [g.traceability], trace)
    b.section(2, "s_test_notes", [tst.notes], lambda: b.notes(tst.notes))
