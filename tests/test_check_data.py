"""check-data: a generated sample with planted violations is reported exactly, in every
file format; awkward files are read or refused with their location; reports read back."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from conftest import ROOT, run_cli
from datacheck_sample import COLUMNS, VIOLATIONS, planted_rows, sample, valid_row, write_csv, write_json, write_ndjson, write_xlsx

from guidegen.blueprint.loader import load_blueprint
from guidegen.core.errors import UserError
from guidegen.datacheck import check_files
from guidegen.resolve.engagement import Engagement
from guidegen.resolve.resolver import resolve_guide

BLUEPRINT = ROOT / "tests" / "data" / "rules_sample.yaml"


@pytest.fixture(scope="module")
def guide():
    return resolve_guide(load_blueprint(BLUEPRINT), Engagement(blueprint=str(BLUEPRINT), lang="en")).guide


def check(guide, *paths: Path, **options):
    [report] = check_files(guide, ["customer"], list(paths), **options)
    return report


WRITERS = {
    "csv": lambda p, rows: write_csv(p, rows),
    "csv-bom-semicolon": lambda p, rows: write_csv(p, rows, delimiter=";", bom=True),
    "tsv": lambda p, rows: write_csv(p, rows, delimiter="\t"),
    "xlsx": write_xlsx,
    "ndjson": write_ndjson,
    "json": write_json,
    "json-array": lambda p, rows: write_json(p, rows, wrapped=False),
}
SUFFIX = {"csv": ".csv", "csv-bom-semicolon": ".csv", "tsv": ".tsv", "xlsx": ".xlsx", "ndjson": ".ndjson", "json": ".json", "json-array": ".json"}


@pytest.mark.parametrize("kind", list(WRITERS))
def test_planted_violations_are_found_exactly_in_every_format(guide, tmp_path, kind):
    rows, expected, failing = sample()
    path = tmp_path / f"customers{SUFFIX[kind]}"
    WRITERS[kind](path, rows)
    report = check(guide, path)
    assert report.rows == len(rows)
    assert Counter(report.counts()) == expected
    assert report.failed_rows == len(failing)
    assert report.missing_columns == []
    # every rule that was checked and did not fail passed on every row it checked
    for f in report.fields:
        for stats in f.rules.values():
            assert stats.passed + stats.failed == stats.checked


def test_failing_rows_name_their_line_and_the_planted_value(guide, tmp_path):
    rows, _, failing = sample()
    path = tmp_path / "customers.csv"
    write_csv(path, rows)
    report = check(guide, path)
    j = next(i for i, v in enumerate(VIOLATIONS) if v[:2] == ("email", "email"))
    first = planted_rows(j, 1)[0]
    row = next(r for r in report.failing_rows if r.where == f"customers.csv:{first + 2}")  # header is line 1
    assert [(x.field, x.rule, x.value) for x in row.failures] == [("email", "email", "user@@example.com")]
    assert len(report.failing_rows) == len(failing)


def test_duplicates_and_values_outside_code_sets_come_with_rows_and_nearest_codes(guide, tmp_path):
    rows, _, _ = sample()
    path = tmp_path / "customers.csv"
    write_csv(path, rows)
    report = check(guide, path)
    [duplicate] = report.duplicates
    j = next(i for i, v in enumerate(VIOLATIONS) if v[:2] == ("id", "unique"))
    assert duplicate.value == "C-0000"
    assert duplicate.rows == [f"customers.csv:{r + 2} (id)" for r in planted_rows(j, 2)]
    outside = {(o.field, o.value): o.nearest for o in report.outside}
    assert outside[("status", "Actve")] == "Active"
    assert outside[("currency", "EURO")] == "EUR"


def test_transformed_preview_shows_what_the_target_receives(guide, tmp_path):
    path = tmp_path / "customers.csv"
    write_csv(path, [valid_row(1), valid_row(2)])
    report = check(guide, path)
    first, second = report.preview
    assert first["email"] == "user1@example.com"
    assert first["phone"] == "+8613800138000"
    assert first["country_code"] == "CN"
    assert first["updated_at"] == "2025-01-15T00:15:30Z"  # Asia/Shanghai assumed, +08:00
    assert second["updated_at"] == "2025-01-15T06:15:30Z"
    assert first["score"] == "20" and second["score"] == "40"
    assert first["status"] == "inactive" and second["status"] == "prospect"
    assert first["tier"] == "silver" and second["tier"] == "basic"  # platinum -> fallback
    assert first["channel"] == "web"
    assert first["display_name"] == "Li Lei"
    assert report.failed_rows == 0


def test_csv_with_bom_semicolons_and_quoted_newlines_keeps_line_numbers(guide, tmp_path):
    rows = [valid_row(i) for i in range(1, 5)]
    rows[0]["name"] = "Li\nLei"  # one record over two lines
    rows[2]["email"] = "bad@"  # record 3 starts on line 5 (header, 2 lines, 1 line)
    path = tmp_path / "customers.csv"
    write_csv(path, rows, delimiter=";", bom=True)
    report = check(guide, path)
    assert report.columns[0] == "id"  # the BOM is not part of the first column name
    assert report.rows == 4
    assert [r.where for r in report.failing_rows] == ["customers.csv:5"]
    assert report.preview[0]["display_name"] == "Li\nLei"


def test_latin1_csv_is_refused_with_line_and_encoding_and_read_with_encoding_option(guide, tmp_path):
    rows = [valid_row(1), valid_row(2)]
    rows[1]["name"] = "José Müller"
    path = tmp_path / "customers.csv"
    write_csv(path, rows, encoding="latin-1")
    with pytest.raises(UserError) as info:
        check(guide, path)
    problem = info.value.problems[0]
    assert problem.location.line == 3
    assert "not valid utf-8" in problem.message and "E9" in problem.message
    assert "Latin-1" in problem.hint
    report = check(guide, path, encoding="latin-1")
    assert report.failed_rows == 0
    assert report.preview[1]["display_name"] == "José Mülle"  # truncated to 10


def test_latin1_csv_exits_2_naming_file_and_line(tmp_path):
    path = tmp_path / "customers.csv"
    write_csv(path, [valid_row(1) | {"name": "Ærø"}], encoding="latin-1")
    code, _, err = run_cli("check-data", BLUEPRINT, "--entity", "customer", path)
    assert code == 2
    assert f"{path}:2:" in err and "Latin-1" in err and "Traceback" not in err


def test_xlsx_with_several_sheets_reads_the_sheet_named_after_the_entity(guide, tmp_path):
    rows, expected, _ = sample()
    path = tmp_path / "extract.xlsx"
    write_xlsx(path, rows, sheet="Customers", other_sheets=("Read me", "Orders"))
    report = check(guide, path)
    assert report.files == ["extract.xlsx Customers"]
    assert Counter(report.counts()) == expected
    cells = [r.where for r in report.failing_rows]
    assert all(w.startswith("extract.xlsx Customers!") for w in cells)
    write_xlsx(path, rows, sheet="Data", other_sheets=("Orders",))
    with pytest.raises(UserError) as info:
        check(guide, path)
    assert "Data, Orders" in info.value.problems[0].given and "--sheet" in info.value.problems[0].hint
    assert Counter(check(guide, path, sheet="Data").counts()) == expected


def test_ndjson_malformed_line_is_reported_with_its_number_and_the_rest_checked(guide, tmp_path):
    rows = [valid_row(i) for i in range(1, 6)]
    rows[3]["email"] = "nope"
    path = tmp_path / "customers.ndjson"
    lines = [json.dumps(r) for r in rows]
    lines.insert(2, '{"id": "C-0099", "email": ')  # line 3 is cut off
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = check(guide, path)
    assert report.rows == 6 and report.unreadable_rows == 1 and report.failed_rows == 2
    unreadable = [r for r in report.failing_rows if r.unreadable]
    assert [r.where for r in unreadable] == ["customers.ndjson:3"]
    assert "not valid JSON" in unreadable[0].unreadable
    assert report.counts() == {("email", "email"): 1}
    assert [r.where for r in report.failing_rows if not r.unreadable] == ["customers.ndjson:5"]


def test_a_json_array_is_streamed_with_each_record_numbered_by_its_line(guide, tmp_path):
    rows = [valid_row(i) for i in range(1, 4)]
    rows[1]["email"] = "nope"
    path = tmp_path / "customers.json"
    path.write_text("[\n" + ",\n".join(json.dumps(r) for r in rows[:2]) + ",\n" + json.dumps(rows[2], indent=1) + "\n]\n",
                    encoding="utf-8")
    report = check(guide, path)
    assert report.rows == 3
    assert [r.where for r in report.failing_rows] == ["customers.json:3"]
    path.write_text("[\n" + json.dumps(rows[0]) + ",\n 42,\n" + json.dumps(rows[2]) + "\n]\n", encoding="utf-8")
    report = check(guide, path)
    assert [(r.where, r.unreadable) for r in report.failing_rows] == [("customers.json:3", "a JSON int, not an object")]
    path.write_text("[\n" + json.dumps(rows[0]) + "\n" + json.dumps(rows[2]) + "\n]\n", encoding="utf-8")
    with pytest.raises(UserError) as info:
        list(check(guide, path).failing_rows)
    assert info.value.problems[0].location.line == 3 and "expected ','" in info.value.problems[0].message


def test_a_line_longer_than_the_limit_is_refused_with_its_number(guide, tmp_path, monkeypatch):
    from guidegen.datacheck import readers

    monkeypatch.setattr(readers, "MAX_LINE", 2048)
    path = tmp_path / "customers.csv"
    write_csv(path, [valid_row(1), valid_row(2) | {"name": "x" * 5000}])
    with pytest.raises(UserError) as info:
        check(guide, path)
    assert info.value.problems[0].location.line == 3 and "longer than" in info.value.problems[0].message


def test_columns_option_maps_differently_named_columns(tmp_path):
    path = tmp_path / "customers.csv"
    row = valid_row(1)
    row["email"] = "bad@"
    write_csv(path, [row])
    text = path.read_text(encoding="utf-8").replace("email", "E-mail address", 1)
    path.write_text(text, encoding="utf-8")
    code, out, _ = run_cli("check-data", BLUEPRINT, "--entity", "customer", path, "--lang", "en")
    assert code == 1 and "no column for: email" in out
    code, out, _ = run_cli("check-data", BLUEPRINT, "--entity", "customer", path, "--lang", "en",
                           "--columns", "email=E-mail address")
    assert code == 1 and 'email [email]: 1 of 1 fail — "bad@"' in out
    code, _, err = run_cli("check-data", BLUEPRINT, "--entity", "customer", path, "--columns", "email=Mail")
    assert code == 2 and "E-mail address" in err


def test_exit_status_is_0_when_every_row_passes_1_when_rows_fail_2_for_bad_input(tmp_path):
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    write_csv(good, [valid_row(1), valid_row(2)])
    write_csv(bad, [valid_row(1), valid_row(2) | {"amount": "-1"}])
    assert run_cli("check-data", BLUEPRINT, "--entity", "customer", good)[0] == 0
    assert run_cli("check-data", BLUEPRINT, "--entity", "customer", bad)[0] == 1
    code, _, err = run_cli("check-data", BLUEPRINT, "--entity", "custmer", good)
    assert code == 2 and "customer" in err
    code, _, err = run_cli("check-data", BLUEPRINT, "--entity", "customer", tmp_path / "missing.csv")
    assert code == 2 and "not found" in err
    (tmp_path / "x.parquet").write_bytes(b"PAR1")
    assert run_cli("check-data", BLUEPRINT, "--entity", "customer", tmp_path / "x.parquet")[0] == 2
    code, _, err = run_cli("check-data", BLUEPRINT, "--entity", "customer", ROOT / "tests" / "hostile" / "corrupted.xlsx")
    assert code == 2 and "not a readable XLSX" in err and "Traceback" not in err
    broken = tmp_path / "broken.json"
    broken.write_text('[\n  {"id": "C-0001",\n   "email": }\n]\n', encoding="utf-8")
    code, _, err = run_cli("check-data", BLUEPRINT, "--entity", "customer", broken)
    assert code == 2 and f"{broken}:3:" in err and "not valid JSON" in err


def test_reports_read_back_with_failing_cells_highlighted(tmp_path):
    from openpyxl import load_workbook

    rows, expected, failing = sample()
    path = tmp_path / "customers.csv"
    write_csv(path, rows)
    xlsx, md, html = tmp_path / "r" / "report.xlsx", tmp_path / "r" / "report.md", tmp_path / "r" / "report.html"
    code, out, _ = run_cli("check-data", BLUEPRINT, "--entity", "customer", path, "--lang", "en",
                           "--report", xlsx, "--report", md, "--report", html)
    assert code == 1 and f"report: {xlsx}" in out
    wb = load_workbook(xlsx)
    assert wb.sheetnames == ["customer", "customer failing rows", "customer preview"]
    rules = {(r[0], r[3]): r[6] for r in wb["customer"].iter_rows(min_row=3, values_only=True) if r[3]}
    for (field, rule), n in expected.items():
        assert rules[(field, rule)] == n
    sheet = wb["customer failing rows"]
    header = [c.value for c in sheet[1]]
    assert header == ["Row", *COLUMNS, "Problems"]
    assert sheet.max_row == 1 + len(failing)
    red = {(c.row, header[c.column - 1]) for row in sheet.iter_rows(min_row=2) for c in row if c.fill.fgColor.rgb.endswith("F8CBAD")}
    assert len(red) == sum(expected.values())  # one highlighted cell per planted violation
    j = next(i for i, v in enumerate(VIOLATIONS) if v[:2] == ("website", "url"))
    line = planted_rows(j, 1)[0] + 2
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == f"customers.csv:{line}")
    website = row[header.index("website")]
    assert website.value == "www.example.com" and website.comment.text == "url"
    text = md.read_text(encoding="utf-8")
    assert "| website | website | website | url | 600 | 598 | 2 | `www.example.com` ×2 |" in text
    assert "### Duplicate keys" in text and "`Actve`" in text and "`Active`" in text
    assert "<table>" in html.read_text(encoding="utf-8")


_MEASURE = """
import json, resource, sys
from pathlib import Path
from guidegen.blueprint.loader import load_blueprint
from guidegen.datacheck import check_files
from guidegen.resolve.engagement import Engagement
from guidegen.resolve.resolver import resolve_guide
blueprint, sample = Path(sys.argv[1]), Path(sys.argv[2])
guide = resolve_guide(load_blueprint(blueprint), Engagement(blueprint=str(blueprint), lang="en")).guide
[report] = check_files(guide, ["customer"], [sample])
print(json.dumps({"rows": report.rows, "failed": report.failed_rows, "kept": len(report.failing_rows),
                  "counts": sorted([list(k) + [v] for k, v in report.counts().items()]),
                  "peak_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""


def test_a_100000_row_file_is_checked_in_bounded_memory(tmp_path):
    """The peak resident memory of a whole check-data process grows with the unique keys'
    hash table (16 bytes a row at most), not with the file: 10x the rows adds far less
    than the file's size. Every row fails (100,000 distinct failing values), so the capped
    lists of failing rows and top values are exercised too."""
    import subprocess
    import sys

    def write(path: Path, n: int) -> None:
        with path.open("w", encoding="utf-8", newline="") as handle:
            handle.write(",".join(COLUMNS) + "\n")
            for i in range(n):
                row = dict.fromkeys(COLUMNS, "") | {"id": f"C-{i:06d}", "updated_at": "2025-01-15T08:15:30Z",
                                                    "nickname": f"n{i:06d}", "name": f"Name {i}", "amount": str(i % 1000),
                                                    "country": "DE", "language": "de-DE", "tz": "Europe/Berlin"}
                handle.write(",".join(row[c] for c in COLUMNS) + "\n")

    def measure(n: int) -> dict:
        path = tmp_path / f"rows{n}.csv"
        write(path, n)
        done = subprocess.run([sys.executable, "-c", _MEASURE, str(BLUEPRINT), str(path)],
                              capture_output=True, text=True, check=True, timeout=600)
        return json.loads(done.stdout) | {"size": path.stat().st_size}

    small, large = measure(10_000), measure(100_000)
    assert (small["rows"], large["rows"]) == (10_000, 100_000)
    assert large["counts"] == [["email", "required", 100_000], ["nickname", "max_length", 100_000]]
    assert large["failed"] == 100_000 and large["kept"] == 500
    growth = (large["peak_kib"] - small["peak_kib"]) * 1024
    assert large["size"] > 8_000_000
    assert growth < large["size"] / 4, (growth, large["size"], small["peak_kib"], large["peak_kib"])


def test_libreoffice_reads_every_sheet_of_the_report(tmp_path):
    """An independent reader opens the report workbook: each sheet converts, with the values."""
    from conftest import need_tool, run_tool

    soffice = need_tool("soffice")
    rows, _, failing = sample()
    path = tmp_path / "customers.csv"
    write_csv(path, rows)
    report = tmp_path / "report.xlsx"
    code, _, err = run_cli("check-data", BLUEPRINT, "--entity", "customer", path, "--lang", "en", "--report", report)
    assert code == 1, err
    result = run_tool([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to",
                       "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1", report.name], tmp_path)
    assert result.returncode == 0, result.stderr
    failing_rows = (tmp_path / "report-customer failing rows.csv").read_text(encoding="utf-8").splitlines()
    assert failing_rows[0].startswith("Row,id,email")
    assert len([line for line in failing_rows[1:] if line.startswith("customers.csv:")]) == len(failing)
    assert "www.example.com" in (tmp_path / "report-customer failing rows.csv").read_text(encoding="utf-8")
    assert "url" in (tmp_path / "report-customer.csv").read_text(encoding="utf-8")
    assert (tmp_path / "report-customer preview.csv").read_text(encoding="utf-8").startswith("external_id,email")


def test_the_readme_example_report_is_what_check_data_prints(tmp_path, monkeypatch):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Check sample data"):]
    command = section[section.index("guidegen check-data"):section.index("```", section.index("guidegen check-data"))]
    args = command.replace("\\\n", " ").split()[1:]
    shown = section[section.index("```\ncontact (") + 4:]
    shown = shown[:shown.index("```")]
    sample_path = ROOT / "docs" / "examples" / "contacts-sample.csv"
    args = [str(sample_path) if a == "docs/examples/contacts-sample.csv" else a for a in args]
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli(*args)
    assert code == 1, err
    assert out == shown
