"""The web pages: integration types, the guide form with preview and downloads, workbook
review (dry run, then apply) and blueprint validation. Plain HTML forms: the pages work
without JavaScript; the one small script only reloads the form when the type changes."""

from __future__ import annotations

import secrets
import time
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from pydantic import ValidationError

from guidegen.core import i18n
from guidegen.core.errors import UserError
from guidegen.app.server import service
from guidegen.app.server.api import ImportUploads, blueprint_source, file_response, read_import_uploads, run_import_preview
from guidegen.app.server.models import GuideRequest, ImportPreview, LocatedProblem
from guidegen.app.server.security import UploadRefused
from guidegen.app.server.ui import UI_LANGS, field_error, t, words

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=str(HERE / "templates"))
router = APIRouter(include_in_schema=False)

FORM_FIELDS = ("blueprint", "software", "crm", "client", "goals", "complexity", "scenario", "languages", "start_date",
               "people", "formats", "author", "version")
PENDING_LIMIT = 16  # reviews kept in memory (never on disk) between dry run and apply ...
PENDING_BYTES = 100 * 1024 * 1024  # ... and at most this many bytes of uploads among them
PENDING_SECONDS = 30 * 60


def mount_static(app: FastAPI) -> None:
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")


def ui_lang(request: Request, form: Any = None) -> str:
    value = (form.get("ui") if form is not None else None) or request.query_params.get("ui") or "zh"
    return value if value in UI_LANGS else "zh"


def page(request: Request, name: str, lang: str, **context: Any) -> HTMLResponse:
    status = context.pop("status", 200)
    return templates.TemplateResponse(request, name, {"ui": lang, "tag": i18n.locale(lang).tag, "w": words(lang),
                                                      "nav": name, **context},
                                       status_code=status)


def pool(request: Request) -> Any:
    return request.app.state.pool


def dirs(request: Request) -> tuple[str, ...]:
    return request.app.state.config.search_dirs


# --------------------------------------------------------------------------- home
@router.get("/", response_class=HTMLResponse)
async def home(request: Request) -> HTMLResponse:
    lang = ui_lang(request)
    types = await pool(request).run_light(service.list_types, dirs(request), lang)
    return page(request, "home.html", lang, types=types)


# --------------------------------------------------------------------------- guide form
@router.get("/guide", response_class=HTMLResponse)
async def guide_form(request: Request) -> HTMLResponse:
    lang = ui_lang(request)
    types = await pool(request).run_light(service.list_types, dirs(request), lang)
    chosen = request.query_params.get("blueprint") or (types[0].id if types else "")
    if chosen not in {x.id for x in types}:
        chosen = types[0].id if types else ""
    detail = await pool(request).run_light(service.describe_type, chosen, dirs(request), lang)
    values = {"blueprint": chosen, "goals": [g.id for g in detail.goals], "complexity": detail.default_complexity,
              "scenario": "new", "languages": [lang], "formats": ["docx", "md", "xlsx"], "people": {}}
    return page(request, "guide.html", lang, types=types, detail=detail, values=values, errors={})


@router.post("/guide", response_class=HTMLResponse)
async def guide_submit(request: Request) -> HTMLResponse:
    form = await request.form()
    lang = ui_lang(request, form)
    types = await pool(request).run_light(service.list_types, dirs(request), lang)
    chosen = str(form.get("blueprint") or "")
    if chosen not in {x.id for x in types}:
        chosen = types[0].id if types else ""
    detail = await pool(request).run_light(service.describe_type, chosen, dirs(request), lang)
    values, data = _form_values(form, detail)
    errors = _choice_errors(lang, values)
    body: GuideRequest | None = None
    try:
        body = GuideRequest.model_validate(data)
    except ValidationError as exc:
        errors = _field_errors(lang, exc.errors(include_url=False)) | errors  # every field marked at once
    if errors:
        body = None
    context: dict[str, Any] = {"types": types, "detail": detail, "values": values, "errors": errors}
    if body is None:
        return page(request, "guide.html", lang, status=422, **context)
    try:
        first = (body.languages or [body.lang])[0]
        preview_request = GuideRequest.model_validate(body.model_dump(exclude_unset=True)
                                                      | {"formats": ["html"], "languages": [first]})
        preview = await pool(request).run(service.render_guide, preview_request, dirs(request))
    except UserError as exc:
        context["problems"] = [LocatedProblem.of(p) for p in exc.problems if p.severity == "error"]
        return page(request, "guide.html", lang, status=422, **context)
    downloads = [(f"{guide_lang}:{fmt}", f"{fmt.upper()} · {t(lang, 'lang_' + guide_lang)}")
                 for guide_lang in body.languages or [body.lang] for fmt in body.formats]
    return page(request, "guide.html", lang, preview=preview.files[0].data.decode("utf-8"),
                warnings=preview.warnings, downloads=downloads,
                request_json=body.model_dump_json(exclude_unset=True), **context)


