"""Command-line interface. The one place where errors become exit codes:

* 0 — done; 2 — bad input (blueprint, project file, workbook, options), with a message naming
  file and line; 1 — an internal error (a bug), with advice to rerun with --debug.

Heavy modules (pydantic models, python-docx, openpyxl) are imported inside the commands so
that ``guidegen --help`` starts fast.
"""

from __future__ import annotations

import gc
import os
import re
import sys
from pathlib import Path
from typing import Any

import click

from guidegen.core.vocab import LANGS
from guidegen.writers import WRITERS

GC_THRESHOLD = 100_000  # allocations between collections of the youngest generation (Python's default: 700)

FORMAT_CHOICES = tuple(WRITERS)
COMPLEXITY_CHOICES = ("simple", "medium", "high")


class _State:
    debug = False


def _blueprint_dirs_option(f: Any) -> Any:
    return click.option(
        "--blueprints",
        "blueprint_dirs",
        multiple=True,
        type=click.Path(file_okay=False),
        help="Folder of your own blueprints, searched before the built-in ones (repeatable; "
        "also $GUIDEGEN_BLUEPRINTS, separated by the OS path separator).",
    )(f)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--debug", is_flag=True, help="Show the full traceback of internal errors.")
@click.option("--max-file-bytes", metavar="N", help="Raise the per-file size limit for a legitimately large blueprint, "
              "project file, template or workbook (default 5 MiB; also $GUIDEGEN_MAX_FILE_BYTES). Never switched off.")
@click.option("--max-rows", metavar="N", help="Raise the rows-per-sheet limit for a large workbook (default 50,000; also "
              "$GUIDEGEN_MAX_ROWS). Never switched off.")
@click.option("--no-cache", is_flag=True, help="Neither read nor write the parsed-blueprint cache (kept under "
              "$GUIDEGEN_CACHE_DIR, else ~/.cache/guidegen; also $GUIDEGEN_NO_CACHE=1).")
@click.version_option(package_name="guidegen")
def cli(debug: bool, max_file_bytes: str | None, max_rows: str | None, no_cache: bool) -> None:
    """Generate CRM <-> third-party software integration guides (DOCX, Markdown, XLSX)
    from typed YAML blueprints. No LLM involved: the same inputs give the same files."""
    from guidegen.core.budget import current, raise_limits

    _State.debug = debug
    if no_cache:
        os.environ["GUIDEGEN_NO_CACHE"] = "1"  # for the worker processes of 'render --all' too
    raise_limits(max_file_bytes, max_rows)
    current()  # an invalid $GUIDEGEN_MAX_* is reported once, here


# --------------------------------------------------------------------------- list
@cli.command("list")
@click.argument("blueprint", required=False)
@click.option("--packs", "show_packs", is_flag=True, help="List every product pack: side, type, names matched, "
              "verification date.")
@_blueprint_dirs_option
def list_command(blueprint: str | None, show_packs: bool, blueprint_dirs: tuple[str, ...]) -> None:
    """List the available blueprints: id, default complexity, title, and the product packs per
    type. With BLUEPRINT, list its goals (the ids --goal takes), what each one brings into the
    guide, and the packs --software and --crm can select. With --packs, list every pack."""
    from guidegen.blueprint.loader import blueprint_files, load_blueprint, resolve_blueprint_path
    from guidegen.blueprint.packs import available_packs, packs_for, product_names

    if show_packs:
        _list_packs(available_packs(blueprint_dirs))
        return
    if blueprint:
        bp = load_blueprint(resolve_blueprint_path(blueprint, blueprint_dirs)).blueprint
        _list_goals(bp)
        click.echo("")
        _list_packs(packs_for("software", bp.id, blueprint_dirs) + packs_for("crm", bp.id, blueprint_dirs))
        return
    rows = []
    for bp_id, path in sorted(blueprint_files(blueprint_dirs).items()):
        loaded = load_blueprint(path)
        desc = loaded.blueprint.description
        packs = ", ".join(product_names("software", loaded.blueprint.id, blueprint_dirs)) or "-"
        rows.append((bp_id, loaded.blueprint.default_complexity, packs, desc.en or desc.zh or ""))
    width = max((len(r[0]) for r in rows), default=2)
    pack_width = max((len(r[2]) for r in rows), default=5)
    click.echo(f"{'ID':<{width}}  {'COMPLEXITY':<10}  {'PACKS':<{pack_width}}  DESCRIPTION")
    for bp_id, complexity, packs, desc in rows:
        click.echo(f"{bp_id:<{width}}  {complexity:<10}  {packs:<{pack_width}}  {desc}")
    crm = ", ".join(p.header.name for p in available_packs(blueprint_dirs) if p.header.side == "crm")
    click.echo(f"\nCRM packs (every type): {crm or '-'}")


