"""Raw WordprocessingML the python-docx API does not offer, named after the schema.

Each helper builds or edits one kind of element (``w:fldChar`` fields, ``w:shd`` shading,
``w:tblHeader``, ``w:rFonts/@w:eastAsia``, ``w:sectPr``...). Elements are created with lxml
directly: building large tables element by element is many times faster than going through
python-docx's cell proxies (see PITFALLS.md).
"""

from __future__ import annotations

import copy
import re
from typing import Iterable

from docx.oxml.ns import nsmap, qn
from lxml import etree

from guidegen.core.text import clean_text
from guidegen.writers.docx.template import check_text_width, twips

_CLARK: dict[str, str] = {}


def clark(name: str) -> str:
    """'w:tc' -> '{namespace}tc', memoised (tables call this hundreds of thousands of times)."""
    found = _CLARK.get(name)
    if found is None:
        found = _CLARK[name] = qn(name)
    return found


# Every element we create declares the standard prefixes, so lxml never invents one (ns0:);
# when the element is written into the body the declarations the root already has are dropped
# (see fragment()), so document.xml declares its namespaces once, on the root.
NSMAP = {"w": nsmap["w"], "r": nsmap["r"]}
_TAG = re.compile(r"<[^>]*>")
_XMLNS = re.compile(r' xmlns:([A-Za-z][\w.-]*)="([^"]*)"')


def el(tag: str, attrs: dict[str, str] | None = None, *children: etree._Element) -> etree._Element:
    """<w:tag w:attr="..."> with children; attribute names are prefixed names like 'w:val'."""
    element = etree.Element(clark(tag), nsmap=NSMAP)
    if attrs:
        for key, value in attrs.items():
            element.set(clark(key), value)
    for child in children:
        element.append(child)
    return element


def fragment(element: etree._Element, declared: dict[str | None, str]) -> str:
    """An element as XML text for the body, without the namespace declarations that the
    document's root already makes (``declared``: prefix -> URI)."""
    text = etree.tostring(element, encoding="unicode")

    def strip(tag: re.Match[str]) -> str:
        return _XMLNS.sub(lambda d: "" if declared.get(d.group(1)) == d.group(2) else d.group(0), tag.group(0))

    return _TAG.sub(strip, text)


def sub(parent: etree._Element, tag: str, attrs: dict[str, str] | None = None) -> etree._Element:
    element = etree.SubElement(parent, clark(tag))
    if attrs:
        for key, value in attrs.items():
            element.set(clark(key), value)
    return element


def val(tag: str, value: str) -> etree._Element:
    """<w:tag w:val="value"/>"""
    return el(tag, {"w:val": value})


_R, _T = clark("w:r"), clark("w:t")
_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def xml_text(text: str) -> str:
    """Text XML 1.0 can hold (control characters removed, as pandoc does)."""
    return clean_text(text) if not text.isprintable() else text


def run(text: str, rpr: etree._Element | None = None) -> etree._Element:
    """<w:r><w:rPr/><w:t xml:space="preserve">text</w:t></w:r>, tabs and line breaks kept."""
    r = etree.Element(_R, nsmap=NSMAP)
    if rpr is not None:
        r.append(rpr)
    for i, part in enumerate(xml_text(text).split("\n")):
        if i:
            etree.SubElement(r, clark("w:br"))
        for j, chunk in enumerate(part.split("\t")):
            if j:
                etree.SubElement(r, clark("w:tab"))
            if chunk:
                t = etree.SubElement(r, _T)
                t.text = chunk
                if chunk[0] == " " or chunk[-1] == " ":
                    t.set(_SPACE, "preserve")
    return r


def paragraph(style: str | None = None, *runs: etree._Element, keep_next: bool = False) -> etree._Element:
    p = el("w:p")
    if style or keep_next:
        ppr = sub(p, "w:pPr")
        if style:
            sub(ppr, "w:pStyle", {"w:val": style})
        if keep_next:
            sub(ppr, "w:keepNext")
    for r in runs:
        p.append(r)
    return p


def ppr_of(p: etree._Element) -> etree._Element:
    ppr = p.find(qn("w:pPr"))
    if ppr is None:
        ppr = el("w:pPr")
        p.insert(0, ppr)
    return ppr


