"""DOCX writer: the client deliverable.

Cover, document-control page and a real TOC field; numbered Heading styles; every table with
a numbered caption (SEQ field), a header row that repeats on each page, rows that do not
split, widths that fit the page; wide tables in landscape sections; page X of Y in the footer;
East Asian fonts and language for Chinese. Only this package imports python-docx.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from typing import Iterator

from docx.document import Document as DocxDocument
from lxml import etree

from guidegen.document import layout as L
from guidegen.guide.model import Guide
from guidegen.writers import WriterOptions
from guidegen.writers.common import gantt_week_labels, starts_with_list
from guidegen.writers.docx.inline import (
    BlockStyles,
    Context,
    InlineWriter,
    markdown_xml,
    numbering_xml,
    paragraph_xml,
)
from guidegen.writers.docx.ooxml import (
    clark,
    el,
    field_runs,
    fragment,
    landscape_copy,
    paragraph,
    portrait_copy,
    breaking_page_before,
    ending_section,
    keeping_with_next,
    ppr_of,
    run,
    section_break,
    shading,
    sub,
    text_width,
)
from guidegen.writers.docx.package import (
    ask_word_to_update_fields,
    ensure_sect_pr,
    open_document,
    save,
    set_properties,
)
from guidegen.writers.docx.styles import (
    Theme,
    ensure_numbering,
    ensure_styles,
    theme_for,
)
from guidegen.writers.docx.tables import Measure, build_table, column_widths, measure_table, needs_landscape, table_lines

# Captions count per chapter as Word's Insert Caption (with chapter numbers) writes them:
# "表 4-2" = STYLEREF to the current Heading 1's number, then SEQ Table (or Figure) restarting
# at every Heading 1 (\s 1). LibreOffice ignores \s but honours \r, so the first caption of
# each chapter also resets the sequence to 1 (\r 1): both show the same numbers. The cached
# results are what readers show until fields are updated, so they are computed here too.
_CHAPTER_FIELD = "STYLEREF 1 \\s"
BODY_MARKER = "guidegen-body"
# The layout pass shows this in place of each TOC page number, as wide as the real ones, so
# the TOC takes the same lines in both passes.
_PAGE_PLACEHOLDER = "000"


def east_asian(p: L.Properties) -> bool:
    """The text is in an East Asian language (quotes and dashes take full width)."""
    return p.language_tag.split("-")[0] == p.east_asian_tag.split("-")[0]


def _bookmark(index: int) -> str:
    """Word's own naming for the hidden bookmarks a TOC links to."""
    return f"_Toc{index + 1:06d}"