def _list_packs(packs: list[Any]) -> None:
    """One line per pack: what it is for, the names it matches and when it was verified."""
    click.echo(f"{'PACK':<16}  {'SIDE':<8}  {'TYPE':<15}  {'VERIFIED':<10}  NAMES MATCHED")
    for p in packs:
        h = p.header
        click.echo(f"{h.id:<16}  {h.side:<8}  {h.type or 'every':<15}  {h.verified.isoformat():<10}  "
                   + "; ".join(dict.fromkeys([h.name, *h.aliases])))


def _list_goals(bp: Any) -> None:
    """Goal ids and titles, and the items that exist only for each goal."""
    from guidegen.resolve.checks import items_with_goals

    served: dict[str, list[str]] = {}
    for _, item in items_with_goals(bp):
        if type(item).__name__ in ("TestCase", "Acceptance"):
            continue
        for goal in item.goals:
            served.setdefault(goal, []).append(f"{type(item).__name__} {getattr(item, 'id', None) or ''}".strip())
    click.echo("GOAL  TITLE / WHAT ONLY IT BRINGS")
    for goal in bp.overview.goals:
        click.echo(f"{goal.id:<5} {goal.title.en or goal.title.zh}")
        if served.get(goal.id):
            click.echo(f"      {', '.join(served[goal.id])}")


# --------------------------------------------------------------------------- render
@cli.command("render")
@click.argument("blueprint", required=False)
@click.option("--project", "project_file", type=click.Path(dir_okay=False), help="Engagement file with every parameter (see 'init-project').")
@click.option("--software", help="Third-party software product name, e.g. Mailchimp.")
@click.option("--crm", help="CRM product name, e.g. Salesforce.")
@click.option("--client", help="Client organisation name.")
@click.option("--complexity", "complexities", multiple=True, type=click.Choice(COMPLEXITY_CHOICES),
              help="simple, medium or high (default: the blueprint's). Repeat to render several.")
@click.option("--scenario", type=click.Choice(("new", "upgrade")), help="new (onboarding) or upgrade (replacing a running integration).")
@click.option("--goal", "goals", multiple=True, help="Business goal replacing the blueprint's defaults: a goal id to keep (G2) or a new statement. Repeatable. "
              "Interfaces, flows, entities, fields, tests, metrics, runbooks and risks that serve only goals left out are "
              "left out too ('guidegen list BLUEPRINT' shows the goals).")
@click.option("--add-goal", "add_goals", multiple=True, help="Business goal added to the blueprint's goals. Repeatable.")
@click.option("--lang", "langs", multiple=True, type=click.Choice(LANGS), help="Document language (default zh): one of the locale files. Repeat to render several.")
@click.option("--format", "formats", multiple=True, type=click.Choice(FORMAT_CHOICES), help="docx, pdf, md, xlsx or html; repeatable (default: docx, md and xlsx). pdf needs LibreOffice.")
@click.option("--out", type=click.Path(file_okay=False), help="Output folder (default: output/).")
@click.option("--date", "doc_date", type=click.DateTime(formats=["%Y-%m-%d"]), help="Document date YYYY-MM-DD (default: $SOURCE_DATE_EPOCH, else today).")
@click.option("--start-date", type=click.DateTime(formats=["%Y-%m-%d"]), help="Project start date YYYY-MM-DD; phases get calendar dates.")
@click.option("--doc-version", "version", help="Document version (default 1.0).")
@click.option("--author", help="Document author.")
@click.option("--classification", help="Document classification on the cover and in the header (default: Confidential, in the guide's language).")
@click.option("--template", type=click.Path(dir_okay=False), help="Corporate Word template (.docx): its styles, page setup, header and footer are used.")
@click.option("--paginate/--no-paginate", default=None,
              help="Lay the DOCX out with LibreOffice and write the page numbers into its table of contents "
                   "(no 'update fields?' prompt in Word); a chapter continues on a page its predecessor leaves "
                   "nearly empty. Always done for pdf. Needs LibreOffice and poppler.")
