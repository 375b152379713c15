"""The workbook's remaining sheets and a round trip that loses nothing: full titles in A1, the
interface, control, rule, open-issue and change-log sheets, codes kept beside labels, formula-like
text that stays text, Markdown, both languages, texts awaiting translation and the change history
(read back with openpyxl; printing checked in LibreOffice)."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import openpyxl
import pytest

from conftest import FIXED_DATE, ROOT, guide_for, need_tool, rendered, run_cli, run_tool
from guidegen.blueprint.loader import load_blueprint
from guidegen.content.tables import LIST_CODE_SUFFIX, TABLES
from guidegen.core import i18n
from guidegen.writers.xlsx import FIRST_ROW, HEADER_ROW, MIN_PRINT_SCALE, print_layout
from readback import xlsx_index, xlsx_workbook

MINIMAL = ROOT / "tests" / "data" / "minimal.yaml"
CODES = TABLES["mapping"].codes()


def _col(code: str) -> int:
    return CODES.index(code) + 1


def _rows(ws) -> list[tuple]:
    """The data rows below the header row, up to the first empty row."""
    rows = []
    for row in ws.iter_rows(min_row=FIRST_ROW, values_only=True):
        if not any(v is not None for v in row):
            break
        rows.append(row)
    return rows


# --------------------------------------------------------------------------- sheets
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_sheet_opens_with_its_full_title_above_the_header_row(lang: str) -> None:
    guide = guide_for("email-marketing", lang, None, "new")
    wb = xlsx_workbook(rendered("email-marketing", "xlsx", lang))
    kinds = {row[0]: row for row in xlsx_index(wb)}
    for ws in (w for w in wb.worksheets if w.sheet_state == "visible"):
        title = ws["A1"].value
        assert title and ws["A1"].font.b and ws["A1"].font.sz >= 8, ws.title
        assert not any(c.value for c in ws[1][1:]), ws.title  # the title alone on its row
        assert ws[HEADER_ROW][0].font.b and ws[HEADER_ROW][0].value, ws.title
        assert kinds[ws.title][4] == str(HEADER_ROW)  # the index names the header row for the importer
    names = {e.id: e.name for e in guide.data.entities}
    for row in xlsx_index(wb):
        if row[1] == "mapping":
            assert wb[row[0]]["A1"].value == i18n.t(lang, "cap_mapping", name=names[row[2]])
            shown = row[0].removeprefix(i18n.t(lang, "ws_mapping_prefix")).removesuffix(" (2)")
            assert names[row[2]].replace("/", "-").startswith(shown)  # cut at whole words, if at all


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_interfaces_controls_rules_issues_and_change_log_sheets_hold_the_guide(lang: str) -> None:
    guide = guide_for("email-marketing", lang, None, "new")
    wb = xlsx_workbook(rendered("email-marketing", "xlsx", lang))
    a, d = guide.architecture, guide.data

    interfaces = _rows(wb[i18n.t(lang, "ws_interfaces")])
    assert [r[0] for r in interfaces] == [i.id for i in a.interfaces]
    assert [r[2] for r in interfaces] == [i.name for i in a.interfaces]
    assert interfaces[0][4].count("→") + interfaces[0][4].count("↔") == 1  # the route, with its arrow

    controls = wb[next(row[0] for row in xlsx_index(wb) if row[1] == "controls")]  # the name is cut to 31 characters
    assert controls["A1"].value == i18n.t(lang, "ws_controls")
    values = [c.value for row in controls.iter_rows() for c in row if c.value]
    assert [c.id for c in a.compliance] == [r[0] for r in _rows(controls)]
    assert all(c.id in values for c in a.security) and i18n.t(lang, "col_control") in values

    rules = _rows(wb[i18n.t(lang, "ws_transformations")])
    assert [(r[0], r[1]) for r in rules] == [(t.id, t.title) for t in d.transformations]

    issues = wb[i18n.t(lang, "ws_open_issues")]
    headers = [c.value for c in issues[HEADER_ROW]]
    assert headers == [i18n.t(lang, c.label) for c in TABLES["open_issues"].columns]
    status = openpyxl.utils.get_column_letter(headers.index(i18n.t(lang, "col_issue_status")) + 1)
    lists = {next(iter(dv.sqref.ranges)).coord.split(":")[0].rstrip("0123456789"): dv
             for dv in issues.data_validations.dataValidation}
    assert lists[status].type == "list" and lists["E"].type == "date"  # status drop-down, date raised
    assert _rows(issues) == []  # filled in by the reviewers

    log = wb[i18n.t(lang, "ws_change_log")]
    assert [c.value for c in log[HEADER_ROW]] == [i18n.t(lang, c.label) for c in TABLES["change_log"].columns]
    assert _rows(log) == []  # no workbook imported yet


def test_long_object_and_entity_names_give_whole_word_sheet_names_with_the_full_title(tmp_path: Path) -> None:
    blueprint = tmp_path / "minimal.yaml"
    long_name = "Customer / User Account and Organisation Membership (helpdesk side)"
    text = MINIMAL.read_text(encoding="utf-8").replace("name: {zh: 联系人, en: Contact}\n      scope_object",
                                                      f"name: {{zh: 联系人, en: '{long_name}'}}\n      scope_object")
    text = text.replace("target_object: Person", "target_object: User / Account / Organisation Membership Record")
    blueprint.write_text(text, encoding="utf-8")
    code, out, err = run_cli("render", blueprint, "--format", "xlsx", "--lang", "en", "--out", tmp_path, "--date", FIXED_DATE)
    assert code == 0, err
    wb = openpyxl.load_workbook(Path(out.split()[0]))
    sheet = next(row[0] for row in xlsx_index(wb) if row[1] == "mapping")
    assert len(sheet) <= 31 and not re.search(r"[\[\]:*?/\\]", sheet)
    assert long_name.replace("/", "-").startswith(sheet.removeprefix("Map-")) and not sheet.endswith(("-", " ", "("))
    assert wb[sheet]["A1"].value == i18n.t("en", "cap_mapping", name=long_name)
    assert wb[sheet].cell(FIRST_ROW, _col("target_object")).value == "User / Account / Organisation Membership Record"
    code, out, err = run_cli("import-mapping", Path(out.split()[0]), blueprint)
    assert code == 0 and "no changes" in out, err


def test_cells_typed_below_the_data_stay_text_or_become_dates() -> None:
    wb = xlsx_workbook(rendered("email-marketing", "xlsx", "en"))
    kinds = {row[1]: wb[row[0]] for row in xlsx_index(wb)}
    for kind, table in (("mapping", "mapping"), ("enums", "enum"), ("tests", "test_log"), ("open_issues", "open_issues")):
        ws = kinds[kind]
        for number, spec in enumerate(TABLES[table].workbook_columns(), 1):
            expected = "yyyy-mm-dd" if spec.date else "@"
            assert ws.column_dimensions[openpyxl.utils.get_column_letter(number)].number_format == expected, (kind, spec.code)


# --------------------------------------------------------------------------- print
def test_column_groups_are_balanced_so_no_printed_page_is_mostly_empty() -> None:
    # a mapping sheet's widths: a late wide column made the first page of groups mostly empty
    widths = [25, 15, 16, 14, 17, 15, 19, 26, 17, 10, 16, 58, 20, 18, 20, 25, 60, 13, 14, 10, 15, 9, 17]
    layout = print_layout(widths)
    assert layout.paper == "8" and layout.orientation == "landscape" and layout.scale >= MIN_PRINT_SCALE
    bounds = [1, *layout.breaks, len(widths)]
    groups = [sum(widths[a:b]) for a, b in zip(bounds, bounds[1:])]
    assert len(groups) >= 2 and min(groups) >= 0.6 * max(groups), groups
    assert print_layout([10, 20, 30]).breaks == ()  # fits one page: no breaks


def test_libreoffice_prints_each_mapping_sheet_in_its_column_groups_with_text_of_8_points_or_more(
        tmp_path: Path) -> None:
    soffice, pdftotext = need_tool("soffice"), need_tool("pdftotext")
    data = rendered("helpdesk", "xlsx", "en")
    (tmp_path / "book.xlsx").write_bytes(data)
    result = run_tool([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "pdf",
                       "--outdir", str(tmp_path), "book.xlsx"], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    run_tool([pdftotext, "-bbox", "book.pdf", "book.html"], tmp_path)
    pages = (tmp_path / "book.html").read_text(encoding="utf-8").split("<page ")[1:]
    # The first page is the Instructions sheet at 100 %: its smallest word box is 10 pt text.
    from guidegen.writers.xlsx import FONT_SIZE

    heights = [[float(b) - float(a) for a, b in re.findall(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)"', page)]
               for page in pages]
    per_point = min(heights[0]) / FONT_SIZE
    assert min(min(h) for h in heights if h) / per_point >= 8 - 0.05
    wb = xlsx_workbook(data)
    for title in (row[0] for row in xlsx_index(wb) if row[1] == "mapping"):
        ws = wb[title]
        widths = [ws.column_dimensions[openpyxl.utils.get_column_letter(i)].width for i in range(1, ws.max_column + 1)]
        groups = len(print_layout(widths).breaks) + 1
        # the page header names the sheet: one page per column group (these sheets are short),
        # so the spreadsheet added no break of its own
        word = f">{title.split()[0]}</word>"
        assert sum(word in page for page in pages) == groups, title


# --------------------------------------------------------------------------- round trip
def _export(blueprint: Path, out: Path, lang: str) -> Path:
    code, stdout, err = run_cli("render", blueprint, "--format", "xlsx", "--lang", lang, "--out", out, "--date", FIXED_DATE,
                                "--author", "Wang Fang")
    assert code == 0, err
    return Path(stdout.split()[0])


def _relabel(monkeypatch, lang: str) -> None:
    """Today's labels differ from those the workbook was sent with (a reworded code list)."""
    original = i18n.code

    def reworded(language: str, group: str, value: str, **names: str) -> str:
        label = original(language, group, value, **names)
        return label + " (v2)" if group in ("status", "field_type", "direction") else label

    monkeypatch.setattr(i18n, "code", reworded)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_reviewed_workbook_round_trips_in_either_language(lang: str, tmp_path: Path, monkeypatch) -> None:
    blueprint = tmp_path / "minimal.yaml"
    text = MINIMAL.read_text(encoding="utf-8").replace(
        "rule: {zh: 小写, en: Lower-case}}", "rule: {zh: '**必须**小写', en: 'Lower-case, **always**'}}")
    blueprint.write_text(text, encoding="utf-8")
    workbook = _export(blueprint, tmp_path / "v1", lang)
    wb = openpyxl.load_workbook(workbook)
    sheet = next(row[0] for row in xlsx_index(wb) if row[1] == "mapping")
    ws = wb[sheet]
    email, phone = FIRST_ROW, FIRST_ROW + 1
    # the codes travel with the labels on the hidden list sheet
    lists = wb[next(row[0] for row in xlsx_index(wb) if row[1] == "lists")]
    header = [c.value for c in lists[1]]
    status_col = header.index("status") + 1
    assert header[status_col] == "status" + LIST_CODE_SUFFIX
    assert [lists.cell(r, status_col + 1).value for r in range(2, 7)] == list(i18n.codes("status"))

    ws.cell(email, _col("status")).value = i18n.code(lang, "status", "approved")
    ws.cell(email, _col("reviewer")).value = "Li Wei"
    ws.cell(email, _col("decided")).value = dt.date(2026, 12, 3)
    ws.cell(email, _col("comment")).value = "OK"
    ws.cell(email, _col("example")).value = "+8613800138000"  # a phone number, not a formula or a number
    ws.cell(phone, _col("rule")).value = "= ended - connected"
    ws.cell(phone, _col("type")).value = i18n.code(lang, "field_type", "text")
    ws.cell(phone, _col("status")).value = i18n.code(lang, "status", "not_required")
    edited = tmp_path / f"reviewed-{lang}.xlsx"
    wb.save(edited)

    _relabel(monkeypatch, lang)
    code, out, err = run_cli("import-mapping", edited, blueprint)
    monkeypatch.undo()
    assert code == 0, err
    assert "awaits translation" not in err and "text(s) await translation" in out

    fields = {f.key: f for f in load_blueprint(blueprint).blueprint.data.entities[0].fields}
    other = "en" if lang == "zh" else "zh"
    assert fields["email"].status == "approved" and fields["email"].reviewer == "Li Wei"
    assert fields["email"].decided == dt.date(2026, 12, 3) and fields["email"].comment == "OK"
    assert fields["email"].example == "+8613800138000"
    # Markdown in the unchanged rule survives in both languages
    assert (fields["email"].rule.zh, fields["email"].rule.en) == ("**必须**小写", "Lower-case, **always**")
    # the changed rule is kept as typed; the other language's text is new here, so it awaits translation
    assert fields["phone"].status == "not_required" and fields["phone"].type == "text"
    assert getattr(fields["phone"].rule, lang) == "\\= ended - connected"
    assert fields["phone"].stale == {"rule": [other]}
    history = load_blueprint(blueprint).blueprint.change_history
    assert len(history) == 1
    entry = history[0]
    assert (entry.workbook, entry.author, entry.lang) == (edited.name, "Wang Fang", lang)
    assert (entry.changed, entry.added, entry.deleted) == (8, 0, 0) and entry.fields == ["contact.email", "contact.phone"]

    # the guide rendered again shows the text as typed, the change log and the revision history
    again = _export(blueprint, tmp_path / "v2", lang)
    wb2 = openpyxl.load_workbook(again)
    ws2 = wb2[sheet]
    cell = ws2.cell(phone, _col("rule"))
    assert cell.value == "= ended - connected" and cell.data_type == "s" and cell.quotePrefix
    assert cell.number_format == "@"  # what a reviewer types over it stays text too
    phone_cell = ws2.cell(email, _col("example"))
    assert phone_cell.value == "+8613800138000" and phone_cell.data_type == "s" and phone_cell.quotePrefix
    log = _rows(wb2[i18n.t(lang, "ws_change_log")])
    assert [(r[1], r[2], r[4], r[5], r[6]) for r in log] == [(edited.name, "Wang Fang", 8, 0, 0)]
    assert "contact.phone" in log[0][7]
    code, out, err = run_cli("import-mapping", again, blueprint, "--dry-run")
    assert code == 0 and "no changes" in out, out + err
    code, out, err = run_cli("render", blueprint, "--format", "md", "--lang", lang, "--out", tmp_path / "md",
                             "--date", FIXED_DATE)
    markdown = Path(out.split()[0]).read_text(encoding="utf-8")
    assert i18n.t(lang, "change_entry", workbook=edited.name, changed=8, added=0, deleted=0) in markdown