@dataclass
class _Writer:
    document: DocxDocument
    ctx: Context
    theme: Theme
    doc: L.Document
    sect_pr: etree._Element
    parts: list[str | bytes] = field(default_factory=list)  # text; a table as UTF-8 bytes
    measures: dict[int, Measure] = field(default_factory=dict)
    # Paginated render: heading bookmark -> page ({} in the layout pass, placeholders shown);
    # None: no bookmarks, and the TOC is left for Word to fill in.
    pages: dict[str, int] | None = None
    heading_count: int = 0
    spacer_at: int = -1  # index in parts of the empty paragraph after the last table
    break_before: bool = False  # the next element starts a new page
    fit: PageFit = field(default_factory=lambda: PageFit())

    @property
    def east_asian(self) -> bool:
        return east_asian(self.doc.properties)

    @property
    def styles(self):  # noqa: ANN201 - StyleMap
        return self.ctx.styles

    def measure(self, table: L.Table) -> Measure:
        """A table's text measured once (orientation and widths both use it)."""
        key = id(table)
        if key not in self.measures:
            self.measures[key] = measure_table(table, self.theme.table_size, self.east_asian)
        return self.measures[key]

    def add(self, element: etree._Element | str, final: bool = False) -> None:
        """Append body content (an element or WordprocessingML text) before the final sectPr.
        ``final``: no later step changes it (a table), so it is kept as UTF-8 bytes, which for
        Chinese text take about half the memory of the string."""
        text = element if isinstance(element, str) else fragment(element, self.document.element.nsmap)
        if self.break_before:
            text = breaking_page_before(text)
            self.break_before = False
        self.parts.append(text.encode("utf-8") if final else text)

    def body_xml(self) -> Iterator[bytes]:
        """The body as chunks of bytes, to be put in place of the marker when the package is
        written: building a million elements into python-docx's tree, only to serialize them
        again, costs several times more time and memory than writing the text once; and the
        text is streamed into the package a chunk at a time, each chunk's parts freed as it goes."""
        self.document.element.body.insert(0, etree.Comment(BODY_MARKER))
        parts, self.parts = self.parts, []
        return _chunks(parts)

    def prose(self, text: str, lead: str | None = None) -> None:
        for p in markdown_xml(self.ctx, text, BlockStyles(self.styles["normal"]), lead):
            self.add(p)

    # ------------------------------------------------------------------ front matter
    def front(self) -> None:
        f = self.doc.front
        self.add(paragraph(self.styles["title"], run(f.title)))
        self.add(paragraph(self.styles["subtitle"], run(f.subtitle)))
        sep = self.doc.colon
        for label, value in f.cover:
            self.add(paragraph(self.styles["cover_meta"], run(label + sep, _bold()), run(value)))
        self.page_break()
        self.add(paragraph(self.styles["front_heading"], run(self.doc.labels["doc_control"])))
        for caption, table in ((self.doc.labels["revision_history"], f.revisions), (self.doc.labels["approvals"], f.approvals)):
            self.add(paragraph(self.styles["caption"], run(caption)))
            self.table(table, captioned=False)
        self.page_break()
        self.toc()
        self.page_break()

    def page_break(self) -> None:
        """The next paragraph starts a new page (w:pageBreakBefore): a paragraph holding only
        a page break lands on a page of its own, and makes it blank, when the page is full."""
        self.break_before = True

    def toc(self) -> None:
        """A TOC field over Heading 1-3. Unpaginated, it is marked dirty so Word rebuilds it
        with page numbers on open, and its cached result lists the headings so the page is
        never empty. Paginated (``self.pages`` known), the cached result is what Word itself
        writes: each entry a link to its heading's bookmark, a dot leader and a PAGEREF whose
        result is the page LibreOffice laid the heading on; nothing asks for an update."""
        self.add(paragraph(self.styles["toc_heading"], run(self.doc.labels["toc"])))
        entries = [b for b in self.doc.blocks if isinstance(b, L.Heading)]
        paginated = self.pages is not None
        begin, instr, separate, _cached, end = field_runs('TOC \\o "1-3" \\h \\z \\u', "", dirty=not paginated)
        first = paragraph(self.styles["toc1"], begin, instr, separate)
        if not entries:
            first.append(run(self.doc.labels["toc_placeholder"]))
            first.append(end)
            self.add(first)
            return
        paragraphs = [first] + [paragraph(None) for _ in entries[1:]]
        tab_stop = text_width(self.sect_pr)
        page = 1
        for index, (p, heading) in enumerate(zip(paragraphs, entries)):
            ppr = ppr_of(p)
            pstyle = ppr.find(clark("w:pStyle"))
            if pstyle is None:
                pstyle = sub(ppr, "w:pStyle")
            pstyle.set(clark("w:val"), self.styles[f"toc{heading.level}"])
            if self.fit.compact_toc:  # the entries' own spacing, no more: a few lines no longer spill over
                sub(ppr, "w:spacing", {"w:before": "0", "w:after": "0"})
            label = f"{heading.number} {heading.text}"
            if not paginated:
                p.append(run(label))
                continue
            name = _bookmark(index)
            page = self.pages.get(name, page) if self.pages else page  # type: ignore[union-attr]
            sub(sub(ppr, "w:tabs"), "w:tab", {"w:val": "right", "w:leader": "dot", "w:pos": str(tab_stop)})
            link = sub(p, "w:hyperlink", {"w:anchor": name, "w:history": "1"})
            link.append(run(label))
            link.append(run("\t"))
            for r in field_runs(f"PAGEREF {name} \\h", str(page) if self.pages else _PAGE_PLACEHOLDER):
                link.append(r)
        paragraphs[-1].append(end)
        for p in paragraphs:
            self.add(p)

    # ------------------------------------------------------------------ body
    def blocks(self) -> None:
        """The body; runs of wide tables get landscape sections of their own."""
        portrait_width = text_width(self.sect_pr)
        landscape_width = text_width(landscape_copy(self.sect_pr))
        breaks = 0
        inside = False
        blocks = self.doc.blocks
        starts: list[int] = []  # where each block's paragraphs begin in self.parts
        for index, (block, wide) in enumerate(zip(blocks, self._landscape_flags(portrait_width, landscape_width))):
            if isinstance(block, L.Table) and wide == inside:
                self.keep_lead_in(blocks, starts, index)
            if wide != inside:
                if wide:  # end the portrait section; the first one keeps the cover's title page
                    ending = copy.deepcopy(self.sect_pr) if breaks == 0 else portrait_copy(self.sect_pr)
                else:
                    ending = landscape_copy(self.sect_pr)
                self.end_section(ending)
                breaks += 1
                inside = wide
            elif isinstance(block, L.Heading) and block.level == 1 and self.heading_count:
                if self.heading_count not in self.fit.run_in:
                    self.page_break()  # every chapter after the first starts a page
            starts.append(len(self.parts))
            following, after = (blocks[index + 1:index + 3] + [None, None])[:2]
            self.block(block, landscape_width if inside else portrait_width, _keeps_legend(block, following, after))
        if breaks:
            final = landscape_copy(self.sect_pr) if inside else portrait_copy(self.sect_pr)
            self.sect_pr.getparent().replace(self.sect_pr, final)
            self.sect_pr = final
        if self.spacer_at == len(self.parts) - 1:  # the document ends with a table
            self.parts[-1] = fragment(section_break(), self.document.element.nsmap)

    def end_section(self, sect_pr: etree._Element) -> None:
        """End the section in its last paragraph: no empty paragraph exists only to carry the
        break. After a table (whose spacer paragraph is last) the spacer carries it, shrunk to
        1 pt so that it cannot spill onto a page of its own."""
        nsmap = self.document.element.nsmap
        self.break_before = False  # the section starts on a new page anyway
        if self.parts and self.spacer_at != len(self.parts) - 1 and isinstance(self.parts[-1], str):
            ended = ending_section(self.parts[-1], fragment(sect_pr, nsmap))
            if ended is not None:
                self.parts[-1] = ended
                return
        p = fragment(section_break(sect_pr), nsmap)
        if self.parts and self.spacer_at == len(self.parts) - 1:
            self.parts[-1] = p
        else:
            self.parts.append(p)

    def _landscape_flags(self, portrait_width: int, landscape_width: int) -> list[bool]:
        """Which blocks go on landscape pages. Wide tables that need it go landscape; within a
        chapter, everything from the first such table to the chapter's end shares one landscape
        section (the whole field-mapping chapter rather than a flip per table), and the headings
        and prose that lead into the first one come along. Chapters start on a new page, so the
        page turns back to portrait only where a page ends anyway."""
        blocks = self.doc.blocks
        flags = [isinstance(b, L.Table) and b.wide and needs_landscape(b, self.measure(b), portrait_width, landscape_width)
                 for b in blocks]
        heading = {i: n for n, i in enumerate(i for i, b in enumerate(blocks) if isinstance(b, L.Heading))}
        chapter_starts = [i for i, b in enumerate(blocks) if isinstance(b, L.Heading) and b.level == 1] + [len(blocks)]
        for start, end in zip(chapter_starts, chapter_starts[1:]):
            wide = [i for i in range(start, end) if flags[i]]
            if not wide:
                continue
            first = wide[0]
            while first > start and isinstance(blocks[first - 1], (L.Heading, L.Prose)):
                first -= 1
            if heading[start] in self.fit.landscape_opening or (
                    heading[start] not in self.fit.portrait_opening
                    and _estimated_lines(blocks[start:first]) < SHORT_PORTRAIT_LINES):
                first = start  # a short portrait opening would leave its page mostly empty
            for i in range(first, end):
                flags[i] = True
        return flags

    def keep_lead_in(self, blocks: list[L.Block], starts: list[int], index: int) -> None:
        """The short prose between a heading and a table (its lead-in) stays on the page of
        the table's caption and first rows, as the heading stays with the lead-in."""
        first, chars = index, 0
        while first > 0 and isinstance(blocks[first - 1], (L.Prose, L.Items)) and chars <= KEPT_NOTE_CHARS * 2:
            block = blocks[first - 1]
            chars += len(block.text) if isinstance(block, L.Prose) else sum(len(t) for _, t in block.items)
            first -= 1
        if first == index or chars > KEPT_NOTE_CHARS * 2:
            return
        for at in range(starts[first], len(self.parts)):
            if isinstance(self.parts[at], str) and self.parts[at].startswith("<w:p>"):
                self.parts[at] = keeping_with_next(self.parts[at])

    def block(self, block: L.Block, width: int, keep_with_next: bool = False) -> None:
        if isinstance(block, L.Heading):
            style = self.styles[f"heading{block.level}"]
            if self.pages is None:
                self.add(paragraph(style, run(block.text)))
            else:  # a bookmark for the TOC's link and page reference
                index = self.heading_count
                self.add(paragraph(style, el("w:bookmarkStart", {"w:id": str(index + 1), "w:name": _bookmark(index)}),
                                   run(block.text), el("w:bookmarkEnd", {"w:id": str(index + 1)})))
            self.heading_count += 1
        elif isinstance(block, L.Prose):
            self.prose(block.text)
        elif isinstance(block, L.Items):
            self.items(block)
        elif isinstance(block, L.Table):
            self.table(block, width=width, keep_with_next=keep_with_next)
        elif isinstance(block, L.Gantt):
            self.gantt(block, width)
        elif isinstance(block, L.Flowchart):
            pass  # the flows are in their table; the diagram is drawn only in Markdown (Mermaid)
        else:  # pragma: no cover - a new block type without a rule is a bug
            raise TypeError(f"no DOCX rule for {type(block).__name__}")

    def items(self, block: L.Items) -> None:
        """Bullets or a numbered list; an item's bold title leads its first paragraph, or
        stands on its own line (the item) when the item's text is itself a list."""
        numbering = self.ctx.numbering
        num_id = numbering.new_ordered_list() if block.ordered else numbering.bullet_num
        style = self.styles["list_number" if block.ordered else "list_bullet"]
        for title, text in block.items:
            if title and starts_with_list(text):
                bold = InlineWriter(self.ctx)
                bold.lead(title)
                self.add(paragraph_xml(style, bold.xml(), numbering_xml(num_id)))
                paragraphs = markdown_xml(self.ctx, text, BlockStyles(style, list_depth=1))
            else:
                lead = title + self.doc.colon if title else None
                paragraphs = markdown_xml(self.ctx, text, BlockStyles(style, number=num_id), lead)
            for p in paragraphs:
                self.add(p)

    def caption(self, kind: str, number: str | None, text: str, style: str) -> etree._Element:
        label = self.doc.labels[kind]
        chapter, _, seq = (number or "").partition("-")
        runs = [run(f"{label} ")]
        runs += field_runs(_CHAPTER_FIELD, chapter)
        runs.append(run("-"))
        restart = " \\r 1" if seq == "1" else ""
        runs += field_runs(f"SEQ {kind.capitalize()} \\* ARABIC \\s 1{restart}", seq)
        runs.append(run(f" {text}"))
        return paragraph(style, *runs)

    def caption_text(self, kind: str, number: str | None, text: str) -> str:
        return f"{self.doc.labels[kind]} {number} {text}" if number else f"{self.doc.labels[kind]} {text}"

    def table(self, table: L.Table, captioned: bool = True, width: int | None = None,
              keep_with_next: bool = False) -> None:
        if captioned and table.caption:
            self.add(self.caption("table", table.number, table.caption, self.styles["caption"]))
        title = self.caption_text("table", table.number, table.caption) if captioned and table.caption else None
        available = width or text_width(self.sect_pr)
        xml = build_table(self.ctx, table, available, self.theme.border_color,
                          self.measure(table), self.theme.table_size, self.east_asian, title)
        # A small table moves to the next page whole rather than leave a row or two behind.
        whole = _small(table, self.measure(table), available)
        self.add(keeping_with_next(xml) if keep_with_next or whole else xml, final=True)
        # An empty paragraph after every table: adjacent tables would otherwise merge.
        self.add(paragraph(self.styles["normal"], keep_next=keep_with_next))
        self.spacer_at = len(self.parts) - 1

    def gantt(self, gantt: L.Gantt, width: int) -> None:
        """The timeline as an editable table: one column per week, shaded where a phase runs."""
        weeks = gantt.weeks
        headers = gantt_week_labels(gantt)
        name_width = min(int(width * 0.32), 3400)
        week_width = (width - name_width) // weeks
        tbl = el("w:tbl")
        tbl_pr = sub(tbl, "w:tblPr")
        sub(tbl_pr, "w:tblStyle", {"w:val": self.styles["table"]})
        sub(tbl_pr, "w:tblW", {"w:w": str(name_width + week_width * weeks), "w:type": "dxa"})
        sub(tbl_pr, "w:tblLayout", {"w:type": "fixed"})
        sub(tbl_pr, "w:tblLook", {"w:val": "04A0", "w:firstRow": "1", "w:lastRow": "0", "w:firstColumn": "1",
                                  "w:lastColumn": "0", "w:noHBand": "1", "w:noVBand": "1"})
        sub(tbl_pr, "w:tblCaption", {"w:val": self.caption_text("figure", gantt.number, gantt.caption)})
        grid = sub(tbl, "w:tblGrid")
        for w in [name_width] + [week_width] * weeks:
            sub(grid, "w:gridCol", {"w:w": str(w)})
        head_style, text_style = self.styles["table_heading"], self.styles["table_text"]
        tbl.append(_gantt_row([("", name_width, None)] + [(h, week_width, None) for h in headers], head_style, True))
        for bar in gantt.bars:
            cells = [(bar.name, name_width, None)] + [
                ("", week_width, self.theme.accent if bar.start_week <= week <= bar.end_week else None)
                for week in range(1, weeks + 1)
            ]
            tbl.append(_gantt_row(cells, text_style, False))
        # The figure's caption follows it: every row keeps with the next, the last with the caption.
        self.add(keeping_with_next(fragment(tbl, self.document.element.nsmap)))
        self.add(self.caption("figure", gantt.number, gantt.caption, self.styles["figure_caption"]))

    # ------------------------------------------------------------------ header and footer
    def header_footer(self, props: L.Properties) -> None:
        """Client and title in the header, classification and "page X of Y" in the footer; an
        empty first (cover) page."""
        section = self.document.sections[0]
        section.different_first_page_header_footer = True
        section.first_page_header.is_linked_to_previous = False
        section.first_page_footer.is_linked_to_previous = False
        header = section.header
        header.is_linked_to_previous = False
        hp = header.paragraphs[0]._p
        _replace_paragraph(hp, self.styles["header"], [run(" · ".join(x for x in (props.client, props.title) if x))])
        footer = section.footer
        footer.is_linked_to_previous = False
        runs: list[etree._Element] = [run(f"{props.classification} · ")] if props.classification else []
        for piece in re.split(r"(\{page\}|\{pages\})", self.doc.labels["page_x_of_y"]):
            if piece == "{page}":
                runs += field_runs("PAGE", "1")
            elif piece == "{pages}":
                runs += field_runs("NUMPAGES", "1")
            elif piece:
                runs.append(run(piece))
        _replace_paragraph(footer.paragraphs[0]._p, self.styles["footer"], runs)


