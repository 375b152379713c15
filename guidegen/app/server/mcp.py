"""MCP server (official ``mcp`` SDK): the same operations as the HTTP API, as tools an AI
assistant can call. Over stdio (``guidegen mcp``) the tools may read local files and write
rendered guides into the output folder; mounted in ``guidegen serve`` (streamable HTTP at /mcp)
they never touch the file system: files travel as embedded resources."""

from __future__ import annotations

import base64
import datetime as dt
from pathlib import Path
from typing import Any, Awaitable, Callable, Literal

import anyio
from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import BlobResourceContents, CallToolResult, EmbeddedResource, TextContent
from pydantic import ValidationError

from guidegen import __version__
from guidegen.core.errors import UserError
from guidegen.app.output import Output, write_outputs
from guidegen.app.server import service
from guidegen.app.server.api import MEDIA_TYPES
from guidegen.app.server.models import GuideRequest, ImportPreview, TypeDetail, TypeSummary, ValidationReport

Runner = Callable[..., Awaitable[Any]]

INSTRUCTIONS = (
    "guidegen writes CRM <-> third-party software integration guides (goals, architecture, phased plan, "
    "field mappings, tests, operations, risks) from vetted blueprints. The content is deterministic and "
    "sourced: the same parameters always give the same documents, so call render_guide instead of writing "
    "a guide yourself. Start with list_integration_types, then describe_integration_type for the goals, "
    "roles and parameters of the chosen type."
)


async def _in_thread(function: Callable[..., Any], *args: Any) -> Any:
    return await anyio.to_thread.run_sync(lambda: function(*args))


def build_mcp(blueprint_dirs: tuple[str, ...] = (), runner: Runner | None = None, out_dir: Path | None = None,
              in_server: bool = False) -> MCPServer:
    """The tools. ``runner`` runs a service function (the server's worker pool, or a thread);
    ``out_dir`` is where stdio renders write files; ``in_server`` forbids local paths."""
    run: Runner = runner or _in_thread
    mcp = MCPServer(name="guidegen", version=__version__, instructions=INSTRUCTIONS)

    async def call(function: Callable[..., Any], *args: Any) -> Any:
        try:
            return await run(function, *args)
        except UserError as exc:
            raise ToolError(exc.format()) from None

    @mcp.tool(description="List the integration types guidegen can write a guide for (blueprint id, title, "
                          "description, default complexity, default goals). Use the id as 'blueprint'.")
    async def list_integration_types(lang: Literal["zh", "en"] = "en") -> list[TypeSummary]:
        return await call(service.list_types, blueprint_dirs, lang)

    @mcp.tool(description="Everything render_guide accepts for one integration type: goals (ids to keep), "
                          "roles (ids for 'people'), complexities with plan lengths, scenarios, languages, formats, "
                          "placeholder variables.")
    async def describe_integration_type(blueprint: str, lang: Literal["zh", "en"] = "en") -> TypeDetail:
        return await call(service.describe_type, blueprint, blueprint_dirs, lang)

    @mcp.tool(description=(
        "Render an integration guide. Returns the guide as Markdown text plus the requested files "
        + ("as embedded resources." if in_server else "written to the output folder (their paths are listed).")
        + " Parameters that matter: blueprint (required, from list_integration_types); software and crm "
        "(product names used throughout); client; complexity (simple / medium / high: depth, plan length, tests); "
        "scenario (new, or upgrade for replacing a running integration); lang (zh or en); goals (goal ids to keep "
        "or new goal statements); add_goals; start_date (YYYY-MM-DD gives calendar dates); people (role id -> name); "
        "formats (default docx and xlsx; pdf only where LibreOffice is installed). "
        "The content is deterministic and every vendor fact carries its source."))
    async def render_guide(
        blueprint: str,
        software: str | None = None,
        crm: str | None = None,
        client: str | None = None,
        complexity: Literal["simple", "medium", "high"] | None = None,
        scenario: Literal["new", "upgrade"] = "new",
        lang: Literal["zh", "en"] = "zh",
        goals: list[str] | None = None,
        add_goals: list[str] | None = None,
        start_date: dt.date | None = None,
        people: dict[str, str] | None = None,
        formats: list[Literal["docx", "xlsx", "html", "pdf"]] | None = None,
    ) -> CallToolResult:
        given = {"blueprint": blueprint, "software": software, "crm": crm, "client": client, "complexity": complexity,
                 "scenario": scenario, "lang": lang, "goals": goals, "add_goals": add_goals, "start_date": start_date,
                 "people": {role: {"name": name} for role, name in (people or {}).items()} or None}
        try:
            request = GuideRequest.model_validate({k: v for k, v in given.items() if v is not None}
                                                  | {"formats": ["md", *(formats or ["docx", "xlsx"])]})
        except ValidationError as exc:
            raise ToolError(f"invalid parameters: {exc}") from None
        result = await call(service.render_guide, request, blueprint_dirs)
        markdown = next(f for f in result.files if f.name.endswith(".md"))
        content: list[Any] = [TextContent(type="text", text=markdown.data.decode("utf-8"))]
        if in_server or out_dir is None:
            content += [_embedded(f.name, f.data) for f in result.files if f is not markdown]
        else:
            paths = await anyio.to_thread.run_sync(
                lambda: write_outputs(out_dir, [Output(f.name, f.data) for f in result.files]))
            content.append(TextContent(type="text", text="Files written:\n" + "\n".join(str(p) for p in paths)))
        if result.warnings:
            content.append(TextContent(type="text", text="Warnings:\n" + "\n".join(w.text() for w in result.warnings)))
        return CallToolResult(content=content)

    @mcp.tool(description="Validate a blueprint given as YAML text: every problem with its line, key path, "
                          "expected and given value, and the offending line.")
    async def validate_blueprint(yaml_text: str, filename: str = "blueprint.yaml") -> ValidationReport:
        if len(yaml_text.encode("utf-8")) > service_limits()[0]:
            raise ToolError(f"the blueprint is larger than {service_limits()[0]:,} bytes")
        return await call(service.validate_blueprint, yaml_text, filename)

    @mcp.tool(description=(
        "Dry run of importing a reviewed field-mapping workbook (.xlsx exported by guidegen) into its blueprint: "
        "the changed, added and deleted rows and the updated blueprint YAML. Nothing is saved. Give the workbook "
        "as base64 (workbook_base64)" + ("" if in_server else " or as a local path (workbook_path)")
        + "; the blueprint as an id (blueprint) or YAML text (blueprint_yaml)."))
    async def preview_workbook_import(
        blueprint: str | None = None,
        blueprint_yaml: str | None = None,
        workbook_base64: str | None = None,
        workbook_path: str | None = None,
        workbook_name: str = "workbook.xlsx",
    ) -> ImportPreview:
        data = _workbook_bytes(workbook_base64, workbook_path, in_server)
        text = blueprint_yaml.encode("utf-8") if blueprint_yaml is not None else None
        name = workbook_name if workbook_path is None else Path(workbook_path).name
        return await call(service.preview_import, data, name, blueprint, text,
                          f"{blueprint or 'blueprint'}.yaml" if text is not None else None, blueprint_dirs)

    return mcp


