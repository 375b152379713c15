"""Cover and document control: revision history and approvals."""

from __future__ import annotations

from guidegen.content.tables import TABLES
from guidegen.document.blocks import Front, Table
from guidegen.document.builder import Builder, iso


def build(b: Builder) -> Front:
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
        (b.t("cover_classification"), m.classification),
    ]
    revisions = Table("revisions", None, None, b.columns(TABLES["revisions"]),
                      [[r.version, iso(r.date), r.author or "", r.change] for r in g.revisions])
    approvals = Table("approvals", None, None, b.columns(TABLES["approvals"]),
                      [[a.role, a.name or "", "", iso(a.date)] for a in g.approvals])
    return Front(m.title, b.t("guide_subtitle"), [(k, v) for k, v in cover if v], revisions, approvals)
