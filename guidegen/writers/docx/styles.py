"""Styles and numbering: defined once, used everywhere (no direct formatting in the body).

Every paragraph the writer emits names a style from here. Styles are looked up by their Word
name (``heading 1``...) so that a corporate template — even a localised one whose style ids
differ — keeps its own look; only styles the template lacks are created. Headings are
numbered through a Word numbering definition bound to the Heading styles, so the Navigation
pane, the TOC and renumbering after edits all work.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from docx.document import Document as DocxDocument
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import PartFactory
from docx.oxml.ns import qn
from lxml import etree

from guidegen.writers.docx.ooxml import borders, el, fonts, language, shading, sub, val


@dataclass(frozen=True)
class Theme:
    """Fonts, sizes (half-points) and colours of the generated document."""

    lang_latin: str  # w:lang/@w:val, from the locale
    lang_east_asia: str  # w:lang/@w:eastAsia, from the locale
    latin: str = "Calibri"
    east_asia: str = "Microsoft YaHei"
    body_size: int = 21  # 10.5 pt (Chinese 五号)
    table_size: int = 18  # 9 pt
    heading_color: str = "1F3864"
    accent: str = "2E74B5"
    header_fill: str = "D9E2F3"
    border_color: str = "8EAADB"
    muted: str = "595959"


def theme_for(latin_tag: str, east_asian_tag: str) -> Theme:
    """The theme for a document: Latin and East Asian fonts are both always set, so text in
    either script finds its font; the language tags (from the locale) drive spelling checks."""
    return Theme(lang_latin=latin_tag, lang_east_asia=east_asian_tag)


@dataclass
class StyleSpec:
    """One style: logical key, preferred id, Word name, kind and how to build its properties."""

    key: str
    style_id: str
    name: str
    kind: str  # paragraph | character | table
    build: Callable[[Theme], list[etree._Element]]
    based_on: str | None = "Normal"
    next_style: str | None = None
    quick: bool = True


def _rpr(theme: Theme, size: int | None = None, bold: bool = False, color: str | None = None,
         italic: bool = False, font: tuple[str, str] | None = None) -> etree._Element:
    rpr = el("w:rPr")
    if font:
        rpr.append(fonts(*font))
    if bold:
        sub(rpr, "w:b")
        sub(rpr, "w:bCs")
    if italic:
        sub(rpr, "w:i")
    if color:
        sub(rpr, "w:color", {"w:val": color})
    if size:
        rpr.append(val("w:sz", str(size)))
        rpr.append(val("w:szCs", str(size)))
    return rpr


def _ppr(before: int = 0, after: int = 120, line: int | None = None, keep_next: bool = False,
         outline: int | None = None, align: str | None = None, indent: tuple[int, int] | None = None,
         page_break_before: bool = False) -> etree._Element:
    ppr = el("w:pPr")
    if keep_next:
        sub(ppr, "w:keepNext")
        sub(ppr, "w:keepLines")
    if page_break_before:
        sub(ppr, "w:pageBreakBefore")
    spacing = {"w:before": str(before), "w:after": str(after)}
    if line:
        spacing.update({"w:line": str(line), "w:lineRule": "auto"})
    sub(ppr, "w:spacing", spacing)
    if indent:
        sub(ppr, "w:ind", {"w:left": str(indent[0]), "w:hanging": str(indent[1])})
    if align:
        sub(ppr, "w:jc", {"w:val": align})
    if outline is not None:
        sub(ppr, "w:outlineLvl", {"w:val": str(outline)})
    return ppr


def _heading(level: int, size: int, before: int, after: int) -> Callable[[Theme], list[etree._Element]]:
    return lambda t: [
        _ppr(before, after, keep_next=True, outline=level - 1),
        _rpr(t, size, bold=True, color=t.heading_color),
    ]


def _table_style(t: Theme) -> list[etree._Element]:
    tbl_pr = el("w:tblPr")
    tbl_pr.append(borders("w:tblBorders", t.border_color))
    margins = sub(tbl_pr, "w:tblCellMar")
    for side, width in (("top", 40), ("left", 80), ("bottom", 40), ("right", 80)):
        sub(margins, f"w:{side}", {"w:w": str(width), "w:type": "dxa"})
    first_row = el("w:tblStylePr", {"w:type": "firstRow"})
    first_row.append(_rpr(t, bold=True, color=t.heading_color))
    tc_pr = sub(first_row, "w:tcPr")
    tc_pr.append(shading(t.header_fill))
    return [_rpr(t, t.table_size), tbl_pr, first_row]


STYLES: list[StyleSpec] = [
    StyleSpec("title", "Title", "Title", "paragraph",
              lambda t: [_ppr(2400, 240, align="left"), _rpr(t, 52, bold=True, color=t.heading_color)], next_style="Normal"),
    StyleSpec("subtitle", "Subtitle", "Subtitle", "paragraph",
              lambda t: [_ppr(0, 720), _rpr(t, 30, color=t.accent)], next_style="Normal"),
    StyleSpec("heading1", "Heading1", "heading 1", "paragraph", _heading(1, 32, 360, 160), next_style="Normal"),
    StyleSpec("heading2", "Heading2", "heading 2", "paragraph", _heading(2, 26, 280, 120), next_style="Normal"),
    StyleSpec("heading3", "Heading3", "heading 3", "paragraph", _heading(3, 23, 200, 100), next_style="Normal"),
    StyleSpec("front_heading", "GuideFrontHeading", "Guide Front Heading", "paragraph",
              lambda t: [_ppr(240, 160, keep_next=True), _rpr(t, 28, bold=True, color=t.heading_color)], next_style="Normal"),
    StyleSpec("cover_meta", "GuideCoverMeta", "Guide Cover Meta", "paragraph",
              lambda t: [_ppr(0, 80), _rpr(t, 24, color=t.muted)]),
    StyleSpec("caption", "Caption", "caption", "paragraph",
              lambda t: [_ppr(160, 80, keep_next=True), _rpr(t, 19, bold=True, color=t.heading_color)]),
    StyleSpec("figure_caption", "GuideFigureCaption", "Guide Figure Caption", "paragraph",
              lambda t: [_ppr(80, 200, align="center"), _rpr(t, 19, bold=True, color=t.heading_color)], based_on="Caption"),
    StyleSpec("list_bullet", "ListBullet", "List Bullet", "paragraph", lambda t: [_ppr(0, 60, indent=(420, 280))]),
    StyleSpec("list_number", "ListNumber", "List Number", "paragraph", lambda t: [_ppr(0, 60, indent=(420, 280))]),
    StyleSpec("table_text", "GuideTableText", "Guide Table Text", "paragraph",
              lambda t: [_ppr(0, 0, line=240), _rpr(t, t.table_size)]),
    StyleSpec("table_heading", "GuideTableHeading", "Guide Table Heading", "paragraph",
              lambda t: [_ppr(0, 0, line=240, keep_next=True), _rpr(t, t.table_size, bold=True, color=t.heading_color)],
              based_on="GuideTableText"),
    StyleSpec("table_list", "GuideTableList", "Guide Table List", "paragraph",
              lambda t: [_ppr(0, 0, line=240, indent=(220, 220)), _rpr(t, t.table_size)], based_on="GuideTableText"),
    StyleSpec("code", "GuideCode", "Guide Code", "paragraph",
              lambda t: [_ppr(0, 0, line=240), _rpr(t, 18, font=("Consolas", t.east_asia))]),
    StyleSpec("code_char", "GuideCodeChar", "Guide Code Char", "character",
              lambda t: [_rpr(t, font=("Consolas", t.east_asia), color="333333")], based_on=None),
    StyleSpec("hyperlink", "Hyperlink", "Hyperlink", "character",
              lambda t: [_hyperlink_rpr(t)], based_on=None),
    StyleSpec("quote_mark", "GuideQuoteMark", "Guide Quote Mark", "character",
              lambda t: [_quote_mark_rpr(t)], based_on=None, quick=False),
    StyleSpec("header", "Header", "header", "paragraph", lambda t: [_ppr(0, 0, align="right"), _rpr(t, 16, color=t.muted)]),
    StyleSpec("footer", "Footer", "footer", "paragraph", lambda t: [_ppr(0, 0, align="center"), _rpr(t, 16, color=t.muted)]),
    StyleSpec("toc_heading", "TOCHeading", "TOC Heading", "paragraph",
              lambda t: [_ppr(240, 160), _rpr(t, 28, bold=True, color=t.heading_color)], next_style="Normal"),
    StyleSpec("toc1", "TOC1", "toc 1", "paragraph", lambda t: [_ppr(120, 40), _rpr(t, bold=True)], quick=False),
    StyleSpec("toc2", "TOC2", "toc 2", "paragraph", lambda t: [_ppr(0, 20, indent=(420, 0))], quick=False),
    StyleSpec("toc3", "TOC3", "toc 3", "paragraph", lambda t: [_ppr(0, 20, indent=(840, 0)), _rpr(t, 19)], quick=False),
    StyleSpec("table", "GuideTable", "Guide Table", "table", _table_style, based_on=None),
]


def _quote_mark_rpr(t: Theme) -> etree._Element:
    """A curly double quote in East Asian text: the East Asian font and language for every
    script. Word takes a quote for East Asian text by the hint; LibreOffice takes a quote after a
    Latin letter for Latin text (a half-width mark beside a full-width one) unless its Latin font
    and language are the East Asian ones too."""
    rpr = el("w:rPr")
    rpr.append(el("w:rFonts", {"w:ascii": t.east_asia, "w:hAnsi": t.east_asia, "w:eastAsia": t.east_asia,
                               "w:cs": t.east_asia, "w:hint": "eastAsia"}))
    rpr.append(language(t.lang_east_asia, t.lang_east_asia))
    return rpr


def _hyperlink_rpr(t: Theme) -> etree._Element:
    rpr = _rpr(t, color="0563C1")
    sub(rpr, "w:u", {"w:val": "single"})
    return rpr


@dataclass
class StyleMap:
    """Logical style key -> style id actually present in the document."""

    ids: dict[str, str] = field(default_factory=dict)

    def __getitem__(self, key: str) -> str:
        return self.ids[key]


def _find_by_name(styles: etree._Element, name: str, kind: str) -> etree._Element | None:
    wanted = name.lower()
    for style in styles.iterfind(qn("w:style")):
        if style.get(qn("w:type")) != kind:
            continue
        name_el = style.find(qn("w:name"))
        if name_el is not None and (name_el.get(qn("w:val")) or "").lower() == wanted:
            return style
    return None


def _find_by_id(styles: etree._Element, style_id: str) -> etree._Element | None:
    for style in styles.iterfind(qn("w:style")):
        if style.get(qn("w:styleId")) == style_id:
            return style
    return None


def ensure_styles(document: DocxDocument, theme: Theme) -> StyleMap:
    """Use the document's own styles where it has them; create the ones it lacks."""
    styles = document.styles.element
    _ensure_defaults(styles, theme)
    normal = _find_by_name(styles, "Normal", "paragraph")
    if normal is None:
        normal = _new_style(styles, "paragraph", "Normal", "Normal", None, [_rpr(theme), _ppr(0, 120, line=300)])
        normal.set(qn("w:default"), "1")
    if not normal.get(qn("w:styleId")):
        _give_id(styles, normal, "Normal")
    mapping = StyleMap({"normal": normal.get(qn("w:styleId"))})
    for spec in STYLES:
        found = _find_by_name(styles, spec.name, spec.kind)
        if found is not None and not found.get(qn("w:styleId")):
            _give_id(styles, found, spec.style_id)  # a template style known only by its name
        if found is None:
            style_id = spec.style_id
            while _find_by_id(styles, style_id) is not None:  # the id is taken by another style
                style_id += "X"
            based_on = mapping.ids.get("normal") if spec.based_on == "Normal" else spec.based_on
            if based_on and _find_by_id(styles, based_on) is None:
                based_on = mapping.ids["normal"]
            found = _new_style(styles, spec.kind, style_id, spec.name, based_on, spec.build(theme), spec.next_style, spec.quick)
        mapping.ids[spec.key] = found.get(qn("w:styleId"))
    return mapping


