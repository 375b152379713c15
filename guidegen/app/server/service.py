"""What the web app, the HTTP API and the MCP server do, once, on top of the pipeline.

Every function here is synchronous, takes and returns plain picklable values (bytes, text,
pydantic models) and raises :class:`UserError` for bad input, so the same call runs in the
server's worker processes, in the MCP stdio server and in tests. Uploaded files live only in a
temporary folder that is removed before the function returns, and their problems are reported
under the name the user gave the file, never under the temporary path.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from guidegen.resolve.checks import check_blueprint
from guidegen.blueprint.loader import LoadedBlueprint, blueprint_files, load_blueprint, resolve_blueprint_path
from guidegen.core.text import COMPLEXITIES, SCENARIOS
from guidegen.resolve.engagement import Engagement
from guidegen.core.errors import Location, Problem, UserError, fail
from guidegen.workbook.importer import import_mapping
from guidegen.app.output import safe_filename
from guidegen.app.pipeline import choose_packs, load_for, render
from guidegen.blueprint.packs import product_names
from guidegen.resolve.resolver import resolve_guide
from guidegen.writers import WRITERS
from guidegen.app.server.models import (
    GoalSummary,
    GuideRequest,
    ImportChange,
    ImportPreview,
    LocatedProblem,
    RenderedFile,
    RenderResult,
    RoleSummary,
    TypeDetail,
    TypeSummary,
    ValidationReport,
    VariableSummary,
)

LANGS = ("zh", "en")


# --------------------------------------------------------------------------- catalogue
def list_types(blueprint_dirs: tuple[str, ...], lang: str = "en") -> list[TypeSummary]:
    """Every available integration type (user folders first, then the built-in ones)."""
    return [_summary(describe_type(bp_id, blueprint_dirs, lang)) for bp_id in sorted(blueprint_files(blueprint_dirs))]


def describe_type(blueprint_id: str, blueprint_dirs: tuple[str, ...], lang: str = "en") -> TypeDetail:
    """Goals, roles, parameters of one type, with placeholders filled by the type's defaults."""
    path = resolve_blueprint_path(_checked_id(blueprint_id, blueprint_dirs), blueprint_dirs)
    detail = _describe(str(path), path.stat().st_mtime_ns, lang)
    return detail.model_copy(update={"software_products": product_names("software", detail.id, blueprint_dirs),
                                     "crm_products": product_names("crm", detail.id, blueprint_dirs)})


def _checked_id(blueprint_id: str, blueprint_dirs: tuple[str, ...] = ()) -> str:
    """Only the id of an available blueprint reaches the blueprint search: a request never
    names a file."""
    known = blueprint_files(blueprint_dirs)
    if blueprint_id not in known:
        import difflib

        close = difflib.get_close_matches(blueprint_id or "", list(known), n=1)
        raise UserError.single(Location("request", path="blueprint"), f"unknown blueprint '{blueprint_id}'",
                               expected="one of: " + ", ".join(sorted(known)), given=blueprint_id,
                               hint=f"did you mean '{close[0]}'?" if close else None)
    return blueprint_id


@lru_cache(maxsize=64)
def _describe(path: str, mtime_ns: int, lang: str) -> TypeDetail:
    loaded = load_blueprint(path)
    bp = loaded.blueprint
    by_level = {
        level: resolve_guide(loaded, Engagement(blueprint=bp.id, lang=lang, complexity=level)).guide  # type: ignore[arg-type]
        for level in COMPLEXITIES
    }
    default = by_level[bp.default_complexity]
    roles: dict[str, str] = {}
    for level in COMPLEXITIES:  # the widest team first lists every role a person can fill
        for member in by_level[level].implementation.team:
            roles.setdefault(member.id, member.name)
    return TypeDetail(
        id=bp.id,
        title=default.meta.title,
        description=_text(bp.description, lang),
        software_kind=default.meta.software_kind,
        default_complexity=bp.default_complexity,
        default_software=default.meta.software,
        default_crm=default.meta.crm,
        complexities=list(COMPLEXITIES),
        scenarios=list(SCENARIOS),
        languages=list(LANGS),
        formats=[f for f in WRITERS if f != "pdf"] + (["pdf"] if pdf_available() else []),
        goals=[GoalSummary(id=g.id, title=g.title, statement=g.statement, kpi=g.kpi) for g in default.overview.goals],
        roles=[RoleSummary(id=role_id, name=name) for role_id, name in roles.items()],
        variables=[VariableSummary(id=v.id, default=_text(v.value, lang), description=_text(v.description, lang) or None)
                   for v in bp.variables],
        weeks={level: list(g.implementation.duration_weeks) for level, g in by_level.items()},
    )


