"""Every built-in guide reads as written by a careful author in its language.

The glossaries in tests/glossary/ are the data: one preferred term per concept with the
variants (calques, competing terms) that must not appear, the British spellings an en-US
document must not use, the internal notes that must never reach a deliverable, and for Chinese
the table columns that hold identifiers. Every built-in blueprint is rendered to Markdown in
both languages at its default complexity, at simple, and at high in the upgrade scenario, so
content that only some variants carry is read too.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, available_builtins, rendered
from guidegen.core import i18n

GLOSSARY = ROOT / "tests" / "glossary"
VARIANTS = [(None, "new"), ("simple", "new"), ("high", "upgrade")]
CODE_SPAN = re.compile(r"`[^`\n]*`")
URL = re.compile(r"https?://\S+")
#: Tokens that are identifiers rather than words: anything with _ / : @ { } or a digit, or a dot
#: between two characters (Contact.Email), but not a sentence's final full stop.
IDENTIFIER = re.compile(r"\S*(?:[_/:@{}\d]|\.(?=\w))\S*")
#: In Chinese table cells a hyphen inside a token also marks a code (zh-CN, ISO-8601).
CODE_TOKEN = re.compile(r"\S*(?:[_/:@{}\d]|[.\-](?=\w))\S*")
WORD = r"[A-Za-z][A-Za-z'’]*"
ENGLISH_PHRASE = re.compile(rf"(?<![\w./_\-:{{#@$]){WORD}(?:[ \t]+\(?{WORD}\)?)+")


@lru_cache(maxsize=None)
def glossary(lang: str) -> dict:
    return yaml.safe_load((GLOSSARY / f"{lang}.yaml").read_text(encoding="utf-8"))


def _documents(lang: str) -> list[tuple[str, str]]:
    docs = []
    for blueprint in available_builtins():
        for complexity, scenario in VARIANTS:
            name = f"{blueprint}-{complexity or 'default'}-{scenario}-{lang}"
            docs.append((name, rendered(blueprint, "md", lang, complexity, scenario).decode("utf-8")))
    return docs


def _prose(text: str) -> str:
    """The text without code spans and URLs: what a reader reads as words."""
    return URL.sub(" ", CODE_SPAN.sub(" ", text))


#: Item ids such as SEC-BEHAVIOUR or TC-CMP-01 name an item; they are not prose.
ITEM_ID = re.compile(r"\b[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+\b")


def _words_only(text: str) -> str:
    return IDENTIFIER.sub(" ", ITEM_ID.sub(" ", _prose(text)))


def _hits(pattern: str, text: str, flags: int = re.IGNORECASE) -> list[str]:
    hits = []
    for match in re.finditer(pattern, text, flags):
        start = max(0, match.start() - 40)
        hits.append(" ".join(text[start:match.end() + 40].split()))
    return hits


def _report(found: dict[str, list[str]]) -> str:
    return "\n".join(f"{where}: {hit}" for where, hits in found.items() for hit in hits[:5])


def _is_english_word(word: str) -> bool:
    """A lower-case word of two letters or more; camelCase names (displayStatus) are identifiers."""
    return len(word) > 1 and word.islower()


def _tables(text: str) -> list[tuple[str, str]]:
    """(column header, cell text) for every body cell of every Markdown table."""
    cells: list[tuple[str, str]] = []
    header: list[str] | None = None
    for line in text.splitlines():
        if not line.startswith("|"):
            header = None
            continue
        row = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip().strip("|"))]
        if header is None:
            header = row
        elif not set("".join(row)) <= set("-: "):
            cells.extend(zip(header, row))
    return cells


# --------------------------------------------------------------------------- both languages
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_internal_note_or_mention_of_the_seed_reaches_any_guide(lang: str) -> None:
    patterns = glossary("en")["internal_notes"] + glossary("zh")["internal_notes"]
    found = {}
    for name, text in _documents(lang):
        hits = [hit for p in patterns for hit in _hits(p, text)]
        if hits:
            found[name] = hits
    assert not found, _report(found)


# --------------------------------------------------------------------------- English
def _banned_terms(lang: str) -> dict[str, list[str]]:
    """Per document, every banned variant of a glossary term it uses (outside code spans).

    English variants match as whole words in any case; Chinese ones as written."""
    found = {}
    for name, text in _documents(lang):
        prose = _prose(text)
        hits = []
        for term in glossary(lang)["terms"]:
            for banned in term["banned"]:
                pattern = rf"\b{re.escape(banned)}\b" if lang == "en" else re.escape(banned)
                flags = re.IGNORECASE if lang == "en" else 0
                hits += [f"{term['preferred']!r} instead of: {hit}" for hit in _hits(pattern, prose, flags)]
        if hits:
            found[name] = hits
    return found


def test_english_guides_use_the_glossary_terms_not_calques() -> None:
    found = _banned_terms("en")
    assert not found, _report(found)


def _british(text: str) -> list[str]:
    words = _words_only(text)
    return [f"{rule['american']!r}: {hit}" for rule in glossary("en")["british_spellings"]
            for hit in _hits(rf"\b(?:{rule['pattern']})\b", words)]


def test_english_guides_use_american_spelling_as_their_en_us_tag_says() -> None:
    found = {name: hits for name, text in _documents("en") if (hits := _british(text))}
    assert not found, _report(found)


def test_english_labels_use_american_spelling() -> None:
    en = i18n.locale("en")
    labels = dict(en.labels)
    labels.update({f"{group}.{code}": text for group, codes in en.codes.items() for code, text in codes.items()})
    found = {key: hits for key, text in labels.items() if (hits := _british(text))}
    assert not found, _report(found)


def test_without_a_client_name_no_english_sentence_starts_in_lower_case() -> None:
    the_client = i18n.t("en", "the_client")
    assert the_client[0].islower(), "the test assumes the unnamed client reads in lower case mid-sentence"
    # a line, a sentence, a list item, a table cell, or the text after a bold lead-in ("**Title**: ")
    sentence_start = rf"(?:^|[.!?]\s+|^\s*(?:[-*]|\d+\.)\s+|\|\s*|\*\*:\s+){re.escape(the_client)}\b"
    found = {}
    for name, text in _documents("en"):
        hits = _hits(sentence_start, text, re.MULTILINE)
        if hits:
            found[name] = hits
    assert not found, _report(found)


# --------------------------------------------------------------------------- Chinese
def test_chinese_guides_use_one_term_per_concept() -> None:
    found = _banned_terms("zh")
    assert not found, _report(found)


def test_chinese_tables_leave_no_english_words_outside_identifiers() -> None:
    identifier_columns = set(glossary("zh")["identifier_columns"])
    banned = glossary("zh")["banned_in_tables"]
    found = {}
    for name, text in _documents("zh"):
        hits = []
        for column, cell in _tables(text):
            plain = _prose(cell).replace("<br>", " ")
            hits += [f"[{column}] {cell}" for p in banned if re.search(p, plain, re.IGNORECASE)]
            if column in identifier_columns:
                continue
            for phrase in ENGLISH_PHRASE.finditer(CODE_TOKEN.sub(" ", plain)):
                if any(_is_english_word(w) for w in re.findall(WORD, phrase.group(0))):
                    hits.append(f"[{column}] {phrase.group(0)!r} in: {cell[:80]}")
        if hits:
            found[name] = sorted(set(hits))
    assert not found, _report(found)


# --------------------------------------------------------------------------- the detectors
@pytest.mark.parametrize(
    ("text", "flagged"),
    [
        ("Align the organisation.", True),
        ("We prioritise the backlog.", True),
        ("Monitoring behaviour is normalised.", True),
        ("Order fulfilment starts.", True),
        ("Contact centre agents.", True),
        ("The organization prioritizes fulfillment; behavior is normalized at the center.", False),
        ("Topic `orders/fulfilled` and field cancelled_at.", False),
        ("Sync the field Contact.Organisation_Id.", False),
        ("See control SEC-BEHAVIOUR.", False),
        ("The analyses are in the catalog.", False),
    ],
)
def test_the_british_spelling_detector_tells_the_variants_apart(text: str, flagged: bool) -> None:
    assert bool(_british(text)) is flagged


def test_the_table_reader_finds_english_phrases_and_n_a_but_not_identifiers() -> None:
    table = "| 对象 | CRM 对象 | 源字段 |\n|---|---|---|\n| 汇总 | Account (hierarchy) | open amount |\n| 工单 | Contact | n/a |\n"
    cells = _tables(table)
    assert ("CRM 对象", "Account (hierarchy)") in cells and ("源字段", "n/a") in cells
    assert ENGLISH_PHRASE.search("Account (hierarchy)") and not ENGLISH_PHRASE.search("Contact")
    assert ("对象", r"A \| B") in _tables("| 对象 |\n|---|\n| A \\| B |\n")