def test_an_old_workbook_with_labels_since_reworded_and_no_title_row_still_imports(tmp_path: Path, monkeypatch) -> None:
    """A workbook sent before sheets had a title row and before the list sheet kept codes."""
    blueprint = tmp_path / "minimal.yaml"
    shutil.copy(MINIMAL, blueprint)
    wb = openpyxl.load_workbook(_export(blueprint, tmp_path / "v1", "en"))
    index = wb["_guidegen"]
    for row in index.iter_rows(min_row=2):
        if row[1].value == "mapping":
            ws = wb[row[0].value]
            ws.delete_rows(1)  # no title row: the header is row 1
            row[4].value = None
            for cell in ws[1]:
                cell.comment = None  # and no column codes either: read by the header labels
            ws.cell(2, _col("status")).value = "Approved"
        if row[1].value == "lists":
            row[1].value = None  # no codes beside the labels
    old = tmp_path / "old.xlsx"
    wb.save(old)
    code, out, err = run_cli("import-mapping", old, blueprint, "--dry-run")
    assert code == 0 and "status 'mapped' → 'approved'" in out, out + err

    # with labels reworded since, the workbook's own list sheet is what still maps them to codes
    wb = openpyxl.load_workbook(_export(blueprint, tmp_path / "v2", "en"))
    ws = wb[next(row[0] for row in xlsx_index(wb) if row[1] == "mapping")]
    ws.cell(FIRST_ROW, _col("status")).value = "Approved"
    ws.cell(FIRST_ROW, _col("direction")).value = ws.cell(FIRST_ROW, _col("direction")).value  # unchanged label
    wb.save(tmp_path / "sent.xlsx")
    _relabel(monkeypatch, "en")
    code, out, err = run_cli("import-mapping", tmp_path / "sent.xlsx", blueprint, "--dry-run")
    assert code == 0 and "1 changed" in out and "approved" in out, out + err


