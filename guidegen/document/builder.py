"""The builder the chapter modules share: numbering, labels, and tables from their declarations."""

from __future__ import annotations

import datetime as dt
from typing import Any, Callable

from guidegen.content.tables import TABLES, TableSpec
from guidegen.core import i18n
from guidegen.document.blocks import Block, Cell, Column, Heading, Items, Prose, Table
from guidegen.guide.model import Guide, Note

HEADING_LEVELS = 3  # chapters, sections, subsections (the TOC shows all three)


class Builder:
    """Accumulates blocks, numbering headings, tables and figures per chapter."""

    def __init__(self, guide: Guide) -> None:
        self.guide = guide
        self.lang = guide.meta.lang
        self.locale = i18n.locale(self.lang)
        self.blocks: list[Block] = []
        self.numbers = [0] * HEADING_LEVELS
        self.tables = 0
        self.figures = 0

    # labels
    def t(self, key: str, **values: object) -> str:
        return self.locale.t(key, **values)

    def code(self, group: str, value: str | None) -> str:
        if value is None:
            return ""
        m = self.guide.meta
        return self.locale.code(group, value, crm=m.crm, software=m.software)

    def yes_no(self, value: bool | None) -> str:
        return "" if value is None else self.t("yes" if value else "no")

    def join(self, values: list[str]) -> str:
        return self.locale.join(values)

    def colon(self) -> str:
        return self.locale.colon

    def parenthesis(self, text: str) -> str:
        return self.locale.parenthesis(text)

    def roles(self, ids: list[str]) -> str:
        return self.join([self.guide.role_name(r) for r in ids])

    # blocks
    def heading(self, level: int, key_or_text: str, *, raw: bool = False) -> None:
        self.numbers[level - 1] += 1
        for deeper in range(level, HEADING_LEVELS):
            self.numbers[deeper] = 0
        if level == 1:
            self.tables = self.figures = 0
        number = ".".join(str(n) for n in self.numbers[:level])
        self.blocks.append(Heading(level, key_or_text if raw else self.t(key_or_text), number))

    def notes(self, notes: list[Note], ordered: bool = False) -> None:
        if notes:
            self.blocks.append(Items([(n.title, n.text) for n in notes], ordered))

    def prose(self, text: str) -> None:
        self.blocks.append(Prose(text))

    def figure_number(self) -> str:
        self.figures += 1
        return f"{self.numbers[0]}-{self.figures}"

    def columns(self, spec: TableSpec) -> list[Column]:
        """The document columns of a declared table, labelled in the guide's language."""
        m = self.guide.meta
        return [Column(self.t(c.label, crm=m.crm, software=m.software), c.weight, c.literal, c.min_chars, c.optional)
                for c in spec.document_columns()]

    def spec_table(self, spec_key: str, rows: list[dict[str, Cell]], *, key: str | None = None,
                   caption: str | None = None, **caption_values: Any) -> None:
        """A declared table: rows give cells by column code; the declaration gives the rest."""
        spec = TABLES[spec_key]
        codes = [c.code for c in spec.document_columns()]
        known = {c.code for c in spec.columns}
        for row in rows:
            if row.keys() - known or known.issuperset(codes) and not row.keys() >= set(codes):
                raise KeyError(f"table {spec_key}: row codes {sorted(row)} do not match the declared {codes}")
        self.table(key or spec.key, caption if caption is not None else self.t(spec.caption, **caption_values),
                   self.columns(spec), [[row[code] for code in codes] for row in rows], wide=spec.wide)

    def table(self, key: str, caption: str | None, columns: list[Column], rows: list[list[Cell]], wide: bool = False) -> None:
        if not rows:
            return
        keep = [i for i, c in enumerate(columns) if not c.optional or any(row[i] for row in rows)]
        if len(keep) < len(columns):
            columns = [columns[i] for i in keep]
            rows = [[row[i] for i in keep] for row in rows]
        self.tables += 1
        number = f"{self.numbers[0]}-{self.tables}"
        self.blocks.append(Table(key, caption, number, columns, rows, wide))

    def section(self, level: int, key: str, content: list[object], body: Callable[[], None]) -> None:
        """A heading followed by its body, only when there is content."""
        if any(content):
            self.heading(level, key)
            body()


def iso(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


def bullets(lines: list[str]) -> str:
    """Lines as a Markdown bullet list (one cell)."""
    return "\n".join(f"- {x}" for x in lines)