def _give_id(styles: etree._Element, style: etree._Element, preferred: str) -> None:
    """Give a style found by name, but written without a w:styleId, a free id to be used by."""
    style_id = preferred
    while _find_by_id(styles, style_id) is not None:
        style_id += "X"
    style.set(qn("w:styleId"), style_id)


def _new_style(styles: etree._Element, kind: str, style_id: str, name: str, based_on: str | None,
               properties: list[etree._Element], next_style: str | None = None, quick: bool = True) -> etree._Element:
    style = sub(styles, "w:style", {"w:type": kind, "w:styleId": style_id})
    sub(style, "w:name", {"w:val": name})
    if based_on:
        sub(style, "w:basedOn", {"w:val": based_on})
    if next_style:
        sub(style, "w:next", {"w:val": next_style})
    sub(style, "w:uiPriority", {"w:val": "9" if name.startswith("heading") else "39"})
    if quick:
        sub(style, "w:qFormat")
    order = {"w:pPr": 0, "w:rPr": 1, "w:tblPr": 2, "w:trPr": 3, "w:tcPr": 4, "w:tblStylePr": 5}
    for prop in sorted(properties, key=lambda e: order.get(e.prefix + ":" + etree.QName(e).localname, 9)):
        style.append(prop)
    return style


def _ensure_defaults(styles: etree._Element, theme: Theme) -> None:
    """docDefaults carry the Latin and East Asian fonts and languages for every style."""
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = el("w:docDefaults")
        styles.insert(0, defaults)
    rpr_default = defaults.find(qn("w:rPrDefault"))
    if rpr_default is None:
        rpr_default = sub(defaults, "w:rPrDefault")
        defaults.insert(0, rpr_default)
    rpr = rpr_default.find(qn("w:rPr"))
    if rpr is None:
        rpr = sub(rpr_default, "w:rPr")
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rpr.insert(0, fonts(theme.latin, theme.east_asia))
    elif not rfonts.get(qn("w:eastAsia")) and not rfonts.get(qn("w:eastAsiaTheme")):
        rfonts.set(qn("w:eastAsia"), theme.east_asia)
    if rpr.find(qn("w:sz")) is None:
        rpr.append(val("w:sz", str(theme.body_size)))
        rpr.append(val("w:szCs", str(theme.body_size)))
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        rpr.append(language(theme.lang_latin, theme.lang_east_asia))
    else:
        lang.set(qn("w:val"), theme.lang_latin)
        lang.set(qn("w:eastAsia"), theme.lang_east_asia)