# A table of at most this many rows stays on one page with a short note after it (a key).
KEPT_TABLE_ROWS = 20
KEPT_NOTE_CHARS = 300
# A table this small moves to the next page whole (a larger limit left many page ends half empty).
SMALL_TABLE_ROWS = 4
SMALL_TABLE_LINES = 12  # about a quarter of a portrait page of table text


def _small(table: L.Table, m: Measure, available: int) -> bool:
    """A table short enough to keep on one page: a few rows, a quarter of a page at most."""
    return len(table.rows) <= SMALL_TABLE_ROWS and table_lines(m, column_widths(m, available)) <= SMALL_TABLE_LINES


def _keeps_legend(block: L.Block, following: L.Block | None, after: L.Block | None) -> bool:
    """A short table followed by a short note that is not the next table's lead-in (the RACI
    key) is kept with it."""
    return (isinstance(block, L.Table) and isinstance(following, L.Prose) and len(block.rows) <= KEPT_TABLE_ROWS
            and len(following.text) <= KEPT_NOTE_CHARS and not isinstance(after, L.Table))


def _bold() -> etree._Element:
    rpr = el("w:rPr")
    sub(rpr, "w:b")
    return rpr


def _replace_paragraph(p: etree._Element, style: str, runs: list[etree._Element]) -> None:
    for child in list(p):
        p.remove(child)
    sub(ppr_of(p), "w:pStyle", {"w:val": style})
    for r in runs:
        p.append(r)


