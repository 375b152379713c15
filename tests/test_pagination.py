"""--paginate and --format pdf: the TOC's stored page numbers are the pages LibreOffice lays
the headings on, the PDF has an outline and the document's properties, and a missing
LibreOffice is a clear exit-2 message.

Each paginated guide costs two LibreOffice conversions (the layout pass and the PDF), so one
CLI render per language is shared by every test of this module.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from conftest import FIXED_DATE, guide_for, need_tool, rendered, run_cli, run_tool

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
GUIDES = [("email-marketing", "en"), ("helpdesk", "zh")]


def _document(docx: bytes) -> etree._Element:
    with zipfile.ZipFile(__import__("io").BytesIO(docx)) as z:
        return etree.fromstring(z.read("word/document.xml"))


def _settings(docx: bytes) -> bytes:
    with zipfile.ZipFile(__import__("io").BytesIO(docx)) as z:
        return z.read("word/settings.xml")


def _text(element: etree._Element) -> str:
    return "".join(t.text or "" for t in element.iter(f"{W}t"))


def toc_entries(docx: bytes) -> list[tuple[str, str, int]]:
    """(heading label, bookmark, stored page) of every TOC entry, read from the field's result."""
    entries = []
    for link in _document(docx).iter(f"{W}hyperlink"):
        instr = "".join(i.text or "" for i in link.iter(f"{W}instrText"))
        if "PAGEREF" not in instr:
            continue
        runs = list(link.iter(f"{W}r"))
        label = _text(runs[0])
        separate = next(i for i, r in enumerate(runs) if r.find(f"{W}fldChar") is not None
                        and r.find(f"{W}fldChar").get(f"{W}fldCharType") == "separate")
        page = int(_text(runs[separate + 1]))
        entries.append((label, link.get(f"{W}anchor"), page))
    return entries


def _squash(text: str) -> str:
    return "".join(text.split())


@pytest.fixture(scope="module")
def paginated(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], tuple[bytes, Path]]:
    """(paginated DOCX bytes, PDF path) per guide, rendered through the CLI as a user would."""
    need_tool("soffice")
    need_tool("pdfinfo")
    out = tmp_path_factory.mktemp("paginated")
    found = {}
    for blueprint, lang in GUIDES:
        code, _, err = run_cli("render", blueprint, "--lang", lang, "--format", "docx", "--format", "pdf",
                               "--paginate", "--date", FIXED_DATE, "--out", out)
        assert code == 0, err
        stem = out / f"{blueprint}-{guide_for(blueprint, lang).meta.complexity}-{lang}"
        found[(blueprint, lang)] = (stem.with_suffix(".docx").read_bytes(), stem.with_suffix(".pdf"))
    return found


@pytest.mark.parametrize(("blueprint", "lang"), GUIDES)
def test_toc_lists_every_heading_with_the_page_the_pdf_shows_it_on(paginated, blueprint: str, lang: str) -> None:
    docx, pdf = paginated[(blueprint, lang)]
    entries = toc_entries(docx)
    from guidegen.document.layout import Heading, build_document

    headings = [b for b in build_document(guide_for(blueprint, lang)).blocks if isinstance(b, Heading)]
    assert [label for label, _, _ in entries] == [f"{h.number} {h.text}" for h in headings]
    pages = run_tool([need_tool("pdftotext"), "-layout", str(pdf), "-"], pdf.parent).stdout.split("\f")
    toc_last = max(i for i, page in enumerate(pages) if _squash(entries[-1][0]) in _squash(page)
                   and i + 1 < entries[0][2])
    for label, _, page in entries:
        assert page > toc_last + 1, f"'{label}' points into the front matter (page {page})"
        lines = [_squash(line) for line in pages[page - 1].splitlines()]
        key = _squash(label)
        assert any(key.startswith(line) and len(line) >= min(len(key), 6) for line in lines if line), (
            f"'{label}' is listed on page {page}, but that page of the PDF does not show it")
    assert [p for _, _, p in entries] == sorted(p for _, _, p in entries)