def _text(text: object, lang: str) -> str:
    if text is None:
        return ""
    return getattr(text, lang, None) or getattr(text, "en", None) or getattr(text, "zh", None) or ""


def _summary(detail: TypeDetail) -> TypeSummary:
    return TypeSummary(**{name: getattr(detail, name) for name in TypeSummary.model_fields})


# --------------------------------------------------------------------------- render
def render_guide(request: GuideRequest, blueprint_dirs: tuple[str, ...]) -> RenderResult:
    """Every requested format in every requested language, as bytes (nothing written)."""
    _checked_id(request.blueprint, blueprint_dirs)
    wanted = list(dict.fromkeys(request.formats))
    if "pdf" in wanted:
        pdf_available(required=True)
    formats = [f for f in wanted if f != "pdf"] + (["docx"] if "pdf" in wanted and "docx" not in wanted else [])
    files: list[RenderedFile] = []
    warnings: list[Problem] = []
    for lang in dict.fromkeys(request.languages or [request.lang]):
        engagement = Engagement.model_validate(
            request.model_dump(exclude={"languages"}, exclude_unset=True) | {"lang": lang, "formats": formats}
        )
        rendered = render(engagement, blueprint_dirs,
                          loaded=_loaded(request.blueprint, blueprint_dirs, engagement.software, engagement.crm))
        outputs = dict(zip(formats, rendered.outputs))  # the pipeline keeps the order of the formats
        for fmt in wanted:
            if fmt == "pdf":
                docx = outputs["docx"]
                files.append(RenderedFile(name=docx.name[:-5] + ".pdf", data=docx_to_pdf(docx.name, docx.data)))
            else:
                files.append(RenderedFile(name=outputs[fmt].name, data=outputs[fmt].data))
        warnings += [w for w in rendered.warnings if w not in warnings]
    return RenderResult(files=files, warnings=[LocatedProblem.of(w) for w in warnings])


def pdf_available(required: bool = False) -> bool:
    """PDF comes from LibreOffice converting the DOCX; offered only where soffice is installed."""
    found = shutil.which("soffice") is not None
    if required and not found:
        raise UserError.single(Location("request", path="formats"), "PDF is not available on this server",
                               expected="docx, md, xlsx or html (PDF needs LibreOffice on the server)", given="pdf")
    return found


def docx_to_pdf(name: str, data: bytes) -> bytes:
    """LibreOffice's PDF of a DOCX, in a private folder and profile (parallel conversions
    would otherwise share and lock one user profile)."""
    with _workspace() as folder:
        source = folder / name
        source.write_bytes(data)
        profile = (folder / "profile").as_uri()
        result = subprocess.run(["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
                                 "--outdir", str(folder), str(source)], capture_output=True, timeout=300)
        target = source.with_suffix(".pdf")
        if result.returncode != 0 or not target.is_file():
            raise RuntimeError(f"LibreOffice could not convert {name}: {result.stderr.decode(errors='replace')[:300]}")
        return target.read_bytes()


def _loaded(blueprint_id: str, blueprint_dirs: tuple[str, ...], software: str | None = None,
            crm: str | None = None) -> LoadedBlueprint:
    """The loaded and checked blueprint with the packs the named products select, kept while
    its files are unchanged: a worker renders the same few blueprints again and again, and
    loading is about half of a render."""
    path = resolve_blueprint_path(blueprint_id, blueprint_dirs)
    stat = path.stat()
    packs, _ = choose_packs(path.stem, software, crm, blueprint_dirs)
    stamps = tuple((str(p), p.stat().st_mtime_ns) for p in packs)
    return _load_checked(str(path), stat.st_mtime_ns, stat.st_size, software, crm, blueprint_dirs, stamps)


@lru_cache(maxsize=32)
def _load_checked(path: str, mtime_ns: int, size: int, software: str | None, crm: str | None,
                  blueprint_dirs: tuple[str, ...], pack_stamps: tuple[tuple[str, int], ...]) -> LoadedBlueprint:
    return load_for(Engagement(blueprint=path, software=software, crm=crm), blueprint_dirs)


