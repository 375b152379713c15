"""HTML writer: one self-contained page (inline CSS, no scripts, no external resources).

It walks the same document layout as the DOCX and Markdown writers, so the page holds the same
chapters, numbered tables and figures. Prose is Markdown rendered by markdown-it-py with raw
HTML disabled (text from a blueprint or an engagement is shown, never interpreted). The style
sheet prints well: A4 pages, chapters on new pages, wide tables on landscape pages, table
headers repeated and rows kept whole.
"""

from __future__ import annotations

import html

from guidegen.document import layout as L
from guidegen.guide.model import Guide
from guidegen.core import i18n
from guidegen.core.text import clean_text
from guidegen.writers import WriterOptions
from guidegen.writers.common import gantt_week_labels, markdown_parser, starts_with_list

_CSS = """
:root { --accent: #1f4e79; --rule: #b7c4d3; --shade: #dce6f0; }
body { font-family: "Noto Sans", "Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", Arial, sans-serif;
       font-size: 15px; line-height: 1.55; color: #1b1b1b; max-width: 72rem; margin: 0 auto; padding: 1.5rem; }
h1, h2, h3, h4 { color: var(--accent); line-height: 1.3; }
.cover { border-bottom: 3px solid var(--accent); margin-bottom: 2rem; padding-bottom: 1rem; }
.cover h1 { font-size: 2rem; margin-bottom: .2rem; }
.cover .subtitle { font-size: 1.2rem; color: #444; margin-top: 0; }
.cover dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; }
.cover dt { font-weight: 600; }
.cover dd { margin: 0; }
nav.toc ol { list-style: none; padding-left: 1.2rem; }
nav.toc > ol { padding-left: 0; }
nav.toc a { color: inherit; text-decoration: none; }
.table-wrap { overflow-x: auto; margin: .5rem 0 1.2rem; }
table { border-collapse: collapse; width: 100%; font-size: .9em; }
th, td { border: 1px solid var(--rule); padding: .3rem .45rem; vertical-align: top; text-align: left; }
th { background: var(--shade); }
td p { margin: 0 0 .3rem; } td p:last-child { margin-bottom: 0; }
td ol, td ul { margin: 0; padding-left: 1.2rem; }
.caption { font-weight: 600; margin: 1rem 0 .3rem; }
.literal { font-family: "Noto Sans Mono", Consolas, monospace; font-size: .95em; overflow-wrap: anywhere; }
table.gantt td.week, table.gantt th.week { width: 1.6rem; text-align: center; padding: .2rem 0; font-size: .8em; }
table.gantt td.on { background: var(--accent); }
.flows { display: flex; flex-direction: column; gap: .6rem; margin: .5rem 0 1.2rem; }
.flow { border: 1px solid var(--rule); border-radius: 4px; padding: .4rem .6rem; }
.flow ol { list-style: none; display: flex; flex-wrap: wrap; align-items: center; gap: .3rem; padding: 0; margin: .3rem 0 0; }
.flow li { border: 1px solid var(--accent); border-radius: 3px; padding: .15rem .4rem; background: #f4f8fb; }
.flow li + li::before { content: "→"; margin: 0 .4rem 0 -.1rem; color: var(--accent); }
@page { size: A4; margin: 18mm 15mm; }
@page wide { size: A4 landscape; }
@media print {
  body { max-width: none; padding: 0; font-size: 10.5pt; }
  .cover, nav.toc { break-after: page; }
  h2.chapter { break-before: page; }
  h2, h3, h4, .caption { break-after: avoid; }
  section.wide { page: wide; }
  .table-wrap { overflow: visible; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
}
"""


