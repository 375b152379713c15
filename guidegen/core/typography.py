"""Chinese typography: full-width punctuation in Chinese text.

Authors (and keyboards) often type ASCII ``, ; : ( ) ! ?`` inside Chinese sentences; Chinese
documents use the full-width forms. This pass runs on Chinese guide texts only and converts a
mark unless it belongs to Latin notation: numbers (``10,000``, ``08:15``), article numbers and
calls (``12(3)``, ``f(x)``), URLs, Markdown link targets and inline code are left alone. It also
removes the space an English habit leaves between two Chinese characters.
"""

from __future__ import annotations

import re
from functools import lru_cache
from types import SimpleNamespace

_CJK = r"\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
_MASK = "\ue000"  # private-use stand-in for a protected span


@lru_cache(maxsize=1)
def _patterns() -> SimpleNamespace:
    """The patterns, compiled on first use (compiling them costs more than a --help run)."""
    return SimpleNamespace(
        has_cjk=re.compile(rf"[{_CJK}]"),
        # Spans that must keep their characters: inline code, link targets, autolinks, bare URLs.
        protected=re.compile(rf"`[^`\n]*`|\]\([^)\s]*\)|<https?://[^>\s]*>|https?://[^\s<>(){_CJK}]*[^\s<>(),.;:!?{_CJK}]"),
        parens=re.compile(r"[ \t]*\(([^()\n]*)\)[ \t]*"),
        semicolon=re.compile(r"[ \t]*;[ \t]*"),
        comma=re.compile(r"(?<![0-9])[ \t]*,[ \t]*|(?<=[0-9]),(?=[^\s0-9])"),
        colon=re.compile(rf"(?<=[{_CJK}*_）])[ \t]*:[ \t]*|:[ \t]*(?=[{_CJK}*_])"),
        bang_question=re.compile(rf"(?<=[{_CJK}])([!?])"),
        cjk_space=re.compile(rf"(?<=[{_CJK}]) +(?=[{_CJK}])"),
    )


_FULL = {"!": "！", "?": "？"}


def _paren(match: re.Match[str]) -> str:
    """（…） unless it is Latin notation such as f(x) or 12(3) with no Chinese inside."""
    start, inner = match.start(), match.group(1)
    before = match.string[start - 1] if start else ""
    # A range of article numbers, "(a)(3)–(5)", continues the notation across the dash.
    in_range = before in "–-" and start >= 2 and match.string[start - 2] == ")"
    glued_to_latin = match.group(0)[0] == "(" and (before.isascii() and (before.isalnum() or before in ")]") or in_range)
    if glued_to_latin and not _patterns().has_cjk.search(inner):
        return match.group(0)
    return f"（{inner}）"


def polish_zh(text: str) -> str:
    """Full-width punctuation for a Chinese text; Latin notation and code untouched."""
    p = _patterns()
    if not text or not p.has_cjk.search(text):
        return text
    kept: list[str] = []

    def mask(match: re.Match[str]) -> str:
        kept.append(match.group(0))
        return _MASK

    body = p.protected.sub(mask, text)
    body = p.parens.sub(_paren, body)
    body = p.semicolon.sub("；", body)
    body = p.comma.sub("，", body)
    body = p.colon.sub("：", body)
    body = p.bang_question.sub(lambda m: _FULL[m.group(1)], body)
    body = p.cjk_space.sub("", body)
    pieces = iter(kept)
    return re.sub(_MASK, lambda _: next(pieces), body)
