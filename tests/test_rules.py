"""Structured checks and transforms: each one accepts what it should and refuses the rest,
authoring mistakes are reported with file:line, and prose is generated where none is given."""

from __future__ import annotations

from decimal import Decimal

import pytest
from conftest import ROOT, run_cli
from pydantic import TypeAdapter, ValidationError

from guidegen.core import i18n
from guidegen.content.rules import Checks, Transform, describe_checks, describe_transform
from guidegen.datacheck.values import StepFailed, compile_checks, compile_transform

CODE_TARGETS = {"status": ["active", "inactive"]}
CODE_PAIRS = {"status": [("Active", "active"), ("Inactive", "inactive")]}


def passes(checks: dict, value: str) -> bool:
    compiled = compile_checks(Checks(**checks), CODE_TARGETS)
    assert compiled, "the check compiled to nothing"
    return all(check(value) for _, check in compiled)


CHECK_CASES = [
    # (checks, valid values, invalid values)
    ({"type": "string"}, ["anything", "123"], []),
    ({"type": "integer"}, ["0", "-12", "+7", "007"], ["1.5", "1e3", "one", " 1"]),
    ({"type": "decimal"}, ["0", "12.50", "-0.5", ".5"], ["12,50", "1e3", "NaN", "1.2.3"]),
    ({"type": "boolean"}, ["true", "FALSE", "1", "0"], ["yes", "t", "2"]),
    ({"type": "date"}, ["2025-01-15", "2024-02-29"], ["2025-02-29", "15/01/2025", "2025-1-5", "2025-01-15T00:00:00"]),
    ({"type": "datetime"}, ["2025-01-15T08:15:30", "2025-01-15 08:15", "2025-01-15T08:15:30.123+08:00", "2025-01-15T08:15:30Z"],
     ["2025-01-15", "2025-01-15T25:00:00", "15/01/2025 08:15"]),
    ({"format": "email"}, ["li.lei@example.com", "a+b@sub.example.cn", "张伟@例子.中国"], ["li.lei@", "a@@b.com", "a b@c.com", "plain"]),
    ({"format": "phone_e164"}, ["+8613800138000", "+14155550123", "+442071838750"],
     ["13800138000", "+86 138 0013 8000", "+0123456", "+861380013800099999"]),
    ({"format": "url"}, ["https://example.com", "http://example.com/a?b=c"], ["example.com", "ftp://example.com", "https://", "https://a b.com"]),
    ({"format": "country"}, ["CN", "DE", "US"], ["cn", "XX", "CHN", "UK"]),
    ({"format": "currency"}, ["CNY", "EUR", "USD"], ["RMB", "eur", "EURO", "XX"]),
    ({"format": "language"}, ["zh-CN", "en", "zh-Hans-CN", "de-DE"], ["en_US", "xx-YY", "q", "english"]),
    ({"format": "timezone"}, ["Asia/Shanghai", "Europe/Berlin", "UTC"], ["Asia/Beijing", "GMT+8", "asia/shanghai", "CST"]),
    ({"format": "timestamp"}, ["2025-01-15T08:15:30Z", "2025-01-15T08:15:30+08:00", "2025-01-15T08:15:30.5-05:00"],
     ["2025-01-15T08:15:30", "2025-01-15", "1736928930"]),
    ({"pattern": "C-[0-9]{4}"}, ["C-0001"], ["C-1", "xC-0001", "C-00012"]),
    ({"min_length": 2}, ["ab", "abc"], ["a"]),
    ({"max_length": 3}, ["", "abc"], ["abcd"]),
    ({"min_value": 0}, ["0", "10.5"], ["-0.01", "abc"]),
    ({"max_value": 100}, ["100", "-5"], ["100.5", "abc"]),
    ({"code_set": "status"}, ["active", "inactive"], ["Active", "deleted"]),
]


@pytest.mark.parametrize(("checks", "valid", "invalid"), CHECK_CASES, ids=[str(c[0]) for c in CHECK_CASES])
def test_each_check_accepts_valid_values_and_refuses_invalid_ones(checks, valid, invalid):
    for value in valid:
        assert passes(checks, value), f"{value!r} should pass {checks}"
    for value in invalid:
        assert not passes(checks, value), f"{value!r} should fail {checks}"


