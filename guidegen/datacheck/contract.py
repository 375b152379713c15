"""The mapping as a contract: per entity a JSON Schema (2020-12) of the payload the target
receives, with the checks as constraints and code sets as enums, and example records —
valid ones, and for every constraint one record that breaks it — for the client's tests.

Formats are enforced with patterns and enums, not only with ``format`` (which validators
treat as an annotation by default). Patterns use the common subset of Python and
ECMAScript regular-expression syntax.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

from guidegen.datacheck.engine import with_checks
from guidegen.guide import model
from guidegen.datacheck.values import FORMAT_CHECKS, TYPE_CHECKS, compile_checks, countries, currencies, timezones

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"

FORMAT_PATTERNS = {
    "email": r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
    "phone_e164": r"^\+[1-9][0-9]{1,14}$",
    "url": r"^https?://[^\s/?#]+[^\s]*$",
    "language": r"^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$",
    "timestamp": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?(Z|[+-][0-9]{2}:[0-9]{2})$",
}
TYPE_PATTERNS = {
    "date": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
    "datetime": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?(Z|[+-][0-9]{2}:[0-9]{2})?$",
}
_JSON_FORMATS = {"email": "email", "url": "uri", "timestamp": "date-time"}
_CODE_LISTS = {"country": countries, "currency": currencies, "timezone": timezones}
_FIELD_JSON_TYPES = {"integer": "integer", "decimal": "number", "number": "number", "boolean": "boolean",
                     "array": "array", "string_array": "array", "object": "object"}
_CHECK_JSON_TYPES = {"string": "string", "integer": "integer", "decimal": "number", "boolean": "boolean",
                     "date": "string", "datetime": "string"}
_SAMPLES = {
    "email": "li.lei@example.com", "phone_e164": "+8613800138000", "url": "https://example.com/",
    "country": "CN", "currency": "CNY", "language": "fr-CA", "timezone": "Asia/Shanghai",
    "timestamp": "2025-01-15T08:15:30Z", "date": "2025-01-15", "datetime": "2025-01-15T08:15:30Z",
}
_BAD = {
    "email": "not-an-email", "phone_e164": "0086 138 0013 8000", "url": "example.com/no-scheme",
    "country": "ZZ", "currency": "ZZZ", "language": "en_US", "timezone": "Mars/Olympus_Mons",
    "timestamp": "2025-01-15 08:15:30", "date": "15/01/2025", "datetime": "15/01/2025 08:15",
}


def contract_fields(entity: model.Entity) -> list[model.FieldMapping]:
    """Fields the target receives: not retired, with a target name, each target once."""
    seen: set[str] = set()
    fields = []
    for f in entity.fields:
        target = f.target.strip()
        if f.status in ("not_required", "deprecated") or target.lower() in ("", "n/a", "-") or target in seen:
            continue
        seen.add(target)
        fields.append(with_checks(f))
    return fields


def _codes(f: model.FieldMapping, code_sets: dict[str, model.CodeSet]) -> list[str] | None:
    """The codes the target may receive: the checked code set, else the mapped one (with its fallback)."""
    if f.checks.code_set and f.checks.code_set in code_sets:
        return list(dict.fromkeys(v.target for v in code_sets[f.checks.code_set].values))
    for step in reversed(f.transform):
        if step.map is not None and step.map.code_set in code_sets:
            codes = [v.target for v in code_sets[step.map.code_set].values]
            if step.map.fallback is not None:
                codes.append(step.map.fallback)
            return list(dict.fromkeys(codes))
    return None


def _json_type(f: model.FieldMapping) -> str:
    if f.checks.type:
        return _CHECK_JSON_TYPES[f.checks.type]
    if f.checks.min_value is not None or f.checks.max_value is not None or any(s.scale for s in f.transform):
        return _FIELD_JSON_TYPES.get(f.type, "number") if f.type in ("integer", "decimal", "number") else "number"
    return _FIELD_JSON_TYPES.get(f.type, "string")


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def property_schema(f: model.FieldMapping, code_sets: dict[str, model.CodeSet]) -> dict[str, Any]:
    """The JSON Schema of one target field (without nullability)."""
    c = f.checks
    kind = _json_type(f)
    schema: dict[str, Any] = {"type": kind}
    description = " ".join(x for x in (f.description, f.validation) if x)
    if description:
        schema["description"] = description
    patterns = []
    if kind == "string":
        if c.type in TYPE_PATTERNS:
            patterns.append(TYPE_PATTERNS[c.type])
            schema["format"] = "date" if c.type == "date" else "date-time"
        if c.format in FORMAT_PATTERNS:
            patterns.append(FORMAT_PATTERNS[c.format])
        if c.format in _JSON_FORMATS:
            schema["format"] = _JSON_FORMATS[c.format]
        if c.pattern:
            patterns.append(c.pattern if c.pattern.startswith("^") else f"^(?:{c.pattern})$")
        if any(s.to_utc for s in f.transform) and not c.format:
            patterns.append(FORMAT_PATTERNS["timestamp"])
        if any(s.phone_e164 for s in f.transform) and c.format != "phone_e164":
            patterns.append(FORMAT_PATTERNS["phone_e164"])
        if c.min_length is not None:
            schema["minLength"] = c.min_length
        limits = [x for x in [c.max_length] + [s.truncate for s in f.transform] if x is not None]
        if limits:
            schema["maxLength"] = min(limits)
    if len(patterns) == 1:
        schema["pattern"] = patterns[0]
    elif patterns:
        schema["allOf"] = [{"pattern": p} for p in patterns]
    if kind in ("integer", "number"):
        scale = next((s.scale for s in reversed(f.transform) if s.scale), None)
        low = c.min_value if c.min_value is not None else (min(scale.target) if scale else None)
        high = c.max_value if c.max_value is not None else (max(scale.target) if scale else None)
        if low is not None:
            schema["minimum"] = _number(low)
        if high is not None:
            schema["maximum"] = _number(high)
    if kind == "array" and f.type == "string_array":
        schema["items"] = {"type": "string"}
    codes = _codes(f, code_sets)
    if c.format in _CODE_LISTS and codes is None:
        codes = sorted(_CODE_LISTS[c.format]())
    if codes is not None and kind == "string":
        schema["enum"] = codes
    if c.unique:
        schema["x-unique"] = True
        schema["description"] = (schema.get("description", "") + " Unique across records.").strip()
    return schema


def entity_schema(guide: model.Guide, entity: model.Entity) -> dict[str, Any]:
    code_sets = {cs.id: cs for cs in guide.data.enums}
    properties: dict[str, Any] = {}
    required = []
    for f in contract_fields(entity):
        prop = property_schema(f, code_sets)
        if f.checks.required:
            required.append(f.target)
            properties[f.target] = prop
        else:
            properties[f.target] = {"anyOf": [prop, {"type": "null"}]}
    m = guide.meta
    return {
        "$schema": SCHEMA_DIALECT,
        "$id": f"urn:guidegen:{m.blueprint}:{entity.id}",
        "title": f"{entity.target_object} ({entity.name})",
        "description": f"{m.integration}: the {entity.target_object} payload the {entity.id} mapping produces.",
        "type": "object",
        "properties": properties,
        "required": required,
    }


# --------------------------------------------------------------------------- examples
def _fits(f: model.FieldMapping, text: str, code_sets: dict[str, model.CodeSet]) -> bool:
    checks = compile_checks(f.checks, {k: [v.target for v in cs.values] for k, cs in code_sets.items()})
    if not all(check(text) for _, check in checks):
        return False
    codes = _codes(f, code_sets)
    if codes is not None and text not in codes:
        return False
    limit = min([x for x in [f.checks.max_length] + [s.truncate for s in f.transform] if x is not None], default=None)
    if limit is not None and len(text) > limit:
        return False
    for step in f.transform:
        if step.to_utc and not FORMAT_CHECKS["timestamp"](text):
            return False
        if step.phone_e164 and not FORMAT_CHECKS["phone_e164"](text):
            return False
    return True


def _typed(kind: str, text: str) -> Any:
    if kind == "integer":
        return int(Decimal(text))
    if kind == "number":
        return _number(Decimal(text))
    if kind == "boolean":
        return text.lower() in ("true", "1")
    if kind == "array":
        return [text]
    if kind == "object":
        return {"value": text}
    return text


def valid_value(f: model.FieldMapping, code_sets: dict[str, model.CodeSet]) -> Any | None:
    """A value the field accepts: its example if it passes, else a sample of its format, type
    or code set, else None (a pattern no sample fits)."""
    kind = _json_type(f)
    c = f.checks
    candidates: list[str] = []
    if f.example:
        candidates.append(f.example.strip())
    codes = _codes(f, code_sets)
    if codes:
        candidates += codes[:3]
    if c.format in _SAMPLES:
        candidates.append(_SAMPLES[c.format])
    if any(s.to_utc for s in f.transform):
        candidates.append(_SAMPLES["timestamp"])
    if c.type in _SAMPLES:
        candidates.append(_SAMPLES[c.type])
    if kind in ("integer", "number"):
        scale = next((s.scale for s in reversed(f.transform) if s.scale), None)
        low = c.min_value if c.min_value is not None else (min(scale.target) if scale else Decimal(1))
        candidates.append(str(_number(low)))
    if kind == "boolean":
        candidates.append("true")
    length = max(c.min_length or 0, 1)
    candidates += ["sample", "x" * length, "1" * length]
    for text in candidates:
        if kind in ("integer", "number") and not TYPE_CHECKS["decimal"](text):
            continue
        if kind == "integer" and Decimal(text) != Decimal(text).to_integral_value():
            continue
        if _fits(f, text, code_sets):
            return _typed(kind, text)
    return None


def _invalid_values(f: model.FieldMapping, schema: dict[str, Any]) -> list[tuple[str, Any]]:
    """(rule, value) pairs, each breaking one constraint of the field's schema."""
    c = f.checks
    out: list[tuple[str, Any]] = []
    kind = schema["type"]
    out.append(("type", 12345 if kind == "string" else "not-a-" + kind))
    if "enum" in schema:
        out.append(("code_set" if c.code_set or any(s.map for s in f.transform) else c.format or "enum", "__not_a_code__"))
    if c.format in _BAD and "enum" not in schema:
        out.append((c.format, _BAD[c.format]))
    if c.type in ("date", "datetime"):
        out.append((c.type, _BAD[c.type]))
    if c.pattern:
        regex = re.compile(schema.get("pattern") or c.pattern)
        for text in ("", "!", "not matching", "0", "A" * 65):
            if not regex.search(text):
                out.append(("pattern", text))
                break
    if "minLength" in schema and schema["minLength"] > 0:
        out.append(("min_length", "x" * (schema["minLength"] - 1)))
    if "maxLength" in schema:
        out.append(("max_length", "x" * (schema["maxLength"] + 1)))
    if "minimum" in schema:
        out.append(("min_value", schema["minimum"] - 1))
    if "maximum" in schema:
        out.append(("max_value", schema["maximum"] + 1))
    return out