# --------------------------------------------------------------------------- numbering
@dataclass
class Numbering:
    """Numbering definitions: headings, bullets, and a fresh instance per ordered list."""

    element: etree._Element
    heading_num: int
    bullet_num: int
    ordered_abstract: int
    next_num: int

    def new_ordered_list(self) -> int:
        """A new w:num that restarts the ordered list at 1."""
        num_id = self.next_num
        self.next_num += 1
        num = sub(self.element, "w:num", {"w:numId": str(num_id)})
        sub(num, "w:abstractNumId", {"w:val": str(self.ordered_abstract)})
        override = sub(num, "w:lvlOverride", {"w:ilvl": "0"})
        sub(override, "w:startOverride", {"w:val": "1"})
        return num_id


def _numbering_element(document: DocxDocument) -> etree._Element:
    part = document.part
    try:
        return part.part_related_by(RT.NUMBERING).element
    except KeyError:
        blob = (
            b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            b'<w:numbering xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>'
        )
        numbering_part = PartFactory(PackURI("/word/numbering.xml"), CT.WML_NUMBERING, RT.NUMBERING, blob, part.package)
        part.relate_to(numbering_part, RT.NUMBERING)
        return numbering_part.element


def _level(ilvl: int, fmt: str, text: str, indent: int, hanging: int, style: str | None = None,
           suffix: str = "tab") -> etree._Element:
    lvl = el("w:lvl", {"w:ilvl": str(ilvl)})
    sub(lvl, "w:start", {"w:val": "1"})
    sub(lvl, "w:numFmt", {"w:val": fmt})
    if style:
        sub(lvl, "w:pStyle", {"w:val": style})
    if suffix != "tab":
        sub(lvl, "w:suff", {"w:val": suffix})
    sub(lvl, "w:lvlText", {"w:val": text})
    sub(lvl, "w:lvlJc", {"w:val": "left"})
    ppr = sub(lvl, "w:pPr")
    sub(ppr, "w:ind", {"w:left": str(indent), "w:hanging": str(hanging)})
    return lvl


