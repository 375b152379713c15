"""Front matter a consultancy sends and the typography around it, read back from the DOCX:
classification, client and author where a reader looks for them, approvals for real roles, no
tool name in the properties, a fontTable with metric-compatible alternatives, and tables whose
widths come from the text (identifiers break only where allowed)."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from lxml import etree

from conftest import FIXED_DATE, guide_for, rendered, run_cli
from guidegen.blueprint.loader import load_blueprint, resolve_blueprint_path
from guidegen.document import layout as L
from guidegen.resolve.engagement import Engagement
from guidegen.resolve.resolver import resolve_guide
from guidegen.writers import WriterOptions
from guidegen.writers import metrics
from guidegen.writers.docx import write_docx
from guidegen.writers.docx.tables import ZWSP, breakable, column_widths, measure_table

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
NS = {"w": W[1:-1]}


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {n: z.read(n) for n in z.namelist()}


def _text(root: etree._Element) -> str:
    return "".join(t.text or "" for t in root.iter(W + "t"))


def _guide(**engagement: object):  # noqa: ANN202
    loaded = load_blueprint(resolve_blueprint_path("erp"))
    return resolve_guide(loaded, Engagement(blueprint="erp", date=FIXED_DATE, **engagement)).guide


def test_classification_defaults_per_language_and_shows_on_cover_and_footer() -> None:
    for lang, word in (("en", "Confidential"), ("zh", "机密")):
        parts = _parts(rendered("email-marketing", "docx", lang))
        body = _text(etree.fromstring(parts["word/document.xml"]))
        assert word in body[:600]  # on the cover, before the document-control page
        footers = [_text(etree.fromstring(v)) for k, v in parts.items() if k.startswith("word/footer")]
        assert any(word in f for f in footers)


def test_classification_client_and_author_from_the_command_line(tmp_path: Path) -> None:
    code, _, err = run_cli("render", "erp", "--lang", "en", "--format", "docx", "--date", FIXED_DATE, "--out", tmp_path,
                           "--client", "Northwind Retail", "--author", "Jane Doe", "--classification", "Internal")
    assert code == 0, err
    parts = _parts(next(tmp_path.glob("*.docx")).read_bytes())
    cover = _text(etree.fromstring(parts["word/document.xml"]))[:800]
    assert "Internal" in cover and "Confidential" not in cover and "Northwind Retail" in cover
    headers = [_text(etree.fromstring(v)) for k, v in parts.items() if k.startswith("word/header")]
    title = guide_for("erp", "en").meta.title
    assert any("Northwind Retail" in h and title in h for h in headers)
    core = etree.fromstring(parts["docProps/core.xml"])
    assert core.find("{http://purl.org/dc/elements/1.1/}creator").text == "Jane Doe"


def test_no_tool_name_in_the_document_properties() -> None:
    parts = _parts(rendered("helpdesk", "docx", "en"))
    for name in ("docProps/core.xml", "docProps/app.xml"):
        assert b"guidegen" not in parts[name].lower(), name


def test_approvals_list_several_roles_or_the_people_the_engagement_names() -> None:
    default = _guide(lang="en")
    assert len(default.approvals) > 1 and len({a.role for a in default.approvals}) == len(default.approvals)
    role = default.implementation.team[1]
    named = _guide(lang="en", people={role.id: {"name": "Li Wei"}})
    assert [(a.name) for a in named.approvals] == ["Li Wei"]


def test_font_table_names_families_charsets_and_metric_compatible_alternatives() -> None:
    parts = _parts(rendered("email-marketing", "docx", "zh"))
    fonts = {f.get(W + "name"): f for f in etree.fromstring(parts["word/fontTable.xml"]).findall("w:font", NS)}
    assert fonts["Calibri"].find("w:altName", NS).get(W + "val") == "Carlito"
    assert fonts["Microsoft YaHei"].find("w:charset", NS).get(W + "val") == "86"
    assert fonts["Consolas"].find("w:pitch", NS).get(W + "val") == "fixed"
    styles = parts["word/styles.xml"].decode()
    named = {name for tag in re.findall(r"<w:rFonts [^>]*>", styles)
             for name in re.findall(r'w:(?:ascii|hAnsi|eastAsia)="([^"]+)"', tag)}
    assert named <= set(fonts), named - set(fonts)
    rels = parts["word/_rels/document.xml.rels"].decode()
    assert 'Target="fontTable.xml"' in rels


def test_inline_code_is_neutral_and_chinese_pages_have_no_line_grid() -> None:
    parts = _parts(rendered("email-marketing", "docx", "zh"))
    styles = etree.fromstring(parts["word/styles.xml"])
    code = styles.find("w:style[@w:styleId='GuideCodeChar']", NS)
    red, green, blue = (int(code.find(".//w:color", NS).get(W + "val")[i:i + 2], 16) for i in (0, 2, 4))
    assert max(red, green, blue) - min(red, green, blue) < 16  # a grey, not a colour
    grids = etree.fromstring(parts["word/document.xml"]).iter(W + "docGrid")
    assert all(g.get(W + "type") in (None, "default") for g in grids)


def test_header_shading_comes_from_the_table_style_not_from_each_cell() -> None:
    parts = _parts(rendered("erp", "docx", "en"))
    root = etree.fromstring(parts["word/document.xml"])
    styled = [t for t in root.iter(W + "tbl") if t.find("w:tblPr/w:tblStyle", NS).get(W + "val") == "GuideTable"]
    header_cells = [tc for t in styled for tc in t.find("w:tr", NS).findall("w:tc", NS)]
    assert header_cells and not [tc for tc in header_cells if tc.find("w:tcPr/w:shd", NS) is not None]
    style = etree.fromstring(parts["word/styles.xml"]).find("w:style[@w:styleId='GuideTable']", NS)
    assert style.find("w:tblStylePr[@w:type='firstRow']/w:tcPr/w:shd", NS) is not None


def test_identifiers_get_break_opportunities_only_when_too_wide_and_only_after_allowed_marks() -> None:
    long = "Account.ERP_Customer_Id__c/x-y"
    wide = metrics.twips(long, 18)
    assert breakable(long, wide + 10, 18, False) == long
    broken = breakable(long, wide // 2, 18, False)
    assert broken.replace(ZWSP, "") == long
    assert all(broken[i - 1] in "._/-" for i, c in enumerate(broken) if c == ZWSP)
    assert ZWSP in broken


def test_short_chinese_terms_and_short_labels_stay_on_one_line_before_identifiers_are_whole() -> None:
    """A mapping table too narrow for everything: the type column keeps "字符串 → 枚举" on one
    line and the rule column keeps its four-character term whole; the long identifier wraps
    (after its "." or "_", where it may)."""
    columns = [L.Column("源字段", literal=True), L.Column("类型"), L.Column("转换规则")]
    rows = [["email_marketing_consent.consent_updated_at", "字符串 → 枚举", "按码表映射；最严格者优先"],
            ["phone", "字符串", "标准化为 E.164 格式"]] * 10
    m = measure_table(L.Table("t", None, None, columns, rows), 18, True)
    assert m.floor[1] >= metrics.twips("字符串", 18, east_asian=True) + 160  # a short term is a floor
    widths = column_widths(m, 5900)  # room for the labels or for the whole identifier, not both
    assert widths[1] >= metrics.twips("字符串 → 枚举", 18, east_asian=True) + 160
    assert widths[0] < metrics.twips(rows[0][0], 18, east_asian=True) + 160  # the identifier gave way


def test_column_widths_keep_header_words_and_identifiers_whole_and_favour_the_full_column() -> None:
    columns = [L.Column("Source field", literal=True), L.Column("Transformation rule"), L.Column("Validation", optional=True)]
    rule = "Convert the value to ISO 8601 in UTC and reject records whose date lies in the future " * 2
    rows = [["Contact.EmailVerifiedAt", rule, ""] for _ in range(24)] + [["Contact.Id", "Copy", "Not empty"]]
    m = measure_table(L.Table("t", None, None, columns, rows), 18, False)
    widths = column_widths(m, 9000)
    assert sum(widths) == 9000
    assert widths[0] >= metrics.twips("Contact.EmailVerifiedAt", 18) + 160
    assert widths[2] >= metrics.twips("Validation", 18, bold=True) + 160
    assert widths[1] > 3 * widths[2]  # the long rule, in every row, gets the width


def test_a_curly_quote_in_chinese_text_is_a_run_in_the_east_asian_font_and_language() -> None:
    """LibreOffice takes a quote after a Latin letter for Latin text — “reopened” closed by a
    half-width mark — unless the quote's run sets the East Asian font and language for every
    script; Word reads the hint. English documents keep their quotes in their runs."""
    for lang, expected in (("zh", True), ("en", False)):
        guide = guide_for("helpdesk", lang=lang, complexity="high")
        parts = _parts(write_docx(guide, WriterOptions()))
        body = etree.fromstring(parts["word/document.xml"])
        marks = [t for t in body.iter(W + "t") if "\u201c" in (t.text or "") or "\u201d" in (t.text or "")]
        styled = [t for t in marks if t.getparent().find(f"{W}rPr/{W}rStyle[@{W}val='GuideQuoteMark']") is not None]
        if not expected:
            assert not styled and b"GuideQuoteMark" not in parts["word/document.xml"]
            continue
        assert len(marks) >= 10 and styled == marks
        assert all(t.text in ("\u201c", "\u201d") for t in marks)
        assert any(t.text == "\u201d" and _text(t.getparent().getprevious()).endswith("reopened") for t in marks)
        styles = etree.fromstring(parts["word/styles.xml"])
        style = styles.find(f"{W}style[@{W}styleId='GuideQuoteMark']")
        fonts, lang_el = style.find(f"{W}rPr/{W}rFonts"), style.find(f"{W}rPr/{W}lang")
        assert fonts.get(W + "ascii") == fonts.get(W + "hAnsi") == fonts.get(W + "eastAsia") and fonts.get(W + "hint") == "eastAsia"
        assert lang_el.get(W + "val") == lang_el.get(W + "eastAsia") == "zh-CN"
