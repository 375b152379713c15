"""Markdown prose -> WordprocessingML paragraphs, runs, hyperlinks and list paragraphs.

Like markdown-it-py's own renderer this is a table of small rules keyed by token type, with a
fallback that keeps the token's text. Bare URLs in text become hyperlinks too.

Paragraphs are produced as XML text and parsed by lxml in one go: a table of 10,000 rows holds
about a million elements, and building them one Python call at a time costs several times
more than letting the C parser do it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from markdown_it import MarkdownIt
from markdown_it.token import Token

from guidegen.core.text import XML_FORBIDDEN
from guidegen.writers.common import (
    URL_RE,
    looks_like_markdown,
    starts_with_list,
)
from guidegen.writers.docx.styles import Numbering, StyleMap

R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_ESCAPE = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", **dict.fromkeys(XML_FORBIDDEN)})
_SPECIAL = re.compile("[" + re.escape("&<>\"" + "".join(map(chr, XML_FORBIDDEN))) + "]")


def esc(text: str) -> str:
    """Text for XML: special characters escaped, characters XML 1.0 forbids removed (most texts
    have neither: a search is several times faster than a translation)."""
    return text.translate(_ESCAPE) if _SPECIAL.search(text) else text


def run_xml(text: str, rpr: str = "") -> str:
    """<w:r> for a text; line breaks and tabs become w:br and w:tab, edge spaces are kept."""
    if "\n" not in text and "\t" not in text:
        return f"<w:r>{rpr}{_t(text)}</w:r>" if text else f"<w:r>{rpr}</w:r>"
    parts = []
    for i, line in enumerate(text.split("\n")):
        if i:
            parts.append("<w:br/>")
        for j, chunk in enumerate(line.split("\t")):
            if j:
                parts.append("<w:tab/>")
            if chunk:
                parts.append(_t(chunk))
    return f"<w:r>{rpr}{''.join(parts)}</w:r>"


# Word and LibreOffice take Latin text joined by full-width punctuation ("API（API_A、API_B、") for
# one word and, when it is longer than the line, break it anywhere ("AP" / "I（"). A zero-width
# space where the line-breaking rules of Chinese allow a break (after 、，；：。！？ and a closing
# bracket, before an opening one) gives those breaks back.
_CJK_BREAK = re.compile(r"(?<=[、，；：。！？）」』》】])(?=[A-Za-z0-9])|(?<=[A-Za-z0-9])(?=[（「『《【])")
ZWSP = "\u200b"
_QUOTE_MARKS = "\u201c\u201d"
_QUOTE_SPLIT = re.compile(f"([{_QUOTE_MARKS}])")


def cjk_breaks(text: str) -> str:
    """``text`` with a zero-width space wherever Latin text meets full-width punctuation at a
    place a line may break (ASCII text is returned as it is)."""
    return text if text.isascii() else _CJK_BREAK.sub(ZWSP, text)


def _t(text: str) -> str:
    text = cjk_breaks(text)
    if text[0] == " " or text[-1] == " ":
        return f'<w:t xml:space="preserve">{esc(text)}</w:t>'
    return f"<w:t>{esc(text)}</w:t>"


def paragraph_xml(style: str, body: str, properties: str = "") -> str:
    """<w:p> with a style (its id escaped: a template's style id may hold any character)."""
    return f'<w:p><w:pPr><w:pStyle w:val="{esc(style)}"/>{properties}</w:pPr>{body}</w:p>'


def numbering_xml(num_id: int, level: int = 0) -> str:
    """<w:numPr>: the paragraph is item ``level`` of list ``num_id``."""
    return f'<w:numPr><w:ilvl w:val="{min(level, 8)}"/><w:numId w:val="{num_id}"/></w:numPr>'


@dataclass
class Context:
    """What paragraph building needs from the document being written."""

    part: object  # the python-docx DocumentPart (for hyperlink relationships)
    styles: StyleMap
    numbering: Numbering
    quote_style: str | None = None  # East Asian text: the style of a curly double quote's own run
    _links: dict[str, str] = field(default_factory=dict)

    def link_id(self, url: str) -> str:
        if url not in self._links:
            self._links[url] = self.part.relate_to(url, RT.HYPERLINK, is_external=True)  # type: ignore[attr-defined]
        return self._links[url]


class InlineWriter:
    """Collects the runs (and hyperlinks) of one paragraph as XML text."""

    def __init__(self, ctx: Context, display: Callable[[str], str] | None = None) -> None:
        self.ctx = ctx
        # Applied to the shown text only (a link keeps its real target): break opportunities.
        self.display = display or (lambda text: text)
        self.parts: list[str] = []
        self.bold = self.italic = self.strike = 0
        self.link: str | None = None

    def rpr(self, code: bool = False) -> str:
        if not (self.bold or self.italic or self.strike or code or self.link):
            return ""
        style = "code_char" if code else "hyperlink" if self.link else None
        inner = f'<w:rStyle w:val="{esc(self.ctx.styles[style])}"/>' if style else ""
        inner += ("<w:b/>" if self.bold else "") + ("<w:i/>" if self.italic else "") + ("<w:strike/>" if self.strike else "")
        return f"<w:rPr>{inner}</w:rPr>"

    def text(self, content: str) -> None:
        show = self.display
        if self.link or "http" not in content:
            self.parts.append(self.runs(show(content)))
            return
        last = 0
        for match in URL_RE.finditer(content):
            if match.start() > last:
                self.parts.append(self.runs(show(content[last : match.start()])))
            self.open_link(match.group(0))
            self.parts.append(run_xml(show(match.group(0)), self.rpr()))
            self.close_link()
            last = match.end()
        if last < len(content):
            self.parts.append(self.runs(show(content[last:])))

    def runs(self, text: str) -> str:
        """The run of a text; in East Asian text each curly double quote is a run of its own
        (see Context.quote_style), keeping the bold, italic or strike around it."""
        rpr = self.rpr()
        style = self.ctx.quote_style
        if style is None or "<w:rStyle" in rpr or not _QUOTE_SPLIT.search(text):
            return run_xml(text, rpr)
        quote = f'<w:rPr><w:rStyle w:val="{esc(style)}"/>' + (rpr[len("<w:rPr>"):] if rpr else "</w:rPr>")
        return "".join(run_xml(piece, quote if piece in _QUOTE_MARKS else rpr) for piece in _QUOTE_SPLIT.split(text) if piece)

    def open_link(self, url: str) -> None:
        # The root always declares r: (package.finish_document_xml sees to it).
        self.parts.append(f'<w:hyperlink r:id="{self.ctx.link_id(url)}" w:history="1">')
        self.link = url

    def close_link(self) -> None:
        if self.link:
            self.parts.append("</w:hyperlink>")
            self.link = None

    def lead(self, lead: str | None) -> None:
        if lead:
            self.bold += 1
            self.text(lead)
            self.bold -= 1

    def tokens(self, children: list[Token]) -> None:
        for token in children:
            _INLINE_RULES.get(token.type, _inline_fallback)(self, token)
        self.close_link()

    def xml(self) -> str:
        return "".join(self.parts)


def _link_open(w: InlineWriter, token: Token) -> None:
    href = str(token.attrGet("href") or "")
    if href.startswith(("http://", "https://", "mailto:")):
        w.open_link(href)


def _toggle(attr: str, delta: int):  # noqa: ANN202 - small rule factory
    def rule(w: InlineWriter, token: Token) -> None:
        setattr(w, attr, getattr(w, attr) + delta)
    return rule


def _inline_fallback(w: InlineWriter, token: Token) -> None:
    if token.content:
        w.text(token.content)


_INLINE_RULES = {
    "text": lambda w, t: w.text(t.content),
    "code_inline": lambda w, t: w.parts.append(run_xml(t.content, w.rpr(code=True))),
    "softbreak": lambda w, t: w.text(" "),
    "hardbreak": lambda w, t: w.parts.append(run_xml("\n", w.rpr())),
    "strong_open": _toggle("bold", 1),
    "strong_close": _toggle("bold", -1),
    "em_open": _toggle("italic", 1),
    "em_close": _toggle("italic", -1),
    "s_open": _toggle("strike", 1),
    "s_close": _toggle("strike", -1),
    "link_open": _link_open,
    "link_close": lambda w, t: w.close_link(),
    "image": lambda w, t: w.text(t.content or ""),
}


# --------------------------------------------------------------------------- blocks
@dataclass
class BlockStyles:
    """Styles for the paragraphs of one container (the body, or a table cell)."""

    paragraph: str
    in_table: bool = False
    list_depth: int = 0  # lists in this text start at this level (a list nested under a titled item)
    number: int | None = None  # the first paragraph, if not itself a list item, is an item of this list


@dataclass
class Paragraph:
    style: str
    properties: str
    body: str  # the runs

    def xml(self) -> str:
        return paragraph_xml(self.style, self.body, self.properties)


def markdown_xml(ctx: Context, text: str, styles: BlockStyles, lead: str | None = None) -> list[str]:
    """Paragraph XML for a Markdown text; ``lead`` is a bold lead-in before the first one."""
    return [p.xml() for p in markdown_paragraphs(ctx, text, styles, lead)]


def markdown_paragraphs(ctx: Context, text: str, styles: BlockStyles, lead: str | None = None) -> list[Paragraph]:
    """The paragraphs of a Markdown text, as style, properties and runs."""
    if "\n" not in text and not starts_with_list(text):
        # One paragraph: plain text, or inline Markdown (parsed without the block pass).
        writer = InlineWriter(ctx)
        writer.lead(lead)
        if looks_like_markdown(text):
            writer.tokens(_parse_inline(text))
        else:
            writer.text(text)
        numbered = numbering_xml(styles.number) if styles.number is not None else ""
        return [Paragraph(styles.paragraph, numbered, writer.xml())]
    return _BlockWriter(ctx, styles, lead).render(_parse_markdown(text))


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    """The shared Markdown dialect, with escapes kept as tokens of their own (no text_join):
    an escaped character then splits the text, so 'http\\://' from a name is never taken for a
    URL to link."""
    return MarkdownIt("commonmark", {"html": False}).enable("strikethrough").disable("text_join")


@lru_cache(maxsize=8192)
def _parse_markdown(text: str) -> tuple[Token, ...]:
    return tuple(_parser().parse(text))


def _parse_inline(text: str) -> list[Token]:
    tokens = _parser().parseInline(text)
    return tokens[0].children or [] if tokens else []


class _BlockWriter:
    def __init__(self, ctx: Context, styles: BlockStyles, lead: str | None) -> None:
        self.ctx = ctx
        self.styles = styles
        self.lead = lead
        self.out: list[Paragraph] = []
        self.lists: list[dict[str, int | bool]] = []  # {"ordered", "num", "counter"}
        self.item_first = False

    def render(self, tokens: tuple[Token, ...]) -> list[Paragraph]:
        for token in tokens:
            rule = getattr(self, "_" + token.type, None)
            if rule:
                rule(token)
        return self.out or [Paragraph(self.styles.paragraph, "", "")]

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
        self.lists[-1]["counter"] = int(self.lists[-1]["counter"]) + 1

    def _inline(self, token: Token) -> None:
        writer = InlineWriter(self.ctx)
        style, properties = self._list_paragraph(writer)
        writer.lead(self.lead)
        self.lead = None
        writer.tokens(token.children or [])
        if not self.out and not self.lists and self.styles.number is not None:
            properties = numbering_xml(self.styles.number)
        self.out.append(Paragraph(style, properties, writer.xml()))

    def _list_paragraph(self, writer: InlineWriter) -> tuple[str, str]:
        """Style and extra properties of the next paragraph (a list item or plain)."""
        if not self.lists:
            return self.styles.paragraph, ""
        current = self.lists[-1]
        depth = len(self.lists) - 1 + self.styles.list_depth
        first, self.item_first = self.item_first, False
        if self.styles.in_table:
            # Inside table cells lists are plain text with a marker: fast, and no restart
            # definitions per cell.
            if first:
                marker = f"{current['counter']}. " if current["ordered"] else "• "
                writer.parts.append(run_xml("    " * depth + marker))
            return self.ctx.styles["table_list"], ""
        style = self.ctx.styles["list_number" if current["ordered"] else "list_bullet"]
        if first:
            return style, numbering_xml(int(current["num"]), depth)
        return style, f'<w:ind w:left="{420 + 420 * depth}" w:hanging="0"/>'

    def _fence(self, token: Token) -> None:
        for line in token.content.rstrip("\n").split("\n"):
            self.out.append(Paragraph(self.ctx.styles["code"], "", run_xml(line)))

    _code_block = _fence

    def _html_block(self, token: Token) -> None:
        self.out.append(Paragraph(self.styles.paragraph, "", run_xml(token.content.rstrip("\n"))))

    def _hr(self, token: Token) -> None:
        self.out.append(Paragraph(self.styles.paragraph, "", ""))