def ensure_numbering(document: DocxDocument, styles: StyleMap) -> Numbering:
    """Add our abstract numberings after whatever the document already has."""
    root = _numbering_element(document)
    abstract_ids = [int(a.get(qn("w:abstractNumId"), "0")) for a in root.iterfind(qn("w:abstractNum"))] or [0]
    num_ids = [int(n.get(qn("w:numId"), "0")) for n in root.iterfind(qn("w:num"))] or [0]
    first_abstract = max(abstract_ids) + 1
    heading_abs, bullet_abs, ordered_abs = first_abstract, first_abstract + 1, first_abstract + 2
    headings = [styles["heading1"], styles["heading2"], styles["heading3"]]
    definitions = [
        (heading_abs, [
            _level(i, "decimal", ".".join(f"%{n}" for n in range(1, i + 2)), 0, 0, headings[i] if i < 3 else None, "space")
            for i in range(9)
        ]),
        (bullet_abs, [_level(i, "bullet", "•◦▪"[i % 3], 420 + 420 * i, 280) for i in range(9)]),
        (ordered_abs, [_level(i, ("decimal", "lowerLetter", "lowerRoman")[i % 3], f"%{i + 1}.", 420 + 420 * i, 300)
                       for i in range(9)]),
    ]
    insert_at = len(root.findall(qn("w:abstractNum")))
    for abstract_id, levels in definitions:
        abstract = el("w:abstractNum", {"w:abstractNumId": str(abstract_id)})
        sub(abstract, "w:multiLevelType", {"w:val": "multilevel"})
        for lvl in levels:
            abstract.append(lvl)
        root.insert(insert_at, abstract)  # every w:abstractNum must precede the w:num elements
        insert_at += 1
    next_num = max(num_ids) + 1
    numbering = Numbering(root, next_num, next_num + 1, ordered_abs, next_num + 2)
    for num_id, abstract_id in ((numbering.heading_num, heading_abs), (numbering.bullet_num, bullet_abs)):
        num = sub(root, "w:num", {"w:numId": str(num_id)})
        sub(num, "w:abstractNumId", {"w:val": str(abstract_id)})
    _bind_headings(document, styles, numbering.heading_num)
    return numbering


