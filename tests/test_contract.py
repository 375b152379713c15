"""export-contract: the JSON Schemas are valid 2020-12 schemas that an independent validator
(jsonschema) uses to accept every generated valid record and reject every invalid one."""

from __future__ import annotations

import json

import pytest
from conftest import ROOT, available_builtins, guide_for, run_cli
from jsonschema import Draft202012Validator

from guidegen.blueprint.loader import load_blueprint
from guidegen.datacheck.contract import entity_schema, examples
from guidegen.resolve.engagement import Engagement
from guidegen.resolve.resolver import resolve_guide

SAMPLE = ROOT / "tests" / "data" / "rules_sample.yaml"


def sample_guide():
    return resolve_guide(load_blueprint(SAMPLE), Engagement(blueprint=str(SAMPLE), lang="en")).guide


def guides():
    yield "rules-sample", sample_guide()
    for name in available_builtins():
        yield name, guide_for(name, "en", "high")


@pytest.mark.parametrize(("name", "guide"), list(guides()), ids=lambda x: x if isinstance(x, str) else "")
def test_schemas_accept_the_valid_examples_and_reject_every_invalid_one(name, guide):
    for entity in guide.data.entities:
        schema = entity_schema(guide, entity)
        Draft202012Validator.check_schema(schema)
        validator = Draft202012Validator(schema)
        records = examples(guide, entity)
        assert records["valid"], entity.id
        for record in records["valid"]:
            errors = [e.message for e in validator.iter_errors(record)]
            assert not errors, (name, entity.id, errors)
        for case in records["invalid"]:
            assert not validator.is_valid(case["record"]), (name, entity.id, case["field"], case["rule"])


def test_every_constraint_of_the_sample_has_an_invalid_example():
    guide = sample_guide()
    [entity] = guide.data.entities
    cases = {(c["field"], c["rule"]) for c in examples(guide, entity)["invalid"]}
    for expected in [("external_id", "required"), ("external_id", "pattern"), ("email", "email"), ("phone", "phone_e164"),
                     ("country_code", "country"), ("currency", "currency"), ("locale", "language"),
                     ("time_zone", "timezone"), ("updated_at", "timestamp"), ("birth_date", "date"),
                     ("score", "min_value"), ("score", "max_value"), ("status", "code_set"), ("tier", "code_set"),
                     ("display_name", "min_length"), ("display_name", "max_length"), ("website", "url"),
                     ("amount", "max_value"), ("active", "type"), ("nickname", "max_length")]:
        assert expected in cases


def test_schema_carries_the_rules_as_constraints():
    guide = sample_guide()
    [entity] = guide.data.entities
    schema = entity_schema(guide, entity)
    props = schema["properties"]
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert set(schema["required"]) == {"external_id", "email", "updated_at", "channel"}
    assert props["status"]["anyOf"][0]["enum"] == ["active", "inactive", "prospect"]
    assert props["tier"]["anyOf"][0]["enum"] == ["gold", "silver", "basic"]
    score = props["score"]["anyOf"][0]
    assert (score["type"], score["minimum"], score["maximum"]) == ("integer", 0, 100)
    assert props["display_name"]["anyOf"][0]["maxLength"] == 10  # from truncate
    assert "CN" in props["country_code"]["anyOf"][0]["enum"] and len(props["country_code"]["anyOf"][0]["enum"]) == 249
    assert props["external_id"]["x-unique"] is True
    assert "sync_source" in props  # a target-only field is part of the payload


def test_valid_examples_also_pass_the_data_checker(tmp_path):
    """The two implementations of the rules agree: records the schema accepts pass check-data
    when written as the target's values (no transforms needed for them)."""
    guide = sample_guide()
    [entity] = guide.data.entities
    from guidegen.datacheck.values import compile_checks

    targets = {cs.id: [v.target for v in cs.values] for cs in guide.data.enums}
    record = examples(guide, entity)["valid"][0]
    for f in entity.fields:
        value = record.get(f.target)
        if value is None:
            continue
        text = json.dumps(value) if not isinstance(value, str) else value
        text = text.lower() if isinstance(value, bool) else text
        for rule, check in compile_checks(f.checks, targets):
            assert check(text), (f.target, rule, text)


def test_export_contract_writes_schema_and_examples_per_entity(tmp_path):
    code, out, err = run_cli("export-contract", "email-marketing", "--lang", "en", "--out", tmp_path)
    assert code == 0, err
    paths = out.split()
    assert f"{tmp_path}/email-marketing-contact.schema.json" in paths
    assert f"{tmp_path}/email-marketing-contact.examples.json" in paths
    schema = json.loads((tmp_path / "email-marketing-contact.schema.json").read_text(encoding="utf-8"))
    assert schema["properties"]["email"]["format"] == "email"
    code, out, _ = run_cli("export-contract", "email-marketing", "--entity", "contact", "--out", tmp_path)
    assert code == 0 and len(out.split()) == 2
    code, _, err = run_cli("export-contract", "email-marketing", "--entity", "nope", "--out", tmp_path)
    assert code == 2 and "contact" in err