def service_limits() -> tuple[int, int]:
    from guidegen.app.server.security import BLUEPRINT_LIMIT, WORKBOOK_LIMIT

    return BLUEPRINT_LIMIT, WORKBOOK_LIMIT


def _workbook_bytes(encoded: str | None, path: str | None, in_server: bool) -> bytes:
    limit = service_limits()[1]
    if encoded is not None:
        try:
            data = base64.b64decode(encoded, validate=True)
        except ValueError:
            raise ToolError("workbook_base64 is not valid base64") from None
    elif path is not None:
        if in_server:
            raise ToolError("workbook_path is not accepted by a server: send workbook_base64")
        file = Path(path)
        if not file.is_file():
            raise ToolError(f"{path}: file not found (expected a .xlsx workbook)")
        if file.stat().st_size > limit:
            raise ToolError(f"{path}: larger than {limit:,} bytes")
        data = file.read_bytes()
    else:
        raise ToolError("give the workbook: workbook_base64" + ("" if in_server else " or workbook_path"))
    if len(data) > limit:
        raise ToolError(f"the workbook is larger than {limit:,} bytes")
    if not data.startswith(b"PK\x03\x04"):
        raise ToolError("the workbook is not an .xlsx file")
    return data


def _embedded(name: str, data: bytes) -> EmbeddedResource:
    suffix = "." + name.rsplit(".", 1)[-1]
    media = MEDIA_TYPES.get(suffix, "application/octet-stream").split(";")[0]
    blob = BlobResourceContents(uri=f"guidegen://guides/{name}", mime_type=media,
                                blob=base64.b64encode(data).decode("ascii"))
    return EmbeddedResource(type="resource", resource=blob)


def run_stdio(blueprint_dirs: tuple[str, ...], out_dir: Path) -> None:
    build_mcp(blueprint_dirs, out_dir=out_dir).run("stdio")
