"""The HTML writer: the same chapters and tables as the DOCX, self-contained, hostile text inert."""

from __future__ import annotations

import re

import pytest

from conftest import available_builtins, guide_for, rendered
from guidegen.core import i18n
from guidegen.document.chapters.data import shown_field
from guidegen.blueprint.loader import load_blueprint, resolve_blueprint_path
from guidegen.resolve.engagement import Engagement
from guidegen.resolve.resolver import resolve_guide
from guidegen.writers import WRITERS, WriterOptions, get_writer
from readback import docx_headings, docx_tables, html_headings, html_tables, html_tree

BLUEPRINTS = available_builtins()


def _strip_number(text: str) -> str:
    return re.sub(r"^\d+(\.\d+)*\s+", "", text)


def test_html_is_a_registered_format_with_its_extension() -> None:
    assert WRITERS["html"].extension == ".html"
    assert callable(get_writer("html"))


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("blueprint", BLUEPRINTS)
def test_html_holds_the_same_sections_and_tables_as_the_docx(blueprint: str, lang: str) -> None:
    docx_data, page = rendered(blueprint, "docx", lang), rendered(blueprint, "html", lang)
    assert html_headings(page) == [(lvl, _strip_number(t)) for lvl, t in docx_headings(docx_data)]
    figure = "图" if lang == "zh" else "Figure"
    docx_body = [t for t in docx_tables(docx_data) if not t.after.startswith(figure)][2:]  # after revisions, approvals
    html_body = html_tables(page)
    assert [t.header for t in html_body] == [t.header for t in docx_body]
    assert [len(t.rows) for t in html_body] == [len(t.rows) for t in docx_body]


@pytest.mark.parametrize("blueprint", BLUEPRINTS)
def test_html_holds_every_mapping_row_in_order(blueprint: str) -> None:
    guide = guide_for(blueprint, "en")
    tables = html_tables(rendered(blueprint, "html", "en"))
    for entity in guide.data.entities:
        matches = [t for t in tables if t.caption.endswith(entity.name + " field mapping")]
        assert matches, f"no table captioned for {entity.name}"
        none = i18n.t("en", "none")  # a field with no counterpart is shown as the layout shows it
        assert [(r[0], r[1]) for r in matches[0].rows] == [(shown_field(f.source, none), shown_field(f.target, none))
                                                           for f in entity.fields]


def test_html_page_is_self_contained_with_print_styles() -> None:
    page = rendered("helpdesk", "html", "zh")
    tree = html_tree(page)
    assert tree.get("lang") == "zh-CN"
    assert not tree.xpath("//script | //link | //img | //iframe")
    assert not [a for a in tree.xpath("//@src")]
    style = tree.xpath("//style")[0].text_content()
    assert "@media print" in style and "size: A4 landscape" in style
    toc_links = [a.get("href") for a in tree.xpath("//nav[@class='toc']//a")]
    ids = {"#" + h.get("id") for h in tree.xpath("//main//*[@id]")}
    assert toc_links and set(toc_links) <= ids


def test_html_timeline_shades_the_weeks_each_phase_runs() -> None:
    guide = guide_for("helpdesk", "en", start_date="2027-01-04")
    page = get_writer("html")(guide, WriterOptions())
    rows = html_tree(page).xpath("//table[@class='gantt']/tbody/tr")
    phases = guide.implementation.phases
    assert len(rows) == len(phases)
    for row, phase in zip(rows, phases):
        shaded = [i + 1 for i, td in enumerate(row.xpath("./td")[1:]) if "on" in td.get("class").split()]
        assert shaded == list(range(phase.start_week, phase.end_week + 1))


def test_engagement_text_is_shown_literally_never_as_markup() -> None:
    loaded = load_blueprint(resolve_blueprint_path("email-marketing"))
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    engagement = Engagement(blueprint="email-marketing", lang="en", client=hostile, software=hostile, date="2026-11-25")
    page = get_writer("html")(resolve_guide(loaded, engagement).guide, WriterOptions())
    tree = html_tree(page)
    assert not tree.xpath("//script | //img")
    assert hostile in tree.text_content()


def test_same_guide_gives_the_same_bytes() -> None:
    guide = guide_for("erp", "zh")
    assert get_writer("html")(guide, WriterOptions()) == get_writer("html")(guide, WriterOptions())
