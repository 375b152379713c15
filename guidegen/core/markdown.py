"""Markdown as the guide's prose format: one parser, plain-text flattening, quick checks.

Used by every writer and by the workbook importer (which compares a cell with the plain
text the workbook was given)."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable

from markdown_it import MarkdownIt
from markdown_it.token import Token

URL_RE = re.compile(r"https?://[^\s<>()\"'\]]+[^\s<>()\"'.,;:!?\]。,;:!?)]")


@lru_cache(maxsize=1)
def markdown_parser() -> MarkdownIt:
    """CommonMark with strikethrough; raw HTML is shown as text, never interpreted."""
    return MarkdownIt("commonmark", {"html": False}).enable("strikethrough")


@lru_cache(maxsize=8192)
def parse_markdown(text: str) -> tuple[Token, ...]:
    return tuple(markdown_parser().parse(text))


def parse_inline(text: str) -> list[Token]:
    """Inline tokens of a one-paragraph text (no block parsing: about twice as fast)."""
    tokens = markdown_parser().parseInline(text)
    return tokens[0].children or [] if tokens else []


@lru_cache(maxsize=16384)
def markdown_to_plain(text: str) -> str:
    """Flatten Markdown to readable plain text: list items as '• ' / 'n. ' lines."""
    if not text:
        return ""
    if not looks_like_markdown(text):
        return text
    if "\n" not in text and not starts_with_list(text):
        return inline_plain(parse_inline(text))
    lines: list[str] = []
    ordinals: list[int | None] = []
    prefix = ""
    for token in parse_markdown(text):
        if token.type == "bullet_list_open":
            ordinals.append(None)
        elif token.type == "ordered_list_open":
            ordinals.append(int(token.attrGet("start") or 1) - 1)
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            ordinals.pop()
        elif token.type == "list_item_open":
            depth = "  " * (len(ordinals) - 1)
            if ordinals[-1] is None:
                prefix = depth + "• "
            else:
                ordinals[-1] += 1
                prefix = f"{depth}{ordinals[-1]}. "
        elif token.type == "inline":
            lines.append(prefix + inline_plain(token.children or []))
            prefix = ""
        elif token.type in ("fence", "code_block"):
            lines.append(token.content.rstrip("\n"))
    return "\n".join(lines)


def inline_plain(children: Iterable[Token]) -> str:
    parts = []
    for child in children:
        if child.type in ("text", "code_inline", "html_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
    return "".join(parts)


_INLINE_MARKUP = re.compile(r"\*\*|__|[*_`~]|!?\[([^\]]*)\]\([^)]*\)|<(https?://[^>]*)>|\\(?=[^\w\s])")
_BLOCK_MARKERS = re.compile(r"^\s*(?:[-+*]|\d+[.)]|>|#{1,6})\s+", re.MULTILINE)


def approximate_plain(text: str) -> str:
    """Markdown without its markers, roughly (fast; good enough to measure text widths)."""
    text = _BLOCK_MARKERS.sub("", text)
    return _INLINE_MARKUP.sub(lambda m: m.group(1) or m.group(2) or "", text)


_LIST_START = re.compile(r"^\s*(?:[-+*]|\d+[.)])\s")


def starts_with_list(text: str) -> bool:
    """True when a Markdown text begins with a list item."""
    return _LIST_START.match(text) is not None


_MARKDOWN_HINT = re.compile(r"[*_`\[\]<>\\#]|^\s*(?:[-+*]|\d+[.)])\s", re.MULTILINE)


def looks_like_markdown(text: str) -> bool:
    return _MARKDOWN_HINT.search(text) is not None or "&" in text