def write_html(guide: Guide, options: WriterOptions | None = None) -> bytes:
    """Render the guide as one HTML page (UTF-8 bytes, ending with one newline)."""
    doc = L.build_document(guide)
    out: list[str] = [
        "<!DOCTYPE html>",
        f'<html lang="{i18n.locale(doc.lang).tag}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_text(doc.properties.title)}</title>",
        f'<meta name="author" content="{_attr(doc.properties.author)}">',
        f'<meta name="keywords" content="{_attr(", ".join(doc.properties.keywords))}">',
        f'<meta name="date" content="{doc.properties.date.isoformat()}">',
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
    ]
    _front(doc, out)
    _toc(doc, out)
    out.append("<main>")
    for block in doc.blocks:
        _block(doc, block, out)
    out += ["</main>", "</body>", "</html>"]
    return clean_text("\n".join(out) + "\n").encode("utf-8")


def _text(value: str) -> str:
    return html.escape(clean_text(value), quote=False)


def _attr(value: str) -> str:
    return html.escape(clean_text(value), quote=True)


def _anchor(number: str) -> str:
    return "s" + number.replace(".", "-")


def _front(doc: L.Document, out: list[str]) -> None:
    f = doc.front
    out += ['<header class="cover">', f"<h1>{_text(f.title)}</h1>", f'<p class="subtitle">{_text(f.subtitle)}</p>', "<dl>"]
    out += [f"<dt>{_text(label)}</dt><dd>{_text(value)}</dd>" for label, value in f.cover]
    out += ["</dl>", f"<h2>{_text(doc.labels['doc_control'])}</h2>", f"<h3>{_text(doc.labels['revision_history'])}</h3>"]
    _table_element(f.revisions, out)
    out.append(f"<h3>{_text(doc.labels['approvals'])}</h3>")
    _table_element(f.approvals, out)
    out.append("</header>")


def _toc(doc: L.Document, out: list[str]) -> None:
    """Nested ordered lists of the numbered headings, each a link to its section."""
    out += ['<nav class="toc">', f"<h2>{_text(doc.labels['toc'])}</h2>"]
    depth = 0
    for block in doc.blocks:
        if not isinstance(block, L.Heading):
            continue
        while depth < block.level:
            out.append("<ol>")
            depth += 1
        while depth > block.level:
            out.append("</li></ol>")
            depth -= 1
        if out[-1] != "<ol>":
            out.append("</li>")
        out.append(f'<li><a href="#{_anchor(block.number)}">{_text(block.number)} {_text(block.text)}</a>')
    while depth > 0:
        out.append("</li></ol>")
        depth -= 1
    out.append("</nav>")


def _block(doc: L.Document, block: L.Block, out: list[str]) -> None:
    if isinstance(block, L.Heading):
        tag = f"h{block.level + 1}"
        css = ' class="chapter"' if block.level == 1 else ""
        out.append(f'<{tag} id="{_anchor(block.number)}"{css}>{_text(block.number)} {_text(block.text)}</{tag}>')
    elif isinstance(block, L.Prose):
        out.append(_markdown(block.text))
    elif isinstance(block, L.Items):
        _items(doc, block, out)
    elif isinstance(block, L.Table):
        _table(doc, block, out)
    elif isinstance(block, L.Gantt):
        _gantt(doc, block, out)
    elif isinstance(block, L.Flowchart):
        _flowchart(block, out)
    else:  # pragma: no cover - a new block type without a rule is a bug
        raise TypeError(f"no HTML rule for {type(block).__name__}")


def _markdown(text: str) -> str:
    return markdown_parser().render(clean_text(text).strip()).strip()


def _inline_markdown(text: str) -> str:
    return markdown_parser().renderInline(clean_text(text).strip())


def _items(doc: L.Document, block: L.Items, out: list[str]) -> None:
    sep = doc.colon
    tag = "ol" if block.ordered else "ul"
    out.append(f"<{tag}>")
    for title, text in block.items:
        lead = f"<strong>{_inline_markdown(title)}</strong>" if title else ""
        if title and starts_with_list(text):
            out.append(f"<li>{lead}{_markdown(text)}</li>")
            continue
        body = _markdown(text)
        if lead and body.startswith("<p>"):
            body = f"<p>{lead}{sep}{body[3:]}"
        elif lead:
            body = f"<p>{lead}</p>{body}"
        out.append(f"<li>{body}</li>")
    out.append(f"</{tag}>")


