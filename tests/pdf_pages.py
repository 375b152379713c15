"""Reading a rendered PDF back as a client sees it: words with their boxes (poppler's
``pdftotext -bbox``), how full each page is, and the words a table broke across lines.

Used by the layout tests and by ``benchmarks/layout_quality.py``; no guidegen code is used to
read the PDF, only to know what the document should contain.
"""

from __future__ import annotations

import html
import re
import subprocess
from dataclasses import dataclass, replace
from pathlib import Path

from guidegen.document import layout as L

# A break inside an identifier is allowed right after one of these (the writer offers a
# zero-width break opportunity there when a column must wrap).
ALLOWED_BREAK_AFTER = "._/-"
_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>')
_PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">')
# A token that reads as an identifier or a number, not as a word of prose ("pending" and
# "realtime" are code values too, but a prose line may end in "real" before "time").
_IDENTIFIER = re.compile(r"[._/:@+\d]|[a-z][A-Z]|[A-Za-z]-[A-Za-z]")
HEADER_ZONE = 56.0  # pt: the header and footer lie this close to the page edge (margins are 72 pt)
_CJK = re.compile("[\u3000-\u9fff\uff00-\uffef]")


@dataclass(frozen=True)
class Word:
    x0: float
    y0: float
    x1: float
    y1: float
    text: str


@dataclass
class Page:
    width: float
    height: float
    words: list[Word]

    @property
    def landscape(self) -> bool:
        return self.width > self.height

    def body(self) -> list[Word]:
        """Words between the running header and footer (each within 56 pt of its page edge)."""
        return [w for w in self.words if w.y1 > HEADER_ZONE and w.y0 < self.height - HEADER_ZONE]


def read_pages(pdf: Path) -> list[Page]:
    """Every page of the PDF with its words and their boxes."""
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, timeout=300,
                         check=True).stdout
    pages: list[Page] = []
    for chunk in out.split("<page ")[1:]:
        size = _PAGE.match("<page " + chunk)
        assert size, "pdftotext -bbox output without a page size"
        words = [Word(float(a), float(b), float(c), float(d), html.unescape(t).replace("\u200b", ""))
                 for a, b, c, d, t in _WORD.findall(chunk)]
        pages.append(Page(float(size.group(1)), float(size.group(2)), words))
    return pages


def page_fill(pages: list[Page]) -> list[float]:
    """How full each page is: the lowest body text's bottom as a share of the body height,
    where the body's top and bottom are the extremes seen on pages of the same orientation
    (0 for a page with no body text, i.e. a blank page)."""
    fills = []
    extremes: dict[bool, tuple[float, float]] = {}
    for page in pages:
        body = page.body()
        if body:
            top, bottom = extremes.get(page.landscape, (page.height, 0.0))
            extremes[page.landscape] = (min(top, min(w.y0 for w in body)), max(bottom, max(w.y1 for w in body)))
    for page in pages:
        body = page.body()
        if not body:
            fills.append(0.0)
            continue
        top, bottom = extremes[page.landscape]
        fills.append((max(w.y1 for w in body) - top) / max(1.0, bottom - top))
    return fills


def chapter_starts(document: L.Document, heading_pages: list[int]) -> list[int]:
    """The page each chapter (Heading 1) starts on, given every heading's page in order."""
    headings = [b for b in document.blocks if isinstance(b, L.Heading)]
    return [page for heading, page in zip(headings, heading_pages) if heading.level == 1]


def under_filled_pages(fills: list[float], starts: list[int], threshold: float = 0.5) -> dict[int, list[int]]:
    """Chapter index -> its pages (1-based) less than ``threshold`` full that are not the
    chapter's last page (nor the document's); pages before the first chapter are left out."""
    found: dict[int, list[int]] = {}
    ends = [s - 1 for s in starts[1:]] + [len(fills)]
    for chapter, (start, end) in enumerate(zip(starts, ends)):
        for page in range(start, end):  # every page but the chapter's last
            if fills[page - 1] < threshold and not _next_starts_chapter(page, starts):
                found.setdefault(chapter, []).append(page)
    return found


def _next_starts_chapter(page: int, starts: list[int]) -> bool:
    return page + 1 in starts


def _tokens(text: str) -> list[str]:
    return [t.strip(",;:()[]\"'") for t in text.split()]


def table_words(document: L.Document) -> tuple[set[str], set[str]]:
    """(identifiers, header words) of every table: identifiers are the tokens of the
    identifier and code columns (literal columns) at least four characters long that hold a
    mark, a digit or an inner capital; header words
    are the Latin words of each header and, for a Chinese header, the header itself."""
    identifiers: set[str] = set()
    headers: set[str] = set()
    tables = [b for b in document.blocks if isinstance(b, L.Table)]
    for table in tables:
        for column in table.columns:
            headers.update(w for w in (_tokens(column.header) if not _CJK.search(column.header) else
                                       ["".join(column.header.split())]) if len(w) >= 2)
        for index, column in enumerate(table.columns):
            if not column.literal:
                continue
            for row in table.rows:
                cell = row[index]
                for text in cell if isinstance(cell, list) else [cell]:
                    identifiers.update(t for t in _tokens(text) if len(t) >= 4 and not _CJK.search(t)
                                       and _IDENTIFIER.search(t))
    return identifiers, headers


_LATIN_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-/@]*[A-Za-z0-9]")


