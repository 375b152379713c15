"""The blocks a laid-out document is made of: what every writer renders.

A :class:`Document` is a flat list of blocks (headings, prose, lists, tables, a timeline, a
flowchart) with every label already in the guide's language and every table and figure
numbered per chapter. Writers decide only how each block looks; :data:`BLOCK_TYPES` lists
them all, and every writer has a rule for each (a test checks it).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Union

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
    weight: float = 1.0  # relative share of the spare width (see content.tables.Weight)
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
    language_tag: str  # BCP 47, e.g. zh-CN
    latin_tag: str  # language of Latin-script runs (Word tags scripts separately)
    east_asian_tag: str  # language of East Asian runs
    client: str = ""  # shown in the running header with the title
    classification: str = ""  # e.g. Confidential: on the cover and in the running header


@dataclass
class Document:
    lang: str
    front: Front
    blocks: list[Block]
    properties: Properties
    colon: str  # the language's colon after a bold lead-in ("：" / ": ")
    labels: dict[str, str] = field(default_factory=dict)  # fixed words writers print (toc, page x of y)


BLOCK_TYPES: tuple[type, ...] = (Heading, Prose, Items, Table, Gantt, Flowchart)
