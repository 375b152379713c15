"""The Word package around the body: a clean base document (or the user's template),
settings, document properties, and reproducible bytes.

The base is built here rather than taken from python-docx's bundled template, whose 900 KB
of styles, thumbnail and "python-docx" properties do not belong in a client deliverable.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import replace
import zipfile
from pathlib import Path
from typing import Iterator
from xml.parsers import expat

import docx
from docx.document import Document as DocxDocument
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import nsmap, qn
from lxml import etree

from guidegen.core.errors import Location, UserError
from guidegen.writers.common import Splices, normalize_zip
from guidegen.writers.docx.ooxml import el, sub, text_width

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

_CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>
<Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>
<Override PartName="/word/fontTable.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml"/>
<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>
<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>
</Types>"""

_ROOT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>
<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>
</Relationships>"""

_DOCUMENT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/>
<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable" Target="fontTable.xml"/>
</Relationships>"""

# The fonts the styles name, with what a renderer needs to substitute well when one is missing:
# family, pitch, character set (86 = GB2312 for the Chinese font) and the metric-compatible
# alternative as altName (Carlito has Calibri's widths and PANOSE; Noto Sans CJK SC sets every
# ideograph one em wide as YaHei does; Liberation Mono is monospaced like Consolas).
_FONTS = (
    ("Calibri", "Carlito", "swiss", "variable", "00", "020F0502020204030204"),
    ("Microsoft YaHei", "Noto Sans CJK SC", "swiss", "variable", "86", None),
    ("Consolas", "Liberation Mono", "modern", "fixed", "00", None),
)
_FONT_TABLE = (f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:fonts xmlns:w="{_W}">"""
    + "".join(f'<w:font w:name="{name}"><w:altName w:val="{alt}"/>'
              + (f'<w:panose1 w:val="{panose}"/>' if panose else "")
              + f'<w:charset w:val="{charset}"/><w:family w:val="{family}"/><w:pitch w:val="{pitch}"/></w:font>'
              for name, alt, family, pitch, charset, panose in _FONTS)
    + "</w:fonts>")

# A4, 2.5 cm top/bottom and 2 cm left/right margins, 1.25 cm header/footer distance.
_DOCUMENT = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="{_W}" xmlns:r="{_R}"><w:body><w:sectPr>
<w:pgSz w:w="11906" w:h="16838"/>
<w:pgMar w:top="1418" w:right="1134" w:bottom="1418" w:left="1134" w:header="709" w:footer="709" w:gutter="0"/>
<w:cols w:space="425"/><w:docGrid w:linePitch="312"/>
</w:sectPr></w:body></w:document>"""

_STYLES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="{_W}"><w:docDefaults><w:rPrDefault><w:rPr/></w:rPrDefault>
<w:pPrDefault><w:pPr><w:spacing w:after="120" w:line="300" w:lineRule="auto"/></w:pPr></w:pPrDefault></w:docDefaults>
<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style>
<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont"><w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/></w:style>
<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/><w:uiPriority w:val="99"/><w:semiHidden/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>
<w:style w:type="numbering" w:default="1" w:styleId="NoList"><w:name w:val="No List"/><w:uiPriority w:val="99"/><w:semiHidden/></w:style>
</w:styles>"""

_SETTINGS = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:settings xmlns:w="{_W}"><w:zoom w:percent="100"/><w:defaultTabStop w:val="420"/>
<w:characterSpacingControl w:val="compressPunctuation"/>
<w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat>
</w:settings>"""

_CORE = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"/>"""

_APP = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><DocSecurity>0</DocSecurity></Properties>"""


def base_package() -> bytes:
    """A minimal, valid .docx: empty body with an A4 section, Normal style, settings, properties."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in (
            ("[Content_Types].xml", _CONTENT_TYPES),
            ("_rels/.rels", _ROOT_RELS),
            ("word/document.xml", _DOCUMENT),
            ("word/_rels/document.xml.rels", _DOCUMENT_RELS),
            ("word/styles.xml", _STYLES),
            ("word/settings.xml", _SETTINGS),
            ("word/fontTable.xml", _FONT_TABLE),
            ("docProps/core.xml", _CORE),
            ("docProps/app.xml", _APP),
        ):
            z.writestr(name, text)
    return out.getvalue()