def text_words(document: L.Document) -> set[str]:
    """The Latin words (at least four characters, one letter at least) of the prose, the lists
    and the tables' text columns: none of them may break but after ``._/-``."""
    return {w for text in document_texts(document)
            for w in _LATIN_WORD.findall(re.sub(r"\]\([^)]*\)|https?://\S+", " ", text))
            if len(w) >= 4 and re.search("[A-Za-z]", w)}


def spaced_somewhere(texts: list[str], b: Break) -> bool:
    """The document also writes the broken word's two parts as two words ("real time" beside
    "realtime"): the lines may have ended at that space, so the break is not certain."""
    pattern = re.compile(re.escape(b.word[:b.at]) + r"\s+" + re.escape(b.word[b.at:b.at + 2]))
    return any(pattern.search(text) for text in texts)


def document_texts(document: L.Document) -> list[str]:
    """The text of the prose, the list items and the tables' text columns."""
    texts: list[str] = []
    for block in document.blocks:
        if isinstance(block, L.Prose):
            texts.append(block.text)
        elif isinstance(block, L.Items):
            texts.extend(text for _, text in block.items)
        elif isinstance(block, L.Table):
            for index, column in enumerate(block.columns):
                if column.literal:
                    continue
                for row in block.rows:
                    cell = row[index]
                    texts.extend(cell if isinstance(cell, list) else [cell])
    return texts


@dataclass(frozen=True)
class Break:
    page: int
    word: str
    at: int  # characters before the break

    @property
    def allowed(self) -> bool:
        return self.word[self.at - 1] in ALLOWED_BREAK_AFTER

    def __str__(self) -> str:
        return f"p{self.page}: {self.word[:self.at]}/{self.word[self.at:]}"


def broken_words(pages: list[Page], words: set[str], first_page: int = 1) -> list[Break]:
    """Every place where one of ``words`` starts at the end of a line and goes on at the
    start of the next line in the same column (a word pdftotext sees split in two)."""
    prefixes: dict[str, set[str]] = {}
    for word in words:
        for cut in range(1, len(word)):
            prefixes.setdefault(word[:cut], set()).add(word)
    found: list[Break] = []
    for number, page in enumerate(pages, 1):
        if number < first_page:
            continue
        body = page.words
        for a in body:
            # pdftotext joins Latin text and the Chinese around it into one word: the piece
            # after the last Chinese character ends the line
            tail = _CJK_RUN.split(a.text)[-1]
            if tail not in prefixes or not _ends_cell_line(a, body):
                continue
            height = a.y1 - a.y0
            # The rest of a broken word opens the next line of the cell, at or left of where
            # the word began.
            below = [b for b in body if height * 0.5 < b.y0 - a.y0 < height * 1.8 and a.x0 - 300 < b.x0 <= a.x0 + 1
                     and _starts_cell_line(b, body)]
            for word in prefixes[tail]:
                rest = word[len(tail):]
                # A Chinese header word fills its cell alone: its rest is all its line holds.
                exact = bool(_CJK.search(word))
                if any(b.text == rest and _ends_cell_line(b, body) if exact else
                       _continues(b, rest, body) or _continues(replace(b, text=_CJK_RUN.split(b.text)[0]), rest, body)
                       for b in below):
                    found.append(Break(number, word, len(tail)))
                    break
    return found


_CJK_RUN = re.compile("[\u3000-\u9fff\uff00-\uffef]+")


def _starts_cell_line(b: Word, words: list[Word]) -> bool:
    """No word ends just before ``b`` on its line (a cell's text starts each line at its left)."""
    gap = 0.45 * (b.y1 - b.y0)
    return not any(abs(w.y0 - b.y0) < 1 and b.x0 - gap <= w.x1 < b.x0 for w in words)


def _ends_cell_line(a: Word, words: list[Word]) -> bool:
    """No word follows ``a`` on its line at a word space's distance (the next cell's text is
    further away, past the cell margins)."""
    gap = 0.45 * (a.y1 - a.y0)
    return not any(abs(w.y0 - a.y0) < 1 and a.x1 < w.x0 <= a.x1 + gap for w in words)


def _continues(b: Word, rest: str, words: list[Word]) -> bool:
    """``b`` holds the rest of the word (maybe followed by punctuation), or the next piece of
    it when it breaks once more."""
    if b.text == rest or (b.text.startswith(rest) and not (b.text[len(rest)].isalnum() or b.text[len(rest)] == "_")):
        return True
    return len(b.text) >= 2 and rest.startswith(b.text) and _ends_cell_line(b, words)


def identifier_breaks(pages: list[Page], document: L.Document, first_page: int = 1) -> tuple[list[Break], list[Break]]:
    """(identifiers broken where no break is allowed, header words broken other than after a
    hyphen or between two Chinese words), from ``first_page`` on (the contents' page numbers
    before it are no table's)."""
    identifiers, headers = table_words(document)
    bad_ids = [b for b in broken_words(pages, identifiers, first_page) if not b.allowed]
    bad_headers = [b for b in broken_words(pages, headers, first_page)
                   if not (_between_chinese_words(b) or b.word[b.at - 1] == "-")]
    return bad_ids, bad_headers


def _between_chinese_words(b: Break) -> bool:
    """A long Chinese header may take two lines when neither holds a lone character and the
    second does not open with a joining character (与, 和, 及, 的, 、)."""
    return bool(_CJK.search(b.word)) and b.at >= 2 and len(b.word) - b.at >= 2 and b.word[b.at] not in "与和及的、"
