"""Find, load, merge and validate blueprints.

A blueprint file may ``include`` shared fragments. Fragments are merged first (in the order
given), then the blueprint on top:

* mappings merge key by key, the later file winning;
* two lists of items (mappings) merge: inherited items keep their place, an item with the
  same ``id`` merges into the inherited one field by field (mapping rows and code-set values
  without an id match by their ``source``), other items follow in order, and ``omit: true``
  drops an inherited item;
* any other list (of plain values or texts, such as ``goals: [G1, G2]`` or a test's
  ``steps``, and a mapping row's ``transform``) is replaced by the later one.

Locations survive the merge, so a problem in a fragment is reported in the fragment's file.
"""

from __future__ import annotations

import dataclasses
import functools

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from guidegen.blueprint import cache
from guidegen.blueprint.schema import Blueprint
from guidegen.core import budget
from guidegen.core.diagnostics import problems_from_validation
from guidegen.core.errors import Location, Problem, UserError, fail
from guidegen.core.yamlsource import LocDict, LocList, describe_value, load_yaml_file

BLUEPRINTS_ENV = "GUIDEGEN_BLUEPRINTS"
FRAGMENT_DIR = "fragments"
TYPES_DIR = "types"
PACKS_DIR = "packs"


def builtin_dir() -> Path:
    """Folder of the built-in blueprints: guidegen/builtin in an installed package (see
    pyproject.toml), else the source tree's blueprints/ (a checkout or an editable install).
    It holds types/ (one blueprint per integration type), fragments/ and packs/."""
    package = Path(__file__).resolve().parents[1]
    installed = package / "builtin"
    if (installed / FRAGMENT_DIR).is_dir():
        return installed
    return package.parent / "blueprints"


def type_folders(extra: list[str] | tuple[str, ...] = ()) -> list[Path]:
    """Folders holding integration types: user folders (their *.yaml directly), then the
    built-in types/ folder."""
    return search_dirs(extra)[:-1] + [builtin_dir() / TYPES_DIR]


def search_dirs(extra: list[str] | tuple[str, ...] = ()) -> list[Path]:
    """User folders (option, then environment variable) before the built-in folder."""
    dirs = [Path(d) for d in extra]
    env = os.environ.get(BLUEPRINTS_ENV, "")
    dirs += [Path(d) for d in env.split(os.pathsep) if d]
    return dirs + [builtin_dir()]


def blueprint_files(extra: list[str] | tuple[str, ...] = ()) -> dict[str, Path]:
    """Blueprint id (file stem) -> file; the first folder that has an id wins."""
    found: dict[str, Path] = {}
    for folder in type_folders(extra):
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.yaml")):
            found.setdefault(path.stem, path)
    return found


def resolve_blueprint_path(name: str, extra: list[str] | tuple[str, ...] = ()) -> Path:
    """A built-in or user blueprint id, or a path to a YAML file."""
    candidate = Path(name)
    if candidate.suffix in (".yaml", ".yml") or os.sep in name or "/" in name:
        if not candidate.is_file():
            raise fail(name, "blueprint file not found")
        return candidate
    files = blueprint_files(extra)
    if name in files:
        return files[name]
    import difflib

    close = difflib.get_close_matches(name, list(files), n=1)
    raise fail(
        name,
        f"unknown blueprint '{name}'",
        expected="one of: " + ", ".join(sorted(files)),
        given=name,
        hint=f"did you mean '{close[0]}'?" if close else "pass a path to a .yaml file for your own blueprint",
    )


