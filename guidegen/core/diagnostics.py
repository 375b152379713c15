"""Turn pydantic validation errors into located, readable problems.

pydantic tells us the key path of each error; the loaded YAML (LocDict/LocList) tells us the
file, line and column of that path. Unknown keys get a "did you mean" suggestion from the
fields the model at that path accepts.
"""

from __future__ import annotations

import difflib
import typing
from typing import Any

from pydantic import BaseModel, ValidationError

from guidegen.core.errors import Location, Problem
from guidegen.core.yamlsource import format_path, locate


def problems_from_validation(
    exc: ValidationError, raw: Any, model: type[BaseModel], file: str
) -> list[Problem]:
    problems = []
    for error in exc.errors(include_url=False):
        path = tuple(error["loc"])
        loc = locate(raw, path) or Location(file, path=format_path(path))
        problems.append(_problem(error, path, loc, model))
    return problems


def _problem(error: dict[str, Any], path: tuple[Any, ...], loc: Location, model: type[BaseModel]) -> Problem:
    kind = error["type"]
    given = error.get("input")
    where = loc
    if kind == "extra_forbidden":
        key = path[-1]
        allowed = fields_at(model, path[:-1])
        close = difflib.get_close_matches(str(key), allowed, n=1, cutoff=0.6)
        return Problem(
            where,
            f"unknown key '{key}'" + (f" — did you mean '{close[0]}'?" if close else ""),
            expected="one of: " + ", ".join(allowed) if allowed else None,
            given=str(key),
        )
    if kind == "missing":
        return Problem(where, f"missing required key '{path[-1]}'", expected=_describe_field(model, path))
    if kind == "literal_error":
        return Problem(where, "value not allowed", expected="one of " + error["ctx"]["expected"], given=_show(given))
    if kind == "value_error":
        message = str(error["ctx"]["error"])
        return Problem(where, "invalid value", expected=message, given=_show(given))
    if kind == "string_pattern_mismatch":
        return Problem(
            where,
            "invalid identifier",
            expected="an id: a letter, then letters, digits, '_', '-' or '.'",
            given=_show(given),
        )
    if kind in _KINDS:
        field = _describe_field(model, path)
        return Problem(where, f"wrong kind of value: {_KINDS[kind]} expected", expected=f"{_KINDS[kind]}"
                       + (f" — {field}" if field else ""), given=_show(given))
    return Problem(where, _plain(error["msg"]), expected=_describe_field(model, path), given=_show(given))


_KINDS = {
    "model_type": "a mapping (key: value pairs)",
    "model_attributes_type": "a mapping (key: value pairs)",
    "dict_type": "a mapping (key: value pairs)",
    "list_type": "a list",
    "tuple_type": "a list",
    "string_type": "a text",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "date_type": "a date (YYYY-MM-DD)",
    "date_parsing": "a date (YYYY-MM-DD)",
    "date_from_datetime_parsing": "a date (YYYY-MM-DD)",
}


def _plain(msg: str) -> str:
    return msg[0].lower() + msg[1:] if msg else msg


def _show(value: Any) -> str:
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, dict):
        return "a mapping with keys " + ", ".join(map(str, value)) if value else "an empty mapping"
    if isinstance(value, list):
        return f"a list of {len(value)} item(s)"
    if value is None:
        return "nothing (null)"
    return f"{value!r} ({type(value).__name__})"


def _unwrap(annotation: Any) -> type[BaseModel] | None:
    """The pydantic model inside list[...], X | None, Annotated[...] — if there is one."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    for arg in typing.get_args(annotation):
        found = _unwrap(arg)
        if found is not None:
            return found
    return None


def model_at(model: type[BaseModel], path: tuple[Any, ...]) -> type[BaseModel] | None:
    current: type[BaseModel] | None = model
    for part in path:
        if current is None:
            return None
        if isinstance(part, int):
            continue
        info = current.model_fields.get(str(part))
        if info is None:
            return None
        current = _unwrap(info.annotation)
    return current


def fields_at(model: type[BaseModel], path: tuple[Any, ...]) -> list[str]:
    found = model_at(model, path)
    return list(found.model_fields) if found else []


def _describe_field(model: type[BaseModel], path: tuple[Any, ...]) -> str | None:
    parent = model_at(model, path[:-1])
    if parent is None or not path:
        return None
    info = parent.model_fields.get(str(path[-1]))
    return info.description if info else None
