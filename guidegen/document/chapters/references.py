"""Appendix: the sources the guide's facts were verified against, with their dates."""

from __future__ import annotations

from guidegen.document.builder import Builder


def build(b: Builder) -> None:
    refs = b.guide.references
    if not refs:
        return
    b.heading(1, "s_references")
    b.prose(b.t("references_intro"))
    b.spec_table("references", [
        {"id": s.id, "title": s.title, "publisher": s.publisher or "", "url": s.url, "verified": s.verified.isoformat()}
        for s in refs])