@click.option("--force", is_flag=True, help="Overwrite outputs even if they were edited since guidegen wrote them.")
@click.option("--all", "render_all", is_flag=True, help="Render every available blueprint (x --lang x --complexity).")
@click.option("--jobs", type=click.IntRange(1, 64), help="Parallel processes when rendering several guides (default: CPU count).")
@_blueprint_dirs_option
def render_command(blueprint: str | None, project_file: str | None, render_all: bool, jobs: int | None,
                   complexities: tuple[str, ...], langs: tuple[str, ...], blueprint_dirs: tuple[str, ...],
                   force: bool, out: str | None, **options: Any) -> None:
    """Render the guide for BLUEPRINT (a built-in id or a path to a YAML file).

    Writes <out>/<blueprint>-<complexity>-<lang>.<ext> for each format (with -upgrade for the
    upgrade scenario) and prints each path. Options override the values of --project.
    """
    from guidegen.app.batch import run_jobs
    from guidegen.blueprint.loader import blueprint_files
    from guidegen.resolve.engagement import Engagement, load_project, with_overrides

    doc_date = options.pop("doc_date")
    options["date"] = doc_date.date() if doc_date else None
    options["start_date"] = options["start_date"].date() if options["start_date"] else None
    options["goals"] = list(options["goals"]) or None
    options["add_goals"] = list(options["add_goals"])
    options["formats"] = list(options["formats"])
    base, base_dir = Engagement(), Path(".")
    if project_file:
        base, _ = load_project(project_file)
        base_dir = Path(project_file).parent
        base = _relative_to_project(base, base_dir)
    if blueprint:
        options["blueprint"] = blueprint
    engagement = with_overrides(base, **options)
    out_dir = Path(out) if out else (base_dir / base.out if project_file and base.out else Path("output"))
    if engagement.paginate or "pdf" in engagement.formats:
        from guidegen.writers.libreoffice import require_tools

        require_tools("--paginate" if engagement.paginate else "--format pdf")
    if render_all:
        names = list(blueprint_files(blueprint_dirs))
    else:
        if not engagement.blueprint:
            raise click.UsageError("give a BLUEPRINT (see 'guidegen list'), --project FILE, or --all")
        names = [engagement.blueprint]
    jobs_list = [
        engagement.model_copy(update={"blueprint": name, "lang": lang or engagement.lang, "complexity": level or engagement.complexity})
        for name in names
        for level in (complexities or (None,))
        for lang in (langs or (None,))
    ]
    sys.exit(run_jobs(jobs_list, out_dir, blueprint_dirs, jobs, force))


def _relative_to_project(engagement: Any, base_dir: Path) -> Any:
    """Paths in a project file are relative to the project file."""
    update = {}
    if engagement.template and not Path(engagement.template).is_absolute():
        update["template"] = str(base_dir / engagement.template)
    bp = engagement.blueprint
    if bp and (bp.endswith((".yaml", ".yml")) or "/" in bp) and not Path(bp).is_absolute():
        update["blueprint"] = str(base_dir / bp)
    return engagement.model_copy(update=update) if update else engagement


# --------------------------------------------------------------------------- validate
@cli.command("validate")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--strict", is_flag=True, help="Treat warnings (weak spots in the guide) as errors.")
@click.option("--software", help="Validate with the product pack this software name selects.")
@click.option("--crm", help="Validate with the CRM pack this name selects.")
@_blueprint_dirs_option
def validate_command(paths: tuple[str, ...], strict: bool, software: str | None, crm: str | None,
                     blueprint_dirs: tuple[str, ...]) -> None:
    """Validate blueprint and product-pack files: schema, references and guide quality (lint).

    PATHS are blueprint files, built-in type ids, pack files (validated with their type, or a CRM
    pack with every type) or folders. Reports every problem with file:line:column, key path,
    expected and given value. Exit status 0 when valid, 2 when not (with --strict, warnings count
    too: a pack fact without a source, a rename of a field the blueprint does not have).
    """
    from guidegen.app.pipeline import choose_packs
    from guidegen.blueprint.loader import blueprint_files, load_blueprint
    from guidegen.blueprint.packs import is_pack_file, pack_problems
    from guidegen.core.errors import Location, Problem, UserError
    from guidegen.resolve.checks import check_blueprint

    problems: list[Problem] = []
    names = _expand(paths)
    if not names:
        raise UserError.single(Location(paths[0]), "no blueprint files found", expected="a .yaml or .yml file, or a "
                               "folder holding some")
    builtins = blueprint_files(blueprint_dirs)
    for name in names:
        if is_pack_file(name):
            problems += _validate_pack(name, blueprint_dirs)
            continue
        path = builtins[name] if name in builtins and not Path(name).exists() else name

        def choose(type_id: str) -> list[Path]:
            chosen, warned = choose_packs(type_id, software, crm, blueprint_dirs)
            problems.extend(warned)
            return chosen

        try:
            loaded = load_blueprint(path, packs=choose, located=True)
        except UserError as exc:
            problems += exc.problems
            continue
        problems += check_blueprint(loaded)
        for applied in loaded.packs:
            found = pack_problems(applied)
            if len(loaded.packs) > 1:  # a software pack may drop rows a CRM pack renames: checked per pack alone
                found = [p for p in found if not p.message.startswith("the pack renames")]
            problems += found
    problems = list(dict.fromkeys(problems))
    errors = [p for p in problems if p.severity == "error"]
    warnings = [p for p in problems if p.severity == "warning"]
    for p in problems:
        click.echo(p.format(), err=True)
    if errors or (strict and warnings):
        summary = f"{len(errors)} error(s), {len(warnings)} warning(s)"
        if strict and warnings:
            summary += f"; {len(warnings)} warnings treated as errors (--strict)"
        click.echo(summary, err=True)
        sys.exit(2)
    click.echo(f"ok: {len(names)} file(s) valid" + (f", {len(warnings)} warning(s)" if warnings else ""))


