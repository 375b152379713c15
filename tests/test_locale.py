"""Labels are data, one file per language, behind one Locale object."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from guidegen.content.tables import TABLES
from guidegen.core import i18n
from guidegen.core.vocab import CODE_GROUPS, LANGS

PACKAGE = Path(__file__).resolve().parents[1] / "guidegen"


def test_languages_are_the_locale_files() -> None:
    files = sorted(p.stem for p in (PACKAGE / "core" / "locale").glob("*.yaml"))
    assert sorted(LANGS) == files
    assert LANGS[:2] == ("zh", "en")


def test_every_language_file_has_every_label() -> None:
    keys = {lang: set(i18n.locale(lang).labels) for lang in LANGS}
    union = set().union(*keys.values())
    for lang, present in keys.items():
        assert present == union, f"{lang}.yaml lacks {sorted(union - present)}"


@pytest.mark.parametrize("lang", LANGS)
def test_code_labels_match_the_vocabulary(lang: str) -> None:
    codes = i18n.locale(lang).codes
    assert set(codes) == set(CODE_GROUPS)
    for group, values in CODE_GROUPS.items():
        assert set(codes[group]) == set(values), f"{lang}.yaml codes.{group}"


@pytest.mark.parametrize("lang", LANGS)
def test_every_table_column_and_caption_has_a_label(lang: str) -> None:
    labels = i18n.locale(lang).labels
    missing = {c.workbook_label for spec in TABLES.values() for c in spec.columns} | {c.label for spec in TABLES.values() for c in spec.columns}
    missing |= {spec.caption for spec in TABLES.values()}
    assert not missing - set(labels), sorted(missing - set(labels))


def test_locale_conventions_differ_by_language() -> None:
    zh, en = i18n.locale("zh"), i18n.locale("en")
    assert (zh.colon, en.colon) == ("：", ": ")
    assert zh.parenthesis("x") == "（x）" and en.parenthesis("x") == " (x)" and en.parenthesis("") == ""
    assert zh.join(["a", "b"]) == "a、b" and en.join(["a", "b"]) == "a, b"
    assert (zh.tag, en.tag) == ("zh-CN", "en-US")
    assert zh.polish("客户,联系人") == "客户，联系人" and en.polish("a,b") == "a,b"


def test_no_module_outside_the_locale_branches_on_a_language() -> None:
    """`lang == "zh"` (or a hard-coded zh-CN / en-US) belongs to the locale files only."""
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if path.name == "i18n.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Compare) and any(
                isinstance(c, ast.Constant) and c.value in LANGS for c in [node.left, *node.comparators]
            ):
                offenders.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
            if isinstance(node, ast.Constant) and node.value in ("zh-CN", "en-US", "en-GB"):
                offenders.append(f"{path.relative_to(PACKAGE)}:{node.lineno} {node.value}")
    assert not offenders, offenders
