"""The mapping workbook a client team reviews and signs off (read back with openpyxl)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from conftest import FIXED_DATE, guide_for, need_tool, rendered, run_tool
from guidegen.content.tables import TABLES
from guidegen.core import i18n
from guidegen.core.spreadsheet import sheet_title
from guidegen.core.vocab import review_status
from readback import xlsx_index, xlsx_workbook


def _mapping_sheets(wb) -> list:
    return [wb[row[0]] for row in xlsx_index(wb) if row[1] == "mapping"]


def _column(ws, code: str) -> int:
    return TABLES["mapping"].codes().index(code) + 1


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_rows_not_approved_in_the_blueprint_await_review(lang: str) -> None:
    guide = guide_for("email-marketing", lang, None, "new")
    wb = xlsx_workbook(rendered("email-marketing", "xlsx", lang))
    sheets = {row[2]: wb[row[0]] for row in xlsx_index(wb) if row[1] == "mapping"}
    seen = set()
    for entity in guide.data.entities:
        ws = sheets[entity.id]
        status = _column(ws, "status")
        for number, f in enumerate(entity.fields, 3):
            expected = i18n.code(lang, "status", review_status(f.status))
            assert ws.cell(number, status).value == expected, (ws.title, number)
            seen.add(ws.cell(number, status).value)
    assert i18n.code(lang, "status", "to_review") in seen
    assert i18n.code(lang, "status", "mapped") not in seen


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_review_columns_have_prompts_dates_and_status_shading(lang: str) -> None:
    wb = xlsx_workbook(rendered("email-marketing", "xlsx", lang))
    ws = _mapping_sheets(wb)[0]
    headers = [c.value for c in ws[2]]
    for code, label in (("status", "col_status"), ("reviewer", "col_reviewer"), ("decided", "col_decided"),
                        ("comment", "col_comment"), ("key", "col_row_key")):
        assert headers[_column(ws, code) - 1] == i18n.t(lang, label)
    prompts = {}
    for dv in ws.data_validations.dataValidation:
        for rng in dv.sqref.ranges:
            prompts[rng.min_col] = dv
    for code in ("status", "reviewer", "decided", "comment", "key"):
        dv = prompts[_column(ws, code)]
        assert dv.showInputMessage and dv.prompt and len(dv.prompt) <= 255, code
    assert i18n.code(lang, "status", "approved") in prompts[_column(ws, "status")].prompt
    assert prompts[_column(ws, "decided")].type == "date"
    decided = openpyxl.utils.get_column_letter(_column(ws, "decided"))
    assert ws.cell(3, _column(ws, "decided")).number_format == "yyyy-mm-dd"
    assert ws.column_dimensions[decided].number_format == "yyyy-mm-dd"
    status_letter = openpyxl.utils.get_column_letter(_column(ws, "status"))
    rules = {rule.formula[0]: rule for cf in ws.conditional_formatting for rule in cf.rules}
    for status, color in (("approved", "C6EFCE"), ("to_review", "FFEB9C"), ("not_required", "EDEDED")):
        formula = f'${status_letter}3="{i18n.code(lang, "status", status)}"'
        assert formula in rules, formula
        assert rules[formula].dxf.fill.fgColor.rgb.endswith(color)
    # "Not required" is not clipped: the column (7 px a unit + 5 px, at 96 dpi) holds the widest
    # label at 10 pt in the sheet's font with 3 px of cell padding each side.
    from guidegen.writers import metrics

    latin = metrics.SHEET if lang == "zh" else metrics.BODY
    status_px = ws.column_dimensions[status_letter].width * 7 + 5
    longest = max(metrics.em_width(i18n.code(lang, "status", s), False, lang == "zh", latin)
                  for s in ("approved", "not_required", "to_review", "deprecated"))
    assert status_px >= longest * 10 * 96 / 72 + 6


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_keys_and_identifiers_are_locked_and_review_columns_editable(lang: str) -> None:
    wb = xlsx_workbook(rendered("email-marketing", "xlsx", lang))
    for ws in _mapping_sheets(wb):
        assert ws.protection.sheet and not ws.protection.password
        assert not ws.protection.autoFilter and not ws.protection.sort  # filtering and sorting stay allowed
        for spec in TABLES["mapping"].workbook_columns():
            column = _column(ws, spec.code)
            letter = openpyxl.utils.get_column_letter(column)
            assert ws.cell(3, column).protection.locked == spec.locked, (ws.title, spec.code)
            if not spec.locked:  # rows added below the data are editable too
                assert ws.column_dimensions[letter].protection.locked is False, spec.code
        assert {s.code for s in TABLES["mapping"].workbook_columns() if s.locked} >= {"key", "source_system", "target_system"}
        assert not any(s.locked for s in TABLES["mapping"].workbook_columns()
                       if s.code in ("status", "reviewer", "decided", "comment", "rule", "type"))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_header_and_body_fonts_are_named_and_sized(lang: str) -> None:
    wb = xlsx_workbook(rendered("email-marketing", "xlsx", lang))
    expected = "Microsoft YaHei" if lang == "zh" else "Calibri"
    for ws in wb.worksheets:
        if ws.sheet_state != "visible":
            continue
        assert ws["A1"].font.name == expected and ws["A1"].font.sz == 12 and ws["A1"].font.b, ws.title
        for cell in ws[2]:
            if cell.value:
                assert cell.font.name == expected and cell.font.sz == 10 and cell.font.b, (ws.title, cell.coordinate)
        for cell in ws[3]:
            if cell.value is not None:
                assert cell.font.name == expected and cell.font.sz >= 8, (ws.title, cell.coordinate)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_instructions_explain_every_status_and_what_not_to_change(lang: str) -> None:
    wb = xlsx_workbook(rendered("email-marketing", "xlsx", lang))
    assert wb.sheetnames[:3] == [i18n.t(lang, "ws_instructions"), i18n.t(lang, "ws_summary"), i18n.t(lang, "ws_engagement")]
    text = "\n".join(str(c.value) for row in wb[wb.sheetnames[0]].iter_rows(min_row=3) for c in row if c.value)
    for status in ("approved", "to_review", "mapped", "not_required", "deprecated"):
        assert i18n.code(lang, "status", status) in text
    assert ("reviewer" in text) if lang == "en" else ("审核人" in text)
    assert ("row key" in text) if lang == "en" else ("行键" in text)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_summary_counts_rows_per_status_with_live_formulas_and_carries_the_sign_off(lang: str) -> None:
    guide = guide_for("email-marketing", lang, None, "new")
    wb = xlsx_workbook(rendered("email-marketing", "xlsx", lang))
    ws = wb[i18n.t(lang, "ws_summary")]
    index = {row[2]: row[0] for row in xlsx_index(wb) if row[1] == "mapping"}
    rows = list(ws.iter_rows(min_row=2, values_only=True))  # from the header row (row 1 holds the title)
    assert rows[0][:2] == (i18n.t(lang, "col_entity"), i18n.code(lang, "status", "mapped"))
    for n, entity in enumerate(guide.data.entities, 1):
        name, *formulas = rows[n]
        assert name == entity.name
        assert formulas[2].startswith("=COUNTIF(") and f"'{index[entity.id]}'!$S$3" in formulas[2]
        assert f'"{i18n.code(lang, "status", "approved")}"' in formulas[2]
        assert formulas[-1] == f"=IF(G{n + 2}=0,0,D{n + 2}/G{n + 2})"
    assert ws.cell(3, 8).number_format == "0%"
    total = len(guide.data.entities) + 2
    assert rows[total - 1][0] == i18n.t(lang, "xl_total") and rows[total - 1][1] == f"=SUM(B3:B{total})"
    signoff = rows[total + 1]
    assert signoff[:4] == tuple(i18n.t(lang, c.label) for c in TABLES["approvals"].columns)
    assert [r[0] for r in rows[total + 2:]] == [a.role for a in guide.approvals]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_engagement_sheet_has_a_real_date_and_no_repeated_labels(lang: str) -> None:
    wb = xlsx_workbook(rendered("email-marketing", "xlsx", lang))
    rows = list(wb[i18n.t(lang, "ws_engagement")].iter_rows(values_only=True))
    labels = [r[0] for r in rows if r[0]]
    assert len(labels) == len(set(labels))
    date = dict(rows)[i18n.t(lang, "cover_date")]
    assert isinstance(date, dt.datetime) and date.date().isoformat() == FIXED_DATE


def test_long_sheet_names_are_cut_at_whole_words() -> None:
    taken: set[str] = set()
    assert sheet_title("Map-Order → CRM order (pattern based routing)", taken) == "Map-Order → CRM order"
    assert sheet_title("Map-Order → CRM order (pattern based routing)", taken) == "Map-Order → CRM order (2)"
    assert sheet_title("Map-Subscription and consent preferences", taken) == "Map-Subscription and consent"


def test_summary_formulas_compute_in_a_real_spreadsheet(tmp_path: Path) -> None:
    soffice = need_tool("soffice")
    wb = xlsx_workbook(rendered("email-marketing", "xlsx", "en"))
    sheet = next(row[0] for row in xlsx_index(wb) if row[1] == "mapping")
    wb[sheet]["S3"] = "Approved"
    wb[sheet]["S4"] = "Not required"
    wb.save(tmp_path / "edited.xlsx")
    result = run_tool([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "xlsx", "--outdir", str(tmp_path / "out"), "edited.xlsx"],
                      cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    values = list(openpyxl.load_workbook(tmp_path / "out" / "edited.xlsx", data_only=True)["Summary"].iter_rows(
        min_row=2, values_only=True))
    guide = guide_for("email-marketing", "en", None, "new")
    fields = len(guide.data.entities[0].fields)
    assert values[1][:8] == ("Contact master", 0, fields - 2, 1, 1, 0, fields, pytest.approx(1 / fields))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_effort_sheet_carries_the_guides_estimate_with_live_totals(lang: str) -> None:
    guide = guide_for("erp", lang, None, "new")
    effort, phases = guide.implementation.effort, guide.implementation.phases
    wb = xlsx_workbook(rendered("erp", "xlsx", lang))
    ws = wb[i18n.t(lang, "ws_effort")]
    assert wb.sheetnames.index(ws.title) == wb.sheetnames.index(i18n.t(lang, "ws_plan")) + 1
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert rows[0] == (i18n.t(lang, "col_role"), *(p.name for p in phases), i18n.t(lang, "col_total_days"))
    last = openpyxl.utils.get_column_letter(len(phases) + 1)
    for n, (row, expected) in enumerate(zip(rows[1:], effort.rows), 3):
        assert row[0] == guide.role_name(expected.role)
        assert [day or 0 for day in row[1:-1]] == expected.days
        assert all(day is None for day, days in zip(row[1:-1], expected.days) if not days)  # zero: an empty cell
        assert row[-1] == f"=SUM(B{n}:{last}{n})"
    totals = rows[len(effort.rows) + 1]
    bottom = len(effort.rows) + 2
    assert totals[0] == i18n.t(lang, "effort_total_row")
    assert totals[1:] == tuple(f"=SUM({openpyxl.utils.get_column_letter(c)}3:{openpyxl.utils.get_column_letter(c)}{bottom})"
                               for c in range(2, len(phases) + 3))


def test_effort_totals_compute_in_a_real_spreadsheet_after_an_edit(tmp_path: Path) -> None:
    soffice = need_tool("soffice")
    guide = guide_for("erp", "en", None, "new")
    effort = guide.implementation.effort
    wb = xlsx_workbook(rendered("erp", "xlsx", "en"))
    ws = wb["Effort estimate"]
    ws["B3"] = (ws["B3"].value or 0) + 5  # the reviewer adds five days to the first role's first phase
    wb.save(tmp_path / "edited.xlsx")
    result = run_tool([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "xlsx",
                       "--outdir", str(tmp_path / "out"), "edited.xlsx"], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    values = list(openpyxl.load_workbook(tmp_path / "out" / "edited.xlsx", data_only=True)["Effort estimate"].iter_rows(
        min_row=3, values_only=True))
    assert values[0][-1] == pytest.approx(effort.rows[0].total + 5)
    assert [row[-1] for row in values[1:len(effort.rows)]] == pytest.approx([r.total for r in effort.rows[1:]])
    totals = values[len(effort.rows)]
    assert totals[1] == pytest.approx(effort.phase_totals[0] + 5)
    assert list(totals[2:-1]) == pytest.approx(effort.phase_totals[1:])
    assert totals[-1] == pytest.approx(effort.total + 5)


def _word_heights(html: str) -> list[list[float]]:
    """Per page, the heights of the words' boxes as pdftotext -bbox reports them."""
    import re

    return [[float(b) - float(a) for a, b in re.findall(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)"', page)]
            for page in html.split("<page ")[1:]]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_sheet_prints_with_no_text_below_8_points(lang: str, tmp_path: Path) -> None:
    soffice, pdftotext, pdffonts = need_tool("soffice"), need_tool("pdftotext"), need_tool("pdffonts")
    (tmp_path / "book.xlsx").write_bytes(rendered("email-marketing", "xlsx", lang))
    result = run_tool([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "pdf",
                       "--outdir", str(tmp_path), "book.xlsx"], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    fonts = run_tool([pdffonts, "book.pdf"], tmp_path).stdout
    assert "Serif" not in fonts and "Times" not in fonts  # every cell names its font: no serif fallback
    run_tool([pdftotext, "-bbox", "book.pdf", "book.html"], tmp_path)
    html = (tmp_path / "book.html").read_text(encoding="utf-8")
    pages = _word_heights(html)
    # The Instructions sheet prints at 100 %, so its text is the workbook's nominal FONT_SIZE:
    # the box height of that text calibrates box height to point size for the fonts used.
    from guidegen.writers.xlsx import FONT_SIZE

    points_per_box = FONT_SIZE / min(pages[0])
    smallest = min(min(heights) for heights in pages if heights) * points_per_box
    assert smallest >= 8 - 0.05, smallest
    wb = xlsx_workbook((tmp_path / "book.xlsx").read_bytes())
    title = guide_for("email-marketing", lang, None, "new").meta.title
    assert html.count("<page ") >= len([ws for ws in wb.worksheets if ws.sheet_state == "visible"])
    words = html.split("<page ")[1:]
    assert all(title.split()[0] in page for page in words)  # the print header is on every page


def _line_steps(html: str) -> list[tuple[int, str, float]]:
    """For each printed word, the distance down to the nearest word below it that shares some
    of its width, as a fraction of the word's box height (page, word, fraction)."""
    import re

    steps = []
    for number, page in enumerate(html.split("<page ")[1:], 1):
        boxes = [tuple(map(float, box[:4])) + (box[4],) for box in
                 re.findall(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<', page)]
        for x0, y0, x1, y1, word in boxes:
            height = y1 - y0
            below = [b[1] - y0 for b in boxes if min(x1, b[2]) - max(x0, b[0]) > 1 and 0.05 * height < b[1] - y0 < 1.5 * height]
            if below:
                steps.append((number, word, min(below) / height))
    return steps


# The lines of one wrapped cell are 0.77 (Carlito) or 0.86-0.9 (Noto Sans CJK) box heights apart
# at any print scale. A line that its row is too short for is clipped at the row's bottom edge,
# over the next row's first line: the two are closer than that.
_CELL_LINE_STEP = {"en": 0.7, "zh": 0.8}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_printed_workbook_rows_hold_their_wrapped_lines_and_column_groups_fill_their_pages(lang: str, tmp_path: Path) -> None:
    soffice, pdftotext = need_tool("soffice"), need_tool("pdftotext")
    (tmp_path / "book.xlsx").write_bytes(rendered("erp", "xlsx", lang, "high"))
    result = run_tool([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "pdf",
                       "--outdir", str(tmp_path), "book.xlsx"], cwd=tmp_path, timeout=300)
    assert result.returncode == 0, result.stderr
    run_tool([pdftotext, "-bbox", "book.pdf", "book.html"], tmp_path)
    steps = _line_steps((tmp_path / "book.html").read_text(encoding="utf-8"))
    assert len(steps) > 500  # the check saw the sheets' text
    clipped = [(page, word, round(step, 2)) for page, word, step in steps if step < _CELL_LINE_STEP[lang]]
    assert not clipped, clipped[:10]
    # A sheet printed in column groups fills its pages: none holds the key column and a
    # sliver (the reader broke a group the layout thought would fit).
    narrow = _narrow_group_pages((tmp_path / "book.html").read_text(encoding="utf-8"),
                                 xlsx_workbook((tmp_path / "book.xlsx").read_bytes()))
    assert not narrow, narrow


def _narrow_group_pages(html: str, wb: openpyxl.Workbook) -> list[tuple[int, str, float]]:
    """Pages of sheets printed in column groups whose text ends before half the page width
    (page, sheet, share of the width). A page is a sheet's by the sheet name in its header."""
    import re

    grouped = {ws.title for ws in wb.worksheets if ws.sheet_state == "visible" and ws.col_breaks.brk}
    found = []
    for number, page in enumerate(html.split("<page ")[1:], 1):
        width, height = map(float, re.match(r'width="([\d.]+)" height="([\d.]+)"', page).groups())
        words = [(float(a), float(b), float(c), t) for a, b, c, t in
                 re.findall(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)<', page)]
        header = "".join(t for _, y, _, t in words if y < 56)
        body = [x1 for _, y, x1, _ in words if 56 < y < height - 56]
        sheet = next((title for title in grouped if "".join(title.split()) in header), None)
        if sheet and body and max(body) / width < 0.5:
            found.append((number, sheet, round(max(body) / width, 2)))
    return found


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_print_setup_keeps_text_legible_with_headers_footers_and_row_heights(lang: str) -> None:
    from guidegen.writers.xlsx import MIN_PRINT_SCALE

    wb = xlsx_workbook(rendered("email-marketing", "xlsx", lang))
    for ws in (w for w in wb.worksheets if w.sheet_state == "visible"):
        assert ws.page_setup.scale >= MIN_PRINT_SCALE and not ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert ws.page_setup.paperSize in (8, 9) and ws.print_title_rows == "$2:$2"
        assert ws.oddHeader.right.text == "&A" and "&P" in ws.oddFooter.center.text and "&N" in ws.oddFooter.center.text
        assert ws.oddHeader.center.text == guide_for("email-marketing", lang, None, "new").meta.title
        for row in ws.iter_rows(min_row=1, max_row=min(ws.max_row, 40)):
            longest = max((len(str(c.value).split("\n")) for c in row if c.value is not None), default=1)
            assert ws.row_dimensions[row[0].row].height >= longest * 13, (ws.title, row[0].row)
    mapping = _mapping_sheets(wb)[0]
    assert mapping.page_setup.paperSize == 8 and mapping.page_setup.orientation == "landscape"
    assert mapping.print_title_cols == "$A:$A"  # the key column repeats on the pages of a wide sheet


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_review_decisions_round_trip_into_the_blueprint_and_the_guide(lang: str, tmp_path: Path) -> None:
    import shutil

    from conftest import ROOT, run_cli

    blueprint = tmp_path / "email-marketing.yaml"
    shutil.copy(ROOT / "blueprints" / "types" / "email-marketing.yaml", blueprint)
    code, out, err = run_cli("render", blueprint, "--format", "xlsx", "--lang", lang, "--out", tmp_path / "v1",
                             "--date", FIXED_DATE)
    assert code == 0, err
    workbook = Path(out.split()[0])
    wb = openpyxl.load_workbook(workbook)
    sheet = next(row[0] for row in xlsx_index(wb) if row[1] == "mapping")
    ws = wb[sheet]
    col = {code: _column(ws, code) for code in ("key", "status", "reviewer", "decided", "comment")}
    first, second = ws.cell(3, col["key"]).value, ws.cell(4, col["key"]).value
    ws.cell(3, col["status"]).value = i18n.code(lang, "status", "approved")
    ws.cell(3, col["reviewer"]).value = "Li Wei"
    ws.cell(3, col["decided"]).value = dt.date(2026, 12, 3)
    ws.cell(3, col["comment"]).value = "OK after the = ended - connected check" if lang == "en" else "核对后同意"
    ws.cell(4, col["status"]).value = i18n.code(lang, "status", "not_required")
    ws.cell(4, col["reviewer"]).value = "Anna"
    edited = tmp_path / "edited.xlsx"
    wb.save(edited)

    code, out, err = run_cli("import-mapping", edited, blueprint)
    assert code == 0, err
    assert "reviewer (empty) → 'Li Wei'" in out and "decided (empty) → '2026-12-03'" in out
    from guidegen.blueprint.loader import load_blueprint

    entity = load_blueprint(blueprint).blueprint.data.entities[0]
    fields = {f.key: f for f in entity.fields}
    assert fields[first].status == "approved" and fields[first].reviewer == "Li Wei"
    assert fields[first].decided == dt.date(2026, 12, 3) and fields[first].comment
    assert fields[second].status == "not_required" and fields[second].reviewer == "Anna" and fields[second].decided is None

    # the workbook rendered from the updated blueprint shows the decisions and imports with no changes
    code, out, err = run_cli("render", blueprint, "--format", "xlsx", "--format", "md", "--lang", lang,
                             "--out", tmp_path / "v2", "--date", FIXED_DATE)
    assert code == 0, err
    produced = out.split()
    again = next(Path(p) for p in produced if p.endswith(".xlsx"))
    ws2 = openpyxl.load_workbook(again)[sheet]
    assert ws2.cell(3, col["status"]).value == i18n.code(lang, "status", "approved")
    assert ws2.cell(3, col["reviewer"]).value == "Li Wei"
    assert ws2.cell(3, col["decided"]).value.date() == dt.date(2026, 12, 3)
    assert ws2.cell(3, col["comment"]).value == fields[first].comment
    code, out, err = run_cli("import-mapping", again, blueprint)
    assert code == 0 and "no changes" in out, out + err

    markdown = next(Path(p) for p in produced if p.endswith(".md")).read_text(encoding="utf-8")
    total = sum(len(e.fields) for e in guide_for("email-marketing", lang, None, "new").data.entities)
    assert i18n.t(lang, "approval_summary_dated", a=1, b=total, date="2026-12-03") in markdown
    assert "Li Wei" in markdown and fields[first].comment in markdown


def test_an_unreadable_decision_date_is_refused_with_its_cell(tmp_path: Path) -> None:
    import shutil

    from conftest import ROOT, run_cli

    blueprint = tmp_path / "email-marketing.yaml"
    shutil.copy(ROOT / "blueprints" / "types" / "email-marketing.yaml", blueprint)
    code, out, err = run_cli("render", blueprint, "--format", "xlsx", "--lang", "en", "--out", tmp_path, "--date", FIXED_DATE)
    wb = openpyxl.load_workbook(Path(out.split()[0]))
    ws = _mapping_sheets(wb)[0]
    ws.cell(3, _column(ws, "decided")).value = "next week"
    wb.save(tmp_path / "edited.xlsx")
    before = blueprint.read_bytes()
    code, out, err = run_cli("import-mapping", tmp_path / "edited.xlsx", blueprint)
    letter = openpyxl.utils.get_column_letter(_column(ws, "decided"))
    assert code == 2 and f"{ws.title}!{letter}3" in err and "next week" in err
    assert blueprint.read_bytes() == before


def test_a_workbook_sent_before_the_review_columns_still_imports(tmp_path: Path) -> None:
    import shutil

    from conftest import ROOT, run_cli

    blueprint = tmp_path / "email-marketing.yaml"
    shutil.copy(ROOT / "blueprints" / "types" / "email-marketing.yaml", blueprint)
    code, out, err = run_cli("render", blueprint, "--format", "xlsx", "--out", tmp_path, "--date", FIXED_DATE)
    wb = openpyxl.load_workbook(Path(out.split()[0]))
    later = ("reviewer", "decided", "comment", "rule_translation")
    old_codes = [c for c in TABLES["mapping"].codes() if c not in later]
    index = wb["_guidegen"]
    for row in index.iter_rows(min_row=2):
        if row[1].value == "mapping":
            row[3].value = ",".join(old_codes)
            ws = wb[row[0].value]
            ws.delete_cols(len(old_codes) + 1, len(later))
            for cell in ws[ws.cell(1, old_codes.index("status") + 1).column_letter][2:]:
                if cell.value == i18n.code("zh", "status", "to_review"):
                    cell.value = i18n.code("zh", "status", "mapped")  # what old workbooks said
    wb.save(tmp_path / "old.xlsx")
    before = blueprint.read_bytes()
    code, out, err = run_cli("import-mapping", tmp_path / "old.xlsx", blueprint)
    assert code == 0 and "no changes" in out, out + err
    assert blueprint.read_bytes() == before