def examples(guide: model.Guide, entity: model.Entity) -> dict[str, Any]:
    """Valid records (every field; required fields only) and invalid ones, each labelled
    with the field and the rule it breaks."""
    code_sets = {cs.id: cs for cs in guide.data.enums}
    full: dict[str, Any] = {}
    minimal: dict[str, Any] = {}
    skipped = []
    fields = contract_fields(entity)
    for f in fields:
        value = valid_value(f, code_sets)
        if value is None:
            skipped.append(f.target)
            if f.checks.required:
                continue
            value = None
        full[f.target] = value
        if f.checks.required:
            minimal[f.target] = value
    valid = [full] + ([minimal] if minimal != full else [])
    invalid = []
    for f in fields:
        if f.target in skipped and f.checks.required:
            continue
        if f.checks.required:
            record = dict(full)
            del record[f.target]
            invalid.append({"field": f.target, "rule": "required", "record": record})
        for rule, value in _invalid_values(f, property_schema(f, code_sets)):
            record = dict(full)
            record[f.target] = value
            invalid.append({"field": f.target, "rule": rule, "record": record})
    result: dict[str, Any] = {"entity": entity.id, "valid": valid, "invalid": invalid}
    if skipped:
        result["no_valid_value"] = skipped
    return result


def contract_files(guide: model.Guide, entities: list[model.Entity]) -> list[tuple[str, bytes]]:
    """(file name, bytes) of the schema and the examples of each entity."""
    files = []
    for entity in entities:
        stem = f"{guide.meta.blueprint}-{entity.id}"
        for suffix, data in ((".schema.json", entity_schema(guide, entity)), (".examples.json", examples(guide, entity))):
            files.append((stem + suffix, (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")))
    return files
