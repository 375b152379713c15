"""Independent read-back of rendered files (python-docx, markdown-it-py, openpyxl)."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

import docx
import openpyxl
from markdown_it import MarkdownIt

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@dataclass
class ReadTable:
    caption: str
    header: list[str]
    rows: list[list[str]]
    after: str = ""  # the first paragraph after the table (figure captions sit below)


def docx_document(data: bytes) -> "docx.document.Document":
    return docx.Document(io.BytesIO(data))


def docx_headings(data: bytes) -> list[tuple[int, str]]:
    d = docx_document(data)
    out = []
    for p in d.paragraphs:
        name = p.style.name.lower() if p.style is not None else ""
        if name.startswith("heading "):
            out.append((int(name.split()[1]), p.text.strip()))
    return out


def docx_tables(data: bytes) -> list[ReadTable]:
    """Body tables with the caption paragraph just before them (if any)."""
    d = docx_document(data)
    body = d.element.body
    tables = []
    previous_text = ""
    for child in body.iterchildren():
        if child.tag == W + "p":
            text = "".join(t.text or "" for t in child.iter(W + "t"))
            if text.strip():
                previous_text = text.strip()
                if tables and not tables[-1].after:
                    tables[-1].after = previous_text
        elif child.tag == W + "tbl":
            rows = []
            for tr in child.iterchildren(W + "tr"):
                cells = []
                for tc in tr.iterchildren(W + "tc"):
                    # U+200B is Word's "no-width optional break" (where a long identifier may wrap): not text.
                    paras = ["".join(t.text or "" for t in p.iter(W + "t")).replace("\u200b", "")
                             for p in tc.iterchildren(W + "p")]
                    cells.append("\n".join(paras))
                rows.append(cells)
            tables.append(ReadTable(previous_text, rows[0] if rows else [], rows[1:]))
            previous_text = ""
    return tables


def md_tables(data: bytes) -> list[ReadTable]:
    text = data.decode("utf-8")
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    tables: list[ReadTable] = []
    caption = ""
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.type == "inline" and tokens[i - 1].type == "paragraph_open":
            caption = tok.content.strip("*")
        if tok.type == "table_open":
            header: list[str] = []
            rows: list[list[str]] = []
            current: list[str] | None = None
            in_head = False
            while tokens[i].type != "table_close":
                t = tokens[i]
                if t.type == "thead_open":
                    in_head = True
                elif t.type == "thead_close":
                    in_head = False
                elif t.type == "tr_open":
                    current = []
                elif t.type == "tr_close" and current is not None:
                    (header.extend(current) if in_head else rows.append(current))
                elif t.type == "inline" and current is not None:
                    current.append(_md_inline_text(t))
                i += 1
            tables.append(ReadTable(caption, header, rows))
            caption = ""
        i += 1
    return tables


def _md_inline_text(token) -> str:
    parts = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif child.type == "html_inline" and child.content.lower().startswith("<br"):
            parts.append("\n")
    return "".join(parts).strip()


def md_headings(data: bytes) -> list[tuple[int, str]]:
    out = []
    for line in data.decode("utf-8").split("\n"):
        m = re.match(r"^(#{2,4}) (\d+(?:\.\d+)*) (.+)$", line)
        if m:
            out.append((len(m.group(1)) - 1, m.group(3).strip()))
    return out


def xlsx_workbook(data: bytes) -> "openpyxl.Workbook":
    return openpyxl.load_workbook(io.BytesIO(data))


def xlsx_index(wb) -> list[list[str]]:
    ws = wb["_guidegen"]
    return [[c for c in row] for row in ws.iter_rows(min_row=2, values_only=True)]


def plain(value):
    """LocDict/LocList trees as ordinary dicts and lists."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def html_tree(data: bytes):
    import lxml.html

    return lxml.html.document_fromstring(data.decode("utf-8"))


def html_headings(data: bytes) -> list[tuple[int, str]]:
    """Numbered section headings of the main part (h2 = level 1), without their numbers."""
    out = []
    for h in html_tree(data).xpath("//main//*[self::h2 or self::h3 or self::h4]"):
        m = re.match(r"^\d+(?:\.\d+)*\s+(.+)$", h.text_content().strip(), re.S)
        if m:
            out.append((int(h.tag[1]) - 1, m.group(1).strip()))
    return out


def html_tables(data: bytes) -> list[ReadTable]:
    """Captioned body tables (not the timeline), cells as text with line breaks kept."""
    tables = []
    for section in html_tree(data).xpath("//main//section[contains(@class, 'table')]"):
        caption = section.xpath("./p[@class='caption']")
        table = section.xpath(".//table")[0]
        header = [th.text_content().strip() for th in table.xpath("./thead/tr/th")]
        rows = [[_html_cell_text(td) for td in tr.xpath("./td")] for tr in table.xpath("./tbody/tr")]
        tables.append(ReadTable(caption[0].text_content().strip() if caption else "", header, rows))
    return tables


def _html_cell_text(td) -> str:
    for br in td.xpath(".//br"):
        br.tail = "\n" + (br.tail or "")
    return td.text_content().strip()