@dataclass
class LoadedBlueprint:
    """A validated blueprint and what is needed to point at its source."""

    blueprint: Blueprint
    source: LocDict | None  # the merged YAML (see ``raw``), its locations known if ``located``
    path: str
    files: list[str] = field(default_factory=list)
    packs: list[Any] = field(default_factory=list)  # AppliedPack, CRM pack first
    warnings: list[Problem] = field(default_factory=list)  # e.g. a product named without a pack
    reload: Callable[[], LocDict] | None = None  # rebuilds ``source`` (not kept in the cache)
    located: bool = True  # False: ``source`` was parsed without locations

    @property
    def raw(self) -> LocDict:
        """The merged YAML with locations. A blueprint parsed without them, or from the cache,
        has none until a problem must be located: it is then parsed again (locations double
        the parsing time of a 10,000-field blueprint, and take longer to unpickle than the
        blueprint itself)."""
        if (self.source is None or not self.located) and self.reload is not None:
            self.source, self.located = self.reload(), True
        return self.source if self.source is not None else LocDict()

    @property
    def tree(self) -> LocDict:
        """The merged YAML, located or not: for walks that locate only what they find."""
        return self.source if self.source is not None else self.raw

    def release_source(self) -> None:
        """Free the located YAML (a large blueprint's locations take more memory than its
        validated content) when it can be parsed again should a problem need locating."""
        if self.reload is not None:
            self.source = None


PackChoice = Callable[[str], Sequence[Path]] | Sequence[Path]


def load_blueprint(path: str | Path, display: str | None = None, packs: PackChoice = (),
                   located: bool = False) -> LoadedBlueprint:
    """Load a blueprint with its fragments and the given product packs (see
    :mod:`guidegen.blueprint.packs`: CRM pack first, then the software pack) and validate it;
    UserError on any problem. A blueprint loaded before, unchanged with its fragments and packs,
    comes from the parsed-blueprint cache (:mod:`guidegen.blueprint.cache`). ``located``: parse
    with locations from the start, for a caller that reports lint warnings (each needs one)
    rather than parse twice."""
    name = display or str(path)
    load = _load if located else _load_fast
    loaded = _load_cached(path, name, packs, load) if cache.enabled() else None
    return loaded if loaded is not None else load(path, name, packs)[0]


def _load_cached(path: str | Path, name: str, packs: PackChoice,
                 load: Callable[..., tuple[LoadedBlueprint, list[Path]]]) -> LoadedBlueprint | None:
    """The blueprint from the parsed-blueprint cache, or loaded and stored there; None when it
    cannot be cached (the uncached load then reports any problem properly)."""
    try:
        data = budget.read_regular_file(path)
    except (OSError, budget.BudgetExceeded):
        return None
    pack_paths = list(packs(cache.type_id_of(data) or Path(path).stem) if callable(packs) else packs)
    key = cache.entry_key(data, name, pack_paths)
    if key is None:
        return None
    hit = cache.lookup(key)
    if isinstance(hit, LoadedBlueprint):
        hit.reload = _reloader(path, name, pack_paths)
        return hit
    loaded, fragments = load(path, name, pack_paths)
    cache.store(key, dataclasses.replace(loaded, source=None, reload=None), fragments)
    return loaded


def _reloader(path: str | Path, name: str, packs: Sequence[Path | str]) -> Callable[[], LocDict]:
    """What parses the blueprint again, with the same packs (picklable, unlike a closure)."""
    return functools.partial(_reload_source, str(path), name, tuple(map(str, packs)))


def _reload_source(path: str, name: str, packs: tuple[str, ...]) -> LocDict:
    """The merged YAML of a loaded blueprint, parsed again to locate a problem in it (a
    blueprint from the cache, or one whose located YAML was released)."""
    return _load(path, name, [Path(p) for p in packs])[0].raw


def _load_fast(path: str | Path, name: str, packs: PackChoice) -> tuple[LoadedBlueprint, list[Path]]:
    """_load without locations, unless there is a problem to report: then _load again with
    them, which reports it (a blueprint that needs locations later gets them from ``raw``).
    The packs are chosen once: a chooser may record warnings."""
    if callable(packs):
        packs = functools.cache(packs)
    try:
        return _load(path, name, packs, located=False)
    except Exception:  # noqa: BLE001 - a problem, or a message wanting a location it lacks:
        return _load(path, name, packs)  # the located load reports it (or fails the same way)