def _gantt_row(cells: list[tuple[str, int, str | None]], style: str, header: bool) -> etree._Element:
    """One row of the timeline; the header row is shaded by the table style, a week cell where
    a phase runs by its own fill."""
    tr = el("w:tr")
    tr_pr = sub(tr, "w:trPr")
    sub(tr_pr, "w:cantSplit")
    if header:
        sub(tr_pr, "w:tblHeader")
    for text, width, fill in cells:
        tc = sub(tr, "w:tc")
        tc_pr = sub(tc, "w:tcPr")
        sub(tc_pr, "w:tcW", {"w:w": str(width), "w:type": "dxa"})
        if fill:
            tc_pr.append(shading(fill))
        tc.append(paragraph(style, run(text)) if text else paragraph(style))
    return tr


def write_docx(guide: Guide, options: WriterOptions | None = None) -> bytes:
    """Render the guide as a Word document (bytes of a .docx package).

    With ``options.paginate`` the document is laid out by LibreOffice (see
    writers.libreoffice), again after each round of fitting short pages (see :func:`page_fit`),
    and rendered with the pages of its headings in the TOC."""
    options = options or WriterOptions()
    doc = L.build_document(guide)
    if not options.paginate:
        return _render(doc, options, None)
    from guidegen.writers.libreoffice import bookmark_pages, docx_to_pdf, page_fills, require_tools

    require_tools("--paginate")
    fit, best = PageFit(), None
    for attempt in range(FIT_PASSES + 1):  # laid out again after a change: the pages after it move
        pdf = docx_to_pdf(_render(doc, options, {}, fit), "--paginate")
        pages, fills = bookmark_pages(pdf), page_fills(pdf)
        short = _short_pages(doc, pages, fills)
        if best is None or short < best[0]:  # a change that leaves more short pages is not kept
            best = (short, fit, pages)
        more = fit | page_fit(doc, pages, fills)
        if more == fit or attempt == FIT_PASSES:
            break
        fit = more
    _, fit, pages = best
    return _render(doc, options, pages, fit)