def _validate_pack(name: str, blueprint_dirs: tuple[str, ...]) -> list[Any]:
    """A pack with its type's blueprint (a CRM pack with every type): the pack's own problems,
    and a rename that matches nothing in any type it applies to."""
    from guidegen.blueprint.loader import blueprint_files, load_blueprint
    from guidegen.blueprint.packs import load_pack, pack_problems
    from guidegen.core.errors import Problem, UserError
    from guidegen.resolve.checks import check_blueprint

    try:
        pack, raw = load_pack(name, name)
    except UserError as exc:
        return exc.problems
    types = blueprint_files(blueprint_dirs)
    wanted = [pack.pack.type] if pack.pack.side == "software" else list(types)
    problems: list[Problem] = []
    unused: dict[Any, list[Problem]] = {}
    for type_id in wanted:
        if type_id not in types:
            problems.append(Problem(raw["pack"].locs["type"], f"unknown integration type '{type_id}'",
                                    expected="one of: " + ", ".join(sorted(types)), given=str(type_id)))
            continue
        try:
            loaded = load_blueprint(types[type_id], packs=[Path(name)], located=True)
        except UserError as exc:
            problems += exc.problems
            continue
        problems += check_blueprint(loaded)
        for p in pack_problems(loaded.packs[0]):
            if p.message.startswith("the pack renames") and p.location.path and not p.location.path.startswith("types"):
                unused.setdefault(p.location, []).append(p)  # a CRM pack's shared rename: unused in every type?
            else:
                problems.append(p)
    problems += [found[0] for found in unused.values() if len(found) == len(wanted)]
    for type_id in pack.types:
        if type_id not in types:
            problems.append(Problem(raw["types"].locs[type_id], f"unknown integration type '{type_id}'",
                                    expected="one of: " + ", ".join(sorted(types)), given=type_id))
    return problems


def _expand(paths: tuple[str, ...]) -> list[str]:
    found = []
    for p in paths:
        path = Path(p)
        if path.is_dir():
            found += [str(x) for x in sorted(path.glob("*.y*ml")) if x.suffix in (".yaml", ".yml")]
        else:
            found.append(p)
    return found


# --------------------------------------------------------------------------- schema
@cli.command("schema")
@click.option("--out", default="schemas", show_default=True, type=click.Path(file_okay=False), help="Folder for the JSON Schema files.")
@click.option("--reference", type=click.Path(dir_okay=False), default=None,
              help="Also write the key reference (Markdown) to this file, e.g. docs/reference.md.")
def schema_command(out: str, reference: str | None) -> None:
    """Write JSON Schemas of blueprints and project files (for editor completion)."""
    from guidegen.app.schemas import reference_markdown, write_schemas

    for path in write_schemas(Path(out)):
        click.echo(str(path))
    if reference:
        Path(reference).write_text(reference_markdown(), encoding="utf-8")
        click.echo(reference)