def _caption(doc: L.Document, kind: str, number: str | None, text: str | None) -> str:
    label = f"{doc.labels[kind]} {number} " if number else ""
    return f'<p class="caption">{_text(label)}{_text(text or "")}</p>'


def _table(doc: L.Document, table: L.Table, out: list[str]) -> None:
    out.append(f'<section class="{"table wide" if table.wide else "table"}" data-key="{_attr(table.key)}">')
    if table.caption:
        out.append(_caption(doc, "table", table.number, table.caption))
    _table_element(table, out)
    out.append("</section>")


def _table_element(table: L.Table, out: list[str]) -> None:
    # Column shares follow the layout's weights, as in the DOCX; no column narrower than its
    # minimum (identifiers stay on one line).
    total = sum(c.weight for c in table.columns) or 1
    out += ['<div class="table-wrap"><table>', "<colgroup>"]
    out += [f'<col style="width: {100 * c.weight / total:.1f}%">' for c in table.columns]
    out += ["</colgroup>", "<thead><tr>"]
    out += [f'<th style="min-width: {c.min_chars}ch">{_text(c.header)}</th>' for c in table.columns]
    out += ["</tr></thead>", "<tbody>"]
    for row in table.rows:
        cells = "".join(_cell(value, col.literal) for value, col in zip(row, table.columns))
        out.append(f"<tr>{cells}</tr>")
    out += ["</tbody>", "</table></div>"]


def _cell(value: L.Cell, literal: bool) -> str:
    if isinstance(value, list):
        steps = "".join(f"<li>{_inline_markdown(v)}</li>" for v in value)
        return f"<td><ol>{steps}</ol></td>" if value else "<td></td>"
    if literal:
        return '<td class="literal">' + "<br>".join(_text(part) for part in value.split("\n")) + "</td>"
    if "\n" in value.strip() or starts_with_list(value):
        return f"<td>{_markdown(value)}</td>"
    return f"<td>{_inline_markdown(value)}</td>"


def _gantt(doc: L.Document, gantt: L.Gantt, out: list[str]) -> None:
    """The timeline as a table, one column per week, shaded where a phase runs (as in the DOCX)."""
    headers = gantt_week_labels(gantt)
    out += ['<figure class="gantt">', '<div class="table-wrap"><table class="gantt">', "<thead><tr><th></th>"]
    out += [f'<th class="week">{_text(h)}</th>' for h in headers]
    out += ["</tr></thead>", "<tbody>"]
    for bar in gantt.bars:
        weeks = "".join(
            '<td class="week on"></td>' if bar.start_week <= week <= bar.end_week else '<td class="week"></td>'
            for week in range(1, gantt.weeks + 1)
        )
        out.append(f"<tr><td>{_inline_markdown(bar.name)}</td>{weeks}</tr>")
    out += ["</tbody>", "</table></div>"]
    out.append(f"<figcaption>{_caption(doc, 'figure', gantt.number, gantt.caption)}</figcaption>")
    out.append("</figure>")


def _flowchart(block: L.Flowchart, out: list[str]) -> None:
    """Each data flow as a row of step boxes joined by arrows."""
    out += ['<figure class="flows">', f'<figcaption class="caption">{_text(block.caption)}</figcaption>']
    for flow in block.flows:
        steps = "".join(f"<li>{_inline_markdown(step)}</li>" for step in flow.steps)
        out.append(f'<div class="flow"><strong>{_text(flow.flow_id)} {_inline_markdown(flow.name)}</strong><ol>{steps}</ol></div>')
    out.append("</figure>")
