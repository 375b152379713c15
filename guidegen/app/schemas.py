"""JSON Schemas of the blueprint and project-file models, for editor completion.

The committed ``schemas/`` folder must equal what :func:`write_schemas` produces (a test
checks it), so the schemas never drift from the models.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def schema_documents() -> dict[str, dict[str, Any]]:
    """File name -> JSON Schema document."""
    from guidegen.blueprint.schema import Blueprint
    from guidegen.resolve.engagement import Engagement

    docs = {}
    for name, model, title in (
        ("blueprint.schema.json", Blueprint, "guidegen blueprint"),
        ("project.schema.json", Engagement, "guidegen project (engagement) file"),
    ):
        schema = model.model_json_schema()
        docs[name] = {"$schema": SCHEMA_DIALECT, "$id": f"https://guidegen.dev/schemas/{name}", "title": title, **schema}
    return docs


def schema_text(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def write_schemas(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, document in schema_documents().items():
        path = folder / name
        path.write_text(schema_text(document), encoding="utf-8")
        written.append(path)
    return written