# --------------------------------------------------------------------------- starters
@cli.command("init-project")
@click.argument("path", default="engagement.yaml", type=click.Path(dir_okay=False))
@click.option("--blueprint", "blueprint", default="email-marketing", show_default=True, help="Blueprint whose roles and goals the file lists.")
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
@_blueprint_dirs_option
def init_project_command(path: str, blueprint: str, force: bool, blueprint_dirs: tuple[str, ...]) -> None:
    """Write a commented starter project (engagement) file to PATH."""
    from guidegen.app.output import write_new_file
    from guidegen.app.scaffold import project_file_text
    from guidegen.blueprint.loader import load_blueprint, resolve_blueprint_path

    loaded = load_blueprint(resolve_blueprint_path(blueprint, blueprint_dirs))
    write_new_file(Path(path), project_file_text(loaded, blueprint), force)
    click.echo(path)


@cli.command("new-blueprint")
@click.argument("blueprint_id")
@click.option("--from", "source", help="Copy this existing blueprint (id or path) instead of the skeleton.")
@click.option("--dir", "folder", default=".", show_default=True, type=click.Path(file_okay=False), help="Folder to write ID.yaml into.")
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
@_blueprint_dirs_option
def new_blueprint_command(blueprint_id: str, source: str | None, folder: str, force: bool, blueprint_dirs: tuple[str, ...]) -> None:
    """Write a new blueprint ID.yaml: a commented skeleton that renders at once, or a copy."""
    from guidegen.app.output import write_new_file
    from guidegen.app.scaffold import copy_text, relative_schema, skeleton_text
    from guidegen.blueprint.loader import resolve_blueprint_path
    from guidegen.core.errors import Location, UserError

    if not re.fullmatch(r"[a-z][a-z0-9_-]{0,63}", blueprint_id):
        raise UserError.single(Location("command line"), "invalid blueprint id",
                               expected="lower-case letters, digits, '-' or '_', starting with a letter", given=blueprint_id)
    target = Path(folder) / f"{blueprint_id}.yaml"
    if source:
        from guidegen.core.yamlsource import read_text  # within the byte budget, regular files only

        text = copy_text(read_text(resolve_blueprint_path(source, blueprint_dirs)), blueprint_id)
    else:
        text = skeleton_text(blueprint_id, target.name, relative_schema(Path(folder), Path("schemas")))
    write_new_file(target, text, force)
    click.echo(str(target))


@cli.command("new-pack")
@click.argument("pack_id")
@click.option("--type", "type_id", help="Software pack: the integration type it belongs to (e.g. helpdesk).")
@click.option("--crm", "crm_side", is_flag=True, help="A CRM pack (applies to every type) instead of a software pack.")
@click.option("--name", help="The product's name as its vendor writes it (default: the id).")
@click.option("--dir", "folder", default=".", show_default=True, type=click.Path(file_okay=False),
              help="Blueprint folder: the pack goes to DIR/packs/TYPE/ID.yaml (or DIR/packs/crm/ID.yaml); "
              "pass DIR to --blueprints to use it.")
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
@_blueprint_dirs_option
def new_pack_command(pack_id: str, type_id: str | None, crm_side: bool, name: str | None, folder: str, force: bool,
                     blueprint_dirs: tuple[str, ...]) -> None:
    """Write a product pack skeleton that validates at once: the header, and every object and
    field of its side mapped to itself, ready for the product's real names."""
    import datetime as dt

    from guidegen.app.output import write_new_file
    from guidegen.app.scaffold import pack_text, relative_schema, side_names
    from guidegen.blueprint.loader import blueprint_files, load_blueprint, resolve_blueprint_path
    from guidegen.blueprint.packs import CRM_FOLDER, PACKS_DIR
    from guidegen.core.errors import Location, UserError

    if not re.fullmatch(r"[a-z][a-z0-9-]{0,63}", pack_id):
        raise UserError.single(Location("command line"), "invalid pack id",
                               expected="lower-case letters, digits or '-', starting with a letter", given=pack_id)
    if crm_side == bool(type_id):
        raise UserError.single(Location("command line"), "say which side the pack is for",
                               expected="--type TYPE (a software pack) or --crm (a CRM pack)",
                               given="both" if crm_side else "neither")
    if crm_side:
        objects: dict[str, None] = {}
        fields: dict[str, None] = {}
        for path in blueprint_files(blueprint_dirs).values():
            found = side_names(load_blueprint(path).blueprint, "crm")
            objects.update(dict.fromkeys(found[0]))
            fields.update(dict.fromkeys(found[1]))
        names = (list(objects), list(fields))
    else:
        names = side_names(load_blueprint(resolve_blueprint_path(type_id or "", blueprint_dirs)).blueprint, "software")
    target = Path(folder) / PACKS_DIR / (CRM_FOLDER if crm_side else str(type_id)) / f"{pack_id}.yaml"
    schema = relative_schema(target.parent, Path("schemas"), "pack.schema.json")
    text = pack_text(pack_id, "crm" if crm_side else "software", type_id, name or pack_id,
                     dt.date.today().isoformat(), names, schema)
    target.parent.mkdir(parents=True, exist_ok=True)
    write_new_file(target, text, force)
    click.echo(str(target))