@pytest.mark.parametrize(("blueprint", "lang"), GUIDES)
def test_pdf_outline_follows_the_headings_and_agrees_with_the_toc(paginated, blueprint: str, lang: str) -> None:
    docx, pdf = paginated[(blueprint, lang)]
    xml = run_tool([need_tool("pdftohtml"), "-xml", "-stdout", "-i", "-q", str(pdf)], pdf.parent).stdout
    outline = [(_squash(re.sub(r"<[^>]+>", "", m.group(2))), int(m.group(1)))
               for m in re.finditer(r'<item page="(\d+)">(.*?)</item>', xml)]
    toc = [(_squash(label), page) for label, _, page in toc_entries(docx)]
    import html

    assert [(html.unescape(t), p) for t, p in outline] == toc


@pytest.mark.parametrize(("blueprint", "lang"), GUIDES)
def test_pdf_carries_the_document_properties(paginated, blueprint: str, lang: str) -> None:
    _, pdf = paginated[(blueprint, lang)]
    info = run_tool([need_tool("pdfinfo"), str(pdf)], pdf.parent).stdout
    fields = dict(line.split(":", 1) for line in info.splitlines() if ":" in line)
    from guidegen.document.layout import build_document

    props = build_document(guide_for(blueprint, lang)).properties
    assert fields["Title"].strip() == props.title
    assert fields["Subject"].strip() == props.subject
    # LibreOffice splits the keywords into words on import; every word is kept.
    assert set(re.split(r"[,;\s]+", fields["Keywords"].strip())) == {w for k in props.keywords for w in k.split()}


@pytest.mark.parametrize(("blueprint", "lang"), GUIDES)
def test_paginated_docx_never_asks_word_to_update_fields(paginated, blueprint: str, lang: str) -> None:
    docx, _ = paginated[(blueprint, lang)]
    assert b"updateFields" not in _settings(docx)
    root = _document(docx)
    assert not [f for f in root.iter(f"{W}fldChar") if f.get(f"{W}dirty")]
    bookmarks = {b.get(f"{W}name"): b.getparent() for b in root.iter(f"{W}bookmarkStart")}
    for label, anchor, _ in toc_entries(docx):
        heading = bookmarks[anchor]  # the link leads to the heading's own paragraph
        assert heading.find(f"{W}pPr/{W}pStyle").get(f"{W}val").startswith("Heading")
        assert label.endswith(_text(heading))
    for p in root.iter(f"{W}p"):
        style = p.find(f"{W}pPr/{W}pStyle")
        if style is not None and re.fullmatch(r"TOC\d", style.get(f"{W}val")):
            tab = p.find(f"{W}pPr/{W}tabs/{W}tab")
            assert (tab.get(f"{W}val"), tab.get(f"{W}leader")) == ("right", "dot")


def test_docx_without_paginate_keeps_the_update_on_open_toc() -> None:
    docx = rendered("email-marketing", "docx", "en")
    update = etree.fromstring(_settings(docx)).find(f"{W}updateFields")
    assert update is not None and update.get(f"{W}val") == "true"
    assert not toc_entries(docx)
    assert [f for f in _document(docx).iter(f"{W}fldChar") if f.get(f"{W}dirty") == "true"]


@pytest.mark.parametrize("args", [("--format", "pdf"), ("--format", "docx", "--paginate")])
def test_missing_libreoffice_is_exit_2_naming_what_to_install(monkeypatch, tmp_path: Path, args) -> None:
    import guidegen.writers.libreoffice as lo

    monkeypatch.setattr(lo.shutil, "which", lambda name: None)
    code, _, err = run_cli("render", "email-marketing", *args, "--out", tmp_path)
    assert code == 2
    assert args[-1] in err and "LibreOffice" in err and "apt-get install libreoffice" in err
    assert "Traceback" not in err
    assert not list(tmp_path.iterdir())


# --------------------------------------------------------------------------- captions
_CAPTION = re.compile(r"^\s*(Table|Figure|表|图) ?(\d+)-(\d+)")