def _short_pages(doc: L.Document, pages: dict[str, int], fills: list[tuple[float, bool]]) -> int:
    """Pages under SHORT_PAGE full from the TOC's last page to the page before the last."""
    headings = sum(isinstance(b, L.Heading) for b in doc.blocks)
    first = min((pages[_bookmark(n)] for n in range(headings) if _bookmark(n) in pages), default=len(fills))
    return sum(fill < SHORT_PAGE for fill, _ in fills[max(first - 2, 0):-1])


@dataclass(frozen=True)
class PageFit:
    """What the layout pass asks of the final layout so that no page holds only a few lines.
    Chapters are named by their heading's index: ``run_in``, chapters that continue on the
    page where the previous one ends instead of starting a page; ``portrait_opening``,
    chapters whose short opening stays portrait (to run in) rather than joining their wide
    tables' landscape pages; ``landscape_opening``, chapters whose opening joins them
    although it looked long enough for pages of its own; ``compact_toc``, TOC entries
    without extra spacing."""

    run_in: frozenset[int] = frozenset()
    portrait_opening: frozenset[int] = frozenset()
    landscape_opening: frozenset[int] = frozenset()
    compact_toc: bool = False

    def __bool__(self) -> bool:
        return bool(self.run_in or self.portrait_opening or self.landscape_opening or self.compact_toc)

    def __or__(self, other: PageFit) -> PageFit:
        return PageFit(self.run_in | other.run_in, self.portrait_opening | other.portrait_opening,
                       self.landscape_opening | other.landscape_opening, self.compact_toc or other.compact_toc)


