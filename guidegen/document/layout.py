"""Guide -> a laid-out document shared by the DOCX, Markdown (and other) writers.

The block types live in :mod:`guidegen.document.blocks`, the shared builder in
:mod:`guidegen.document.builder`, one builder per chapter in :mod:`guidegen.document.chapters`
and every table's columns in :mod:`guidegen.content.tables`. Writers import this module as
``L`` and find every block type here.
"""

from __future__ import annotations

from guidegen.document.blocks import (  # noqa: F401 - the writers' one import
    BLOCK_TYPES,
    Block,
    Cell,
    Column,
    Document,
    Flowchart,
    FlowStep,
    Front,
    Gantt,
    GanttBar,
    Heading,
    Items,
    Properties,
    Prose,
    Table,
)
from guidegen.document.builder import Builder
from guidegen.document.chapters import CHAPTERS, front
from guidegen.guide.model import Guide

# Fixed words the writers print around the content, by locale key.
WRITER_LABELS = ("toc", "toc_placeholder", "table", "figure", "doc_control", "revision_history", "approvals",
                 "flowchart_note")


def build_document(guide: Guide) -> Document:
    """Lay out a Guide as numbered sections, tables and figures."""
    b = Builder(guide)
    for chapter in CHAPTERS:
        chapter(b)
    m = guide.meta
    labels = {key: b.t(key) for key in WRITER_LABELS}
    labels["page_x_of_y"] = b.t("page_x_of_y", page="{page}", pages="{pages}")
    return Document(
        lang=m.lang,
        front=front.build(b),
        blocks=b.blocks,
        properties=Properties(
            title=m.title,
            subject=f"{m.integration} — {b.t('guide_subtitle')}",
            author=m.author or "",
            keywords=m.keywords,
            date=m.date,
            lang=m.lang,
            version=m.version,
            language_tag=b.locale.tag,
            latin_tag=b.locale.latin_tag,
            east_asian_tag=b.locale.east_asian_tag,
            client=m.client or "",
            classification=m.classification,
        ),
        colon=b.locale.colon,
        labels=labels,
    )
