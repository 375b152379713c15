"""Every built-in guide, in Chinese and English, as LibreOffice lays it out on paper: no blank
page, no identifier broken where no break is allowed, no header word broken, and at most one
page less than half full inside each chapter (a chapter's last page may be short).

One PDF per guide is rendered through the CLI for the whole module (ten LibreOffice layouts
and conversions: the slowest test module, run in CI where LibreOffice is installed).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import FIXED_DATE, available_builtins, guide_for, need_tool, run_cli
from pdf_pages import (
    broken_words,
    chapter_starts,
    document_texts,
    identifier_breaks,
    page_fill,
    read_pages,
    spaced_somewhere,
    table_words,
    text_words,
    under_filled_pages,
)

from guidegen.document.layout import build_document
from guidegen.writers.libreoffice import bookmark_pages

LANGS = ("zh", "en")
GUIDES = [(b, lang) for b in available_builtins() for lang in LANGS]


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    need_tool("soffice")
    need_tool("pdftotext")
    out = tmp_path_factory.mktemp("page-layout")
    code, _, err = run_cli("render", "--all", *[a for lang in LANGS for a in ("--lang", lang)], "--format", "pdf",
                           "--date", FIXED_DATE, "--out", out, "--jobs", "2")
    assert code == 0, err
    return out


def _pdf(folder: Path, blueprint: str, lang: str) -> Path:
    return folder / f"{blueprint}-{guide_for(blueprint, lang).meta.complexity}-{lang}.pdf"


@pytest.mark.parametrize(("blueprint", "lang"), GUIDES)
def test_no_page_is_blank(pdfs: Path, blueprint: str, lang: str) -> None:
    fills = page_fill(read_pages(_pdf(pdfs, blueprint, lang)))
    assert [page for page, fill in enumerate(fills, 1) if fill == 0] == []


@pytest.mark.parametrize(("blueprint", "lang"), GUIDES)
def test_no_identifier_or_header_word_is_broken_across_lines(pdfs: Path, blueprint: str, lang: str) -> None:
    pdf = _pdf(pdfs, blueprint, lang)
    pages = read_pages(pdf)
    document = build_document(guide_for(blueprint, lang))
    body = min(page for name, page in bookmark_pages(pdf.read_bytes()).items() if name.startswith("_Toc"))
    identifiers, headers = identifier_breaks(pages, document, body)
    assert not identifiers, "identifiers broken mid-token: " + ", ".join(map(str, identifiers))
    assert not headers, "header words broken: " + ", ".join(map(str, headers))


@pytest.mark.parametrize(("blueprint", "lang"), GUIDES)
def test_no_latin_word_of_prose_lists_or_table_text_is_broken_inside(pdfs: Path, blueprint: str, lang: str) -> None:
    """Words of prose, list items and the tables' text columns (in a Chinese guide too, where
    Latin text meets full-width punctuation) break only after . _ / -. A word longer than 22
    characters (a long type name, a URL) may wrap anywhere in a column narrower than it."""
    pdf = _pdf(pdfs, blueprint, lang)
    document = build_document(guide_for(blueprint, lang))
    body = min(page for name, page in bookmark_pages(pdf.read_bytes()).items() if name.startswith("_Toc"))
    words = {w for w in text_words(document) if len(w) <= 22}
    texts = document_texts(document)
    broken = [b for b in broken_words(read_pages(pdf), words, body) if not b.allowed and not spaced_somewhere(texts, b)]
    assert not broken, "words broken mid-word: " + ", ".join(map(str, broken))


@pytest.mark.parametrize(("blueprint", "lang"), GUIDES)
def test_at_most_one_under_half_full_page_inside_each_chapter(pdfs: Path, blueprint: str, lang: str) -> None:
    pdf = _pdf(pdfs, blueprint, lang)
    document = build_document(guide_for(blueprint, lang))
    marks = bookmark_pages(pdf.read_bytes())
    heading_pages = [page for name, page in sorted(marks.items()) if name.startswith("_Toc")]
    starts = chapter_starts(document, heading_pages)
    assert len(starts) == sum(1 for b in document.blocks if getattr(b, "level", 0) == 1)
    crowded = {chapter + 1: pages for chapter, pages in under_filled_pages(page_fill(read_pages(pdf)), starts).items()
               if len(pages) > 1}
    assert not crowded, f"chapters with more than one page under half full (chapter: pages): {crowded}"


@pytest.mark.parametrize(("blueprint", "lang"), GUIDES)
def test_no_page_holds_only_a_few_lines_before_a_chapter_or_a_landscape_section(pdfs: Path, blueprint: str,
                                                                                  lang: str) -> None:
    """The page before a chapter (the end of the one before, or of the TOC) and the page before
    a chapter's landscape pages are at least a quarter full. Allowed: a landscape page that ends
    a chapter before a portrait chapter (the new section starts a page, and no text of either
    can move across it)."""
    pdf = _pdf(pdfs, blueprint, lang)
    pages = read_pages(pdf)
    fills = page_fill(pages)
    document = build_document(guide_for(blueprint, lang))
    heading_pages = [page for name, page in sorted(bookmark_pages(pdf.read_bytes()).items()) if name.startswith("_Toc")]
    starts = chapter_starts(document, heading_pages)
    short = []
    for page in range(starts[0] - 1, len(pages)):  # 1-based; the last page may be short
        if page == starts[0] - 1 and fills[page - 2] < 0.75:
            continue  # a TOC of one page (after a page that is not full) may be short
        turns = pages[page - 1].landscape != pages[page].landscape
        if fills[page - 1] < 0.25 and (page + 1 in starts and not (turns and pages[page - 1].landscape)
                                       or page + 1 not in starts and turns):
            short.append((page, round(fills[page - 1], 2)))
    assert not short, f"pages holding only a few lines (page, fill): {short}"


def test_the_break_finder_sees_a_word_split_across_lines() -> None:
    """The checks above would pass on nothing: the finder reports a word split at the end of a
    line and continued at the start of the next, and not one merely followed by another."""
    from pdf_pages import Page, Word

    page = Page(600, 800, [Word(100, 100, 150, 110, "Contact.Ema"), Word(100, 112, 130, 122, "ilVerified"),
                           Word(300, 100, 340, 110, "first"), Word(300, 112, 330, 122, "second")])
    found = broken_words([page], {"Contact.EmailVerified", "firstly"})
    assert [(b.word, b.at, b.allowed) for b in found] == [("Contact.EmailVerified", 11, False)]
    ids, _ = table_words(build_document(guide_for("erp", "en")))
    assert any("." in i for i in ids) and any("_" in i for i in ids)


def test_the_break_finder_sees_latin_words_split_inside_chinese_text_and_not_two_words() -> None:
    """pdftotext joins Latin text to the Chinese around it: "以custome" ends a line and
    "r、fraud" opens the next. A split that the text also writes as two words ("real time")
    is not certain, and is left out."""
    from pdf_pages import Break, Page, Word

    page = Page(600, 800, [Word(100, 100, 150, 110, "使用AP"), Word(100, 112, 200, 122, "I（API_X、API_Y"),
                           Word(300, 100, 340, 110, "real"), Word(300, 112, 330, 122, "time")])
    found = broken_words([page], {"API", "realtime"})
    assert [(b.word, b.at) for b in found] == [("API", 2), ("realtime", 4)]
    assert not spaced_somewhere(["以 API 为例"], found[0])
    assert spaced_somewhere(["a real time feed"], Break(1, "realtime", 4))