FIT_PASSES = 3  # layout passes that may change the layout (each fixes the short pages the last one showed)


SHORT_PAGE = 0.25  # a page whose text ends higher than this share of the body height holds only a few lines


def page_fit(doc: L.Document, pages: dict[str, int], fills: list[tuple[float, bool]]) -> PageFit:
    """What to change after the layout pass, from each heading's page (1-based) and each
    page's fill and orientation. A short page that ends a chapter: the next chapter starts on
    it, its opening kept portrait when its tables are landscape (a landscape page that ends a
    chapter before a portrait one stays: a section starts a page). A short portrait page
    before a chapter's landscape tables: the whole opening goes landscape with them. A TOC
    that spills a few lines onto a page of their own: compact entries."""
    headings = [i for i, b in enumerate(doc.blocks) if isinstance(b, L.Heading)]
    chapters = [n for n, i in enumerate(headings) if doc.blocks[i].level == 1]  # type: ignore[attr-defined]
    starts = {pages[_bookmark(n)]: n for n in chapters if _bookmark(n) in pages}
    if not starts:
        return PageFit()
    first_page = min(starts)
    run_in, portrait, landscape, compact = set(), set(), set(), False
    for page in range(max(first_page - 1, 1), len(fills)):  # 1-based: from the TOC's last page on
        (fill, is_landscape), (_, next_landscape) = fills[page - 1], fills[page]
        if fill >= SHORT_PAGE:
            continue
        chapter = starts.get(page + 1)
        if page + 1 == first_page:  # the TOC spilled when the page before it is full
            compact = page >= 2 and fills[page - 2][0] >= 1 - SHORT_PAGE and is_landscape == next_landscape
        elif chapter is not None and is_landscape == next_landscape:
            run_in.add(chapter)
        elif chapter is not None and not is_landscape:
            run_in.add(chapter)
            portrait.add(chapter)
        elif chapter is None and next_landscape and not is_landscape:
            landscape.add(max(n for start, n in starts.items() if start <= page))
    return PageFit(frozenset(run_in), frozenset(portrait), frozenset(landscape), compact)


