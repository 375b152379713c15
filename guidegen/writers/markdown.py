"""Markdown writer: CommonMark with GFM tables, Mermaid diagrams for the timeline and flows."""

from __future__ import annotations

import datetime as dt
import re

from guidegen.document import layout as L
from guidegen.guide.model import Guide
from guidegen.core.text import clean_text, escape_markdown
from guidegen.writers import WriterOptions
from guidegen.writers.common import cell_key, markdown_to_plain, starts_with_list

# A nominal Monday for plans without a start date: Mermaid needs dates, and with this anchor
# the axis format "%W" prints the plan's own week numbers (2024-01-01 is week 1).
_NOMINAL_MONDAY = dt.date(2024, 1, 1)


def write_markdown(guide: Guide, options: WriterOptions | None = None) -> bytes:
    """Render the guide as Markdown (UTF-8 bytes, LF line ends, ending with one newline)."""
    doc = L.build_document(guide)
    out: list[str] = []
    _front(doc, out)
    for block in doc.blocks:
        _block(doc, block, out)
    text = clean_text("\n".join(out).rstrip("\n") + "\n")
    return text.encode("utf-8")


def _front(doc: L.Document, out: list[str]) -> None:
    f = doc.front
    out += [f"# {escape_markdown(f.title)}", "", f"*{f.subtitle}*", ""]
    sep = doc.colon
    out += [f"- **{label}**{sep}{escape_markdown(value)}" for label, value in f.cover]
    out += ["", f"## {doc.labels['doc_control']}", "", f"### {doc.labels['revision_history']}", ""]
    _table_rows(f.revisions, out)
    out += ["", f"### {doc.labels['approvals']}", ""]
    _table_rows(f.approvals, out)
    out.append("")


def _block(doc: L.Document, block: L.Block, out: list[str]) -> None:
    if isinstance(block, L.Heading):
        out += [f"{'#' * (block.level + 1)} {block.number} {block.text}", ""]
    elif isinstance(block, L.Prose):
        out += [block.text.strip(), ""]
    elif isinstance(block, L.Items):
        _items(doc, block, out)
    elif isinstance(block, L.Table):
        _table(doc, block, out)
    elif isinstance(block, L.Gantt):
        _gantt(doc, block, out)
    elif isinstance(block, L.Flowchart):
        _flowchart(block, out)
    else:  # pragma: no cover - a new block type without a rule is a bug
        raise TypeError(f"no Markdown rule for {type(block).__name__}")


def _items(doc: L.Document, block: L.Items, out: list[str]) -> None:
    sep = doc.colon
    for n, (title, text) in enumerate(block.items, 1):
        text = clean_text(text)
        marker = f"{n}. " if block.ordered else "- "
        indent = " " * len(marker)
        lines = text.strip().split("\n")
        if title and starts_with_list(text):
            out.append(f"{marker}**{title}**")
        else:
            lead = f"**{title}**{sep}" if title else ""
            out.append(marker + lead + lines[0])
            lines = lines[1:]
        out += [(indent + line) if line.strip() else "" for line in lines]
    out.append("")


def caption(doc: L.Document, kind: str, number: str | None, text: str | None) -> str:
    return f"{doc.labels[kind]} {number} {text}" if number else (text or "")


def _table(doc: L.Document, table: L.Table, out: list[str]) -> None:
    if table.caption:
        out += [f"**{caption(doc, 'table', table.number, table.caption)}**", ""]
    _table_rows(table, out)
    out.append("")


def _table_rows(table: L.Table, out: list[str]) -> None:
    out.append("| " + " | ".join(_cell(c.header, True) for c in table.columns) + " |")
    out.append("|" + "|".join(" --- " for _ in table.columns) + "|")
    done: list[dict[object, str]] = [{} for _ in table.columns]  # repeated cells (types, yes/no) converted once
    for row in table.rows:
        cells = []
        for value, col, seen in zip(row, table.columns, done):
            key = cell_key(value)
            text = seen.get(key)
            if text is None:
                text = seen[key] = _cell(value, col.literal)
            cells.append(text)
        out.append("| " + " | ".join(cells) + " |")


_LIST_LINE = re.compile(r"^(\s*)[-*+]\s+")


def _cell(value: L.Cell, literal: bool) -> str:
    """One GFM table cell: a single line, pipes escaped, lists and breaks as <br>."""
    value = [clean_text(v) for v in value] if isinstance(value, list) else clean_text(value)
    if isinstance(value, list):
        text = "<br>".join(f"{n}. {_inline(v)}" for n, v in enumerate(value, 1))
    elif literal:
        text = "<br>".join(escape_markdown(part) for part in value.split("\n"))
    else:
        text = _inline(value)
    return _PIPE.sub(_escape_pipe, text) if text else " "


# A pipe inside a GFM cell must be escaped; one the text already escapes (an odd run of
# backslashes before it) must not be escaped twice, or pandoc reads '\\|' as a backslash and a
# cell boundary. cmark-gfm and pandoc both read '\|' after an even run as a literal pipe.
_PIPE = re.compile(r"(\\*)\|")


def _escape_pipe(match: re.Match[str]) -> str:
    slashes = match.group(1)
    return slashes + ("" if len(slashes) % 2 else "\\") + "|"


def _inline(text: str) -> str:
    lines = []
    for line in text.strip().split("\n"):
        if not line.strip():
            lines.append("")
            continue
        lines.append(_LIST_LINE.sub(lambda m: m.group(1).replace(" ", "&nbsp;") + "• ", line))
    return "<br>".join(lines).replace("<br><br><br>", "<br><br>")


def _mermaid_label(text: str) -> str:
    # Inside a quoted Mermaid label only the double quote is special.
    return markdown_to_plain(text).replace("\n", " ").replace('"', "'")


def _gantt(doc: L.Document, gantt: L.Gantt, out: list[str]) -> None:
    out += [f"**{caption(doc, 'figure', gantt.number, gantt.caption)}**", "", "```mermaid", "gantt"]
    out.append(f"    title {_gantt_text(gantt.caption)}")
    out.append("    dateFormat YYYY-MM-DD")
    dated = all(bar.start_date for bar in gantt.bars)
    out.append("    axisFormat %m-%d" if dated else f"    axisFormat {gantt.week_label}%W")
    out.append(f"    section {_gantt_text(doc.front.subtitle)}")
    for n, bar in enumerate(gantt.bars, 1):
        start = bar.start_date or _NOMINAL_MONDAY + dt.timedelta(weeks=bar.start_week - 1)
        days = (bar.end_week - bar.start_week + 1) * 7
        out.append(f"    {_gantt_text(bar.name)} :p{n}, {start.isoformat()}, {days}d")
    out += ["```", ""]


def _gantt_text(text: str) -> str:
    return re.sub(r"[:#;]", " ", markdown_to_plain(text)).strip()


def _flowchart(block: L.Flowchart, out: list[str]) -> None:
    out += [f"*{block.caption}*", "", "```mermaid", "flowchart TD"]
    for flow in block.flows:
        fid = re.sub(r"\W", "_", flow.flow_id)
        out.append(f'    subgraph {fid}["{_mermaid_label(flow.flow_id + " " + flow.name)}"]')
        out.append("        direction TB")
        names = [f"{fid}_{n}" for n in range(len(flow.steps))]
        for name, step in zip(names, flow.steps):
            out.append(f'        {name}["{_mermaid_label(step)}"]')
        if len(names) > 1:
            out.append("        " + " --> ".join(names))
        out.append("    end")
    out += ["```", ""]
