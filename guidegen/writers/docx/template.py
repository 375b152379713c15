"""A user's Word template, checked before python-docx sees it.

* The package is held to the input budget (file size, parts, inflated sizes, compression
  ratio) and any DOCTYPE or entity declaration is refused (XXE, entity bombs) — Word never
  writes them.
* External relationships that Word would fetch when the client opens the deliverable (an
  attached template on a server, a linked image, an OLE link) are removed, with the elements
  that use them, and reported as warnings. External hyperlinks stay: they are only followed when
  clicked.
* Page sizes and margins may be written in any unit OOXML allows (twips, ``cm``, ``mm``,
  ``in``, ``pt``, ``pc``, ``pi``); a value that is none of them, or a page too narrow for text,
  is refused naming the part.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from guidegen.core import budget
from guidegen.core.errors import Location, Problem, UserError, over_budget

_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_KEEP_EXTERNAL = ("/hyperlink",)
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)


@dataclass
class CheckedTemplate:
    """The template's bytes, made safe, and what was removed from it."""

    data: bytes
    removed: list[tuple[str, str, str]] = field(default_factory=list)  # (part, relationship type, target)

    def warnings(self, name: str) -> list[Problem]:
        return [Problem(Location(name, path=part), f"external {kind} removed from the template",
                        given=target[:120], hint="the deliverable must not fetch anything from elsewhere when opened",
                        severity="warning")
                for part, kind, target in self.removed]


def check_template(path: Path) -> CheckedTemplate:
    """The template's package within the budget, without DOCTYPEs or external references."""
    name = str(path)
    limits = budget.current()
    try:
        data = budget.read_regular_file(path, limits.zip_file_bytes)
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            budget.check_zip(archive, limits)
            budget.refuse_doctype(archive, limits)
            return _without_external(archive, data, limits)
    except budget.BudgetExceeded as exc:
        raise over_budget(Location(name), exc) from None
    except OSError as exc:
        raise UserError.single(Location(name), f"cannot read the Word template: {exc.strerror or exc}") from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, ValueError) as exc:
        raise UserError.single(Location(name), "cannot open the Word template",
                               expected="a .docx file saved by Word or LibreOffice",
                               given=f"{type(exc).__name__}: {str(exc)[:200]}") from None
    except etree.XMLSyntaxError as exc:
        raise UserError.single(Location(name), "cannot open the Word template: a part is not well-formed XML",
                               given=str(exc)[:200]) from None


def _without_external(archive: zipfile.ZipFile, data: bytes, limits: budget.Budget) -> CheckedTemplate:
    replaced: dict[str, bytes] = {}
    removed: list[tuple[str, str, str]] = []
    for info in archive.infolist():
        if not info.filename.endswith(".rels"):
            continue
        rels = etree.fromstring(budget.read_zip_part(archive, info.filename, limits), _PARSER)
        dropped = set()
        for rel in list(rels.iterfind(f"{{{_REL}}}Relationship")):
            kind = rel.get("Type", "")
            if rel.get("TargetMode") == "External" and not kind.endswith(_KEEP_EXTERNAL):
                dropped.add(rel.get("Id", ""))
                removed.append((_source_part(info.filename), kind.rsplit("/", 1)[-1], rel.get("Target", "")))
                rels.remove(rel)
        if not dropped:
            continue
        replaced[info.filename] = etree.tostring(rels, xml_declaration=True, encoding="UTF-8", standalone=True)
        source = _source_part(info.filename)
        if source in archive.namelist():
            replaced[source] = _drop_references(budget.read_zip_part(archive, source, limits), dropped)
    if not replaced:
        return CheckedTemplate(data)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in archive.infolist():
            target.writestr(info, replaced.get(info.filename) or budget.read_zip_part(archive, info.filename, limits))
    return CheckedTemplate(out.getvalue(), removed)


def _source_part(rels_name: str) -> str:
    """'word/_rels/settings.xml.rels' -> 'word/settings.xml'."""
    folder, _, name = rels_name.rpartition("_rels/")
    return folder + name[: -len(".rels")]


def _drop_references(xml: bytes, ids: set[str]) -> bytes:
    """Remove what refers to a dropped relationship: an element whose r:id it is (an attached
    template, an OLE link), or the r:link/r:embed attribute naming it (a linked image)."""
    root = etree.fromstring(xml, _PARSER)
    for element in list(root.iter()):
        for attribute, value in list(element.attrib.items()):
            if not attribute.startswith(f"{{{_R}}}") or value not in ids:
                continue
            if attribute == f"{{{_R}}}id" and element.getparent() is not None:
                element.getparent().remove(element)
                break
            del element.attrib[attribute]
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


# --------------------------------------------------------------------------- measures
_MEASURE = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*(mm|cm|in|pt|pc|pi)?\s*$")
_TWIPS_PER = {None: 1.0, "pt": 20.0, "pc": 240.0, "pi": 240.0, "in": 1440.0, "cm": 1440 / 2.54, "mm": 144 / 2.54}


def twips(value: str | None, default: int, where: str) -> int:
    """A page measure in twentieths of a point, from any unit OOXML allows."""
    if value is None or value == "":
        return default
    match = _MEASURE.match(value)
    if not match:
        raise UserError.single(Location("the Word template", path=where), "invalid page measure",
                               expected="a number of twips, or a number with mm, cm, in, pt, pc or pi", given=value[:40])
    return round(float(match.group(1)) * _TWIPS_PER[match.group(2)])


MIN_TEXT_WIDTH = 1134  # 2 cm: below this no table column can hold a word


def check_text_width(width: int, left: int, right: int) -> None:
    if width - left - right < MIN_TEXT_WIDTH:
        raise UserError.single(
            Location("the Word template", path="w:sectPr"), "the page is too narrow for text",
            expected=f"a text width (page width less the margins) of at least {MIN_TEXT_WIDTH} twips (2 cm)",
            given=f"{width} - {left} - {right} = {width - left - right} twips")