@router.post("/guide/download")
async def guide_download(request: Request) -> Response:
    """Render again from the request the preview page carries, and answer with one file or a ZIP."""
    form = await request.form()
    body = GuideRequest.model_validate_json(str(form.get("request") or "{}"))
    choice = str(form.get("file") or "zip")
    if choice != "zip":
        guide_lang, _, fmt = choice.partition(":")
        data = body.model_dump(exclude_unset=True) | {"languages": [guide_lang], "formats": [fmt]}
        body = GuideRequest.model_validate(data)  # the choice is checked like any request
    result = await pool(request).run(service.render_guide, body, dirs(request))
    if choice != "zip":
        return file_response(result.files[0].name, result.files[0].data)
    return file_response(f"{body.blueprint}-guide.zip", service.zip_files(result.files))


def _form_values(form: Any, detail: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """The form as typed (to show it again) and as a guide request (empty fields left out)."""
    text = {name: str(form.get(name) or "").strip() for name in ("software", "crm", "client", "complexity", "scenario",
                                                                  "start_date", "author", "version")}
    kept = [str(g) for g in form.getlist("goals")]
    added = [line.strip() for line in str(form.get("add_goals") or "").splitlines() if line.strip()]
    people = {role.id: str(form.get(f"person_{role.id}") or "").strip() for role in detail.roles}
    values = {**text, "blueprint": detail.id, "goals": kept, "add_goals": "\n".join(added),
              "languages": [str(x) for x in form.getlist("languages")], "formats": [str(x) for x in form.getlist("formats")],
              "people": people}
    data: dict[str, Any] = {k: v for k, v in text.items() if v}
    data.update(blueprint=detail.id, languages=values["languages"], formats=values["formats"])
    data["lang"] = values["languages"][0] if values["languages"] else "zh"
    all_goals = [g.id for g in detail.goals]
    if kept != all_goals:
        data["goals"] = kept
    if added:
        data["add_goals"] = added
    named = {role: {"name": name} for role, name in people.items() if name}
    if named:
        data["people"] = named
    return values, data


def _choice_errors(lang: str, values: dict[str, Any]) -> dict[str, str]:
    errors = {}
    if not values["languages"]:
        errors["languages"] = t(lang, "err_pick_language")
    if not values["formats"]:
        errors["formats"] = t(lang, "err_pick_format")
    if not values["goals"] and not values["add_goals"]:
        errors["goals"] = t(lang, "err_pick_goal")
    return errors


def _field_errors(lang: str, errors: list[dict[str, Any]]) -> dict[str, str]:
    """Pydantic errors keyed by the form field they belong to."""
    out: dict[str, str] = {}
    for error in errors:
        loc = [str(part) for part in error["loc"]]
        name = loc[0] if loc else "form"
        if name == "people" and len(loc) > 1:
            name = f"person_{loc[1]}"
        elif name in ("add_goals", "goals"):
            name = "goals"
        elif name == "lang":
            name = "languages"
        elif name not in FORM_FIELDS:
            name = "form"
        out.setdefault(name, field_error(lang, error))
    return out


# --------------------------------------------------------------------------- review
@dataclass
class PendingReview:
    created: float
    uploads: ImportUploads
    blueprint_id: str | None
    applied: ImportPreview | None = None


def _pending(request: Request) -> "OrderedDict[str, PendingReview]":
    state = request.app.state
    if not hasattr(state, "reviews"):
        state.reviews = OrderedDict()
    reviews: OrderedDict[str, PendingReview] = state.reviews
    now = time.monotonic()
    for key in [k for k, v in reviews.items() if now - v.created > PENDING_SECONDS]:
        del reviews[key]
    def size() -> int:
        return sum(len(r.uploads.workbook) + len(r.uploads.blueprint_text or b"") for r in reviews.values())

    while len(reviews) > PENDING_LIMIT or (len(reviews) > 1 and size() > PENDING_BYTES):
        reviews.popitem(last=False)  # the oldest review goes first
    return reviews


@router.get("/review", response_class=HTMLResponse)
async def review_form(request: Request) -> HTMLResponse:
    lang = ui_lang(request)
    types = await pool(request).run_light(service.list_types, dirs(request), lang)
    return page(request, "review.html", lang, types=types, chosen=request.query_params.get("blueprint"))


@router.post("/review", response_class=HTMLResponse)
async def review_submit(request: Request) -> HTMLResponse:
    form = await request.form()
    lang = ui_lang(request, form)
    types = await pool(request).run_light(service.list_types, dirs(request), lang)
    chosen = str(form.get("blueprint") or "") or None
    context: dict[str, Any] = {"types": types, "chosen": chosen}
    try:
        uploads = await read_import_uploads(form.get("workbook"), form.get("blueprint_file"))
        preview = await run_import_preview(request, uploads, chosen)
    except UploadRefused as exc:
        context["errors"] = {exc.field: f"{exc.message}: {exc.given} ({exc.expected})"}
        return page(request, "review.html", lang, status=exc.status, **context)
    except UserError as exc:
        context["problems"] = [LocatedProblem.of(p) for p in exc.problems if p.severity == "error"]
        return page(request, "review.html", lang, status=422, **context)
    key = secrets.token_urlsafe(16)
    reviews = _pending(request)
    reviews[key] = PendingReview(time.monotonic(), uploads, chosen)
    _pending(request)
    return page(request, "review.html", lang, preview=preview, review_id=key, **context)


@router.post("/review/apply", response_class=HTMLResponse)
async def review_apply(request: Request) -> HTMLResponse:
    form = await request.form()
    lang = ui_lang(request, form)
    review = _pending(request).get(str(form.get("review") or ""))
    if review is None:
        return page(request, "review.html", lang, status=410, types=[], expired=True)
    preview = await run_import_preview(request, review.uploads, review.blueprint_id)
    folder = request.app.state.config.import_dir
    written = service.apply_import(preview, folder) if folder is not None and preview.updated_yaml else None
    review.applied = preview
    return page(request, "review.html", lang, types=[], applied=preview, review_id=str(form.get("review")),
                written_to=str(written) if written else None)


@router.get("/review/{review_id}/blueprint.yaml")
async def review_download(request: Request, review_id: str) -> Response:
    review = _pending(request).get(review_id)
    if review is None or review.applied is None or review.applied.updated_yaml is None:
        return Response("expired", status_code=410, media_type="text/plain")
    name = review.applied.blueprint
    return Response(review.applied.updated_yaml, media_type="application/yaml",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


# --------------------------------------------------------------------------- validate
@router.get("/validate", response_class=HTMLResponse)
async def validate_form(request: Request) -> HTMLResponse:
    return page(request, "validate.html", ui_lang(request))


@router.post("/validate", response_class=HTMLResponse)
async def validate_submit(request: Request) -> HTMLResponse:
    form = await request.form()
    lang = ui_lang(request, form)
    upload = form.get("blueprint_file")
    text = str(form.get("text") or "")
    try:
        data, name = await blueprint_source(upload if getattr(upload, "filename", "") else None, text)
    except UploadRefused as exc:
        return page(request, "validate.html", lang, status=exc.status, text=text,
                    errors={exc.field: f"{exc.message}: {exc.given} ({exc.expected})"})
    except UserError as exc:
        return page(request, "validate.html", lang, status=422, text=text, errors={"text": exc.problems[0].message})
    report = await pool(request).run(service.validate_blueprint, data, name)
    return page(request, "validate.html", lang, report=report, text=text)

