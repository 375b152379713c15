"""One declaration serves validation, schemas and documentation."""

from __future__ import annotations

import json

from conftest import ROOT
from guidegen.blueprint.schema import Blueprint
from guidegen.core.text import model_descriptions_complete
from guidegen.resolve.engagement import Engagement
from guidegen.guide.model import Guide
from guidegen.app.schemas import schema_documents, schema_text


def test_committed_schemas_equal_the_models() -> None:
    for name, document in schema_documents().items():
        committed = (ROOT / "schemas" / name).read_text(encoding="utf-8")
        assert committed == schema_text(document), f"schemas/{name} is stale: run 'guidegen schema'"


def test_every_model_field_has_a_description() -> None:
    for model in (Blueprint, Engagement, Guide):
        assert model_descriptions_complete(model) == []


def test_schemas_forbid_unknown_keys_everywhere() -> None:
    schema = json.loads((ROOT / "schemas" / "blueprint.schema.json").read_text(encoding="utf-8"))
    for name, definition in schema["$defs"].items():
        if definition.get("type") == "object" and "properties" in definition:
            assert definition.get("additionalProperties") is False, name


def test_every_builtin_blueprint_points_editors_at_the_schema() -> None:
    for path in sorted((ROOT / "blueprints" / "types").glob("*.yaml")) + sorted((ROOT / "blueprints" / "fragments").glob("*.yaml")):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema="), path.name
        target = (path.parent / first.split("$schema=")[1]).resolve()
        assert target == (ROOT / "schemas" / "blueprint.schema.json").resolve(), path.name


def test_key_reference_is_generated_from_the_declarations() -> None:
    from guidegen.app.schemas import reference_markdown

    committed = (ROOT / "docs" / "reference.md").read_text(encoding="utf-8")
    assert committed == reference_markdown(), "docs/reference.md is stale: run 'make schemas'"
    for key in ("| `kpi` |", "| `when` |", "| `source_type` |", "### FieldMapping", "one of `P1`, `P2`, `P3`"):
        assert key in committed