# --------------------------------------------------------------------------- fields
def field_runs(instruction: str, cached: str, rpr: etree._Element | None = None, dirty: bool = False) -> list[etree._Element]:
    """A complex field: begin / instrText / separate / cached result / end.

    Word shows the cached result until fields are updated; ``dirty`` asks Word to update
    this field when the document opens.
    """
    def fld(kind: str) -> etree._Element:
        r = el("w:r")
        if rpr is not None:
            r.append(copy.deepcopy(rpr))
        attrs = {"w:fldCharType": kind}
        if dirty and kind == "begin":
            attrs["w:dirty"] = "true"
        sub(r, "w:fldChar", attrs)
        return r

    instr = el("w:r")
    if rpr is not None:
        instr.append(copy.deepcopy(rpr))
    text = sub(instr, "w:instrText")
    text.text = f" {instruction} "
    text.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    result = run(cached, copy.deepcopy(rpr) if rpr is not None else None)
    return [fld("begin"), instr, fld("separate"), result, fld("end")]


# --------------------------------------------------------------------------- formatting
def shading(fill: str) -> etree._Element:
    """<w:shd w:val="clear" w:color="auto" w:fill="RRGGBB"/>"""
    return el("w:shd", {"w:val": "clear", "w:color": "auto", "w:fill": fill})


def borders(tag: str, color: str, size: int = 4, sides: Iterable[str] = ("top", "left", "bottom", "right", "insideH", "insideV")) -> etree._Element:
    """<w:tblBorders> (or w:tcBorders / w:pBdr) with single lines on the given sides."""
    box = el(tag)
    for side in sides:
        sub(box, f"w:{side}", {"w:val": "single", "w:sz": str(size), "w:space": "0", "w:color": color})
    return box


def fonts(latin: str, east_asia: str) -> etree._Element:
    """<w:rFonts> with Latin and East Asian fonts (font.name alone leaves w:eastAsia unset)."""
    return el("w:rFonts", {"w:ascii": latin, "w:hAnsi": latin, "w:cs": latin, "w:eastAsia": east_asia})


def language(latin: str, east_asia: str) -> etree._Element:
    """<w:lang w:val=".." w:eastAsia=".."/> so spell-checking and font fallback know the script."""
    return el("w:lang", {"w:val": latin, "w:eastAsia": east_asia, "w:bidi": "ar-SA"})


# --------------------------------------------------------------------------- sections
A4_PORTRAIT = (11906, 16838)


def page_geometry(sect_pr: etree._Element) -> tuple[int, int, int, int]:
    """(page width, page height, left margin, right margin) in twentieths of a point."""
    pg_sz = sect_pr.find(qn("w:pgSz"))
    pg_mar = sect_pr.find(qn("w:pgMar"))
    width = twips(pg_sz.get(qn("w:w")), A4_PORTRAIT[0], "w:pgSz/@w:w") if pg_sz is not None else A4_PORTRAIT[0]
    height = twips(pg_sz.get(qn("w:h")), A4_PORTRAIT[1], "w:pgSz/@w:h") if pg_sz is not None else A4_PORTRAIT[1]
    left = twips(pg_mar.get(qn("w:left")), 1440, "w:pgMar/@w:left") if pg_mar is not None else 1440
    right = twips(pg_mar.get(qn("w:right")), 1440, "w:pgMar/@w:right") if pg_mar is not None else 1440
    return width, height, left, right


def text_width(sect_pr: etree._Element) -> int:
    width, _, left, right = page_geometry(sect_pr)
    check_text_width(width, left, right)
    return width - left - right


def landscape_copy(sect_pr: etree._Element) -> etree._Element:
    """A copy of a section's properties turned to landscape (margins rotate with the page)."""
    out = copy.deepcopy(sect_pr)
    pg_sz = out.find(qn("w:pgSz"))
    width, height, _, _ = page_geometry(sect_pr)
    if pg_sz is None:
        pg_sz = sub(out, "w:pgSz")
    pg_sz.set(qn("w:w"), str(max(width, height)))
    pg_sz.set(qn("w:h"), str(min(width, height)))
    pg_sz.set(qn("w:orient"), "landscape")
    pg_mar = out.find(qn("w:pgMar"))
    if pg_mar is not None:
        top, bottom = pg_mar.get(qn("w:top")), pg_mar.get(qn("w:bottom"))
        left, right = pg_mar.get(qn("w:left")), pg_mar.get(qn("w:right"))
        if top and left:
            pg_mar.set(qn("w:left"), str(abs(twips(top, 1440, "w:pgMar/@w:top"))))
            pg_mar.set(qn("w:right"), str(abs(twips(bottom or top, 1440, "w:pgMar/@w:bottom"))))
            pg_mar.set(qn("w:top"), str(twips(left, 1440, "w:pgMar/@w:left")))
            pg_mar.set(qn("w:bottom"), str(twips(right or left, 1440, "w:pgMar/@w:right")))
    _drop(out, "w:titlePg")
    _set_section_type(out, "nextPage")
    return out


