"""Every fact of the seed's guides reaches the rendered guide (and our own guides keep theirs).

The facts live in tests/seed_facts/<blueprint>.yaml: every mapping row (source, target, type),
every code of every code set, and the thresholds, durations, roles, phases and names the guide
must state in each language.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from conftest import ROOT, guide_for, rendered
from guidegen.core.typography import polish_zh

FACTS = sorted((ROOT / "tests" / "seed_facts").glob("*.yaml"))


def _load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("path", FACTS, ids=[p.stem for p in FACTS])
def test_every_seed_mapping_row_is_in_the_mapping_tables(path: Path) -> None:
    facts = _load(path)
    guide = guide_for(facts["blueprint"], "zh", facts.get("complexity"))
    rows = [(f.source, f.target, f.type) for e in guide.data.entities for f in e.fields]
    missing = [tuple(row) for row in facts["mappings"] if tuple(row) not in rows]
    assert not missing, missing


@pytest.mark.parametrize("path", FACTS, ids=[p.stem for p in FACTS])
def test_every_seed_enum_code_is_in_its_code_set(path: Path) -> None:
    facts = _load(path)
    guide = guide_for(facts["blueprint"], "zh", facts.get("complexity"))
    values = {(cs.id, v.source, v.target) for cs in guide.data.enums for v in cs.values}
    missing = [tuple(v) for v in facts["enum_values"] if tuple(v) not in values]
    assert not missing, missing


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("path", FACTS, ids=[p.stem for p in FACTS])
def test_every_seed_threshold_and_name_is_stated(path: Path, lang: str) -> None:
    facts = _load(path)
    text = _flat(rendered(facts["blueprint"], "md", lang, facts.get("complexity")).decode().replace("\\", ""))
    phrases = facts[f"phrases_{lang}"]
    missing = [p for p in phrases if _flat(polish_zh(p) if lang == "zh" else p) not in text]
    assert not missing, missing