BODY_CHUNK = 1 << 20  # characters (or bytes) of body text encoded and written at a time


def _chunks(parts: list[str | bytes]) -> Iterator[bytes]:
    """``parts`` (text, or text already encoded) joined and encoded a chunk at a time,
    emptying the list as it goes."""
    while parts:
        size = count = 0
        while count < len(parts) and size < BODY_CHUNK:
            size += len(parts[count])
            count += 1
        chunk = b"".join(part if isinstance(part, bytes) else part.encode("utf-8") for part in parts[:count])
        del parts[:count]
        yield chunk


def _render(doc: L.Document, options: WriterOptions, pages: dict[str, int] | None, fit: PageFit | None = None) -> bytes:
    theme = theme_for(doc.properties.latin_tag, doc.properties.east_asian_tag)
    document, from_template = open_document(options.template)
    styles = ensure_styles(document, theme)
    numbering = ensure_numbering(document, styles)
    if pages is None:
        ask_word_to_update_fields(document)
    sect_pr = ensure_sect_pr(document)
    quotes = styles["quote_mark"] if east_asian(doc.properties) else None
    writer = _Writer(document, Context(document.part, styles, numbering, quotes), theme, doc, sect_pr, pages=pages,
                     fit=fit or PageFit())
    has_own_header = from_template and (
        sect_pr.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}headerReference") is not None
        or sect_pr.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}footerReference") is not None
    )
    if not has_own_header:
        writer.header_footer(doc.properties)
    writer.front()
    writer.blocks()
    body = writer.body_xml()
    p = doc.properties
    set_properties(document, p.title, p.subject, p.author or p.client, p.keywords, p.date, p.language_tag, p.version)
    return save(document, p.date, {"word/document.xml": (f"<!--{BODY_MARKER}-->".encode(), body)})


# A portrait page holds about 45 lines of body text; a chapter opening shorter than about two thirds of that
# goes on the landscape pages of the chapter's wide tables instead of a page of its own.
SHORT_PORTRAIT_LINES = 30


def _estimated_lines(blocks: list[L.Block]) -> float:
    """A rough count of the lines some blocks take on a portrait page (headings, prose, list
    items, table rows); enough to tell a short chapter opening from a long one."""
    lines = 0.0
    for block in blocks:
        if isinstance(block, L.Heading):
            lines += 2
        elif isinstance(block, L.Prose):
            lines += 1 + len(block.text) / 90
        elif isinstance(block, L.Items):
            lines += sum(1 + len(text) / 90 for _, text in block.items)
        elif isinstance(block, L.Table):
            lines += 3 + sum(1 + max((len(str(c)) for c in row), default=0) / 80 for row in block.rows)
        else:
            lines += 10
    return lines