# --------------------------------------------------------------------------- import
@cli.command("import-mapping")
@click.argument("workbook", type=click.Path(dir_okay=False))
@click.argument("blueprint", type=click.Path(dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Print the changes and write nothing.")
def import_mapping_command(workbook: str, blueprint: str, dry_run: bool) -> None:
    """Bring the edits of a reviewed WORKBOOK back into the BLUEPRINT YAML file.

    Rows are matched by their key (first column): changed cells update fields, rows with an
    empty key are added, missing rows are deleted. Comments and formatting of the YAML are
    kept; the previous version is saved as BLUEPRINT.bak. Invalid edits are refused with
    Sheet!Cell references and nothing is written.
    """
    from guidegen.core.errors import Location, UserError
    from guidegen.workbook.importer import import_mapping

    for path in (workbook, blueprint):
        if not Path(path).is_file():
            raise UserError.single(Location(path), "file not found")
    result = import_mapping(Path(workbook), Path(blueprint), dry_run=dry_run)
    click.echo(result.summary())
    if result.written:
        click.echo(f"updated {blueprint} (previous version: {result.backup})")
    elif result.changes:
        click.echo("dry run: nothing written")


# --------------------------------------------------------------------------- serve, mcp
@cli.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on. Any address but the "
              "loopback requires --token (or $GUIDEGEN_TOKEN).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on.")
@click.option("--token", envvar="GUIDEGEN_TOKEN", help="Access token every request must carry (Authorization: Bearer "
              "TOKEN, or open the page once with ?token=TOKEN). Also $GUIDEGEN_TOKEN.")
@click.option("--import-dir", type=click.Path(file_okay=False), help="Folder where 'apply' in the workbook review "
              "saves updated blueprints (searched first for blueprints). Without it the server writes no file.")
@click.option("--workers", type=click.IntRange(1, 32), help="Worker processes for renders (default: CPUs, at most 4).")
@click.option("--timeout", default=120.0, show_default=True, type=click.FloatRange(1, 3600), help="Seconds one render, "
              "validation or import may take.")
@click.option("--no-mcp", is_flag=True, help="Do not mount the MCP endpoint at /mcp.")
@_blueprint_dirs_option
def serve_command(host: str, port: int, token: str | None, import_dir: str | None, workers: int | None, timeout: float,
                  no_mcp: bool, blueprint_dirs: tuple[str, ...]) -> None:
    """Start the web app, the HTTP API (/api/v1, OpenAPI at /api/v1/openapi.json) and the MCP
    endpoint (/mcp) on one local server."""
    from guidegen.app.server.run import serve

    serve(host=host, port=port, token=token, import_dir=import_dir, workers=workers, timeout=timeout, mcp=not no_mcp,
          blueprint_dirs=blueprint_dirs)


@cli.command("mcp")
@click.option("--out", default="output", show_default=True, type=click.Path(file_okay=False),
              help="Folder where render_guide writes the files.")
@_blueprint_dirs_option
def mcp_command(out: str, blueprint_dirs: tuple[str, ...]) -> None:
    """Run the MCP server over stdio (for AI assistants: Claude Desktop, VS Code, ...)."""
    from guidegen.app.server.mcp import run_stdio

    run_stdio(blueprint_dirs, Path(out))


# --------------------------------------------------------------------------- the mapping runs
def _engagement_options(f: Any) -> Any:
    """The engagement options of 'render' that change which fields, rules and code sets apply."""
    for option in reversed((
        click.option("--project", "project_file", type=click.Path(dir_okay=False), help="Engagement file (see 'init-project'); options override it."),
        click.option("--software", help="Third-party software product name."),
        click.option("--crm", help="CRM product name."),
        click.option("--client", help="Client organisation name."),
        click.option("--complexity", type=click.Choice(COMPLEXITY_CHOICES), help="simple, medium or high (default: the blueprint's)."),
        click.option("--scenario", type=click.Choice(("new", "upgrade")), help="new or upgrade."),
        click.option("--goal", "goals", multiple=True, help="Goal replacing the blueprint's (an id to keep, or a statement). Repeatable."),
        click.option("--add-goal", "add_goals", multiple=True, help="Goal added to the blueprint's. Repeatable."),
        click.option("--lang", type=click.Choice(LANGS), help="Language of names and texts in reports (default zh)."),
        _blueprint_dirs_option,
    )):
        f = option(f)
    return f


def _resolved_guide(blueprint: str, project_file: str | None, blueprint_dirs: tuple[str, ...], **options: Any) -> Any:
    """The Guide for the blueprint and engagement, as 'render' would build it."""
    from guidegen.resolve.engagement import Engagement, load_project, with_overrides
    from guidegen.app.pipeline import load_for
    from guidegen.resolve.resolver import resolve_guide

    base = Engagement()
    if project_file:
        base, _ = load_project(project_file)
        base = _relative_to_project(base, Path(project_file).parent)
    options["goals"] = list(options.get("goals") or ()) or None
    options["add_goals"] = list(options.get("add_goals") or ())
    engagement = with_overrides(base, blueprint=blueprint, **options)
    return resolve_guide(load_for(engagement, blueprint_dirs), engagement).guide


def _column_map(pairs: tuple[str, ...]) -> dict[str, str]:
    from guidegen.core.errors import Location, UserError

    mapping = {}
    for pair in pairs:
        field, sep, column = pair.partition("=")
        if not sep or not field.strip() or not column.strip():
            raise UserError.single(Location("command line", path="--columns"), "invalid column mapping",
                                   expected="FIELD=COLUMN, e.g. email=E-mail address", given=pair)
        mapping[field.strip()] = column.strip()
    return mapping


REPORT_SUFFIXES = (".xlsx", ".md", ".html", ".htm")


@cli.command("check-data")
@click.argument("blueprint")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--entity", "entities", multiple=True, required=True,
              help="Entity whose mapping the files hold (id or name; see the guide's field-mapping tables). Repeatable.")
