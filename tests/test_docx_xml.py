"""One XML path for the DOCX body: standard prefixes only, namespaces declared once, every
attribute escaped, and a malformed part is a bug (exit 1), never a file written with exit 0."""

from __future__ import annotations

import io
import re
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from guidegen.writers import WriterOptions
from guidegen.writers.docx import write_docx
from guidegen.writers.common import normalize_zip
from guidegen.writers.docx.package import MalformedPart, finish_chunks, finish_part

from conftest import available_builtins, guide_for, need_tool

# Prefixes of the OOXML and OPC specifications (ECMA-376) and the Office extensions.
STANDARD_PREFIXES = {
    "w", "r", "wp", "a", "pic", "mc", "o", "v", "m", "w10", "w14", "w15", "w16se", "w16cid", "w16", "w16cex",
    "w16sdtdh", "wp14", "wpc", "wpg", "wpi", "wne", "wps", "cp", "dc", "dcterms", "dcmitype", "xsi", "ep", "vt",
    "xml", "c", "ve", "sl", "w16du", "aink", "am3d", "cx", "cx1", "cx2", "cx3", "cx4", "cx5", "cx6", "cx7", "cx8",
    "x", "xdr", "a14", "dgm", "lc", "mo", "mv",  # mo/mv: Office for Mac, in python-docx's base package
}
_DECLARED = re.compile(rb'xmlns:([A-Za-z_][\w.-]*)=')
_USED = re.compile(rb"</?([A-Za-z_][\w.-]*):")


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return {n: package.read(n) for n in package.namelist() if n.endswith((".xml", ".rels"))}


@pytest.mark.parametrize("blueprint", available_builtins())
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_part_uses_standard_prefixes_declared_once(blueprint: str, lang: str) -> None:
    data = write_docx(guide_for(blueprint, lang, scenario="upgrade"))
    for name, content in _parts(data).items():
        prefixes = set(_DECLARED.findall(content)) | set(_USED.findall(content))
        odd = {p.decode() for p in prefixes} - STANDARD_PREFIXES
        assert not odd, f"{name}: non-standard prefixes {sorted(odd)}"
        etree.fromstring(content)
    document = _parts(data)["word/document.xml"]
    for prefix in (b"w", b"r"):
        assert document.count(b"xmlns:" + prefix + b"=") == 1, prefix


def _hostile_template(path: Path) -> Path:
    """A template whose style ids and names hold quotes, markup characters and CJK."""
    document = docx.Document()
    document.add_paragraph("template body")
    styles = document.styles.element
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    renamed = {}
    for style in styles.iter(f"{w}style"):
        old = style.get(f"{w}styleId")
        if old in ("Normal", "Heading1", "TableGrid", "Title"):
            renamed[old] = f'{old}"<&标题'
            style.set(f"{w}styleId", renamed[old])
    for element in styles.iter(f"{w}basedOn", f"{w}next", f"{w}link"):
        if element.get(f"{w}val") in renamed:
            element.set(f"{w}val", renamed[element.get(f"{w}val")])
    extra = docx.Document().styles.add_style('Firm "Quote" <&> 引用', docx.enum.style.WD_STYLE_TYPE.PARAGRAPH)
    styles.append(extra.element)
    document.save(path)
    return path


def test_a_template_with_quotes_and_cjk_in_style_ids_gives_a_valid_document(tmp_path: Path) -> None:
    template = _hostile_template(tmp_path / "hostile.docx")
    data = write_docx(guide_for("helpdesk", "zh"), WriterOptions(template=template))
    for name, content in _parts(data).items():
        etree.fromstring(content)  # every part parses
    out = tmp_path / "guide.docx"
    out.write_bytes(data)
    opened = docx.Document(str(out))
    assert any(p.text for p in opened.paragraphs)
    assert b'Heading1&quot;&lt;&amp;' in _parts(data)["word/document.xml"]


def test_a_template_with_quotes_and_cjk_in_style_ids_opens_in_pandoc_and_libreoffice(tmp_path: Path) -> None:
    pandoc = need_tool("pandoc")
    soffice = need_tool("soffice")
    template = _hostile_template(tmp_path / "hostile.docx")
    out = tmp_path / "guide.docx"
    out.write_bytes(write_docx(guide_for("helpdesk", "en"), WriterOptions(template=template)))
    text = subprocess.run([pandoc, "-f", "docx", "-t", "plain", str(out)], capture_output=True, text=True, check=True)
    assert "Integration overview" in text.stdout
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(out)], capture_output=True, check=True, timeout=240)
    assert (tmp_path / "guide.pdf").stat().st_size > 10_000


def test_a_malformed_part_is_an_internal_error_not_a_file() -> None:
    with pytest.raises(MalformedPart):
        finish_part("word/document.xml", b'<?xml version="1.0"?>\n<w:document xmlns:w="x"><w:body><w:p></w:body></w:document>')


def test_a_part_using_an_undeclared_prefix_is_malformed() -> None:
    with pytest.raises(MalformedPart, match="unbound prefix"):
        finish_part("word/document.xml", b'<w:document xmlns:w="urn:w"><w:body><x:p/></w:body></w:document>')


