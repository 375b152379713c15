"""Markdown prose -> Word paragraphs, runs, hyperlinks and list paragraphs.

Like markdown-it-py's own renderer this is a table of small rules keyed by token type, with a
fallback that keeps the token's text. Bare URLs in text become hyperlinks too.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from lxml import etree
from markdown_it.token import Token

from ..common import URL_RE, _looks_like_markdown, parse_markdown
from .ooxml import el, ppr_of, run, sub
from .styles import Numbering, StyleMap


@dataclass
class Context:
    """What paragraph building needs from the document being written."""

    part: object  # the python-docx DocumentPart (for hyperlink relationships)
    styles: StyleMap
    numbering: Numbering
    _links: dict[str, str] = field(default_factory=dict)

    def link_id(self, url: str) -> str:
        if url not in self._links:
            self._links[url] = self.part.relate_to(url, RT.HYPERLINK, is_external=True)  # type: ignore[attr-defined]
        return self._links[url]


@dataclass
class _Format:
    bold: int = 0
    italic: int = 0
    strike: int = 0
    link: str | None = None

    def rpr(self, ctx: Context, code: bool = False) -> etree._Element | None:
        if not (self.bold or self.italic or self.strike or code or self.link):
            return None
        rpr = el("w:rPr")
        if code:
            sub(rpr, "w:rStyle", {"w:val": ctx.styles["code_char"]})
        elif self.link:
            sub(rpr, "w:rStyle", {"w:val": ctx.styles["hyperlink"]})
        if self.bold:
            sub(rpr, "w:b")
        if self.italic:
            sub(rpr, "w:i")
        if self.strike:
            sub(rpr, "w:strike")
        return rpr


class InlineWriter:
    """Appends the runs for a sequence of inline tokens to a paragraph."""

    def __init__(self, ctx: Context, paragraph: etree._Element) -> None:
        self.ctx = ctx
        self.paragraph = paragraph
        self.target = paragraph  # a w:hyperlink while inside a link
        self.fmt = _Format()

    def text(self, content: str) -> None:
        if self.fmt.link or "http" not in content:
            self.target.append(run(content, self.fmt.rpr(self.ctx)))
            return
        last = 0
        for match in URL_RE.finditer(content):
            if match.start() > last:
                self.target.append(run(content[last : match.start()], self.fmt.rpr(self.ctx)))
            self._hyperlink(match.group(0), match.group(0))
            last = match.end()
        if last < len(content):
            self.target.append(run(content[last:], self.fmt.rpr(self.ctx)))

    def _hyperlink(self, url: str, label: str) -> None:
        link = sub(self.paragraph, "w:hyperlink")
        link.set("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id", self.ctx.link_id(url))
        link.set("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}history", "1")
        self.fmt.link = url
        link.append(run(label, self.fmt.rpr(self.ctx)))
        self.fmt.link = None

    def tokens(self, children: list[Token]) -> None:
        for token in children:
            rule = _INLINE_RULES.get(token.type, _inline_fallback)
            rule(self, token)


def _link_open(w: InlineWriter, token: Token) -> None:
    href = str(token.attrGet("href") or "")
    if href.startswith(("http://", "https://", "mailto:")):
        link = sub(w.paragraph, "w:hyperlink")
        link.set("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id", w.ctx.link_id(href))
        w.target = link
        w.fmt.link = href


def _link_close(w: InlineWriter, token: Token) -> None:
    w.target = w.paragraph
    w.fmt.link = None


def _toggle(attr: str, delta: int):  # noqa: ANN202 - small rule factory
    def rule(w: InlineWriter, token: Token) -> None:
        setattr(w.fmt, attr, getattr(w.fmt, attr) + delta)
    return rule


def _inline_fallback(w: InlineWriter, token: Token) -> None:
    if token.content:
        w.text(token.content)


_INLINE_RULES = {
    "text": lambda w, t: w.text(t.content),
    "code_inline": lambda w, t: w.target.append(run(t.content, w.fmt.rpr(w.ctx, code=True))),
    "softbreak": lambda w, t: w.text(" "),
    "hardbreak": lambda w, t: w.target.append(run("\n", w.fmt.rpr(w.ctx))),
    "strong_open": _toggle("bold", 1),
    "strong_close": _toggle("bold", -1),
    "em_open": _toggle("italic", 1),
    "em_close": _toggle("italic", -1),
    "s_open": _toggle("strike", 1),
    "s_close": _toggle("strike", -1),
    "link_open": _link_open,
    "link_close": _link_close,
    "image": lambda w, t: w.text(t.content or ""),
}


# --------------------------------------------------------------------------- blocks
@dataclass
class BlockStyles:
    """Styles for the paragraphs of one container (the body, or a table cell)."""

    paragraph: str
    in_table: bool = False


def markdown_paragraphs(ctx: Context, text: str, styles: BlockStyles, lead: str | None = None) -> list[etree._Element]:
    """Paragraphs for a Markdown text; ``lead`` is a bold lead-in put before the first one."""
    if not _looks_like_markdown(text):
        p = el("w:p")
        sub(ppr_of(p), "w:pStyle", {"w:val": styles.paragraph})
        writer = InlineWriter(ctx, p)
        _lead(writer, lead)
        for index, line in enumerate(text.split("\n")):
            if index:
                p.append(run("\n"))
            writer.text(line)
        return [p]
    return _BlockWriter(ctx, styles, lead).render(parse_markdown(text))


def _lead(writer: InlineWriter, lead: str | None) -> None:
    if lead:
        writer.fmt.bold += 1
        writer.text(lead)
        writer.fmt.bold -= 1


class _BlockWriter:
    def __init__(self, ctx: Context, styles: BlockStyles, lead: str | None) -> None:
        self.ctx = ctx
        self.styles = styles
        self.lead = lead
        self.out: list[etree._Element] = []
        self.lists: list[dict[str, object]] = []  # {"ordered", "num", "counter"}
        self.item_first = False

    def render(self, tokens: tuple[Token, ...]) -> list[etree._Element]:
        for token in tokens:
            rule = getattr(self, "_" + token.type, None)
            if rule:
                rule(token)
        if not self.out:
            self.out.append(self._paragraph(self.styles.paragraph))
        return self.out

    def _paragraph(self, style: str) -> etree._Element:
        p = el("w:p")
        sub(ppr_of(p), "w:pStyle", {"w:val": style})
        self.out.append(p)
        return p

    def _bullet_list_open(self, token: Token) -> None:
        self.lists.append({"ordered": False, "num": self.ctx.numbering.bullet_num, "counter": 0})

    def _ordered_list_open(self, token: Token) -> None:
        num = 0 if self.styles.in_table else self.ctx.numbering.new_ordered_list()
        start = int(token.attrGet("start") or 1)
        self.lists.append({"ordered": True, "num": num, "counter": start - 1})

    def _bullet_list_close(self, token: Token) -> None:
        self.lists.pop()

    _ordered_list_close = _bullet_list_close

    def _list_item_open(self, token: Token) -> None:
        self.item_first = True
        self.lists[-1]["counter"] = int(self.lists[-1]["counter"]) + 1  # type: ignore[call-overload]

    def _inline(self, token: Token) -> None:
        writer = self._new_paragraph_writer()
        _lead(writer, self.lead)
        self.lead = None
        writer.tokens(token.children or [])

    def _new_paragraph_writer(self) -> InlineWriter:
        if not self.lists:
            return InlineWriter(self.ctx, self._paragraph(self.styles.paragraph))
        current = self.lists[-1]
        depth = len(self.lists) - 1
        if self.styles.in_table:
            # Inside table cells lists are plain text with a marker: fast, and no restart
            # definitions per cell.
            p = self._paragraph(self.ctx.styles["table_list"])
            marker = f"{current['counter']}. " if current["ordered"] else "• "
            writer = InlineWriter(self.ctx, p)
            if self.item_first:
                p.append(run("    " * depth + marker))
            self.item_first = False
            return writer
        style = self.ctx.styles["list_number" if current["ordered"] else "list_bullet"]
        p = self._paragraph(style)
        if self.item_first:
            num_pr = el("w:numPr")
            sub(num_pr, "w:ilvl", {"w:val": str(min(depth, 8))})
            sub(num_pr, "w:numId", {"w:val": str(current["num"])})
            ppr = ppr_of(p)
            ppr.insert(1, num_pr)
        else:
            ind = sub(ppr_of(p), "w:ind", {"w:left": str(420 + 420 * depth)})
            ind.set("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}hanging", "0")
        self.item_first = False
        return InlineWriter(self.ctx, p)

    def _fence(self, token: Token) -> None:
        for line in token.content.rstrip("\n").split("\n"):
            self._paragraph(self.ctx.styles["code"]).append(run(line))

    _code_block = _fence

    def _html_block(self, token: Token) -> None:
        self._paragraph(self.styles.paragraph).append(run(token.content.rstrip("\n")))

    def _hr(self, token: Token) -> None:
        self._paragraph(self.styles.paragraph)