def docx_captions(docx: bytes) -> list[tuple[str, str, str]]:
    """(SEQ instruction, cached number 'chapter-n', caption text) of every numbered caption."""
    found = []
    for p in _document(docx).iter(f"{W}p"):
        instructions = [(i.text or "").strip() for i in p.iter(f"{W}instrText")]
        seq = [i for i in instructions if i.startswith("SEQ ")]
        if seq:
            text = _text(p)
            found.append((seq[0], _CAPTION.match(text).group(2) + "-" + _CAPTION.match(text).group(3), text))
    return found


@pytest.mark.parametrize(("blueprint", "lang"), GUIDES)
def test_captions_are_the_sequences_word_inserts_and_libreoffice_numbers_them_alike(
        paginated, blueprint: str, lang: str) -> None:
    docx, pdf = paginated[(blueprint, lang)]
    captions = docx_captions(docx)
    assert len(captions) > 10
    for instruction, number, text in captions:
        kind = "Figure" if text.startswith(("Figure", "图")) else "Table"
        restart = " \\r 1" if number.endswith("-1") else ""
        assert instruction == f"SEQ {kind} \\* ARABIC \\s 1{restart}", text
    text = run_tool([need_tool("pdftotext"), "-layout", str(pdf), "-"], pdf.parent).stdout
    shown = [f"{m.group(2)}-{m.group(3)}" for m in map(_CAPTION.match, text.splitlines()) if m]
    assert shown == [number for _, number, _ in captions]


@pytest.mark.parametrize(("blueprint", "lang"), GUIDES)
def test_pandoc_reads_every_caption_as_its_tables_caption(blueprint: str, lang: str) -> None:
    import json

    docx = rendered(blueprint, "docx", lang)
    import subprocess

    ast = json.loads(subprocess.run([need_tool("pandoc"), "-f", "docx", "-t", "json"], input=docx,
                                    capture_output=True, timeout=120, check=True).stdout)

    def plain(inlines: list) -> str:
        parts = []
        for i in inlines:
            kind, content = i["t"], i.get("c")
            if kind == "Str":
                parts.append(content)
            elif kind in ("Space", "SoftBreak", "LineBreak"):
                parts.append(" ")
            elif kind == "Code":
                parts.append(content[1])
            elif kind in ("Emph", "Strong", "Underline"):
                parts.append(plain(content))
            elif kind in ("Span", "Link"):
                parts.append(plain(content[1]))
        return "".join(parts)

    tables = [b for b in ast["blocks"] if b["t"] == "Table"]
    read = [plain(t["c"][1][1][0]["c"]) for t in tables if t["c"][1][1]]
    assert read and read == [text.strip() for _, _, text in docx_captions(docx)]


# --------------------------------------------------------------------------- no blank pages
def _style(p: etree._Element) -> str | None:
    style = p.find(f"{W}pPr/{W}pStyle")
    return style.get(f"{W}val") if style is not None else None



@pytest.mark.parametrize("blueprint", ["email-marketing", "erp"])
def test_no_paragraph_exists_only_to_break_a_page_or_a_section(blueprint: str) -> None:
    """Sections end in their last real paragraph, or (after a table) in the 1 pt paragraph a
    table must be followed by; new pages start with pageBreakBefore, not a break paragraph.
    (tests/test_real_readers.py checks the result: no blank page in LibreOffice's PDF.)"""
    body = _document(rendered(blueprint, "docx", "en")).find(f"{W}body")
    children = list(body)
    assert not [br for br in body.iter(f"{W}br") if br.get(f"{W}type") == "page"]
    breaking = [b.getparent().getparent() for b in body.iter(f"{W}pageBreakBefore")]
    styles = [p.find(f"{W}pPr/{W}pStyle").get(f"{W}val") for p in breaking]
    # Document control, contents, then only chapters (Heading 1) start pages this way...
    assert styles[:2] == ["GuideFrontHeading", "TOCHeading"] and set(styles[2:]) == {"Heading1"}
    ends = [p for p in children if p.tag == f"{W}p" and p.find(f"{W}pPr/{W}sectPr") is not None]
    # ...and every chapter starts a page: by its own break or as the first paragraph of a section.
    for heading in (p for p in children if p.tag == f"{W}p" and _style(p) == "Heading1"):
        previous = children[children.index(heading) - 1]
        assert heading in breaking or previous in ends, _text(heading)
    assert ends, "the built-in guide has landscape sections"
    for p in ends:
        if _text(p).strip():
            continue
        before = children[children.index(p) - 1]
        assert before.tag == f"{W}tbl", "an empty paragraph carries a section break"
        spacing = p.find(f"{W}pPr/{W}spacing")
        assert (spacing.get(f"{W}line"), spacing.get(f"{W}lineRule")) == ("20", "exact")
    last = children[-2]  # before the body's sectPr
    assert _text(last).strip() or last.find(f"{W}pPr/{W}spacing").get(f"{W}line") == "20"


