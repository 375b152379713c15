"""Texts given once or per language, and the small value types every blueprint model uses."""

from __future__ import annotations

import datetime as _dt
import re
from functools import lru_cache
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    WithJsonSchema,
    create_model,
)

from guidegen.core.vocab import (  # noqa: F401 - re-exported
    COMPLEXITIES,
    LANGS,
    SCENARIOS,
    Complexity,
    Lang,
    Scenario,
)


class Strict(BaseModel):
    """Base of every authoring model: unknown keys are errors, not silently ignored. Validators
    are built on first use (defer_build): a run that takes its blueprint from the cache never
    validates one, and building them all costs more than the rest of a --help run."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    def model_post_init(self, context: Any, /) -> None:
        share_fields_set(self)


# Sets of the field names a model was given, one per distinct set: pydantic keeps a set per
# instance (2 KB for a 23-field mapping row), and a 10,000-field blueprint or guide has tens of
# thousands of instances with a handful of distinct sets.
_FIELD_SETS: dict[Any, set[str]] = {}


def share_fields_set(model: BaseModel) -> None:
    """Replace ``model``'s set of given field names by an equal one shared with other instances.
    Safe because nothing can add to a shared set: a frozen model refuses assignment, and a set
    that names every field already holds whatever an assignment would add (only such sets are
    shared for a model that is not frozen)."""
    given = model.__pydantic_fields_set__
    every = len(given) == len(type(model).__pydantic_fields__)
    if every:
        key: Any = type(model)
    elif model.model_config.get("frozen"):
        key = frozenset(given)
    else:
        return
    shared = _FIELD_SETS.get(key)
    if shared is None:
        if len(_FIELD_SETS) > 10_000:  # bounded: distinct sets are few, but a process may live long
            _FIELD_SETS.clear()
        shared = _FIELD_SETS[key] = given
    object.__setattr__(model, "__pydantic_fields_set__", shared)


class _LocalizedTextBase(Strict):
    """A text in one or more of the document languages. A plain string stands for all of them."""

    plain: bool = Field(False, description="True when the author wrote one string for every language.")

    def get(self, lang: str) -> str | None:
        return getattr(self, lang, None)

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(lang for lang in LANGS if self.get(lang) is not None)


# One optional field per language that has a locale file (see core/locale/): adding a
# language is adding a file, and blueprints may then give texts in it.
LocalizedText = create_model(
    "LocalizedText",
    __base__=_LocalizedTextBase,
    __module__=__name__,
    **{lang: (str | None, Field(None, description=f"Text in {lang}.")) for lang in LANGS},  # type: ignore[call-overload]
)


@lru_cache(maxsize=1 << 16)
def _shared_text(key: tuple[Any, ...]) -> Any:
    """The one LocalizedText for a plain string ``(text,)`` or for ``((lang, text), ...)``."""
    if len(key) == 1 and isinstance(key[0], str):
        return LocalizedText.model_construct(**dict.fromkeys(LANGS, key[0]), plain=True)
    return LocalizedText.model_construct(**dict(key))


_LANG_KEYS = frozenset(LANGS)


def _coerce_text(value: Any) -> Any:
    if isinstance(value, LocalizedText):
        return value
    if isinstance(value, bool):
        value = "true" if value else "false"
    if isinstance(value, (int, float)):
        value = str(value)
    if isinstance(value, (_dt.date, _dt.datetime)):
        value = value.isoformat()
    # Checked here, so built without a second validation (a large blueprint has tens of
    # thousands of texts), and shared: a text is immutable, so every "Trim, upper-case" of a
    # blueprint can be one object (less memory, a smaller and faster cache entry).
    if isinstance(value, str):
        return _shared_text((value,))
    if isinstance(value, dict):
        if value and value.keys() <= _LANG_KEYS and all(type(item) is str for item in value.values()):
            return _shared_text(tuple(value.items()))  # the usual {zh: ..., en: ...}
        unknown = set(value) - _LANG_KEYS
        if unknown or not value:
            raise ValueError(
                "a text is a string, or a mapping with the keys zh and/or en"
                + (f"; unknown key(s): {', '.join(map(str, sorted(unknown, key=str)))}" if unknown else "")
                + (" (an ASCII comma inside {zh: ..., en: ...} ends the text: quote it, e.g. en: \"A, B\", "
                   "or use the Chinese comma '，')" if any(value[k] is None for k in unknown) else "")
            )
        for lang, item in value.items():
            if not isinstance(item, str):
                if isinstance(item, (int, float)) and not isinstance(item, bool):
                    continue
                raise ValueError(f"the '{lang}' text must be a string (got {'nothing' if item is None else type(item).__name__})")
        return _shared_text(tuple((k, str(v)) for k, v in value.items()))
    kind = "a list" if isinstance(value, list) else "nothing" if value is None else f"a {type(value).__name__}"
    raise ValueError(f"a text: a string, or {{zh: ..., en: ...}} (got {kind})")


_LANGUAGE_NAMES = {"zh": "Chinese", "en": "English"}
_TEXT_SCHEMA = {
    "anyOf": [
        {"type": "string"},
        {
            "type": "object",
            "properties": {lang: {"type": "string", "description": f"{_LANGUAGE_NAMES.get(lang, lang)} text"} for lang in LANGS},
            "additionalProperties": False,
            "minProperties": 1,
        },
    ],
}

Text = Annotated[LocalizedText, BeforeValidator(_coerce_text), WithJsonSchema(_TEXT_SCHEMA)]
"""A text: a string (the same in every language) or {zh: ..., en: ...}. Markdown allowed;
``{{ software }}``, ``{{ crm }}``, ``{{ client }}`` placeholders are filled at render time."""

Id = Annotated[str, StringConstraints(pattern=r"^[A-Za-z][A-Za-z0-9_.-]{0,63}$")]
"""An identifier: a letter, then letters, digits, '_', '-' or '.' (at most 64 characters)."""


def listify(value: Any) -> Any:
    """One value where a list is expected stands for a list of one."""
    return [value] if isinstance(value, str) else value


class Condition(Strict):
    """When an item applies. Each key narrows the choice; a list means any of its values."""

    complexity: Annotated[list[Complexity] | None, BeforeValidator(listify)] = Field(
        None, description="Complexity levels at which the item appears: simple, medium and/or high."
    )
    scenario: Annotated[list[Scenario] | None, BeforeValidator(listify)] = Field(
        None, description="Scenarios in which the item appears: new (onboarding) and/or upgrade."
    )

    def matches(self, complexity: str, scenario: str) -> bool:
        return (self.complexity is None or complexity in self.complexity) and (
            self.scenario is None or scenario in self.scenario
        )


class Conditional(Strict):
    """Base of every list item: an optional condition, and a flag to drop an inherited item."""

    when: Condition | None = Field(
        None,
        description="Show this item only for these complexity levels / scenarios "
        "(e.g. {complexity: [high]} or {scenario: upgrade}); absent = always.",
    )
    omit: bool = Field(
        False, description="Drop the item of the same id inherited from an included fragment."
    )

    def applies(self, complexity: str, scenario: str) -> bool:
        return self.when is None or self.when.matches(complexity, scenario)


def model_descriptions_complete(model: type[BaseModel], seen: set[type] | None = None) -> list[str]:
    """Names of model fields that lack a description (used by a test)."""
    seen = seen if seen is not None else set()
    if model in seen:
        return []
    seen.add(model)
    missing = []
    for name, info in model.model_fields.items():
        if not info.description:
            missing.append(f"{model.__name__}.{name}")
        for sub in _submodels(info.annotation):
            missing += model_descriptions_complete(sub, seen)
    return missing


def _submodels(annotation: Any) -> list[type[BaseModel]]:
    found = []
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    for arg in getattr(annotation, "__args__", ()) or ():
        found += _submodels(arg)
    meta = getattr(annotation, "__metadata__", None)
    if meta is not None:
        found += _submodels(annotation.__origin__)
    return found


# --------------------------------------------------------------------------- plain text
# Characters that start inline Markdown; '_' only where it can open or close emphasis
# (intraword underscores, as in field names, never do).
# '&' only where it would start a character reference (&nbsp; &#160;).
_MARKDOWN_SPECIALS = re.compile(r"([\\`*\[\]<>])|(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])|&(?=#?[0-9A-Za-z]+;)")
# Characters XML 1.0 forbids (every C0 control but tab, LF and CR; U+FFFE; U+FFFF): the one list
# the resolver, validation and every writer use.
XML_FORBIDDEN = tuple(range(0x00, 0x09)) + (0x0B, 0x0C) + tuple(range(0x0E, 0x20)) + (0xFFFE, 0xFFFF)
_CONTROL = re.compile("[" + "".join(re.escape(chr(c)) for c in XML_FORBIDDEN) + "]")


def clean_text(text: str) -> str:
    """Line ends as LF; characters XML 1.0 forbids (control characters, U+FFFE, U+FFFF) removed."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", text)


def has_forbidden_chars(text: str) -> bool:
    return _CONTROL.search(text) is not None


def escape_markdown(value: str) -> str:
    """Backslash-escape the characters that would start inline Markdown formatting."""
    return _MARKDOWN_SPECIALS.sub(lambda m: "\\" + m.group(0), value)


def escape_name(value: str) -> str:
    """A name (client, CRM, software, a variable) inside Markdown prose: escaped like any text,
    and a URL in it kept from becoming a link ('://' escaped; the DOCX writer keeps escapes apart)."""
    return escape_markdown(value).replace("://", "\\://")


_ESCAPED = re.compile(r"\\([\\`*\[\]<>_:&])")


def unescape_markdown(value: str) -> str:
    """Undo :func:`escape_markdown` (for a text that is shown as plain text, never parsed)."""
    return _ESCAPED.sub(r"\1", value)
