"""docs/authoring.md works as written: its commands run, its YAML examples are valid."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from conftest import ROOT, run_cli
from readback import plain
from guidegen.resolve.checks import check_blueprint
from guidegen.blueprint.loader import load_blueprint, merge
from guidegen.core.yamlsource import load_yaml_text

GUIDE = (ROOT / "docs" / "authoring.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"```(\w+)\n(.*?)```", GUIDE, re.DOTALL)


def test_a_new_user_follows_the_guide_from_scaffold_to_rendered_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    commands = [shlex.split(line) for lang, body in BLOCKS if lang == "sh" for line in body.splitlines()
                if line.startswith("guidegen ")]
    assert len(commands) >= 5
    pack_example = next(body for lang, body in BLOCKS if lang == "yaml" and body.startswith("pack:"))
    for command in commands:
        code, out, err = run_cli(*command[1:])
        assert code == 0, (command, err)
        if command[1] == "new-pack":  # the reader now writes the product's names and facts into it
            Path(out.strip()).write_text(pack_example, encoding="utf-8")
    produced = {p.name for p in (tmp_path / "out").iterdir()}
    assert {"e-signature-medium-en.md", "e-signature-medium-zh.docx", "e-signature-medium-en.xlsx"} <= produced


def test_every_yaml_example_in_the_guide_is_a_valid_blueprint_part(tmp_path: Path) -> None:
    code, _, err = run_cli("new-blueprint", "e-signature", "--dir", tmp_path)
    assert code == 0, err
    scaffold = tmp_path / "e-signature.yaml"
    examples = [body for lang, body in BLOCKS if lang == "yaml" and not body.startswith("pack:")]
    assert len(examples) >= 4
    for number, example in enumerate(examples, 1):
        base = load_yaml_text(scaffold.read_text(encoding="utf-8"), str(scaffold))
        merged = merge(base, load_yaml_text(example, f"example {number}"))
        import yaml

        candidate = tmp_path / f"example-{number}.yaml"
        candidate.write_text(yaml.safe_dump(plain(merged), allow_unicode=True, sort_keys=False), encoding="utf-8")
        loaded = load_blueprint(candidate)
        errors = [p.format() for p in check_blueprint(loaded) if p.severity == "error"]
        assert not errors, (number, errors)



def test_the_guides_pack_example_is_a_pack_that_validates_strictly_with_the_scaffold(tmp_path: Path) -> None:
    code, _, err = run_cli("new-blueprint", "e-signature", "--dir", tmp_path)
    assert code == 0, err
    [example] = [body for lang, body in BLOCKS if lang == "yaml" and body.startswith("pack:")]
    pack = tmp_path / "packs" / "e-signature" / "acme-sign.yaml"
    pack.parent.mkdir(parents=True)
    pack.write_text(example, encoding="utf-8")
    code, _, err = run_cli("validate", "--strict", pack, "--blueprints", tmp_path)
    assert code == 0, err
    code, out, err = run_cli("render", "e-signature", "--software", "Acme Sign Cloud", "--blueprints", tmp_path,
                             "--lang", "en", "--format", "md", "--out", tmp_path / "out")
    assert code == 0, err
    text = (tmp_path / "out" / "e-signature-medium-en.md").read_text(encoding="utf-8")
    assert "signer_email" in text and "LIM-AS-API" in text and "Sent envelopes are read-only" in text