def test_the_root_gets_the_namespaces_the_body_uses() -> None:
    fixed = finish_part("word/document.xml", b'<?xml version="1.0"?>\n<w:document xmlns:w="urn:w"><w:body/></w:document>')
    root = etree.fromstring(fixed)
    assert "r" in root.nsmap and root.nsmap["w"] == "urn:w"


_PART = ('<?xml version="1.0"?>\n<w:document xmlns:w="urn:w"><w:body><!--BODY-->'
         '<w:p><w:r><w:t>客户 → Account__c &amp; “quotes”</w:t></w:r></w:p><w:p/></w:body></w:document>').encode()


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=len(_PART)), max_size=8))
def test_a_part_streamed_in_chunks_is_written_as_the_part_held_whole(cuts: list[int]) -> None:
    """The body is streamed into the package a chunk at a time (cut anywhere, even inside a
    character): the package holds the same bytes as when the part is spliced whole."""
    head, marker, tail = _PART.partition(b"<!--BODY-->")
    base = io.BytesIO()
    with zipfile.ZipFile(base, "w") as z:
        z.writestr("word/document.xml", head + marker + b"</w:body></w:document>")
    body = tail[: -len(b"</w:body></w:document>")]
    edges = sorted({0, len(body), *(min(c, len(body)) for c in cuts)})
    chunks = [body[a:b] for a, b in zip(edges, edges[1:])]
    date = (2026, 11, 25, 0, 0, 0)
    whole = normalize_zip(base.getvalue(), date, {"word/document.xml": (marker, body)}, finish_chunks)
    streamed = normalize_zip(base.getvalue(), date, {"word/document.xml": (marker, iter(chunks))}, finish_chunks)
    assert streamed == whole
    part = zipfile.ZipFile(io.BytesIO(streamed)).read("word/document.xml")
    assert b"xmlns:r=" in part and etree.fromstring(part).find(".//{urn:w}t").text.startswith("客户")


def test_a_malformed_chunk_is_an_internal_error() -> None:
    chunks = iter([b'<w:document xmlns:w="urn:w"><w:body>', b"<w:p>", b"</w:body></w:document>"])
    with pytest.raises(MalformedPart):
        list(finish_chunks("word/document.xml", chunks))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.text(st.sampled_from("<w:p>客户&;é→ "), max_size=30), st.booleans()), max_size=12),
       st.integers(min_value=1, max_value=40))
def test_body_parts_held_as_text_or_bytes_are_written_as_their_text(parts, chunk) -> None:
    """The body keeps finished tables as UTF-8 bytes and the rest as text: the chunks written are
    the whole body's text encoded once, however the parts mix and however small a chunk."""
    from guidegen.writers import docx as writer

    held = [text.encode("utf-8") if encoded else text for text, encoded in parts]
    saved, writer.BODY_CHUNK = writer.BODY_CHUNK, chunk
    try:
        written = list(writer._chunks(list(held)))
    finally:
        writer.BODY_CHUNK = saved
    assert b"".join(written) == "".join(text for text, _ in parts).encode("utf-8")


@settings(max_examples=300, deadline=None)
@given(st.text(st.one_of(st.sampled_from('&<>"\'\r\n\t\x00\x0b\ufffe'), st.characters(codec="utf-8", exclude_categories=("Cs",))),
               max_size=40))
def test_escaping_leaves_nothing_xml_would_misread(text: str) -> None:
    """Whatever a text holds, its escaped form is character data XML reads back as the text less
    the characters XML 1.0 forbids."""
    from guidegen.core.text import XML_FORBIDDEN
    from guidegen.writers.docx.inline import esc

    kept = "".join(c for c in text if ord(c) not in XML_FORBIDDEN)
    parsed = etree.fromstring(f'<t a="{esc(text)}">{esc(text)}</t>'.encode())
    assert (parsed.text or "") == kept.replace("\r\n", "\n").replace("\r", "\n")  # XML's own line-end handling
    assert parsed.get("a") is not None


@pytest.mark.parametrize(("text", "expected"), [
    ("SAP OData API（API_A、API_B 等）", "SAP OData API\u200b（API_A、\u200bAPI_B 等）"),
    ("以 customer、fraud、inventory 为例", "以 customer、\u200bfraud、\u200binventory 为例"),
    ("字段：Account.Name；Contact.Email", "字段：\u200bAccount.Name；\u200bContact.Email"),
    ("中文，中文（说明）", "中文，中文（说明）"),  # no Latin text: nothing to add
    ("Plain ASCII (with parentheses), commas; colons: kept", "Plain ASCII (with parentheses), commas; colons: kept"),
])
def test_latin_text_meeting_full_width_punctuation_gets_its_line_break_opportunities(text: str, expected: str) -> None:
    from guidegen.writers.docx.inline import cjk_breaks

    assert cjk_breaks(text) == expected


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("aZ09_. 中文、，；：（）。《》\u200b")), max_size=40))
def test_break_opportunities_only_add_zero_width_spaces(text: str) -> None:
    from guidegen.writers.docx.inline import ZWSP, cjk_breaks

    once = cjk_breaks(text)
    assert once.replace(ZWSP, "") == text.replace(ZWSP, "")
    assert cjk_breaks(once) == once  # a second pass adds nothing