def run_steps(steps: list, value: str) -> str:
    for _, step in compile_transform(TypeAdapter(Transform).validate_python(steps), CODE_PAIRS):
        value = step(value)
    return value


TRANSFORM_CASES = [
    # (steps, [(input, output)], inputs that fail)
    (["trim"], [("  a b  ", "a b"), ("", "")], []),
    (["lower"], [("Li.Lei@Example.COM", "li.lei@example.com")], []),
    (["upper"], [("cn", "CN")], []),
    ([{"phone_e164": {"default_region": "CN"}}], [("138 0013 8000", "+8613800138000"), ("+1 (415) 555-0123", "+14155550123"), ("", "")],
     ["12345", "not a phone"]),
    (["phone_e164"], [("+86 138-0013-8000", "+8613800138000")], ["13800138000"]),
    ([{"to_utc": {"assume": "Asia/Shanghai"}}], [("2025-01-15 08:15:30", "2025-01-15T00:15:30Z"),
                                                 ("2025-01-15T08:15:30-05:00", "2025-01-15T13:15:30Z"),
                                                 ("2025-07-01T12:00:00.250+02:00", "2025-07-01T10:00:00.250Z")], ["15/01/2025", "tomorrow"]),
    (["to_utc"], [("2025-01-15T08:15:30Z", "2025-01-15T08:15:30Z")], ["2025-01-15 08:15:30"]),
    ([{"map": {"code_set": "status"}}], [("Active", "active"), ("inactive", "inactive"), ("", "")], ["Deleted"]),
    ([{"map": {"code_set": "status", "fallback": "inactive"}}], [("Active", "active"), ("Deleted", "inactive")], []),
    ([{"truncate": 3}], [("abcdef", "abc"), ("ab", "ab")], []),
    ([{"default": "web"}], [("", "web"), ("store", "store")], []),
    ([{"scale": {"from": [0, 5], "to": [0, 100]}}], [("0", "0"), ("3", "60"), ("2.5", "50"), ("5", "100")], ["6", "-1", "three"]),
    ([{"scale": {"from": [1, 5], "to": [0, 1], "decimals": 2}}], [("2", "0.25"), ("4", "0.75")], []),
    (["trim", "lower", {"map": {"code_set": "status"}}], [("  ACTIVE ", "active")], []),
]


@pytest.mark.parametrize(("steps", "pairs", "failing"), TRANSFORM_CASES, ids=[str(c[0]) for c in TRANSFORM_CASES])
def test_each_transform_gives_the_expected_value_or_fails(steps, pairs, failing):
    for given, expected in pairs:
        assert run_steps(steps, given) == expected
    for given in failing:
        with pytest.raises(StepFailed):
            run_steps(steps, given)


@pytest.mark.parametrize(("data", "message"), [
    ({"pattern": "("}, "not a valid regular expression"),
    ({"min_length": 5, "max_length": 2}, "greater than max_length"),
    ({"min_value": 10, "max_value": 1}, "greater than max_value"),
    ({"format": "phone"}, "Input should be"),
    ({"code_set": "1bad"}, "should match pattern"),
    ({"unknown": True}, "Extra inputs"),
])
def test_invalid_checks_are_refused(data, message):
    with pytest.raises(ValidationError) as info:
        Checks(**data)
    assert message in str(info.value)


@pytest.mark.parametrize(("steps", "message"), [
    ([{"trim": True, "lower": True}], "exactly one of"),
    (["shout"], "exactly one of"),
    ([{"truncate": 0}], "greater than or equal to 1"),
    ([{"scale": {"from": [1, 1], "to": [0, 100]}}], "two different numbers"),
    ([{"phone_e164": {"default_region": "china"}}], "should match pattern"),
])
def test_invalid_transform_steps_are_refused(steps, message):
    with pytest.raises(ValidationError) as info:
        TypeAdapter(Transform).validate_python(steps)
    assert message in str(info.value)


