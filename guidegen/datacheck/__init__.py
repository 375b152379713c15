"""Checking a client's sample data against a mapping, and exporting the mapping as a contract.

``check_files`` runs every field's transforms and checks over sample files (see
:mod:`.readers`, :mod:`.engine`); :mod:`.report` and :mod:`.report_xlsx` write what it found;
:mod:`.contract` turns the rules into JSON Schemas and example records. Independent of the CLI:
it takes a resolved :class:`~guidegen.model.Guide`.
"""

from __future__ import annotations

import difflib
from pathlib import Path

from guidegen.guide import model
from guidegen.core.errors import Location, UserError
from guidegen.datacheck.engine import EntityChecker, EntityReport, checked_fields
from guidegen.datacheck.readers import XLSX_SUFFIXES, normalized_name, open_source


def find_entity(guide: model.Guide, name: str) -> model.Entity:
    """An entity by id, name or either object name (case-insensitive)."""
    wanted = name.strip().casefold()
    for entity in guide.data.entities:
        if wanted in (entity.id.casefold(), entity.name.casefold(), entity.source_object.casefold(), entity.target_object.casefold()):
            return entity
    ids = [e.id for e in guide.data.entities]
    close = difflib.get_close_matches(name, ids, n=1)
    raise UserError.single(Location("command line", path="--entity"), f"no entity '{name}' in this guide",
                           expected="one of: " + ", ".join(ids), given=name,
                           hint=f"did you mean '{close[0]}'?" if close else None)


def match_columns(entity: model.Entity, columns: list[str], overrides: dict[str, str], where: str) -> dict[str, str]:
    """Field key -> column: the --columns map first, then the column named like the source
    field (exactly, ignoring case, ignoring punctuation, or its last dotted part)."""
    fields = checked_fields(entity)
    matched: dict[str, str] = {}
    by_name = {f.key: f for f in fields} | {f.source: f for f in fields}
    for name, column in overrides.items():
        f = by_name.get(name)
        if f is None:
            continue  # an override for another entity
        if column not in columns:
            close = difflib.get_close_matches(column, columns, n=1)
            raise UserError.single(Location(where), f"--columns names column '{column}' for {name}, but the file has no such column",
                                   expected="one of: " + ", ".join(columns), given=column,
                                   hint=f"did you mean '{close[0]}'?" if close else None)
        matched[f.key] = column
    exact = {c: c for c in columns}
    folded = {c.casefold(): c for c in columns}
    normed = {normalized_name(c): c for c in columns}
    for f in fields:
        if f.key in matched:
            continue
        source = f.source.strip()
        last = source.rsplit(".", 1)[-1]
        found = exact.get(source) or folded.get(source.casefold()) or normed.get(normalized_name(source)) or normed.get(normalized_name(last))
        if found is not None:
            matched[f.key] = found
    return matched


def check_overrides(guide_entities: list[model.Entity], overrides: dict[str, str]) -> None:
    """Every --columns key names a field of a checked entity."""
    known = {name for e in guide_entities for f in checked_fields(e) for name in (f.key, f.source)}
    for name in overrides:
        if name not in known:
            close = difflib.get_close_matches(name, sorted(known), n=1)
            raise UserError.single(Location("command line", path="--columns"), f"no source field '{name}' in the chosen entities",
                                   expected="FIELD=COLUMN with a source field of the entity", given=name,
                                   hint=f"did you mean '{close[0]}'?" if close else None)


def _files_for(entity: model.Entity, paths: list[Path], several: bool) -> list[Path]:
    if not several:
        return paths
    names = {normalized_name(n) for n in (entity.id, entity.name, entity.source_object)}
    names |= {n + "s" for n in names}
    return [p for p in paths if p.suffix.lower() in XLSX_SUFFIXES or normalized_name(p.stem) in names]


def check_files(guide: model.Guide, entity_names: list[str], paths: list[Path], *, columns: dict[str, str] | None = None,
                encoding: str = "utf-8", delimiter: str | None = None, sheet: str | None = None) -> list[EntityReport]:
    """Check the sample files against the entities' rules; one report per entity.

    With one entity every file is its sample. With several, a workbook gives each entity the
    sheet named after it and any other file goes to the entity its name matches."""
    entities = list({e.id: e for e in (find_entity(guide, n) for n in entity_names)}.values())
    overrides = columns or {}
    check_overrides(entities, overrides)
    several = len(entities) > 1
    if several:
        for path in paths:
            if path.suffix.lower() not in XLSX_SUFFIXES and not any(path in _files_for(e, [path], True) for e in entities):
                raise UserError.single(Location(str(path)), "cannot tell which entity this file holds",
                                       expected="a file named after one entity: " + ", ".join(e.id for e in entities),
                                       given=path.name, hint="or check one entity at a time")
    reports = []
    for entity in entities:
        checker = EntityChecker(entity, guide.data.enums, {})
        for path in _files_for(entity, paths, several):
            source = open_source(path, encoding=encoding, delimiter=delimiter, sheet=sheet,
                                 sheet_names=[entity.id, entity.name, entity.source_object])
            checker.use_columns(match_columns(entity, source.columns, overrides, source.label))
            checker.add_source(source)
        reports.append(checker.finish())
    return reports