def portrait_copy(sect_pr: etree._Element) -> etree._Element:
    out = copy.deepcopy(sect_pr)
    _drop(out, "w:titlePg")
    _set_section_type(out, "nextPage")
    return out


def _set_section_type(sect_pr: etree._Element, kind: str) -> None:
    _drop(sect_pr, "w:type")
    # w:type comes after the header/footer references and footnote/endnote properties.
    position = 0
    for i, child in enumerate(sect_pr):
        if child.tag in (qn("w:headerReference"), qn("w:footerReference"), qn("w:footnotePr"), qn("w:endnotePr")):
            position = i + 1
    sect_pr.insert(position, val("w:type", kind))


def _drop(parent: etree._Element, tag: str) -> None:
    for child in parent.findall(qn(tag)):
        parent.remove(child)


def section_break(sect_pr: etree._Element | None = None) -> etree._Element:
    """An empty paragraph as small as Word allows (exactly 1 pt, no spacing), so that it never
    fills a page of its own; with ``sect_pr`` it ends a section with those properties."""
    p = el("w:p")
    ppr = sub(p, "w:pPr")
    sub(ppr, "w:spacing", {"w:before": "0", "w:after": "0", "w:line": "20", "w:lineRule": "exact"})
    sub(sub(ppr, "w:rPr"), "w:sz", {"w:val": "2"})
    if sect_pr is not None:
        ppr.append(sect_pr)
    return p


def breaking_page_before(xml: str) -> str:
    """Body text (one element) made to start on a new page: w:pageBreakBefore in the first
    paragraph's pPr, after pStyle, keepNext and keepLines as the schema orders them. Before
    anything else (a table), a paragraph holding a page break."""
    if xml.startswith("<w:p><w:pPr>"):
        at = len("<w:p><w:pPr>")
        if xml.startswith("<w:pStyle ", at):
            at = xml.index("/>", at) + 2
        for kept in ("<w:keepNext/>", "<w:keepLines/>"):
            if xml.startswith(kept, at):
                at += len(kept)
        return xml[:at] + "<w:pageBreakBefore/>" + xml[at:]
    if xml.startswith("<w:p>"):
        return "<w:p><w:pPr><w:pageBreakBefore/></w:pPr>" + xml[len("<w:p>"):]
    return '<w:p><w:r><w:br w:type="page"/></w:r></w:p>' + xml


def keeping_with_next(xml: str) -> str:
    """Every paragraph in ``xml`` (WordprocessingML text) kept on the page of the next one:
    w:keepNext after pStyle, as the schema orders pPr. Inside a table this keeps the rows
    together and the table with the paragraph after it."""
    def keep(match: re.Match[str]) -> str:
        opening, style, kept = match.group(1), match.group(2) or "", match.group(3)
        return opening + style + (kept or "<w:keepNext/>")

    out = re.sub(r"(<w:p><w:pPr>)(<w:pStyle [^>]*/>)?(<w:keepNext/>)?", keep, xml)
    return out.replace("<w:p><w:r", "<w:p><w:pPr><w:keepNext/></w:pPr><w:r").replace(
        "<w:p></w:p>", "<w:p><w:pPr><w:keepNext/></w:pPr></w:p>")


def ending_section(p_xml: str, sect_xml: str) -> str | None:
    """The paragraph ``p_xml`` (WordprocessingML text) made the last of a section: the section's
    properties go last in its pPr. None when the text is not exactly one paragraph."""
    if not (p_xml.startswith("<w:p>") and p_xml.endswith("</w:p>")) or p_xml.count("<w:p>") + p_xml.count("<w:p ") != 1:
        return None
    if p_xml.startswith("<w:p><w:pPr>"):
        end = p_xml.index("</w:pPr>")
        return p_xml[:end] + sect_xml + p_xml[end:]
    return f"<w:p><w:pPr>{sect_xml}</w:pPr>{p_xml[len('<w:p>'):]}"
