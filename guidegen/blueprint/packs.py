"""Product packs: what a named product changes in a guide.

A *software pack* belongs to one integration type (``packs/helpdesk/zendesk.yaml``); a *CRM
pack* applies to every type (``packs/crm/salesforce.yaml``). A pack file has a header
(``pack:``), ``renames`` (logical object and field names -> the product's), an ``overlay``
(a partial blueprint merged by id on top of the blueprint, like a fragment), per-type parts
(``types:``, CRM packs) and its ``sources``. See docs/pack-format.md.

This module finds packs, matches a product name to one, and applies a pack to the merged
(not yet validated) blueprint tree, so that validation reports problems in the pack's own file
and line. Renames are applied to the pack's side of every mapping table and scope object, and
identifier-like names are renamed in every text too.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError

from guidegen.blueprint.schema import Source
from guidegen.core.diagnostics import problems_from_validation
from guidegen.core.errors import Location, Problem, UserError
from guidegen.core.text import Id, Strict, Text
from guidegen.core.yamlsource import LocDict, LocList, describe_value, load_yaml_file

PACKS_DIR = "packs"
CRM_FOLDER = "crm"
Side = Literal["software", "crm"]


class PackHeader(Strict):
    """Who the pack is for."""

    id: Id = Field(description="Pack id, e.g. zendesk (lower case, digits and -).")
    side: Side = Field(description="software (the third-party product of one integration type) or crm (every type).")
    type: Id | None = Field(None, description="Software packs: the integration type they belong to, e.g. helpdesk.")
    name: str = Field(min_length=1, max_length=80, description="The product's name as its vendor writes it.")
    aliases: list[str] = Field(default_factory=list, description="Other names the product is matched by "
                               "(case, spaces and punctuation are ignored).")
    vendor: str | None = Field(None, description="The vendor.")
    summary: Text = Field(description="One line shown by 'guidegen list --packs'.")
    verified: dt.date = Field(description="When the pack as a whole was last checked against the vendor's documentation.")
    signature: list[str] = Field(default_factory=list, description="Identifiers that are this product's own: they appear "
                                 "in every guide rendered with the pack and in no other.")


class CustomFieldNames(Strict):
    """How the product names a custom field the integration creates (CRM packs). The blueprints'
    logical CRM names follow Salesforce, where a custom field ends in ``__c``: such a name that
    no rename lists (a software pack may add one) becomes ``prefix`` + the name without ``__c``,
    in lower case — ``Account.ERP_Subsidiary__c`` -> ``account.new_erpsubsidiary``."""

    prefix: str = Field("", pattern=r"^[a-z0-9_]*$", description="Put before the name unless it already starts with it, "
                        "e.g. new_ (a Dataverse publisher prefix) or erp_.")
    underscores: bool = Field(True, description="Keep the name's underscores (false: drop them, as Dataverse "
                              "logical names of this pack do).")

    def name(self, logical: str) -> str:
        stem = logical[:-3] if logical.endswith("__c") else ""
        if not stem or not stem[0].isalpha():
            return logical
        stem = (stem if self.underscores else stem.replace("_", "")).lower()
        return stem if stem.startswith(self.prefix) else self.prefix + stem


class Renames(Strict):
    """Logical names -> the product's names, on the pack's side."""

    objects: dict[str, str] = Field(default_factory=dict, description="Object names: entities' source_object / "
                                    "target_object and scope objects on the pack's side.")
    fields: dict[str, str] = Field(default_factory=dict, description="Field names as the mapping column of the pack's "
                                   "side writes them; a CRM pack's key '*.Field' matches the field on any object.")
    sources: list[Id] = Field(default_factory=list, description="Ids of the pack's sources the product's names come from.")
    custom_fields: CustomFieldNames | None = Field(None, description="CRM packs: how a custom field that no rename lists "
                                                   "is named (applied after every rename; a type's rule replaces the "
                                                   "shared one).")


class PackPart(Strict):
    """Renames and overlay for one integration type (CRM packs)."""

    renames: Renames = Field(default_factory=Renames, description="Renames for this type only.")
    overlay: dict[str, Any] = Field(default_factory=dict, description="Partial blueprint merged on this type only.")


class PackFile(Strict):
    """A product pack file."""

    pack: PackHeader = Field(description="Which product the pack is for.")
    renames: Renames = Field(default_factory=Renames, description="Renames for every type the pack applies to.")
    overlay: dict[str, Any] = Field(default_factory=dict, description="Partial blueprint merged on top of the blueprint "
                                    "by id, like a fragment (same keys and item types as a blueprint).")
    types: dict[Id, PackPart] = Field(default_factory=dict, description="CRM packs: renames and overlay per type id.")
    sources: list[Source] = Field(default_factory=list, description="The sources the pack's facts are verified against.")


@dataclass
class Pack:
    """A pack file found on disk, with its header."""

    path: Path
    display: str
    header: PackHeader

    @property
    def names(self) -> list[str]:
        return [self.header.id, self.header.name, *self.header.aliases]

    def matches(self, name: str) -> bool:
        wanted = normalize(name)
        return bool(wanted) and any(normalize(n) == wanted for n in self.names)


@dataclass
class AppliedPack:
    """A pack applied to a blueprint: what the resolver and the checks need of it."""

    header: PackHeader
    display: str
    raw: LocDict
    unused_renames: list[tuple[tuple[Any, ...], str]] = field(default_factory=list)
    cited: list[str] = field(default_factory=list)  # source ids the renames cite


def normalize(name: str) -> str:
    """'Zendesk Support' == 'zendesk-support' == 'ZENDESK SUPPORT'."""
    return re.sub(r"[\W_]+", "", name.casefold())


# --------------------------------------------------------------------------- finding
def pack_dirs(extra: list[str] | tuple[str, ...] = ()) -> list[Path]:
    """packs/ under every blueprint folder, user folders first."""
    from guidegen.blueprint.loader import search_dirs

    return [d / PACKS_DIR for d in search_dirs(extra)]


def available_packs(extra: list[str] | tuple[str, ...] = ()) -> list[Pack]:
    """Every pack in the pack folders; a user pack with the same side, type and id as a built-in
    one replaces it. A file that does not load is skipped here ('validate' reports it)."""
    found: dict[tuple[str, str | None, str], Pack] = {}
    for folder in pack_dirs(extra):
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*/*.yaml")):
            pack = _header(path, path.stat().st_mtime_ns)
            if pack is not None:
                found.setdefault((pack.header.side, pack.header.type, pack.header.id), pack)
    return sorted(found.values(), key=lambda p: (p.header.side != "crm", p.header.type or "", p.header.id))


@functools.lru_cache(maxsize=256)
def _header(path: Path, _mtime: int) -> Pack | None:
    from guidegen.blueprint.loader import display_path

    try:
        data = load_yaml_file(path, display_path(path)).data
        header = PackHeader.model_validate(data.get("pack")) if isinstance(data, dict) else None
    except (UserError, ValidationError):
        return None
    return Pack(path, display_path(path), header) if header else None


def packs_for(side: Side, type_id: str, extra: list[str] | tuple[str, ...] = ()) -> list[Pack]:
    """The packs that can apply to a blueprint of this type on one side."""
    return [p for p in available_packs(extra) if p.header.side == side and (side == "crm" or p.header.type == type_id)]


def product_names(side: Side, type_id: str, extra: list[str] | tuple[str, ...] = ()) -> list[str]:
    """The names of the products with a pack for a blueprint of this type on one side."""
    return [p.header.name for p in packs_for(side, type_id, extra)]


def find_pack(side: Side, type_id: str, name: str | None, extra: list[str] | tuple[str, ...] = ()) -> Pack | None:
    """The pack a product name asks for (by id, name or alias), or None."""
    if not name:
        return None
    return next((p for p in packs_for(side, type_id, extra) if p.matches(name)), None)


# --------------------------------------------------------------------------- loading
def is_pack_file(path: str | Path) -> bool:
    """A YAML file whose top level has a 'pack:' header (a cheap look at the file's text)."""
    p = Path(path)
    if p.suffix not in (".yaml", ".yml") or not p.is_file():
        return False
    try:
        with p.open(encoding="utf-8", errors="replace") as f:
            head = f.read(65536)
    except OSError:
        return False
    return re.search(r"(?m)^pack:", head) is not None


def load_pack(path: str | Path, display: str | None = None) -> tuple[PackFile, LocDict]:
    """A pack file, validated (UserError naming file and line on any problem)."""
    from guidegen.blueprint.loader import display_path

    name = display or display_path(Path(path))
    data = load_yaml_file(path, name).data
    if not isinstance(data, LocDict) or "pack" not in data:
        raise UserError.single(Location(name), "not a product pack", expected="a YAML mapping with a 'pack:' header "
                               "(see docs/pack-format.md)", given=describe_value(data))
    try:
        pack = PackFile.model_validate(data)
    except ValidationError as exc:
        raise UserError(problems_from_validation(exc, data, PackFile, name)) from None
    header = pack.pack
    problems = []
    if header.side == "software" and not header.type:
        problems.append(Problem(data["pack"].locs.get("side", Location(name)), "a software pack names its integration type",
                                expected="pack.type: a type id such as helpdesk", given="nothing"))
    if header.side == "crm" and header.type:
        problems.append(Problem(data["pack"].locs["type"], "a CRM pack applies to every type",
                                expected="no pack.type (use 'types:' for per-type parts)", given=header.type))
    if header.side == "software" and pack.types:
        problems.append(Problem(data.locs["types"], "only CRM packs have per-type parts",
                                expected="renames and overlay at the top level", given="types:"))
    if problems:
        raise UserError(problems)
    return pack, data


def apply_pack(tree: LocDict, path: str | Path, type_id: str, display: str | None = None,
               rename: bool = True) -> AppliedPack:
    """Merge a pack onto a merged blueprint tree (in place) and, unless ``rename`` is False,
    apply its renames (see :func:`apply_renames`)."""
    from guidegen.blueprint.loader import merge

    pack, raw = load_pack(path, display)
    header = pack.pack
    name = display or str(path)
    if header.side == "software" and header.type != type_id:
        raise UserError.single(raw["pack"].locs["type"], f"pack '{header.id}' is for another integration type",
                               expected=f"a pack for {type_id}", given=str(header.type))
    parts = _parts(raw, type_id)
    for part, _ in parts:
        overlay = part.get("overlay")
        if isinstance(overlay, LocDict):
            for key in ("id", "include", "sources"):
                if key in overlay:
                    raise UserError.single(overlay.locs[key], f"a pack overlay cannot set '{key}'",
                                           expected="content sections (architecture, data, testing, ...)"
                                           + ("; the pack's sources go in its top-level 'sources'" if key == "sources" else ""),
                                           given=key)
            _merge_into(tree, overlay, merge)
    if raw.get("sources"):
        _merge_into(tree, LocDict({"sources": raw["sources"]}, loc=raw.loc), merge)
    applied = AppliedPack(header, name, raw)
    if rename:
        apply_renames(tree, applied, type_id)
    return applied


def apply_renames(tree: LocDict, applied: AppliedPack, type_id: str) -> None:
    """Apply a pack's renames (its shared ones, then its part for this type). The loader merges
    every pack's overlay first and renames afterwards, the CRM pack last, so what a software
    pack says about the CRM side (in the blueprint's logical names) is renamed too."""
    rule = None
    for part, at in _parts(applied.raw, type_id):
        renames = part.get("renames")
        if isinstance(renames, LocDict):
            _rename(tree, applied.header.side, renames, at + ("renames",), applied)
            applied.cited += [s for s in renames.get("sources") or [] if isinstance(s, str)]
            if isinstance(renames.get("custom_fields"), dict):
                rule = CustomFieldNames.model_validate(dict(renames["custom_fields"]))
    if rule is not None:  # last, so that no listed rename is pre-empted
        _rename(tree, applied.header.side, LocDict(), (), applied, custom=rule)


def _parts(raw: LocDict, type_id: str) -> list[tuple[Any, tuple[Any, ...]]]:
    """The pack's shared part, then its part for this type (CRM packs), each with its path."""
    parts: list[tuple[Any, tuple[Any, ...]]] = [(raw, ())]
    if type_id in raw.get("types", {}):
        parts.append((raw["types"][type_id], ("types", type_id)))
    return parts


def _merge_into(tree: LocDict, over: LocDict, merge: Any) -> None:
    merged = merge(tree, over)
    tree.clear()
    tree.update(merged)
    tree.locs.clear()
    tree.locs.update(merged.locs)


# --------------------------------------------------------------------------- renaming
_IDENT_TOKEN = re.compile(r"(?<![\w.])[A-Za-z_][\w]*(?:\.[A-Za-z_]\w*)*(?![\w])")
_SKIP_KEYS = {"id", "goals", "sources", "when", "applies_to", "include", "enum", "stage", "stages", "owners",
              "consulted", "transform", "checks", "source", "target", "source_object", "target_object",
              "crm_object", "software_object", "provider", "system", "kind", "mode", "direction", "type",
              "source_type", "category", "priority", "status", "url", "verified", "traits", "default_complexity",
              "code_set"}  # code_set names a code set, not a field: a field renamed to the same id keeps it
#: Structured keys whose values name code sets and transform steps, never prose: left alone even
#: when they are mappings (a field renamed like its code set must not rename the code set reference).
_STRUCTURED_KEYS = {"checks", "transform"}


def identifier_like(name: str) -> bool:
    """A name that cannot be an ordinary word: it has a dot, an underscore or an inner capital."""
    return "." in name or "_" in name or "/" in name or bool(re.search(r"[a-z][A-Z]", name))


class _Renamer:
    def __init__(self, renames: LocDict, custom: CustomFieldNames | None = None) -> None:
        self.custom = custom
        self.objects: dict[str, str] = dict(renames.get("objects") or {})
        # "A / B": "a / b" also renames A and B where they appear alone (an entity a pack adds
        # may name one of the two objects)
        self.parts: dict[str, tuple[str, str]] = {}
        for key, value in list(self.objects.items()):
            if " / " in key and isinstance(value, str) and value.count(" / ") == key.count(" / "):
                for a, b in zip(key.split(" / "), value.split(" / ")):
                    if a.strip() not in self.objects:
                        self.parts.setdefault(a.strip(), (b.strip(), key))
        self.fields: dict[str, str] = dict(renames.get("fields") or {})
        self.used: set[tuple[str, str]] = set()
        self.wild = {k[2:]: v for k, v in self.fields.items() if k.startswith("*.")}
        # a field a text names without its object ("looked up by ERP_Order_Id__c"): renamed when
        # every Object.Field key with that field part renames it alike
        bare: dict[str, set[str]] = {}
        for key, value in self.fields.items():
            if "." in key and not key.startswith("*.") and " " not in key and isinstance(value, str) and "." in value:
                bare.setdefault(key.partition(".")[2], set()).add(value.partition(".")[2])
        self.bare = {k: next(iter(v)) for k, v in bare.items() if len(v) == 1 and identifier_like(k) and "." not in k}

    def obj(self, name: str) -> str:
        if name in self.objects:
            self.used.add(("objects", name))
            return self.objects[name]
        if name in self.parts:
            renamed, whole = self.parts[name]
            self.used.add(("objects", whole))
            return renamed
        parts = [p.strip() for p in name.split(" / ")] if " / " in name else None
        if parts and any(p in self.objects for p in parts):
            return " / ".join(self.obj(p) for p in parts)
        return name

    def field(self, name: str) -> str:
        if name in self.fields:
            self.used.add(("fields", name))
            return self.fields[name]
        if "." in name:
            obj, _, rest = name.partition(".")
            if rest in self.wild:
                self.used.add(("fields", "*." + rest))
                return f"{self.obj(obj)}.{self.wild[rest]}"
            if obj in self.objects or obj in self.parts:
                return f"{self.obj(obj)}.{rest}"
            if self.custom is not None and "." not in rest:
                return f"{obj}.{self.custom.name(rest)}"
        elif self.custom is not None:
            return self.custom.name(name)
        return name

    def text(self, value: str) -> str:
        def one(match: re.Match[str]) -> str:
            token = match.group(0)
            if token in self.fields or token in self.objects:
                return (self.field(token) if token in self.fields else self.obj(token)) if identifier_like(token) else token
            if token in self.wild and identifier_like(token):
                self.used.add(("fields", "*." + token))
                return self.wild[token]
            if token in self.bare:
                return self.bare[token]
            if "." in token or (self.custom is not None and identifier_like(token)):
                return self.field(token)
            return token

        return _IDENT_TOKEN.sub(one, value)


def _rename(tree: LocDict, side: str, renames: LocDict, at: tuple[Any, ...], applied: AppliedPack,
            custom: CustomFieldNames | None = None) -> None:
    r = _Renamer(renames, custom)
    overview = tree.get("overview")
    scope = overview.get("scope") if isinstance(overview, dict) else None
    for obj in (scope.get("objects") or []) if isinstance(scope, dict) else []:
        key = f"{side}_object"
        if isinstance(obj, dict) and isinstance(obj.get(key), str):
            obj[key] = r.obj(obj[key])
    data = tree.get("data")
    for entity in (data.get("entities") or []) if isinstance(data, dict) else []:
        if not isinstance(entity, dict):
            continue
        for column in ("source", "target"):
            if entity.get(column) != side:
                continue
            if isinstance(entity.get(f"{column}_object"), str):
                entity[f"{column}_object"] = r.obj(entity[f"{column}_object"])
            for row in entity.get("fields") or []:
                if not isinstance(row, dict):
                    continue
                value = row.get(column)
                if isinstance(value, str):
                    renamed = r.field(value)
                    if renamed != value:
                        key = value if column == "source" or str(row.get("source", "")).strip().lower() in ("", "n/a", "-") else None
                        if key and "id" not in row:  # the row keeps its logical key (workbook round trip)
                            row["id"] = row_key(key)
                            row.locs["id"] = row.locs.get(column)
                        row[column] = renamed
                if isinstance(row.get(f"{column}_object"), str):
                    row[f"{column}_object"] = r.obj(row[f"{column}_object"])
    _rename_texts(tree, r)
    for kind in ("objects", "fields"):
        for key in (renames.get(kind) or {}):
            if (kind, key) not in r.used:
                applied.unused_renames.append((at + (kind, key), f"{kind[:-1]} '{key}'"))


def row_key(logical: str) -> str:
    """A mapping row's id made from its logical field name: the name itself where it is a valid id,
    else the name with every run of other characters turned into '_' ('Quote.Id / Order.Id' ->
    'Quote.Id_Order.Id'), always starting with a letter."""
    key = re.sub(r"[^A-Za-z0-9_.-]+", "_", logical).strip("_.-")
    if not key[:1].isalpha():
        key = "f_" + key
    return key[:64]


def _rename_texts(node: Any, r: _Renamer) -> None:
    if isinstance(node, dict):
        for key in list(node):
            if key in _STRUCTURED_KEYS or (key in _SKIP_KEYS and not isinstance(node[key], dict)):
                continue
            value = node[key]
            if isinstance(value, str):
                node[key] = r.text(value)
            else:
                _rename_texts(value, r)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            if isinstance(value, str):
                node[i] = r.text(value)
            else:
                _rename_texts(value, r)


def pack_problems(applied: AppliedPack) -> list[Problem]:
    """Weak spots of an applied pack (warnings; errors under --strict): renames that match
    nothing in the blueprint, and overlay items that cite no source."""
    from guidegen.core.yamlsource import locate

    problems = []
    for path, what in applied.unused_renames:
        problems.append(Problem(locate(applied.raw, path) or Location(applied.display), f"the pack renames {what}, "
                                "which the blueprint does not have", expected="a field or object of the blueprint's "
                                f"{applied.header.side} side", given=str(path[-1]), severity="warning"))
    parts = [(applied.raw.get("overlay"), ("overlay",))]
    parts += [(part.get("overlay"), ("types", t, "overlay")) for t, part in (applied.raw.get("types") or {}).items()
              if isinstance(part, dict)]
    renames = [(applied.raw.get("renames"), ("renames",))]
    renames += [(part.get("renames"), ("types", t, "renames")) for t, part in (applied.raw.get("types") or {}).items()
                if isinstance(part, dict)]
    known = {s.get("id") for s in applied.raw.get("sources") or [] if isinstance(s, dict)}
    for found, at in renames:
        for i, sid in enumerate(found.get("sources") or [] if isinstance(found, dict) else []):
            if sid not in known:
                problems.append(Problem(locate(applied.raw, at + ("sources", i)) or Location(applied.display),
                                        f"unknown source '{sid}'", expected="an id from the pack's sources",
                                        given=str(sid)))
        if isinstance(found, dict) and (found.get("objects") or found.get("fields")) and not found.get("sources"):
            problems.append(Problem(locate(applied.raw, at) or Location(applied.display), "renames without a source",
                                    expected="sources: [ids of the vendor pages that name these objects and fields]",
                                    given="none", severity="warning"))
    for overlay, at in parts:
        for path, item in _items(overlay, at):
            if not _sourced(item):
                problems.append(Problem(locate(applied.raw, path) or Location(applied.display), "a pack fact without a "
                                        "source", expected="sources: [ids from the pack's sources]", given="none",
                                        severity="warning"))
    return problems


def _sourced(item: dict[str, Any]) -> bool:
    """An item cites a source, is only an omission or a condition, or every item nested in it
    (e.g. the rows of an entity it extends) cites one."""
    if item.get("sources") or item.get("omit") or set(item) <= {"id", "when", "goals", "applies_to"}:
        return True
    nested = [v for value in item.values() if isinstance(value, list) for v in value if isinstance(v, dict)]
    return bool(nested) and all(_sourced(v) for v in nested)


def _items(node: Any, path: tuple[Any, ...]) -> list[tuple[tuple[Any, ...], LocDict]]:
    """Top-level items of an overlay's lists (items nested in an item are covered by it)."""
    found = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "variables" and not path[-1:] == ("fields",):  # placeholder wording, not a fact
                continue
            if isinstance(value, list):
                found += [(path + (key, i), v) for i, v in enumerate(value) if isinstance(v, dict)]
            elif isinstance(value, dict):
                found += _items(value, path + (key,))
    return found


__all__ = ["AppliedPack", "LocList", "Pack", "PackFile", "PackHeader", "apply_pack", "available_packs",
           "find_pack", "load_pack", "normalize", "pack_problems", "packs_for"]
