"""The DOCX has what a consultant needs to hand it over as it is (checked in the XML)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import pytest
from docx.shared import Cm, RGBColor
from lxml import etree

from conftest import FIXED_DATE, available_builtins, guide_for, rendered, run_cli
from guidegen.writers import WriterOptions
from guidegen.writers.docx import write_docx

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
NS = {"w": W[1:-1]}
BLUEPRINTS = available_builtins()


def part(data: bytes, name: str) -> etree._Element:
    return etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read(name))


def instructions(root: etree._Element) -> list[str]:
    return [(t.text or "").strip() for t in root.iter(W + "instrText")]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_toc_field_is_dirty_and_word_updates_fields_on_open(lang: str) -> None:
    data = rendered("email-marketing", "docx", lang)
    body = part(data, "word/document.xml")
    assert any(i.startswith('TOC \\o "1-3"') for i in instructions(body))
    begins = [f for f in body.iter(W + "fldChar") if f.get(W + "fldCharType") == "begin" and f.get(W + "dirty") == "true"]
    assert begins
    settings = part(data, "word/settings.xml")
    assert settings.find("w:updateFields", NS).get(W + "val") == "true"


@pytest.mark.parametrize("blueprint", BLUEPRINTS)
def test_every_table_repeats_its_header_row_and_rows_do_not_split(blueprint: str) -> None:
    body = part(rendered(blueprint, "docx", "zh"), "word/document.xml")
    tables = body.findall(".//w:tbl", NS)
    assert tables
    for tbl in tables:
        rows = tbl.findall("w:tr", NS)
        assert rows[0].find("w:trPr/w:tblHeader", NS) is not None
        for row in rows[1:]:
            if row.find("w:trPr/w:cantSplit", NS) is None:  # only a very tall row may break
                text = "".join(t.text or "" for t in row.iter(W + "t"))
                assert len(text) > 100, text
        assert tbl.find("w:tblPr/w:tblLook", NS).get(W + "firstRow") == "1"


@pytest.mark.parametrize("blueprint", BLUEPRINTS)
def test_every_body_table_has_a_numbered_caption_with_a_seq_field(blueprint: str) -> None:
    body = part(rendered(blueprint, "docx", "zh"), "word/document.xml").find("w:body", NS)
    children = list(body)
    captioned = 0
    for i, child in enumerate(children):
        if child.tag != W + "tbl":
            continue
        before = children[i - 1]
        after = children[i + 1]
        caption = before if any("SEQ Table" in x for x in instructions(before)) else after
        text = "".join(t.text or "" for t in caption.iter(W + "t"))
        seq = [x for x in instructions(caption) if x.startswith("SEQ")]
        if "修订记录" in "".join(t.text or "" for t in children[i - 1].iter(W + "t")) or "审批" == "".join(
                t.text or "" for t in children[i - 1].iter(W + "t")):
            continue  # the document-control tables sit under their own titles
        assert seq, f"table without SEQ caption near '{text}'"
        assert text.startswith(("表 ", "图 "))
        captioned += 1
    assert captioned > 10


def test_adjacent_tables_are_separated_by_a_paragraph() -> None:
    body = part(rendered("email-marketing", "docx", "zh"), "word/document.xml").find("w:body", NS)
    children = list(body)
    for a, b in zip(children, children[1:]):
        assert not (a.tag == W + "tbl" and b.tag == W + "tbl")
    for tc in body.iter(W + "tc"):
        assert list(tc)[-1].tag == W + "p"


def test_footer_has_page_x_of_y_and_header_the_title() -> None:
    data = rendered("email-marketing", "docx", "en")
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    footers = [part(data, n) for n in names if n.startswith("word/footer")]
    headers = [part(data, n) for n in names if n.startswith("word/header")]
    assert any({"PAGE", "NUMPAGES"} <= set(instructions(f)) for f in footers)
    title = guide_for("email-marketing", "en").meta.title
    assert any(title in "".join(t.text or "" for t in h.iter(W + "t")) for h in headers)


def test_chinese_styles_carry_east_asian_font_and_language() -> None:
    styles = part(rendered("email-marketing", "docx", "zh"), "word/styles.xml")
    defaults = styles.find("w:docDefaults/w:rPrDefault/w:rPr", NS)
    assert defaults.find("w:rFonts", NS).get(W + "eastAsia")
    assert defaults.find("w:lang", NS).get(W + "eastAsia") == "zh-CN"
    for style in styles.findall("w:style", NS):
        fonts = style.find("w:rPr/w:rFonts", NS)
        if fonts is not None:
            assert fonts.get(W + "eastAsia"), style.get(W + "styleId")


def test_english_guide_declares_english() -> None:
    styles = part(rendered("email-marketing", "docx", "en"), "word/styles.xml")
    assert styles.find("w:docDefaults/w:rPrDefault/w:rPr/w:lang", NS).get(W + "val") == "en-US"


def test_core_properties_come_from_the_engagement() -> None:
    document = docx.Document(io.BytesIO(rendered("email-marketing", "docx", "en")))
    props = document.core_properties
    guide = guide_for("email-marketing", "en")
    assert props.title == guide.meta.title
    assert props.subject and props.keywords
    assert props.author != "python-docx" and props.last_modified_by != "python-docx"
    assert props.created.date().isoformat() == FIXED_DATE and props.modified.date().isoformat() == FIXED_DATE
    names = zipfile.ZipFile(io.BytesIO(rendered("email-marketing", "docx", "en"))).namelist()
    assert not any("thumbnail" in n for n in names)


@pytest.mark.parametrize("blueprint", BLUEPRINTS)
def test_no_table_is_wider_than_its_sections_text_width(blueprint: str) -> None:
    body = part(rendered(blueprint, "docx", "zh"), "word/document.xml").find("w:body", NS)
    sections = []  # (list of tables, sectPr) in document order
    current: list = []
    for child in body:
        if child.tag == W + "tbl":
            current.append(child)
        sect = child.find("w:pPr/w:sectPr", NS) if child.tag == W + "p" else (child if child.tag == W + "sectPr" else None)
        if sect is not None:
            sections.append((current, sect))
            current = []
    for tables, sect in sections:
        width = int(sect.find("w:pgSz", NS).get(W + "w"))
        margins = sect.find("w:pgMar", NS)
        text_width = width - int(margins.get(W + "left")) - int(margins.get(W + "right"))
        for tbl in tables:
            grid = sum(int(g.get(W + "w")) for g in tbl.findall("w:tblGrid/w:gridCol", NS))
            assert grid <= text_width


def test_wide_mapping_tables_go_into_landscape_sections() -> None:
    body = part(rendered("email-marketing", "docx", "zh"), "word/document.xml")
    orients = [s.find("w:pgSz", NS).get(W + "orient") for s in body.iter(W + "sectPr")]
    assert "landscape" in orients and None in orients


def test_headings_are_numbered_by_word_numbering_bound_to_the_styles() -> None:
    data = rendered("email-marketing", "docx", "zh")
    styles = part(data, "word/styles.xml")
    numbering = part(data, "word/numbering.xml")
    for level, style_id in enumerate(("Heading1", "Heading2", "Heading3")):
        style = styles.find(f"w:style[@w:styleId='{style_id}']", NS)
        num_pr = style.find("w:pPr/w:numPr", NS)
        assert num_pr is not None and num_pr.find("w:ilvl", NS).get(W + "val") == str(level)
        num_id = num_pr.find("w:numId", NS).get(W + "val")
        num = numbering.find(f"w:num[@w:numId='{num_id}']", NS)
        abstract_id = num.find("w:abstractNumId", NS).get(W + "val")
        lvl = numbering.find(f"w:abstractNum[@w:abstractNumId='{abstract_id}']/w:lvl[@w:ilvl='{level}']", NS)
        assert lvl.find("w:pStyle", NS).get(W + "val") == style_id


def test_urls_in_prose_and_rules_become_hyperlinks() -> None:
    data = rendered("email-marketing", "docx", "en")
    body = part(data, "word/document.xml")
    links = body.findall(".//w:hyperlink", NS)
    assert links
    rels = part(data, "word/_rels/document.xml.rels")
    targets = {r.get("Target") for r in rels if r.get("TargetMode") == "External"}
    assert "https://example.com/offer" in targets


def _template(path: Path) -> Path:
    document = docx.Document()
    heading = document.styles["Heading 1"]
    heading.font.color.rgb = RGBColor(0xC0, 0x00, 0x00)
    section = document.sections[0]
    section.left_margin = Cm(3.5)
    section.right_margin = Cm(3.5)
    section.header.paragraphs[0].text = "ACME Consulting — Confidential"
    document.add_paragraph("template body text that must not survive")
    document.save(str(path))
    return path


def test_corporate_template_styles_margins_and_header_are_used(tmp_path: Path) -> None:
    template = _template(tmp_path / "firm.docx")
    data = write_docx(guide_for("email-marketing", "zh"), WriterOptions(template=template))
    result = docx.Document(io.BytesIO(data))
    assert result.styles["Heading 1"].font.color.rgb == RGBColor(0xC0, 0x00, 0x00)
    assert abs(result.sections[0].left_margin - Cm(3.5)) < Cm(0.01)
    assert "ACME Consulting" in result.sections[0].header.paragraphs[0].text
    text = "\n".join(p.text for p in result.paragraphs)
    assert "template body text" not in text
    assert "Guide Table Text" in [s.name for s in result.styles]  # our styles added where missing


def test_template_option_on_the_command_line(tmp_path: Path) -> None:
    template = _template(tmp_path / "firm.docx")
    code, _, err = run_cli("render", "email-marketing", "--template", template, "--format", "docx", "--out",
                           tmp_path / "out", "--date", FIXED_DATE)
    assert code == 0, err
    code, _, err = run_cli("render", "email-marketing", "--template", tmp_path / "missing.docx", "--format", "docx",
                           "--out", tmp_path / "out2")
    assert code == 2 and "missing.docx" in err
    bad = tmp_path / "bad.docx"
    bad.write_text("not a zip")
    code, _, err = run_cli("render", "email-marketing", "--template", bad, "--format", "docx", "--out", tmp_path / "o3")
    assert code == 2 and "cannot open the Word template" in err


def test_a_small_table_keeps_its_rows_together_and_a_long_one_may_break() -> None:
    """A table of a few short rows moves to the next page whole (every row's paragraphs keep
    with the next); a long table breaks across pages between rows as usual."""
    from guidegen.document.layout import build_document
    from guidegen.writers.docx import SMALL_TABLE_ROWS, write_docx

    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    guide = guide_for("helpdesk", "en")
    tables = [b for b in build_document(guide).blocks if getattr(b, "rows", None) is not None and getattr(b, "caption", None)]
    with zipfile.ZipFile(io.BytesIO(write_docx(guide, WriterOptions()))) as z:
        body = etree.fromstring(z.read("word/document.xml"))
    captions = {t.get(f"{w}val"): t.getparent().getparent() for t in body.iter(f"{w}tblCaption")}

    def kept(tbl: etree._Element) -> bool:
        rows = tbl.findall(f"{w}tr")[1:]
        return all(p.find(f"{w}pPr/{w}keepNext") is not None for r in rows for p in r.iter(f"{w}p"))

    small = [t for t in tables if len(t.rows) <= 2 and all(len(str(c)) < 60 for r in t.rows for c in r)]
    long = [t for t in tables if len(t.rows) > SMALL_TABLE_ROWS * 3]
    assert small and long
    for table in small:
        assert kept(next(v for k, v in captions.items() if k.endswith(table.caption))), table.caption
    for table in long:
        assert not kept(next(v for k, v in captions.items() if k.endswith(table.caption))), table.caption
