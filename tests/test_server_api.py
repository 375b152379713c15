"""The HTTP API (/api/v1) through the framework's test client: every endpoint, every error path."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
import yaml

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from conftest import ROOT, need_tool  # noqa: E402
from guidegen.app.server.app import ServerConfig, create_app  # noqa: E402
from readback import html_headings, md_headings  # noqa: E402
from server_helpers import EDITED_RULE, edited_workbook, rendered_workbook  # noqa: E402

HOSTILE = ROOT / "tests" / "hostile"
PROBLEM = "application/problem+json"


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app(ServerConfig(workers=1, mcp=False))) as c:
        yield c


def problem(response, status: int, kind: str) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    doc = response.json()
    assert doc["type"] == f"urn:guidegen:problem:{kind}" and doc["status"] == status and doc["detail"]
    return doc


# --------------------------------------------------------------------------- catalogue
def test_types_lists_every_builtin_blueprint_with_its_goals(client) -> None:
    types = client.get("/api/v1/types", params={"lang": "en"}).json()
    assert [t["id"] for t in types] == sorted(p.stem for p in (ROOT / "blueprints" / "types").glob("*.yaml"))
    helpdesk = next(t for t in types if t["id"] == "helpdesk")
    assert helpdesk["default_complexity"] == "medium"
    assert helpdesk["goals"] and all(g["id"] and g["statement"] for g in helpdesk["goals"])


def test_describe_type_gives_roles_parameters_and_plan_lengths(client) -> None:
    detail = client.get("/api/v1/types/call-center", params={"lang": "zh"}).json()
    assert detail["complexities"] == ["simple", "medium", "high"]
    assert detail["formats"] == ["docx", "md", "xlsx", "html"] + (["pdf"] if shutil.which("soffice") else [])
    assert {"simple", "medium", "high"} == set(detail["weeks"])
    assert detail["roles"] and all(r["id"] and r["name"] for r in detail["roles"])


def test_a_type_lists_the_products_with_a_pack_and_the_form_suggests_them(client) -> None:
    detail = client.get("/api/v1/types/call-center", params={"lang": "en"}).json()
    assert detail["software_products"] == ["Amazon Connect", "Twilio Flex"]
    assert set(detail["crm_products"]) == {"Microsoft Dynamics 365", "HubSpot", "Salesforce"}
    assert client.get("/api/v1/types/erp").json()["software_products"] == ["Oracle NetSuite", "SAP S/4HANA"]
    page = client.get("/guide", params={"blueprint": "call-center", "ui": "en"}).text
    software = re.search(r'<datalist id="software-products">(.*?)</datalist>', page, re.S).group(1)
    assert re.findall(r'<option value="([^"]+)">', software) == detail["software_products"]
    assert 'list="software-products"' in page and 'list="crm-products"' in page


def test_describe_unknown_type_is_a_located_problem(client) -> None:
    doc = problem(client.get("/api/v1/types/helpdesc"), 422, "invalid-input")
    error = doc["errors"][0]
    assert error["file"] == "request" and error["key"] == "blueprint" and "did you mean 'helpdesk'" in error["hint"]


def test_formats_lists_the_writer_registry_and_pdf_where_libreoffice_is(client) -> None:
    pdf = {"pdf"} if shutil.which("soffice") else set()
    assert set(client.get("/api/v1/formats").json()) == {"docx", "md", "xlsx", "html"} | pdf


def test_openapi_document_is_generated_from_the_request_models(client) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    assert {"/api/v1/types", "/api/v1/types/{blueprint_id}", "/api/v1/guides", "/api/v1/blueprints/validate",
            "/api/v1/imports/preview", "/api/v1/imports/apply"} <= set(spec["paths"])
    request = spec["components"]["schemas"]["GuideRequest"]
    assert {"blueprint", "software", "crm", "client", "complexity", "scenario", "goals", "people"} <= set(request["properties"])
    assert "template" not in request["properties"] and "out" not in request["properties"]
    assert "ProblemDocument" in spec["components"]["schemas"]


# --------------------------------------------------------------------------- render
def test_one_format_answers_with_that_file(client) -> None:
    response = client.post("/api/v1/guides", json={"blueprint": "helpdesk", "lang": "en", "formats": ["docx"],
                                                   "client": "ACME Corp", "software": "Zendesk"})
    assert response.status_code == 200
    assert response.headers["content-disposition"] == 'attachment; filename="helpdesk-medium-en.docx"'
    document = docx.Document(io.BytesIO(response.content))
    assert any("ACME Corp" in p.text for p in document.paragraphs)


def test_several_formats_and_languages_answer_with_a_zip_of_all(client) -> None:
    response = client.post("/api/v1/guides", json={"blueprint": "erp", "languages": ["zh", "en"], "formats": ["md", "html"],
                                                   "complexity": "simple", "date": "2026-11-25"})
    assert response.status_code == 200 and response.headers["content-type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert sorted(archive.namelist()) == ["erp-simple-en.html", "erp-simple-en.md", "erp-simple-zh.html", "erp-simple-zh.md"]
    for lang in ("zh", "en"):  # the page and the Markdown hold the same sections
        assert html_headings(archive.read(f"erp-simple-{lang}.html")) == md_headings(archive.read(f"erp-simple-{lang}.md"))


def test_pdf_is_the_docx_converted_by_libreoffice(client) -> None:
    need_tool("soffice")
    need_tool("pdftotext")
    response = client.post("/api/v1/guides", json={"blueprint": "email-marketing", "lang": "en", "formats": ["pdf"],
                                                   "client": "ACME Corp"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf" and response.content.startswith(b"%PDF")
    text = subprocess.run(["pdftotext", "-", "-"], input=response.content, capture_output=True, check=True).stdout
    assert b"ACME Corp" in text and b"Field mapping" in text


def test_render_is_deterministic(client) -> None:
    body = {"blueprint": "email-marketing", "formats": ["docx", "xlsx"], "date": "2026-11-25"}
    assert client.post("/api/v1/guides", json=body).content == client.post("/api/v1/guides", json=body).content


@pytest.mark.parametrize("body, key", [
    ({"blueprint": "helpdesk", "complexity": "huge"}, "complexity"),
    ({"blueprint": "helpdesk", "start_date": "2027-02-30"}, "start_date"),
    ({"blueprint": "helpdesk", "formats": ["pdfx"]}, "formats[0]"),
    ({"blueprint": "helpdesk", "colour": "red"}, "colour"),
    ({"software": "Zendesk"}, "blueprint"),
    ({"blueprint": "../blueprints/helpdesk"}, "blueprint"),
])
def test_bad_engagement_fields_are_named_in_the_problem(client, body: dict, key: str) -> None:
    doc = problem(client.post("/api/v1/guides", json=body), 422, "invalid-request")
    assert key in [e["key"] for e in doc["errors"]]
    assert all(e["file"] == "request" for e in doc["errors"])


@pytest.mark.parametrize("field, value", [("template", "/etc/passwd"), ("out", "/tmp/elsewhere")])
def test_a_request_never_names_a_path_on_the_server(client, field: str, value: str) -> None:
    doc = problem(client.post("/api/v1/guides", json={"blueprint": "helpdesk", field: value}), 422, "invalid-request")
    assert doc["errors"][0]["key"] == field and "not accepted over HTTP" in doc["errors"][0]["message"]


def test_a_blueprint_id_that_looks_like_a_file_is_refused(client) -> None:
    doc = problem(client.post("/api/v1/guides", json={"blueprint": "helpdesk.yaml"}), 422, "invalid-input")
    assert doc["errors"][0]["key"] == "blueprint"


def test_a_tampered_download_form_is_a_request_problem(client) -> None:
    doc = problem(client.post("/guide/download", data={"request": '{"blueprint": "helpdesk", "template": "/etc/passwd"}',
                                                       "file": "zh:docx"}), 422, "invalid-request")
    assert doc["errors"][0]["key"] == "template"


def test_a_malformed_json_body_is_a_problem_document(client) -> None:
    response = client.post("/api/v1/guides", content=b"{not json", headers={"content-type": "application/json"})
    problem(response, 422, "invalid-request")


# --------------------------------------------------------------------------- validate
def test_validating_a_builtin_blueprint_finds_no_errors(client) -> None:
    data = (ROOT / "blueprints" / "types" / "helpdesk.yaml").read_bytes()
    report = client.post("/api/v1/blueprints/validate", files={"blueprint_file": ("helpdesk.yaml", data)}).json()
    assert report == {**report, "file": "helpdesk.yaml", "valid": True, "errors": []}


def test_validation_problems_carry_line_key_and_the_offending_line(client) -> None:
    text = (ROOT / "blueprints" / "types" / "email-marketing.yaml").read_text(encoding="utf-8")
    broken = text.replace("default_complexity: simple", "default_complexity: tiny", 1)
    line = broken.splitlines().index("default_complexity: tiny") + 1
    report = client.post("/api/v1/blueprints/validate", data={"text": broken}).json()
    assert report["valid"] is False
    error = next(e for e in report["errors"] if e["key"] == "default_complexity")
    assert (error["file"], error["line"], error["source_line"]) == ("pasted.yaml", line, "default_complexity: tiny")
    assert error["given"] == "'tiny'"  # as the CLI shows it


@pytest.mark.parametrize("name", ["billion_laughs.yaml", "python_object.yaml", "custom_tag.yaml", "deep_nesting.yaml",
                                  "non_utf8.yaml", "two_documents.yaml", "duplicate_keys.yaml"])
def test_hostile_yaml_is_reported_as_problems_never_executed(client, name: str) -> None:
    data = (HOSTILE / name).read_bytes()
    response = client.post("/api/v1/blueprints/validate", files={"blueprint_file": (name, data)})
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["valid"] is False and report["errors"]
    assert all(e["file"].startswith((name, "blueprints/")) for e in report["errors"])
    assert not re.search(r"guidegen-[a-z0-9_]{8}/", response.text)  # no temporary path leaks out
    assert not Path("/tmp/guidegen-pwned").exists()


def test_an_uploaded_name_cannot_climb_out_of_its_folder(client) -> None:
    data = (HOSTILE / "list_root.yaml").read_bytes()
    report = client.post("/api/v1/blueprints/validate", files={"blueprint_file": ("../../etc/evil.yaml", data)}).json()
    assert report["file"] == "evil.yaml"


def test_a_blueprint_of_the_wrong_type_is_refused(client) -> None:
    doc = problem(client.post("/api/v1/blueprints/validate", files={"blueprint_file": ("guide.docx", b"PK\x03\x04..")}),
                  415, "unsupported-media-type")
    assert doc["errors"][0]["key"] == "blueprint_file"


def test_an_oversized_blueprint_is_refused(client) -> None:
    data = b"# " + b"x" * (5 * 1024 * 1024)
    doc = problem(client.post("/api/v1/blueprints/validate", files={"blueprint_file": ("big.yaml", data)}), 413, "too-large")
    assert "5,242,880" in doc["errors"][0]["expected"]


def test_validate_without_a_blueprint_is_a_problem(client) -> None:
    problem(client.post("/api/v1/blueprints/validate", data={}), 422, "invalid-input")


def test_a_request_body_over_the_server_limit_is_refused_before_parsing(client) -> None:
    response = client.post("/api/v1/blueprints/validate", content=b"x" * (27 * 1024 * 1024),
                           headers={"content-type": "multipart/form-data; boundary=x"})
    problem(response, 413, "too-large")


# --------------------------------------------------------------------------- import
def test_import_preview_lists_the_change_and_writes_nothing(client) -> None:
    blueprint = ROOT / "blueprints" / "types" / "email-marketing.yaml"
    before = blueprint.read_bytes()
    book = edited_workbook(rendered_workbook(client))
    response = client.post("/api/v1/imports/preview", data={"blueprint": "email-marketing"},
                           files={"workbook": ("reviewed.xlsx", book)})
    assert response.status_code == 200, response.text
    preview = response.json()
    assert [c["kind"] for c in preview["changes"]] == ["changed"]
    assert EDITED_RULE in preview["updated_yaml"]
    assert yaml.safe_load(preview["updated_yaml"])["id"] == "email-marketing"
    assert blueprint.read_bytes() == before


def test_import_of_an_uploaded_blueprint_file(client) -> None:
    book = edited_workbook(rendered_workbook(client))
    data = (ROOT / "blueprints" / "types" / "email-marketing.yaml").read_bytes()
    preview = client.post("/api/v1/imports/preview", files={"workbook": ("r.xlsx", book),
                                                            "blueprint_file": ("mine.yaml", data)}).json()
    assert preview["blueprint"] == "mine.yaml" and len(preview["changes"]) == 1


def test_apply_without_an_import_folder_returns_the_yaml_and_saves_nothing(client) -> None:
    book = edited_workbook(rendered_workbook(client))
    applied = client.post("/api/v1/imports/apply", data={"blueprint": "email-marketing"},
                          files={"workbook": ("r.xlsx", book)}).json()
    assert applied["written_to"] is None and EDITED_RULE in applied["updated_yaml"]


def test_apply_with_an_import_folder_saves_there_and_later_renders_use_it(tmp_path: Path) -> None:
    folder = tmp_path / "imported"
    with TestClient(create_app(ServerConfig(workers=1, mcp=False, import_dir=folder))) as c:
        book = edited_workbook(rendered_workbook(c))
        applied = c.post("/api/v1/imports/apply", data={"blueprint": "email-marketing"},
                         files={"workbook": ("r.xlsx", book)}).json()
        assert applied["written_to"] == str(folder / "email-marketing.yaml")
        assert EDITED_RULE in (folder / "email-marketing.yaml").read_text(encoding="utf-8")
        page = c.post("/api/v1/guides", json={"blueprint": "email-marketing", "formats": ["html"]}).content.decode()
        assert EDITED_RULE in page
    assert sorted(p.name for p in folder.iterdir()) == ["email-marketing.yaml"]


def test_an_invalid_workbook_edit_is_refused_with_its_cell(client) -> None:
    book = edited_workbook(rendered_workbook(client), "I4", "stringy")
    doc = problem(client.post("/api/v1/imports/preview", data={"blueprint": "email-marketing"},
                              files={"workbook": ("r.xlsx", book)}), 422, "invalid-input")
    assert doc["errors"][0]["cell"] == "映射-联系人主档!I4" and doc["errors"][0]["file"] == "r.xlsx"


def test_a_corrupted_workbook_is_a_problem_not_a_crash(client) -> None:
    data = (HOSTILE / "corrupted.xlsx").read_bytes()
    doc = problem(client.post("/api/v1/imports/preview", data={"blueprint": "email-marketing"},
                              files={"workbook": ("corrupted.xlsx", data)}), 422, "invalid-input")
    assert doc["errors"][0]["file"] == "corrupted.xlsx"


@pytest.mark.parametrize("name, data", [("notes.txt", b"hello"), ("fake.xlsx", b"not a zip at all")])
def test_a_workbook_of_the_wrong_type_is_refused(client, name: str, data: bytes) -> None:
    problem(client.post("/api/v1/imports/preview", data={"blueprint": "email-marketing"},
                        files={"workbook": (name, data)}), 415, "unsupported-media-type")


def test_an_oversized_workbook_is_refused(client) -> None:
    data = b"PK\x03\x04" + b"\0" * (20 * 1024 * 1024)
    problem(client.post("/api/v1/imports/preview", data={"blueprint": "email-marketing"},
                        files={"workbook": ("big.xlsx", data)}), 413, "too-large")


def test_an_import_without_a_workbook_is_a_request_problem(client) -> None:
    doc = problem(client.post("/api/v1/imports/preview", data={"blueprint": "email-marketing"}), 422, "invalid-request")
    assert doc["errors"][0]["key"] == "workbook"


# --------------------------------------------------------------------------- token
@pytest.fixture(scope="module")
def guarded():
    with TestClient(create_app(ServerConfig(workers=1, token="s3cret-token", mcp=True))) as c:
        yield c


@pytest.mark.parametrize("path", ["/", "/api/v1/types", "/api/v1/openapi.json", "/static/style.css", "/mcp/"])
def test_a_missing_token_is_refused_everywhere(guarded, path: str) -> None:
    doc = problem(guarded.get(path), 401, "unauthorized")
    assert "token" in doc["detail"]


def test_a_wrong_token_is_refused(guarded) -> None:
    problem(guarded.get("/api/v1/types", headers={"Authorization": "Bearer wrong"}), 401, "unauthorized")


def test_the_token_opens_the_api_and_the_browser_gets_a_cookie(guarded) -> None:
    assert guarded.get("/api/v1/formats", headers={"Authorization": "Bearer s3cret-token"}).status_code == 200
    first = guarded.get("/?token=s3cret-token")
    assert first.status_code == 200 and "guidegen_token" in first.headers["set-cookie"]
    assert guarded.get("/api/v1/formats").status_code == 200  # the cookie alone is enough now
    guarded.cookies.clear()
    assert guarded.get("/api/v1/formats").status_code == 401


# --------------------------------------------------------------------------- worker pool
def test_a_render_over_its_time_limit_is_a_504_problem() -> None:
    with TestClient(create_app(ServerConfig(workers=1, mcp=False, timeout=0.001))) as c:
        doc = problem(c.post("/api/v1/guides", json={"blueprint": "erp", "formats": ["docx"]}), 504, "timeout")
        assert "longer than" in doc["detail"]


def test_the_pool_refuses_work_beyond_its_queue_and_bounds_each_call() -> None:
    import asyncio
    import time

    from guidegen.app.server.pool import PoolBusy, PoolTimeout, WorkerPool

    async def scenario() -> None:
        pool = WorkerPool(workers=1, queue=0, timeout=1.0)
        try:
            assert await pool.run(sum, [1, 2, 3]) == 6
            slow = asyncio.ensure_future(pool.run(time.sleep, 3))
            await asyncio.sleep(0.1)
            with pytest.raises(PoolBusy):
                await pool.run(sum, [1])
            with pytest.raises(PoolTimeout):
                await slow
        finally:
            pool.shutdown()

    asyncio.run(scenario())


def test_a_loopback_server_answers_only_to_loopback_host_names() -> None:
    config = ServerConfig(workers=1, mcp=False, allowed_hosts=("127.0.0.1", "localhost"))
    with TestClient(create_app(config), base_url="http://127.0.0.1:8000") as c:
        assert c.get("/api/v1/formats").status_code == 200
        assert c.get("/api/v1/formats", headers={"host": "attacker.example"}).status_code == 400


def test_serving_beyond_the_loopback_without_a_token_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from conftest import run_cli

    monkeypatch.delenv("GUIDEGEN_TOKEN", raising=False)
    code, _, err = run_cli("serve", "--host", "0.0.0.0")
    assert code == 2
    assert "needs an access token" in err and "--token" in err and "Traceback" not in err


# --------------------------------------------------------------------------- pages (without a browser)
def test_pages_answer_in_the_chosen_language(client) -> None:
    for path, zh, en in [("/", "集成类型", "Integration types"), ("/guide?blueprint=erp", "生成预览", "Preview the guide"),
                         ("/review", "查看变更（试运行）", "Show the changes (dry run)"), ("/validate", "校验蓝图", "Validate a blueprint")]:
        assert zh in client.get(path + ("&" if "?" in path else "?") + "ui=zh").text
        assert en in client.get(path + ("&" if "?" in path else "?") + "ui=en").text


def test_the_review_page_marks_a_wrong_file_beside_its_field(client) -> None:
    response = client.post("/review", data={"ui": "en", "blueprint": "helpdesk"}, files={"workbook": ("notes.txt", b"x")})
    assert response.status_code == 415
    assert 'class="field-error"' in response.text and "wrong file type" in response.text


def test_applying_an_unknown_or_expired_review_is_refused(client) -> None:
    response = client.post("/review/apply", data={"ui": "zh", "review": "no-such-review"})
    assert response.status_code == 410 and "该审阅已过期" in response.text
    assert client.get("/review/no-such-review/blueprint.yaml").status_code == 410


def test_the_guide_form_keeps_what_was_typed_when_it_marks_an_error(client) -> None:
    response = client.post("/guide", data={"ui": "zh", "blueprint": "helpdesk", "client": "ACME 科技", "languages": ["zh"],
                                           "goals": ["G1"], "start_date": "明天"})
    assert response.status_code == 422
    assert 'id="error-start_date"' in response.text and "日期格式应为 YYYY-MM-DD。" in response.text
    assert 'value="ACME 科技"' in response.text and 'id="error-formats"' in response.text