def _load(path: str | Path, name: str, packs: PackChoice, located: bool = True) -> tuple[LoadedBlueprint, list[Path]]:
    """Load, merge and validate; also returns the fragment files used."""
    doc = load_yaml_file(path, name, located)
    root = doc.data
    if not isinstance(root, LocDict):
        raise fail(name, "a blueprint must be a YAML mapping", expected="key: value pairs", given=describe_value(root))
    files = [name]
    texts = [doc.text]
    fragment_paths: list[Path] = []
    merged: Any = LocDict(loc=root.loc)
    problems: list[Problem] = []
    for fragment_name, loc in _includes(root, name, problems):
        fragment_path = _find_fragment(Path(path).parent, fragment_name)
        if fragment_path is None:
            problems.append(
                Problem(loc, f"fragment '{fragment_name}' not found", expected=f"a file {FRAGMENT_DIR}/{fragment_name}.yaml")
            )
            continue
        fragment_doc = load_yaml_file(fragment_path, display_path(fragment_path), located)
        fragment = fragment_doc.data
        texts.append(fragment_doc.text)
        if not isinstance(fragment, LocDict):
            problems.append(Problem(Location(str(fragment_path)), "a fragment must be a YAML mapping"))
            continue
        for key in ("include", "id"):
            if key in fragment:
                problems.append(Problem(fragment.locs[key], f"a fragment cannot set '{key}'"))
        files.append(display_path(fragment_path))
        fragment_paths.append(fragment_path)
        merged = merge(merged, fragment)
    merged = merge(merged, root)
    applied = []
    type_id = root.get("id") if isinstance(root.get("id"), str) else Path(path).stem
    pack_paths = packs(type_id) if callable(packs) else packs
    if pack_paths and not problems:
        from guidegen.blueprint.packs import apply_pack, apply_renames

        for pack_path in pack_paths:  # every overlay first (CRM pack, then software pack) ...
            applied.append(apply_pack(merged, pack_path, type_id, display_path(Path(pack_path)), rename=False))
            files.append(display_path(Path(pack_path)))
        for pack in reversed(applied):  # ... then the renames, the CRM pack's last
            apply_renames(merged, pack, type_id)
    if pack_paths or any("omit" in text or "\\" in text for text in texts):  # else no item is marked omitted
        merged = drop_omitted(merged)
    if problems:  # report the schema problems too, all at once
        merged = LocDict({k: v for k, v in merged.items() if k != "include"}, loc=merged.loc, path=merged.path)
        merged.locs.update(root.locs)
    if problems and not located:
        raise UserError(problems)  # to be loaded again with locations (_load_fast)
    try:
        blueprint = Blueprint.model_validate(merged)
    except ValidationError as exc:
        if not located:
            raise
        raise UserError(problems + problems_from_validation(exc, merged, Blueprint, name)) from None
    if problems:
        raise UserError(problems)
    reload = _reloader(path, name, pack_paths or ())
    return LoadedBlueprint(blueprint, merged, name, files, applied, reload=reload, located=located), fragment_paths


def display_path(path: Path) -> str:
    """Show built-in files relative to the package, user files as given."""
    try:
        return str(Path("blueprints") / path.resolve().relative_to(builtin_dir().resolve()))
    except ValueError:
        return str(path)


def _includes(root: LocDict, name: str, problems: list[Problem]) -> list[tuple[str, Location]]:
    value = root.get("include", LocList())
    if not isinstance(value, LocList):
        loc = root.locs.get("include", Location(name))
        problems.append(Problem(loc, "'include' must be a list of fragment names", given=repr(value)))
        return []
    limit = budget.current().includes
    if len(value) > limit:
        problems.append(Problem(value.loc or Location(name), "input beyond the budget: fragments included by one blueprint",
                                expected=f"at most {limit} fragments", given=f"{len(value):,}",
                                hint="include each fragment once"))
        return []
    found = []
    for item, loc in zip(value, value.locs):
        if not isinstance(item, str) or not item.replace("-", "").replace("_", "").isalnum() or not item[:1].isalnum():
            problems.append(
                Problem(loc or Location(name), "invalid fragment name", expected="a name like 'security' (letters, digits, - and _)", given=repr(item))
            )
            continue
        found.append((item, loc or Location(name)))
    return found


def _find_fragment(blueprint_dir: Path, name: str) -> Path | None:
    for folder in (blueprint_dir / FRAGMENT_DIR, builtin_dir() / FRAGMENT_DIR):
        candidate = folder / f"{name}.yaml"
        if candidate.is_file():
            return candidate
    return None


# --------------------------------------------------------------------------- merging
def _is_text(value: Any) -> bool:
    """{zh: ..., en: ...}: a text, not an item."""
    return isinstance(value, dict) and bool(value) and set(value) <= {"zh", "en"}