def open_document(template: Path | None) -> tuple[DocxDocument, bool]:
    """The base document, or the user's template with its body emptied. Returns (doc, is_template)."""
    if template is None:
        return docx.Document(io.BytesIO(base_package())), False
    from guidegen.writers.docx.template import check_template

    try:
        document = docx.Document(io.BytesIO(check_template(template).data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, etree.XMLSyntaxError) as exc:
        raise UserError.single(
            Location(str(template)), "cannot open the Word template", expected="a .docx file saved by Word or LibreOffice",
            given=f"{type(exc).__name__}: {exc}",
        ) from None
    body = document.element.body
    if body is None:
        raise UserError.single(Location(str(template), path="word/document.xml"), "the Word template has no document body",
                               expected="a w:body element", hint="save the template again from Word")
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    _check_page(body, str(template))
    return document, True


def _check_page(body: etree._Element, name: str) -> None:
    """The template's page measures, read now so that a bad one names the template's file."""
    sect_pr = body.find(qn("w:sectPr"))
    if sect_pr is None:
        return
    try:
        text_width(sect_pr)
    except UserError as exc:
        raise UserError([replace(p, location=Location(name, path=f"word/document.xml {p.location.path}"))
                         for p in exc.problems]) from None


_AFTER_UPDATE_FIELDS = {
    qn(f"w:{name}") for name in (
        "hdrShapeDefaults", "footnotePr", "endnotePr", "compat", "docVars", "rsids", "attachedSchema",
        "themeFontLang", "clrSchemeMapping", "doNotIncludeSubdocsInStats", "doNotAutoCompressPictures",
        "forceUpgrade", "captions", "readModeInkLockDown", "smartTagType", "schemaLibrary", "shapeDefaults",
        "doNotEmbedSmartTags", "decimalSymbol", "listSeparator",
    )
} | {"{http://schemas.openxmlformats.org/officeDocument/2006/math}mathPr"}


def ask_word_to_update_fields(document: DocxDocument) -> None:
    """<w:updateFields w:val="true"/> in settings.xml: Word refreshes the TOC and field results
    (page numbers, caption numbers) when it opens the document."""
    settings = document.settings.element
    existing = settings.find(qn("w:updateFields"))
    if existing is not None:
        existing.set(qn("w:val"), "true")
        return
    update = el("w:updateFields", {"w:val": "true"})
    anchor = next((child for child in settings if child.tag in _AFTER_UPDATE_FIELDS), None)
    if anchor is not None:
        anchor.addprevious(update)
    else:
        settings.append(update)


def set_properties(document: DocxDocument, title: str, subject: str, author: str, keywords: list[str],
                   date: dt.date, language_tag: str, version: str) -> None:
    """Every core property set from the engagement (never python-docx's defaults)."""
    props = document.core_properties
    stamp = dt.datetime(date.year, date.month, date.day, tzinfo=dt.timezone.utc)
    props.title = title
    props.subject = subject
    props.author = author
    props.last_modified_by = author
    props.keywords = "; ".join(keywords)
    props.category = subject
    props.comments = ""
    props.content_status = f"v{version}"
    props.language = language_tag
    props.revision = 1
    props.created = stamp
    props.modified = stamp
    props.last_printed = stamp
    props.identifier = ""
    props.version = version


def save(document: DocxDocument, date: dt.date, splices: Splices | None = None) -> bytes:
    """Serialize with fixed zip timestamps (the same inputs give the same bytes); ``splices``
    replace a marker in a part with prepared content (part name -> (marker, content or chunks))."""
    out = io.BytesIO()
    document.save(out)
    year = max(date.year, 1980)
    return normalize_zip(out.getvalue(), (year, date.month, date.day, 0, 0, 0), splices, finish_chunks)


class MalformedPart(RuntimeError):
    """The writer assembled a part that is not well-formed XML: a bug, never the user's input."""


_REQUIRED_NAMESPACES = {b"w": nsmap["w"].encode(), b"r": nsmap["r"].encode()}


def finish_chunks(name: str, chunks: Iterator[bytes]) -> Iterator[bytes]:
    """Complete and check a part assembled from text, chunk by chunk as it is written: the
    root declares w: and r: (the body uses both, and a template's root may lack r:), and the
    whole part parses as XML. The first chunk holds the root's start tag."""
    # A streaming parse with namespaces (an unbound prefix is an error): no tree is built and
    # the part is never held whole, which for a 10,000-field guide would take more memory
    # than the rest of the writer.
    parser = expat.ParserCreate(namespace_separator=" ")
    try:
        for number, chunk in enumerate(chunks):
            if number == 0:
                chunk = _declare_namespaces(chunk)
            parser.Parse(chunk, False)
            yield chunk
        parser.Parse(b"", True)
    except expat.ExpatError as exc:
        raise MalformedPart(f"{name} is not well-formed XML: {exc}") from None


def finish_part(name: str, content: bytes) -> bytes:
    """:func:`finish_chunks` for a part held whole."""
    return b"".join(finish_chunks(name, iter((content,))))


def _declare_namespaces(content: bytes) -> bytes:
    start = content.index(b"<", content.index(b"?>") + 2 if content.startswith(b"<?xml") else 0)
    end = content.index(b">", start)
    root_tag = content[start:end]
    missing = b"".join(b' xmlns:%s="%s"' % (prefix, uri) for prefix, uri in _REQUIRED_NAMESPACES.items()
                       if b"xmlns:" + prefix + b"=" not in root_tag)
    if missing:
        if root_tag.endswith(b"/"):
            end -= 1
        content = content[:end] + missing + content[end:]
    return content


def ensure_sect_pr(document: DocxDocument) -> etree._Element:
    body = document.element.body
    sect_pr = body.find(qn("w:sectPr"))
    if sect_pr is None:
        sect_pr = sub(body, "w:sectPr")
    return sect_pr