def zip_files(files: list[RenderedFile]) -> bytes:
    """One ZIP of the rendered files (fixed timestamps: the same guides give the same bytes)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for f in files:
            info = zipfile.ZipInfo(f.name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, f.data)
    return out.getvalue()


# --------------------------------------------------------------------------- validate
def validate_blueprint(text_or_bytes: str | bytes, filename: str) -> ValidationReport:
    """Load and check an uploaded or pasted blueprint; every problem located in that file."""
    name = upload_name(filename, ".yaml")
    raw = text_or_bytes.encode("utf-8") if isinstance(text_or_bytes, str) else text_or_bytes
    with _workspace() as folder:
        path = folder / name
        path.write_bytes(raw)
        try:
            loaded = load_blueprint(path, display=name, located=True)
            problems = check_blueprint(loaded)
        except UserError as exc:
            problems = exc.problems
        problems = _relocated(problems, folder)
    lines = raw.decode("utf-8", errors="replace").splitlines()
    located = [LocatedProblem.of(p, _source_line(lines, p, name)) for p in problems]
    errors = [p for p in located if p.severity == "error"]
    return ValidationReport(file=name, valid=not errors, errors=errors,
                            warnings=[p for p in located if p.severity == "warning"])


def _source_line(lines: list[str], problem: Problem, name: str) -> str | None:
    line = problem.location.line
    if problem.location.file != name or line is None or not 1 <= line <= len(lines):
        return None
    return lines[line - 1]


# --------------------------------------------------------------------------- import
def preview_import(workbook: bytes, workbook_name: str, blueprint_id: str | None, blueprint_text: bytes | None,
                   blueprint_name: str | None, blueprint_dirs: tuple[str, ...]) -> ImportPreview:
    """The changes a reviewed workbook makes to a blueprint and the updated YAML; writes
    nothing outside a temporary folder."""
    with _workspace() as folder:
        target, display = _blueprint_copy(folder, blueprint_id, blueprint_text, blueprint_name, blueprint_dirs)
        book = folder / upload_name(workbook_name, ".xlsx")
        book.write_bytes(workbook)
        try:
            result = import_mapping(book, target)
        except UserError as exc:
            raise UserError(_relocated(exc.problems, folder, {str(target): display})) from None
        updated = target.read_text(encoding="utf-8") if result.written else None
    return ImportPreview(
        blueprint=display,
        summary=result.summary(),
        changes=[ImportChange(kind={"~": "changed", "+": "added", "-": "deleted"}[c.kind], where=c.where, detail=c.detail)
                 for c in result.changes],
        updated_yaml=updated,
    )


def apply_import(preview: ImportPreview, import_dir: Path) -> Path:
    """Write an import's updated blueprint into the configured folder (the previous version,
    if any, is kept as .bak). The only place the server writes a file that outlives a request."""
    from guidegen.app.output import atomic_write

    if preview.updated_yaml is None:
        raise fail(preview.blueprint, "nothing to apply: the workbook matches the blueprint")
    import_dir.mkdir(parents=True, exist_ok=True)
    target = import_dir / upload_name(preview.blueprint, ".yaml")
    if target.exists():
        target.with_name(target.name + ".bak").write_bytes(target.read_bytes())
    atomic_write(target, preview.updated_yaml.encode("utf-8"))
    return target


def _blueprint_copy(folder: Path, blueprint_id: str | None, text: bytes | None, name: str | None,
                    blueprint_dirs: tuple[str, ...]) -> tuple[Path, str]:
    """A private copy of the blueprint to edit: an uploaded file, or a known id's file."""
    if text is not None:
        display = upload_name(name or "blueprint.yaml", ".yaml")
        data = text
    elif blueprint_id:
        source = resolve_blueprint_path(_checked_id(blueprint_id, blueprint_dirs), blueprint_dirs)
        display, data = source.name, source.read_bytes()
    else:
        raise UserError.single(Location("request", path="blueprint"), "no blueprint given",
                               expected="a blueprint id or an uploaded blueprint YAML file")
    target = folder / display
    target.write_bytes(data)
    return target, display


# --------------------------------------------------------------------------- helpers
def upload_name(filename: str | None, suffix: str) -> str:
    """A safe bare file name for an upload (the client's name minus any folders)."""
    base = Path((filename or "").replace("\\", "/")).name
    stem = safe_filename(Path(base).stem or "upload")
    return stem + suffix


@contextmanager
def _workspace() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="guidegen-") as folder:
        yield Path(folder)


def _relocated(problems: list[Problem], folder: Path, names: dict[str, str] | None = None) -> list[Problem]:
    """Problems named after the user's files, not the temporary folder."""
    prefix = str(folder) + "/"
    out = []
    for p in problems:
        file = p.location.file
        if names and file in names:
            file = names[file]
        elif file.startswith(prefix):
            file = file[len(prefix):]
        out.append(p if file == p.location.file else Problem(p.location._replace(file=file), p.message, p.expected,
                                                             p.given, p.hint, p.severity))
    return out