@click.option("--columns", "column_pairs", multiple=True, metavar="FIELD=COLUMN",
              help="Column holding a source field when its name differs. Repeatable.")
@click.option("--report", "reports", multiple=True, type=click.Path(dir_okay=False),
              help="Write a report: .xlsx (failing cells highlighted), .md or .html. Repeatable.")
@click.option("--encoding", default="utf-8", show_default=True, help="Text encoding of CSV/JSON files, e.g. latin-1.")
@click.option("--delimiter", type=click.Choice((",", ";", "tab", "|")), help="CSV delimiter (default: detected from the header).")
@click.option("--sheet", help="Workbook sheet to read (default: the only sheet, or the one named after the entity).")
@click.option("--force", is_flag=True, help="Overwrite report files edited since guidegen wrote them.")
@_engagement_options
def check_data_command(blueprint: str, files: tuple[str, ...], entities: tuple[str, ...], column_pairs: tuple[str, ...],
                       reports: tuple[str, ...], encoding: str, delimiter: str | None, sheet: str | None, force: bool,
                       project_file: str | None, blueprint_dirs: tuple[str, ...], **options: Any) -> None:
    """Check sample data FILES (CSV, XLSX, JSON, NDJSON) against BLUEPRINT's field mappings.

    Columns are matched to source fields by name (see --columns). Every field's transforms
    and checks run on every row; the summary lists rows checked, passed and failed per rule
    with the top failing values, duplicate keys and values outside code sets. Exit status 0
    when every row passes, 1 when rows fail, 2 for bad input.
    """
    import codecs

    from guidegen.datacheck import check_files
    from guidegen.datacheck.report import html_report, markdown_report, summary_text
    from guidegen.core.errors import Location, UserError
    from guidegen.app.output import Output, write_outputs

    try:
        codecs.lookup(encoding)
    except LookupError:
        raise UserError.single(Location("command line", path="--encoding"), "unknown encoding",
                               expected="a Python codec name such as utf-8, latin-1, cp1252, gb18030", given=encoding) from None
    for report in reports:
        if Path(report).suffix.lower() not in REPORT_SUFFIXES:
            raise UserError.single(Location("command line", path="--report"), "unknown report type",
                                   expected="a file ending in " + ", ".join(REPORT_SUFFIXES), given=report)
    guide = _resolved_guide(blueprint, project_file, blueprint_dirs, **options)
    results = check_files(guide, list(entities), [Path(f) for f in files], columns=_column_map(column_pairs),
                          encoding=encoding, delimiter="\t" if delimiter == "tab" else delimiter, sheet=sheet)
    click.echo(summary_text(results))
    title = f"Sample data check: {guide.meta.integration}"
    for report in reports:
        path = Path(report)
        suffix = path.suffix.lower()
        if suffix == ".xlsx":
            from guidegen.datacheck.report_xlsx import write_report_xlsx

            data = write_report_xlsx(results)
        elif suffix == ".md":
            data = markdown_report(results, title).encode("utf-8")
        else:
            data = html_report(results, title).encode("utf-8")
        for written in write_outputs(path.parent, [Output(path.name, data)], force):
            click.echo(f"report: {written}")
    sys.exit(1 if any(r.failed_rows for r in results) else 0)