# --------------------------------------------------------------------------- languages in step
def test_a_text_changed_in_one_language_is_marked_for_translation_until_translated(tmp_path: Path) -> None:
    blueprint = tmp_path / "minimal.yaml"
    shutil.copy(MINIMAL, blueprint)
    wb = openpyxl.load_workbook(_export(blueprint, tmp_path / "zh", "zh"))
    sheet = next(row[0] for row in xlsx_index(wb) if row[1] == "mapping")
    wb[sheet].cell(FIRST_ROW, _col("rule")).value = "转小写并去空格"
    wb.save(tmp_path / "zh.xlsx")
    code, out, err = run_cli("import-mapping", tmp_path / "zh.xlsx", blueprint)
    assert code == 0 and "1 text(s) await translation" in out, out + err
    text = blueprint.read_text(encoding="utf-8")
    assert "en: Lower-case" in text  # kept, not deleted
    line = next(n for n, l in enumerate(text.splitlines(), 1) if "转小写并去空格" in l)

    code, out, err = run_cli("validate", "--strict", blueprint)
    assert code == 2 and f"{blueprint}:{line}:" in err and "the en text of 'rule' awaits translation" in err
    code, out, err = run_cli("validate", blueprint)
    assert code == 0 and "awaits translation" in err  # a warning without --strict

    # the English guide marks the row; the Chinese one does not
    code, out, err = run_cli("render", blueprint, "--format", "md", "--lang", "en", "--out", tmp_path / "md", "--date",
                             FIXED_DATE)
    md = Path(out.split()[0]).read_text(encoding="utf-8")
    assert "**Translation pending:** Lower-case" in md
    code, out, err = run_cli("render", blueprint, "--format", "md", "--lang", "zh", "--out", tmp_path / "mdzh", "--date",
                             FIXED_DATE)
    assert "待翻译" not in Path(out.split()[0]).read_text(encoding="utf-8")

    # the translator's English workbook shows the mark; translating the text clears it
    wb = openpyxl.load_workbook(_export(blueprint, tmp_path / "en", "en"))
    cell = wb["Map-Contact"].cell(FIRST_ROW, _col("rule"))
    assert cell.value == "Translation pending: Lower-case"
    cell.value = "Lower-case and trim"
    wb.save(tmp_path / "en.xlsx")
    code, out, err = run_cli("import-mapping", tmp_path / "en.xlsx", blueprint)
    assert code == 0 and "await translation" not in out, out + err
    field = load_blueprint(blueprint).blueprint.data.entities[0].fields[0]
    assert (field.rule.zh, field.rule.en, field.stale) == ("转小写并去空格", "Lower-case and trim", {})
    code, out, err = run_cli("validate", "--strict", blueprint)
    assert code == 0, err


