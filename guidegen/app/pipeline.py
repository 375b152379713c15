"""One render: engagement -> blueprint -> Guide -> bytes per format (nothing written yet)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from guidegen.app.output import Output, safe_filename
from guidegen.blueprint.loader import (
    LoadedBlueprint,
    load_blueprint,
    resolve_blueprint_path,
)
from guidegen.blueprint.packs import find_pack, product_names
from guidegen.core.errors import Location, Problem, UserError
from guidegen.guide.model import Guide
from guidegen.resolve.checks import reference_errors
from guidegen.resolve.engagement import Engagement
from guidegen.resolve.resolver import resolve_guide
from guidegen.writers import WRITERS, WriterOptions, get_writer


def output_stem(guide: Guide) -> str:
    """<blueprint>-<complexity>-<lang>, with -upgrade for the upgrade scenario."""
    m = guide.meta
    stem = f"{m.blueprint}-{m.complexity}-{m.lang}"
    if m.scenario == "upgrade":
        stem += "-upgrade"
    return safe_filename(stem)


@dataclass
class Rendered:
    """The outcome of one render: the guide, its files' bytes and the warnings."""

    guide: Guide
    outputs: list[Output]
    warnings: list[Problem] = field(default_factory=list)


def load_for(engagement: Engagement, extra_dirs: tuple[str, ...] = ()) -> LoadedBlueprint:
    if not engagement.blueprint:
        raise UserError.single(
            Location("command line"),
            "no blueprint given",
            expected="a built-in blueprint id (see 'guidegen list') or a path to a YAML file",
        )
    path = resolve_blueprint_path(engagement.blueprint, extra_dirs)
    warnings: list[Problem] = []

    def choose(type_id: str) -> list[Path]:
        paths, found = choose_packs(type_id, engagement.software, engagement.crm, extra_dirs)
        warnings.extend(found)
        return paths

    loaded = load_blueprint(path, packs=choose)
    loaded.warnings += warnings
    errors = reference_errors(loaded)
    if errors:
        raise UserError(errors)
    loaded.release_source()  # a render needs the locations only to report a problem
    return loaded


def choose_packs(type_id: str, software: str | None, crm: str | None,
                 extra_dirs: tuple[str, ...] = ()) -> tuple[list[Path], list[Problem]]:
    """The packs the named products ask for (CRM first), and a warning per named product
    without one (the guide is then product-neutral for it)."""
    paths: list[Path] = []
    warnings: list[Problem] = []
    for side, name in (("crm", crm), ("software", software)):
        if not name:
            continue
        pack = find_pack(side, type_id, name, extra_dirs)  # type: ignore[arg-type]
        if pack is not None:
            paths.append(pack.path)
            continue
        known = product_names(side, type_id, extra_dirs)  # type: ignore[arg-type]
        warnings.append(Problem(
            Location("command line", path=f"--{side}"),
            f"no product pack for {side} '{name}': the guide is product-neutral for it",
            expected=("a product with a pack: " + ", ".join(known)) if known else f"a product with a pack (none exists for {type_id} yet)",
            given=name, hint="see 'guidegen list --packs'; 'guidegen new-pack' starts one", severity="warning"))
    return paths, warnings


def render(
    engagement: Engagement,
    extra_dirs: tuple[str, ...] = (),
    loaded: LoadedBlueprint | None = None,
) -> Rendered:
    """Resolve the guide and run every requested writer; raises UserError on bad input."""
    loaded = loaded or load_for(engagement, extra_dirs)
    pack_warnings = list(loaded.warnings)
    resolution = resolve_guide(loaded, engagement)
    loaded = None  # the blueprint is no longer needed: free its memory before the writers run
    options = WriterOptions(template=_template(engagement), paginate=engagement.paginate)
    stem = output_stem(resolution.guide)
    outputs = []
    for fmt in dict.fromkeys(engagement.formats):
        write = get_writer(fmt)
        outputs.append(Output(stem + WRITERS[fmt].extension, write(resolution.guide, options), resolution.guide.meta.blueprint))
    warnings = list(dict.fromkeys(pack_warnings + resolution.warnings))
    if options.template and "docx" in engagement.formats:
        warnings += _template_warnings(options.template)
    return Rendered(resolution.guide, outputs, warnings)


def _template_warnings(path: Path) -> list[Problem]:
    """What was removed from the Word template (external references) before it was used."""
    from guidegen.writers.docx.template import check_template

    return check_template(path).warnings(str(path))


def _template(engagement: Engagement) -> Path | None:
    if not engagement.template:
        return None
    path = Path(engagement.template)
    if not path.is_file():
        raise UserError.single(Location(engagement.template), "Word template not found", expected="a .docx file")
    return path