@cli.command("export-contract")
@click.argument("blueprint")
@click.option("--entity", "entities", multiple=True, help="Entity to export (id or name); repeatable (default: every entity).")
@click.option("--out", default="output", show_default=True, type=click.Path(file_okay=False), help="Folder for the files.")
@click.option("--force", is_flag=True, help="Overwrite files edited since guidegen wrote them.")
@_engagement_options
def export_contract_command(blueprint: str, entities: tuple[str, ...], out: str, force: bool, project_file: str | None,
                            blueprint_dirs: tuple[str, ...], **options: Any) -> None:
    """Write the mapping as a contract: per entity a JSON Schema (2020-12) of the target
    payload (<blueprint>-<entity>.schema.json) and example records, valid and invalid, for
    the client's tests (<blueprint>-<entity>.examples.json). Prints each path."""
    from guidegen.datacheck import find_entity
    from guidegen.datacheck.contract import contract_files
    from guidegen.app.output import Output, write_outputs

    guide = _resolved_guide(blueprint, project_file, blueprint_dirs, **options)
    chosen = [find_entity(guide, name) for name in entities] if entities else list(guide.data.entities)
    outputs = [Output(name, data) for name, data in contract_files(guide, chosen)]
    for path in write_outputs(Path(out), outputs, force):
        click.echo(str(path))


# --------------------------------------------------------------------------- entry point
def _check_arguments(argv: list[str]) -> None:
    """Arguments are text: a byte that is not UTF-8 (Python keeps it as a lone surrogate) is
    refused here rather than failing later in a writer."""
    for number, arg in enumerate(argv, 1):
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError as exc:
            from guidegen.core.errors import Location, UserError

            raise UserError.single(Location("command line", path=f"argument {number}"), "argument is not valid UTF-8",
                                   expected="UTF-8 text", given=arg.encode("utf-8", "backslashreplace").decode("ascii")[:80],
                                   hint=f"byte at position {exc.start}: set a UTF-8 locale or retype the value") from None


def tune_gc() -> None:
    """Collect reference cycles less often. A large blueprint holds millions of objects, nearly
    none of them in cycles: with Python's default thresholds the cyclic collector walked them all
    again and again (1,076 collections, 7 of them full, 2.0 s of an 8.3 s render at 10,000
    fields; 6 collections and 0.3 s with these). A run is short-lived, and reference counting
    still frees everything as usual."""
    gc.set_threshold(GC_THRESHOLD, 50, 100)


def main(argv: list[str] | None = None) -> None:
    """Run the CLI, mapping user errors to exit 2 and bugs to exit 1."""
    tune_gc()
    try:
        _check_arguments(sys.argv[1:] if argv is None else argv)
        cli.main(args=argv, prog_name="guidegen", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except SystemExit:
        raise
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - the one place where bugs are reported
        # Imported only now, so that --help does not load them (a command has loaded them already).
        from guidegen.core.budget import BudgetSetting
        from guidegen.core.errors import Location, UserError

        if isinstance(exc, UserError):
            click.echo(exc.format(), err=True)
            sys.exit(2)
        if isinstance(exc, BudgetSetting):
            click.echo(UserError.single(Location(exc.source), f"invalid limit: {exc}", given=exc.given).format(), err=True)
            sys.exit(2)
        if _State.debug or os.environ.get("GUIDEGEN_DEBUG"):
            import traceback

            traceback.print_exc()
        else:
            click.echo(
                f"guidegen: internal error: {type(exc).__name__}: {exc}\n"
                "This is a bug in guidegen, not in your input. Rerun with --debug for the traceback.",
                err=True,
            )
        sys.exit(1)


if __name__ == "__main__":  # pragma: no cover
    main()
