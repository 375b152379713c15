"""The fixed words of the generated documents, one YAML file per language.

``core/locale/<lang>.yaml`` holds a language's labels (headings, table headers, cover and
control-page words), the labels of every code (systems, directions, types, levels, ...) and its
conventions: the colon, the list separator, how a parenthesis is written, the week label, the
language tag and which typography pass its texts get. :class:`Locale` is the one object that
knows these; nothing else branches on the language. Adding a language is adding a file.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from guidegen.core.typography import polish_zh

_TYPOGRAPHY = {"zh": polish_zh}


# The package is installed as files (never zipped): the locale files sit beside this module.
# (importlib.resources would cost more to import than a --help run spends on everything else.)
_LOCALE_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "locale")


def available_languages() -> tuple[str, ...]:
    """Language codes with a locale file; Chinese and English first, as the documents list them."""
    found = sorted(name[:-5] for name in os.listdir(_LOCALE_DIR) if name.endswith(".yaml"))
    preferred = [lang for lang in ("zh", "en") if lang in found]
    return tuple(preferred + [lang for lang in found if lang not in preferred])


@dataclass(frozen=True)
class Locale:
    """Labels, code labels and punctuation of one language."""

    lang: str
    name: str
    tag: str  # BCP 47 language tag of the documents, e.g. zh-CN
    latin_tag: str  # language of Latin-script runs in a Word document
    east_asian_tag: str  # language of East Asian runs in a Word document
    colon: str
    list_separator: str
    parenthesis_pattern: str
    week_label: str
    typography: str | None
    labels: dict[str, str]
    codes: dict[str, dict[str, str]]
    _polished: dict[str, str] = field(default_factory=dict, compare=False, repr=False)  # labels without fields

    def t(self, key: str, **values: Any) -> str:
        """The label ``key``, with ``{name}`` fields filled from ``values``."""
        if not values:
            done = self._polished.get(key)
            if done is None:
                done = self._polished[key] = self.polish(self.labels[key])
            return done
        text = self.labels[key]
        text = text.format(**values) if values else text
        return self.polish(text)

    def code(self, group: str, value: str, **names: Any) -> str:
        """Label of a code (a system, direction, type, level...); unknown codes print as they are."""
        text = self.codes[group].get(value)
        if text is None:
            return value
        return text.format(**names) if names and "{" in text else text

    def polish(self, text: str) -> str:
        """The language's typography pass (full-width punctuation for Chinese), if it has one."""
        rule = _TYPOGRAPHY.get(self.typography or "")
        return rule(text) if rule else text

    def join(self, values: list[str]) -> str:
        return self.list_separator.join(values)

    def parenthesis(self, text: str) -> str:
        """' (text)' in English, '（text）' in Chinese; nothing for an empty text."""
        return self.parenthesis_pattern.format(text=text) if text else ""

    def lead(self, title: str) -> str:
        """A bold lead-in's text followed by the language's colon."""
        return title + self.colon


@lru_cache(maxsize=None)
def locale(lang: str) -> Locale:
    """The locale of a language (read once)."""
    import yaml  # here, not at the top: `guidegen --help` lists the languages without parsing YAML

    with open(os.path.join(_LOCALE_DIR, f"{lang}.yaml"), encoding="utf-8") as file:
        data = yaml.load(file.read(), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    conventions = data["locale"]
    return Locale(
        lang=lang,
        name=conventions["name"],
        tag=conventions["tag"],
        latin_tag=conventions["latin_tag"],
        east_asian_tag=conventions["east_asian_tag"],
        colon=conventions["colon"],
        list_separator=conventions["list_separator"],
        parenthesis_pattern=conventions["parenthesis"],
        week_label=conventions["week_label"],
        typography=conventions.get("typography"),
        labels={str(k): str(v) for k, v in data["labels"].items()},
        codes={group: {str(k): str(v) for k, v in values.items()} for group, values in data["codes"].items()},
    )


def t(lang: str, key: str, **values: Any) -> str:
    """The label ``key`` in ``lang`` (shorthand for ``locale(lang).t``)."""
    return locale(lang).t(key, **values)


def code(lang: str, group: str, value: str, **names: Any) -> str:
    """Label of a code in ``lang`` (shorthand for ``locale(lang).code``)."""
    return locale(lang).code(group, value, **names)


def codes(group: str) -> tuple[str, ...]:
    """The values of a code group, in display order."""
    from guidegen.core.vocab import CODE_GROUPS

    return CODE_GROUPS[group]