# --------------------------------------------------------------------------- fitting short pages
def _chapters(blueprint: str, lang: str) -> list[int]:
    from guidegen.document.layout import Heading, build_document

    headings = [b for b in build_document(guide_for(blueprint, lang)).blocks if isinstance(b, Heading)]
    return [n for n, h in enumerate(headings) if h.level == 1]


def _fit(chapter_pages: list[int], fills: list[tuple[float, bool]]):
    """page_fit for email-marketing (en) laid out with its chapters on these pages."""
    from guidegen.document.layout import build_document
    from guidegen.writers.docx import _bookmark, page_fit

    chapters = _chapters("email-marketing", "en")
    pages = {_bookmark(n): page for n, page in zip(chapters, chapter_pages)}
    return page_fit(build_document(guide_for("email-marketing", "en")), pages, fills), chapters


FULL, SHORT = (0.9, False), (0.1, False)
WIDE_FULL, WIDE_SHORT = (0.9, True), (0.1, True)


def test_a_chapter_after_a_short_page_continues_on_it_when_the_orientation_stays() -> None:
    # pages: 1 cover, 2 control, 3 TOC, 4-5 chapter 1 (5 short), 6 chapter 2, 7-8 chapter 3 (8 short, landscape)
    fills = [FULL, FULL, FULL, FULL, SHORT, FULL, WIDE_FULL, WIDE_SHORT, WIDE_FULL, *[FULL] * 8]
    fit, chapters = _fit([4, 6, 7, 9, 10, 11, 12, 13], fills)
    assert fit.run_in == {chapters[1], chapters[3]}  # after page 5 (portrait) and page 8 (landscape)
    assert not fit.portrait_opening and not fit.landscape_opening and not fit.compact_toc


def test_a_short_page_before_a_change_of_orientation_is_fitted_only_where_a_portrait_page_can_take_more() -> None:
    # page 5 (portrait, short) ends chapter 1 before chapter 2's landscape pages: chapter 2 runs
    # in with its opening kept portrait; page 8 (landscape, short) ends chapter 2 before a
    # portrait chapter: a section starts a page, nothing to do; page 10 (portrait, short) is
    # inside chapter 3, before its landscape tables: its opening goes landscape with them.
    fills = [FULL, FULL, FULL, FULL, SHORT, WIDE_FULL, WIDE_FULL, WIDE_SHORT, FULL, SHORT, WIDE_FULL, *[FULL] * 6]
    fit, chapters = _fit([4, 6, 9, 12, 13, 14, 15, 16], fills)
    assert fit.run_in == {chapters[1]} and fit.portrait_opening == {chapters[1]}
    assert fit.landscape_opening == {chapters[2]}


def test_a_toc_spilling_onto_a_short_page_is_made_compact_and_a_short_toc_is_left_alone() -> None:
    from guidegen.writers.docx import PageFit

    fit, _ = _fit([5, 7, 8, 9, 10, 11, 12, 13], [FULL, FULL, FULL, SHORT, *[FULL] * 9])
    assert fit.compact_toc and not fit.run_in
    fit, _ = _fit([4, 7, 8, 9, 10, 11, 12, 13], [FULL, SHORT, SHORT, *[FULL] * 10])  # a one-page TOC
    assert fit == PageFit() and not fit


