"""/api/v1: the HTTP API. Request and response bodies are the pydantic models of models.py,
so the OpenAPI document (/api/v1/openapi.json) is generated from the code that validates."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import Response

from guidegen.core.errors import Location, UserError
from guidegen.writers import WRITERS
from guidegen.app.server import service
from guidegen.app.server.models import GuideRequest, ImportApplied, ImportPreview, ProblemDocument, TypeDetail, TypeSummary, ValidationReport
from guidegen.app.server.security import BLUEPRINT_UPLOAD, WORKBOOK_UPLOAD, UploadRefused, check_text_size, check_upload

ERRORS = {
    status: {"model": ProblemDocument, "description": text, "content": {"application/problem+json": {}}}
    for status, text in {
        401: "Missing or wrong access token", 413: "Upload or body too large", 415: "Wrong file type",
        422: "Invalid input, with located problems", 503: "Too many requests waiting", 504: "Time limit exceeded",
    }.items()
}

router = APIRouter(prefix="/api/v1", tags=["guidegen"], responses=ERRORS)  # type: ignore[arg-type]

MEDIA_TYPES = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".md": "text/markdown; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".zip": "application/zip",
    ".pdf": "application/pdf",
}

Lang = Annotated[Literal["zh", "en"], Query(description="Language of titles, goals and role names.")]


def dirs(request: Request) -> tuple[str, ...]:
    return request.app.state.config.search_dirs


@router.get("/types", response_model=list[TypeSummary], summary="List integration types with their goals")
async def list_types(request: Request, lang: Lang = "en") -> list[TypeSummary]:
    return await request.app.state.pool.run_light(service.list_types, dirs(request), lang)


@router.get("/types/{blueprint_id}", response_model=TypeDetail, summary="Goals, roles and parameters of one type")
async def describe_type(request: Request, blueprint_id: str, lang: Lang = "en") -> TypeDetail:
    return await request.app.state.pool.run_light(service.describe_type, blueprint_id, dirs(request), lang)


@router.post(
    "/guides",
    summary="Render a guide",
    response_class=Response,
    responses={200: {"description": "The file when one is requested (one format, one language), else a ZIP of all",
                     "content": {t: {} for t in MEDIA_TYPES.values()}}},
)
async def render_guide(request: Request, body: GuideRequest,
                       archive: Annotated[bool, Query(description="Always answer with a ZIP.")] = False) -> Response:
    result = await request.app.state.pool.run(service.render_guide, body, dirs(request))
    headers = {"X-Guidegen-Warnings": str(len(result.warnings))}
    if len(result.files) == 1 and not archive:
        file = result.files[0]
        return file_response(file.name, file.data, headers)
    return file_response(f"{body.blueprint}-guide.zip", service.zip_files(result.files), headers)


def file_response(name: str, data: bytes, headers: dict[str, str] | None = None) -> Response:
    suffix = "." + name.rsplit(".", 1)[-1]
    return Response(data, media_type=MEDIA_TYPES.get(suffix, "application/octet-stream"),
                    headers={"Content-Disposition": f'attachment; filename="{name}"', **(headers or {})})


@router.post("/blueprints/validate", response_model=ValidationReport,
             summary="Validate a blueprint (uploaded file or pasted text): every problem with its line")
async def validate_blueprint(
    request: Request,
    blueprint_file: Annotated[UploadFile | None, File(description="Blueprint YAML file (at most 5 MB).")] = None,
    text: Annotated[str | None, Form(description="Blueprint YAML text, instead of a file.")] = None,
) -> ValidationReport:
    data, name = await blueprint_source(blueprint_file, text)
    return await request.app.state.pool.run(service.validate_blueprint, data, name)


async def blueprint_source(upload: UploadFile | None, text: str | None) -> tuple[bytes, str]:
    if upload is not None and upload.filename:
        data = await upload.read()
        check_upload(BLUEPRINT_UPLOAD, upload.filename, data)
        return data, upload.filename
    if text:
        check_text_size("text", text)
        return text.encode("utf-8"), "pasted.yaml"
    raise UserError.single(Location("request", path="blueprint_file"), "no blueprint given",
                           expected="an uploaded .yaml file or the YAML text")


@dataclass
class ImportUploads:
    """The files of an import request, checked: the workbook and, optionally, the blueprint."""

    workbook: bytes
    workbook_name: str
    blueprint_text: bytes | None = None
    blueprint_name: str | None = None


async def read_import_uploads(workbook: Any, blueprint_file: Any) -> ImportUploads:
    """Read and check the uploads of an import (API and web page alike); UploadRefused if bad."""
    if workbook is None or not getattr(workbook, "filename", ""):
        raise UploadRefused(415, "workbook", "no workbook uploaded", WORKBOOK_UPLOAD.kind, "(nothing)")
    book = await workbook.read()
    check_upload(WORKBOOK_UPLOAD, workbook.filename, book)
    uploads = ImportUploads(book, workbook.filename)
    if blueprint_file is not None and getattr(blueprint_file, "filename", ""):
        uploads.blueprint_text = await blueprint_file.read()
        check_upload(BLUEPRINT_UPLOAD, blueprint_file.filename, uploads.blueprint_text)
        uploads.blueprint_name = blueprint_file.filename
    return uploads


async def run_import_preview(request: Request, uploads: ImportUploads, blueprint: str | None) -> ImportPreview:
    return await request.app.state.pool.run(service.preview_import, uploads.workbook, uploads.workbook_name, blueprint,
                                            uploads.blueprint_text, uploads.blueprint_name, dirs(request))


async def import_preview(request: Request, workbook: UploadFile, blueprint: str | None,
                         blueprint_file: UploadFile | None) -> ImportPreview:
    return await run_import_preview(request, await read_import_uploads(workbook, blueprint_file), blueprint)


WorkbookUpload = Annotated[UploadFile, File(description="The reviewed workbook (.xlsx, at most 20 MB).")]
BlueprintId = Annotated[str | None, Form(description="Id of the blueprint the workbook was exported from.")]
BlueprintUpload = Annotated[UploadFile | None, File(description="Or the blueprint YAML file itself (at most 5 MB).")]


@router.post("/imports/preview", response_model=ImportPreview,
             summary="Dry run: what a reviewed workbook changes in a blueprint (nothing is saved)")
async def preview_import(request: Request, workbook: WorkbookUpload, blueprint: BlueprintId = None,
                         blueprint_file: BlueprintUpload = None) -> ImportPreview:
    return await import_preview(request, workbook, blueprint, blueprint_file)


@router.post("/imports/apply", response_model=ImportApplied,
             summary="Apply a reviewed workbook: the updated blueprint YAML, saved to the server's import folder "
                     "when one is configured")
async def apply_import(request: Request, workbook: WorkbookUpload, blueprint: BlueprintId = None,
                       blueprint_file: BlueprintUpload = None) -> ImportApplied:
    preview = await import_preview(request, workbook, blueprint, blueprint_file)
    folder = request.app.state.config.import_dir
    written = service.apply_import(preview, folder) if folder is not None and preview.updated_yaml else None
    return ImportApplied(**preview.model_dump(), written_to=str(written) if written else None)


@router.get("/formats", summary="Output formats", response_model=dict[str, str])
async def formats() -> dict[str, str]:
    listed = {name: spec.description for name, spec in WRITERS.items() if name != "pdf"}  # pdf: below, where LibreOffice is
    if service.pdf_available():
        listed["pdf"] = "PDF (the DOCX converted by LibreOffice on the server)"
    return listed