def test_new_rows_carry_both_languages_through_the_translation_column_or_are_marked(tmp_path: Path) -> None:
    blueprint = tmp_path / "minimal.yaml"
    shutil.copy(MINIMAL, blueprint)
    wb = openpyxl.load_workbook(_export(blueprint, tmp_path / "zh", "zh"))
    ws = wb[next(row[0] for row in xlsx_index(wb) if row[1] == "mapping")]
    first = [c.value for c in ws[FIRST_ROW]]
    for n, (source, rule, translation) in enumerate((("mobile", "E.164 标准化", "Normalise to E.164"),
                                                     ("fax", "去空格", None)), FIRST_ROW + 2):
        values = dict(zip(CODES, first))
        values.update(key=None, source=source, target=source, rule=rule, rule_translation=translation,
                      status=None, reviewer=None, decided=None, comment=None, validation=None, note=None, description=None)
        for code, value in values.items():
            ws.cell(n, _col(code)).value = value
    wb.save(tmp_path / "added.xlsx")
    code, out, err = run_cli("import-mapping", tmp_path / "added.xlsx", blueprint)
    assert code == 0 and "2 added" in out and "1 text(s) await translation" in out, out + err
    fields = {f.key: f for f in load_blueprint(blueprint).blueprint.data.entities[0].fields}
    assert (fields["mobile"].rule.zh, fields["mobile"].rule.en, fields["mobile"].stale) == (
        "E.164 标准化", "Normalise to E.164", {})
    assert (fields["fax"].rule.zh, fields["fax"].rule.en, fields["fax"].stale) == ("去空格", None, {"rule": ["en"]})