def _bind_headings(document: DocxDocument, styles: StyleMap, num_id: int) -> None:
    """Heading 1-3 carry the numbering in their style (unless the template numbers them)."""
    root = document.styles.element
    for level, key in enumerate(("heading1", "heading2", "heading3")):
        style = _find_by_id(root, styles[key])
        if style is None:
            continue
        ppr = style.find(qn("w:pPr"))
        if ppr is None:
            ppr = el("w:pPr")
            rpr = style.find(qn("w:rPr"))
            (rpr.addprevious(ppr) if rpr is not None else style.append(ppr))
        if ppr.find(qn("w:numPr")) is not None:
            continue
        num_pr = el("w:numPr")
        sub(num_pr, "w:ilvl", {"w:val": str(level)})
        sub(num_pr, "w:numId", {"w:val": str(num_id)})
        # w:numPr sits after keepNext/keepLines/pageBreakBefore and before spacing.
        anchor = next((c for c in ppr if c.tag in (qn("w:spacing"), qn("w:ind"), qn("w:jc"), qn("w:outlineLvl"))), None)
        (anchor.addprevious(num_pr) if anchor is not None else ppr.append(num_pr))
        if ppr.find(qn("w:outlineLvl")) is None:
            sub(ppr, "w:outlineLvl", {"w:val": str(level)})