def _is_item_list(value: Any) -> bool:
    """A list of items (mappings that are not texts): such lists merge instead of replacing."""
    return (
        isinstance(value, list)
        and len(value) > 0
        and all(isinstance(item, dict) and not _is_text(item) for item in value)
    )


def merge(base: Any, over: Any, key: Any = None) -> Any:
    """Merge ``over`` onto ``base`` (see module docstring); locations follow the values.
    ``key`` is the mapping key the two values sit under: rows of a mapping table
    (``fields``) match by id, else by their source field, and so do the values of a code set
    (``values``), so a product pack can replace or ``omit`` a generic code by its source value."""
    if isinstance(base, dict) and isinstance(over, dict):
        out = LocDict(loc=getattr(over, "loc", None) or getattr(base, "loc", None), path=getattr(over, "path", ()))
        for key, value in base.items():
            out[key] = value
            out.locs[key] = _loc_of(base, key)
        for key, value in over.items():
            out[key] = merge(out[key], value, key) if key in out else value
            out.locs[key] = _loc_of(over, key)
        return out
    if _is_item_list(base) and _is_item_list(over) and key not in _REPLACED_LISTS:
        out = LocList(loc=getattr(over, "loc", None), path=getattr(over, "path", ()))
        index: dict[Any, int] = {}
        by_source = key in ("fields", "values")
        item_id = _row_key if by_source else _item_id
        for pos, item in enumerate(base):
            if item_id(item) is not None:
                index[item_id(item)] = len(out)
            if by_source and _item_id(item) is not None:
                # a row renamed by an earlier pack keeps its logical name as its id: a later
                # overlay still finds it by that (logical) source field
                index.setdefault(("source", _item_id(item)), len(out))
                if isinstance(item.get("source"), str):
                    index.setdefault(("source", item["source"]), len(out))
            out.append(item)
            out.locs.append(_item_loc(base, pos))
        for pos, item in enumerate(over):
            found = item_id(item)
            if found is not None and found in index:
                at = index[found]
                out[at] = merge(out[at], item)
                out.locs[at] = _item_loc(over, pos)
            else:
                if found is not None:
                    index[found] = len(out)
                out.append(item)
                out.locs.append(_item_loc(over, pos))
        return out
    return over


# Lists of steps rather than items: a later file gives the whole list (a pack's transform
# replaces the generic row's, it is not appended to it).
_REPLACED_LISTS = ("transform",)


def _item_id(item: dict[str, Any]) -> Any:
    """An item's id when it is usable as one (the schema reports any other value)."""
    key = item.get("id")
    return key if isinstance(key, (str, int, float, bool)) else None


def _row_key(item: dict[str, Any]) -> Any:
    """A mapping row's (or code value's) key: its id, else its source field (value)."""
    found = _item_id(item)
    if found is None and isinstance(item.get("source"), str):
        return ("source", item["source"])
    return found


def _loc_of(container: Any, key: Any) -> Location | None:
    return getattr(container, "locs", {}).get(key)


def _item_loc(container: Any, pos: int) -> Location | None:
    locs = getattr(container, "locs", None)
    return locs[pos] if locs and pos < len(locs) else None


def drop_omitted(value: Any) -> Any:
    """Remove list items marked ``omit: true`` (after merging), everywhere in the tree. Only
    containers are visited, and only a list that loses an item is rebuilt."""
    if isinstance(value, LocList) and any(_omitted(item) for item in value):
        rebuilt = LocList(loc=value.loc, path=value.path)
        for item, loc in zip(value, value.locs):
            if not _omitted(item):
                rebuilt.append(drop_omitted(item))
                rebuilt.locs.append(loc)
        return rebuilt
    if isinstance(value, (LocDict, LocList)):
        for place, item in value.items() if isinstance(value, LocDict) else enumerate(value):
            if isinstance(item, (LocDict, LocList)):
                kept = drop_omitted(item)
                if kept is not item:
                    value[place] = kept  # an existing key or index: the size stays while iterated
    return value


def _omitted(item: Any) -> bool:
    return isinstance(item, dict) and item.get("omit") is True
