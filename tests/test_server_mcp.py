"""`guidegen mcp` over stdio, and the MCP endpoint of `guidegen serve`, through the SDK's client."""

from __future__ import annotations

import base64
import io
import sys
from pathlib import Path

import anyio
import docx
import pytest

pytest.importorskip("mcp")
from mcp import Client, StdioServerParameters  # noqa: E402

from conftest import ROOT  # noqa: E402
from server_helpers import EDITED_RULE, edited_workbook, running_server  # noqa: E402

TOOLS = {"list_integration_types", "describe_integration_type", "render_guide", "validate_blueprint",
         "preview_workbook_import"}


def stdio(out: Path) -> StdioServerParameters:
    return StdioServerParameters(command=sys.executable, args=["-m", "guidegen", "mcp", "--out", str(out)], cwd=str(out))


def texts(result) -> list[str]:
    return [c.text for c in result.content if getattr(c, "type", "") == "text"]


def test_stdio_server_lists_tools_renders_and_reports_bad_input(tmp_path: Path) -> None:
    async def session() -> None:
        async with Client(stdio(tmp_path)) as client:
            tools = {t.name: t for t in (await client.list_tools()).tools}
            assert TOOLS <= set(tools)
            assert "deterministic" in tools["render_guide"].description
            assert "blueprint" in tools["render_guide"].input_schema["required"]

            types = await client.call_tool("list_integration_types", {"lang": "en"})
            assert not types.is_error
            assert {t["id"] for t in types.structured_content["result"]} >= {"helpdesk", "erp"}

            result = await client.call_tool("render_guide", {
                "blueprint": "helpdesk", "lang": "en", "client": "ACME Corp", "software": "Zendesk",
                "complexity": "simple", "formats": ["docx"]})
            assert not result.is_error, texts(result)
            markdown, listing = texts(result)[:2]
            assert markdown.startswith("# ") and "ACME Corp" in markdown
            paths = [Path(line) for line in listing.splitlines()[1:]]
            assert sorted(p.name for p in paths) == ["helpdesk-simple-en.docx", "helpdesk-simple-en.md"]
            document = docx.Document(io.BytesIO((tmp_path / "helpdesk-simple-en.docx").read_bytes()))
            assert any("ACME Corp" in p.text for p in document.paragraphs)

            unknown = await client.call_tool("render_guide", {"blueprint": "helpdesc"})
            assert unknown.is_error and "did you mean 'helpdesk'" in texts(unknown)[0]
            wrong = await client.call_tool("render_guide", {"blueprint": "helpdesk", "complexity": "huge"})
            assert wrong.is_error
            hostile = await client.call_tool("validate_blueprint", {
                "yaml_text": (ROOT / "tests" / "hostile" / "python_object.yaml").read_text(encoding="utf-8"),
                "filename": "evil.yaml"})
            assert not hostile.is_error and hostile.structured_content["valid"] is False
            assert hostile.structured_content["errors"][0]["file"] == "evil.yaml"
            missing = await client.call_tool("preview_workbook_import", {"blueprint": "helpdesk",
                                                                          "workbook_path": str(tmp_path / "none.xlsx")})
            assert missing.is_error and "file not found" in texts(missing)[0]
            # the server is still there after the errors
            assert not (await client.call_tool("describe_integration_type", {"blueprint": "erp"})).is_error

    anyio.run(session)


def test_stdio_preview_of_a_workbook_import_from_a_local_path(tmp_path: Path) -> None:
    async def session() -> None:
        async with Client(stdio(tmp_path)) as client:
            rendered = await client.call_tool("render_guide", {"blueprint": "email-marketing", "formats": ["xlsx"]})
            assert not rendered.is_error
            workbook = tmp_path / "email-marketing-simple-zh.xlsx"
            reviewed = tmp_path / "reviewed.xlsx"
            reviewed.write_bytes(edited_workbook(workbook.read_bytes()))
            before = (ROOT / "blueprints" / "types" / "email-marketing.yaml").read_bytes()
            preview = await client.call_tool("preview_workbook_import", {"blueprint": "email-marketing",
                                                                          "workbook_path": str(reviewed)})
            assert not preview.is_error, texts(preview)
            assert [c["kind"] for c in preview.structured_content["changes"]] == ["changed"]
            assert EDITED_RULE in preview.structured_content["updated_yaml"]
            assert (ROOT / "blueprints" / "types" / "email-marketing.yaml").read_bytes() == before

    anyio.run(session)


def test_the_served_mcp_endpoint_returns_files_as_resources_and_refuses_local_paths() -> None:
    with running_server("--workers", "1") as url:
        async def session() -> None:
            async with Client(url + "/mcp/") as client:
                assert TOOLS <= {t.name for t in (await client.list_tools()).tools}
                result = await client.call_tool("render_guide", {"blueprint": "erp", "lang": "en", "formats": ["docx"]})
                assert not result.is_error, texts(result)
                blobs = [c.resource for c in result.content if c.type == "resource"]
                assert [b.uri for b in blobs] == ["guidegen://guides/erp-high-en.docx"]
                docx.Document(io.BytesIO(base64.b64decode(blobs[0].blob)))
                refused = await client.call_tool("preview_workbook_import", {"blueprint": "erp",
                                                                              "workbook_path": "/etc/passwd"})
                assert refused.is_error and "not accepted by a server" in texts(refused)[0]

        anyio.run(session)