def test_prose_is_generated_from_the_rules_in_both_languages():
    steps = TypeAdapter(Transform).validate_python(["trim", "lower", {"map": {"code_set": "status", "fallback": "other"}}])
    en, zh = i18n.locale("en").t, i18n.locale("zh").t
    assert describe_transform(steps, en) == "trim, then lower-case, then map through code set `status`, otherwise `other`"
    assert describe_transform(steps, zh) == "去前后空白，然后转小写，然后按代码集 `status` 映射，未列出的值为 `other`"
    checks = Checks(format="email", max_length=254, min_value=Decimal("0.50"), unique=True)
    assert describe_checks(checks, en) == "valid e-mail address; at most 254 characters; ≥ 0.5; unique"
    assert describe_checks(checks, zh) == "有效的电子邮件地址；最多 254 个字符；≥ 0.5；唯一"


def test_guide_shows_generated_prose_where_the_blueprint_gives_none_and_keeps_written_prose():
    from conftest import guide_for

    guide = guide_for("email-marketing", "en")
    contact = next(e for e in guide.data.entities if e.id == "contact")
    fields = {f.key: f for f in contact.fields}
    assert fields["email"].rule == "Lower-case and trim"  # written prose wins
    assert fields["email"].transform[1].name == "lower" and fields["email"].checks.format == "email"
    assert fields["email"].checks.required is True  # merged from the mapping's 'required'
    assert fields["country_code"].validation == "ISO 3166-1 alpha-2 country code"  # generated


def test_blueprint_with_bad_rules_is_refused_with_file_and_line(tmp_path):
    source = (ROOT / "tests" / "data" / "rules_sample.yaml").read_text(encoding="utf-8")
    bad = source.replace("checks: {code_set: status}", "checks: {code_set: statuz}").replace(
        "{truncate: 10}", "{truncate: 10, upper: true}").replace(
        "type: string, required: true, transform: [{default: web}]", "type: string, required: true, checks: {required: false}")
    path = tmp_path / "bad.yaml"
    path.write_text(bad, encoding="utf-8")
    code, _, err = run_cli("validate", path)
    assert code == 2
    line = next(i for i, text in enumerate(bad.splitlines(), 1) if "upper: true" in text)
    assert f"{path}:{line}:" in err and "exactly one of" in err
    # reference errors need a schema-valid file: fix the step, keep the rest
    path.write_text(bad.replace("{truncate: 10, upper: true}", "{truncate: 10}"), encoding="utf-8")
    code, _, err = run_cli("validate", path)
    assert code == 2
    assert "unknown code set 'statuz'" in err and "checks.code_set" in err
    assert "checks.required contradicts" in err
    line = next(i for i, text in enumerate(bad.splitlines(), 1) if "statuz" in text)
    assert f"{path}:{line}:" in err


def test_checks_and_transforms_never_crash_on_arbitrary_text():
    """Any cell a client sends gives pass/fail or a transform failure, never an exception."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from guidegen.datacheck.values import FORMAT_CHECKS, TYPE_CHECKS

    checks = list(FORMAT_CHECKS.values()) + list(TYPE_CHECKS.values()) + [
        check for _, check in compile_checks(Checks(pattern="[A-Z]+", min_value=0, max_value=9, code_set="status"), CODE_TARGETS)]
    steps = [step for _, step in compile_transform(TypeAdapter(Transform).validate_python(
        [{"phone_e164": {"default_region": "CN"}}, {"to_utc": {"assume": "Asia/Shanghai"}}, {"map": {"code_set": "status"}},
         {"scale": {"from": [0, 5], "to": [0, 100]}}]), CODE_PAIRS)]

    @settings(max_examples=300, deadline=None)
    @given(st.text(max_size=40) | st.from_regex(r"[+0-9 ()\-:TZ.]{0,30}", fullmatch=True))
    def run(text: str) -> None:
        for check in checks:
            assert check(text) in (True, False)
        for step in steps:
            try:
                assert isinstance(step(text), str)
            except StepFailed:
                pass

    run()