def test_fitting_removes_the_chapters_page_break_and_the_tocs_spacing_in_the_word_xml() -> None:
    from guidegen.document.layout import build_document
    from guidegen.writers import WriterOptions
    from guidegen.writers.docx import PageFit, _render

    doc = build_document(guide_for("email-marketing", "en"))
    chapters = _chapters("email-marketing", "en")

    def chapter_breaks(docx: bytes) -> list[bool]:
        root = _document(docx)
        return [p.find(f"{W}pPr/{W}pageBreakBefore") is not None for p in root.iter(f"{W}p")
                if (s := p.find(f"{W}pPr/{W}pStyle")) is not None and s.get(f"{W}val") == "Heading1"]

    def toc_spacing(docx: bytes) -> list[str | None]:
        return [p.find(f"{W}pPr/{W}spacing").get(f"{W}after") if p.find(f"{W}pPr/{W}spacing") is not None else None
                for p in _document(docx).iter(f"{W}p")
                if (s := p.find(f"{W}pPr/{W}pStyle")) is not None and re.fullmatch(r"TOC\d", s.get(f"{W}val"))]

    plain = _render(doc, WriterOptions(), {})
    fitted = _render(doc, WriterOptions(), {}, PageFit(run_in=frozenset({chapters[2]}), compact_toc=True))
    breaks = chapter_breaks(plain)
    assert breaks[2]  # the third chapter starts a page (a chapter opening on landscape pages starts a section)
    assert chapter_breaks(fitted) == breaks[:2] + [False] + breaks[3:]
    assert set(toc_spacing(plain)) == {None} and set(toc_spacing(fitted)) == {"0"}


def test_a_fitting_change_that_leaves_more_short_pages_is_not_kept(monkeypatch) -> None:
    """Layout passes are simulated: the first layout has one short page (before the third
    chapter, so that chapter is asked to run in); laid out with that change, two pages are
    short. The document keeps the first layout: the third chapter starts its page, and the TOC
    shows the first layout's pages."""
    from guidegen.writers import WriterOptions, libreoffice
    from guidegen.writers.docx import _bookmark, write_docx

    chapters = _chapters("email-marketing", "en")
    first = {_bookmark(n): page for n, page in zip(chapters, [4, 6, 8, 10, 12, 14, 16, 18])}
    second = {_bookmark(n): page for n, page in zip(chapters, [4, 6, 7, 10, 12, 14, 16, 18])}
    layouts = iter([(first, [FULL] * 6 + [SHORT] + [FULL] * 12),
                    (second, [FULL] * 4 + [SHORT, FULL, SHORT] + [FULL] * 12)])
    shown: list[tuple[dict[str, int], list[tuple[float, bool]]]] = []  # the layouts, by "PDF" number

    def lay_out(docx: bytes, option: str = "") -> bytes:
        shown.append(next(layouts, (second, [FULL] * 4 + [SHORT, FULL, SHORT] + [FULL] * 12)))
        return str(len(shown) - 1).encode()

    monkeypatch.setattr(libreoffice, "require_tools", lambda option: None)
    monkeypatch.setattr(libreoffice, "docx_to_pdf", lay_out)
    monkeypatch.setattr(libreoffice, "bookmark_pages", lambda pdf, option="": shown[int(pdf)][0])
    monkeypatch.setattr(libreoffice, "page_fills", lambda pdf, option="": shown[int(pdf)][1])
    docx = write_docx(guide_for("email-marketing", "en"), WriterOptions(paginate=True))
    assert len(shown) >= 2  # the change was tried
    root = _document(docx)
    third = [p for p in root.iter(f"{W}p") if (s := p.find(f"{W}pPr/{W}pStyle")) is not None
             and s.get(f"{W}val") == "Heading1"][2]
    assert third.find(f"{W}pPr/{W}pageBreakBefore") is not None
    assert {anchor: page for _, anchor, page in toc_entries(docx) if anchor in first} == first
