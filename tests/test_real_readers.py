"""Real readers open what we write: LibreOffice (PDF, CSV), pandoc, poppler.

These tests skip when the tools are missing on a developer machine and fail in CI, where
.ci/run installs them.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import available_builtins, guide_for, need_tool, rendered, run_tool
from readback import docx_tables

BLUEPRINTS = available_builtins()
LANGS = ["zh", "en"]


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Path]:
    soffice = need_tool("soffice")
    folder = tmp_path_factory.mktemp("pdf")
    names = {}
    for blueprint in BLUEPRINTS:
        for lang in LANGS:
            path = folder / f"{blueprint}-{lang}.docx"
            path.write_bytes(rendered(blueprint, "docx", lang))
            names[(blueprint, lang)] = path
    result = run_tool([soffice, "--headless", f"-env:UserInstallation=file://{folder}/lo", "--convert-to", "pdf",
                       "--outdir", str(folder)]
                      + [p.name for p in names.values()], folder, timeout=600)
    assert result.returncode == 0, result.stderr
    return {key: path.with_suffix(".pdf") for key, path in names.items()}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("blueprint", BLUEPRINTS)
def test_libreoffice_renders_every_guide_to_pdf_with_every_chapter(pdfs, blueprint: str, lang: str) -> None:
    pdf = pdfs[(blueprint, lang)]
    assert pdf.exists(), "LibreOffice did not produce a PDF"
    info = run_tool([need_tool("pdfinfo"), str(pdf)], pdf.parent)
    pages = int(next(line.split()[-1] for line in info.stdout.splitlines() if line.startswith("Pages:")))
    assert pages >= 10
    text = run_tool([need_tool("pdftotext"), "-layout", str(pdf), "-"], pdf.parent).stdout
    normalized = "".join(text.split())
    guide = guide_for(blueprint, lang)
    from guidegen.document.layout import Heading, build_document

    for block in build_document(guide).blocks:
        if isinstance(block, Heading) and block.level == 1:
            assert "".join(block.text.split()) in normalized, f"chapter '{block.text}' missing from the PDF"


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("blueprint", BLUEPRINTS)
def test_text_renders_in_the_fonts_of_its_script(pdfs, blueprint: str, lang: str) -> None:
    """Chinese guides embed a CJK font; every guide embeds a Latin font for its Latin text."""
    pdf = pdfs[(blueprint, lang)]
    fonts = run_tool([need_tool("pdffonts"), str(pdf)], pdf.parent).stdout
    if lang == "zh":
        assert "CJK" in fonts or "Hei" in fonts or "Song" in fonts, fonts
    assert any(name in fonts for name in ("Carlito", "Calibri", "Liberation", "DejaVu")), fonts


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("blueprint", BLUEPRINTS)
def test_pandoc_reads_every_table_back_with_its_header_row(tmp_path: Path, blueprint: str, lang: str) -> None:
    pandoc = need_tool("pandoc")
    path = tmp_path / "guide.docx"
    data = rendered(blueprint, "docx", lang)
    path.write_bytes(data)
    result = run_tool([pandoc, "-f", "docx", "-t", "json", str(path)], tmp_path)
    assert result.returncode == 0, result.stderr
    tables = _pandoc_tables(json.loads(result.stdout)["blocks"])
    ours = docx_tables(data)
    assert len(tables) == len(ours)
    for table, mine in zip(tables, ours):
        head_rows = table["c"][3]["c"][1] if isinstance(table["c"][3], dict) else table["c"][3][1]
        assert head_rows, "pandoc saw no header row"
        assert len(mine.header) == len(table["c"][2])


def _pandoc_tables(blocks: list) -> list:
    found = []
    for block in blocks:
        if isinstance(block, dict):
            if block.get("t") == "Table":
                found.append(block)
            found += _pandoc_tables(block.get("c") if isinstance(block.get("c"), list) else [])
        elif isinstance(block, list):
            found += _pandoc_tables(block)
    return found


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("blueprint", BLUEPRINTS)
def test_libreoffice_converts_every_workbook_sheet_to_csv(tmp_path: Path, blueprint: str, lang: str) -> None:
    soffice = need_tool("soffice")
    path = tmp_path / "book.xlsx"
    path.write_bytes(rendered(blueprint, "xlsx", lang))
    result = run_tool([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to",
                       "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1", path.name], tmp_path)
    assert result.returncode == 0, result.stderr
    import openpyxl

    sheets = openpyxl.load_workbook(path, read_only=True).sheetnames
    csvs = sorted(tmp_path.glob("book-*.csv"))
    assert len(csvs) == len(sheets)
    for sheet in sheets:
        text = (tmp_path / f"book-{sheet}.csv").read_text(encoding="utf-8")
        assert text.strip(), f"sheet {sheet} converted empty"


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("blueprint", BLUEPRINTS)
def test_no_page_carries_only_its_header_and_footer(pdfs, blueprint: str, lang: str) -> None:
    """No blank page: a table filling a page is not followed by a page holding only the empty
    paragraph after it or a section break."""
    import re

    from guidegen.document.layout import build_document

    pdf = pdfs[(blueprint, lang)]
    doc = build_document(guide_for(blueprint, lang))
    footer = re.compile(re.escape(doc.labels["page_x_of_y"]).replace(r"\{page\}", r"\d+").replace(r"\{pages\}", r"\d+")
                        .replace(r"\ ", r"\s*"))
    title = "".join(doc.properties.title.split())
    pages = run_tool([need_tool("pdftotext"), "-layout", str(pdf), "-"], pdf.parent).stdout.split("\f")[:-1]
    assert len(pages) >= 10
    blank = []
    for number, page in enumerate(pages, 1):
        content = [line for line in page.splitlines()
                   if line.strip() and "".join(line.split()) != title and not footer.fullmatch(line.strip())]
        if not content:
            blank.append(number)
    assert not blank, f"pages with only header and footer: {blank} of {len(pages)}"
