"""Structured rules of a field mapping: the checks its values must pass and the transforms
that turn a source value into what the target receives.

Declared once here and used by the blueprint schema, the Guide, the data checker and the
contract export. The prose of a mapping row can be generated from these declarations
(:func:`describe_checks`, :func:`describe_transform`). A leaf module: stdlib and pydantic only.
"""

from __future__ import annotations

import re
from decimal import Decimal
from collections.abc import Callable
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

ValueType = Literal["string", "integer", "decimal", "boolean", "date", "datetime"]
ValueFormat = Literal["email", "phone_e164", "url", "country", "currency", "language", "timezone", "timestamp"]
VALUE_TYPES: tuple[str, ...] = ValueType.__args__  # type: ignore[attr-defined]
VALUE_FORMATS: tuple[str, ...] = ValueFormat.__args__  # type: ignore[attr-defined]

CodeSetId = Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_.-]{0,63}$")]


class _Rule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _compiles(pattern: str | None) -> str | None:
    if pattern is not None:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ValueError(f"not a valid regular expression: {exc}") from None
    return pattern


class Checks(_Rule):
    """What every value of the field must satisfy, after its transforms (what the target receives)."""

    required: bool | None = Field(
        None, description="A value must be present; when absent, the mapping's 'required' applies."
    )
    type: ValueType | None = Field(
        None, description="Value type: string, integer, decimal, boolean (true/false), date (YYYY-MM-DD) or datetime (ISO 8601)."
    )
    format: ValueFormat | None = Field(
        None,
        description="Standard format: email, phone_e164, url (http/https), country (ISO 3166-1 alpha-2), "
        "currency (ISO 4217), language (BCP 47 tag), timezone (IANA name) or timestamp (ISO 8601 with an offset).",
    )
    pattern: str | None = Field(None, description="Regular expression the whole value must match (Python syntax).")
    min_length: int | None = Field(None, ge=0, description="Fewest characters allowed.")
    max_length: int | None = Field(None, ge=0, description="Most characters allowed.")
    min_value: Decimal | None = Field(None, description="Smallest number allowed.")
    max_value: Decimal | None = Field(None, description="Largest number allowed.")
    unique: bool = Field(False, description="No two records may have the same value (a key).")
    code_set: CodeSetId | None = Field(None, description="Id of a code set (data.enums) whose target codes are the allowed values.")

    _check_pattern = field_validator("pattern")(classmethod(lambda cls, v: _compiles(v)))

    @model_validator(mode="after")
    def _ranges(self) -> "Checks":
        if self.min_length is not None and self.max_length is not None and self.min_length > self.max_length:
            raise ValueError(f"min_length {self.min_length} is greater than max_length {self.max_length}")
        if self.min_value is not None and self.max_value is not None and self.min_value > self.max_value:
            raise ValueError(f"min_value {self.min_value} is greater than max_value {self.max_value}")
        return self

    def is_empty(self) -> bool:
        return self == Checks()


class PhoneArgs(_Rule):
    """Arguments of phone_e164."""

    default_region: str | None = Field(
        None, pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2 region assumed for numbers without a country code, e.g. CN."
    )


class UtcArgs(_Rule):
    """Arguments of to_utc."""

    assume: str | None = Field(None, description="IANA time zone assumed for values without an offset, e.g. Asia/Shanghai; absent = such values fail.")


class MapArgs(_Rule):
    """Arguments of map."""

    code_set: CodeSetId = Field(description="Id of the code set (data.enums) whose source values are mapped to target codes.")
    fallback: str | None = Field(None, description="Target code for values the code set does not list; absent = such values fail.")


class ScaleArgs(_Rule):
    """Arguments of scale: a linear rescale of a number."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    source: Annotated[list[Decimal], Field(min_length=2, max_length=2)] = Field(
        alias="from", description="Range of the source values, [low, high]; values outside it fail."
    )
    target: Annotated[list[Decimal], Field(min_length=2, max_length=2)] = Field(
        alias="to", description="Range of the target values, [low, high]."
    )
    decimals: int = Field(0, ge=0, le=10, description="Decimal places of the result.")

    @model_validator(mode="after")
    def _distinct(self) -> "ScaleArgs":
        if self.source[0] == self.source[1]:
            raise ValueError("the 'from' range needs two different numbers")
        return self


STEP_NAMES: tuple[str, ...] = ("trim", "lower", "upper", "phone_e164", "to_utc", "map", "truncate", "default", "scale")
_FLAG_STEPS = ("trim", "lower", "upper", "phone_e164", "to_utc")


def _step_shorthand(value: Any) -> Any:
    """'trim' stands for {trim: true}; {phone_e164: true} and {to_utc: true} take no arguments."""
    if isinstance(value, str):
        if value not in _FLAG_STEPS:
            raise ValueError(f"unknown transform step '{value}': a step is exactly one of: " + ", ".join(STEP_NAMES)
                             + " (written alone: " + ", ".join(_FLAG_STEPS) + ")")
        return {value: {} if value in ("phone_e164", "to_utc") else True}
    if isinstance(value, dict) and len(value) == 1:
        (name, arg), = value.items()
        if name in ("phone_e164", "to_utc") and arg is True:
            return {name: {}}
    return value


class TransformStep(_Rule):
    """One step of a transform; exactly one key. Steps run in order on the source value."""

    trim: bool | None = Field(None, description="Remove leading and trailing white space.")
    lower: bool | None = Field(None, description="Convert to lower case.")
    upper: bool | None = Field(None, description="Convert to upper case.")
    phone_e164: PhoneArgs | None = Field(None, description="Normalise a phone number to E.164, e.g. {default_region: CN}.")
    to_utc: UtcArgs | None = Field(None, description="Convert a date-time to UTC ISO 8601 (…Z), e.g. {assume: Asia/Shanghai}.")
    map: MapArgs | None = Field(None, description="Map source values through a code set: {code_set: ..., fallback: ...}.")
    truncate: int | None = Field(None, ge=1, description="Cut to at most this many characters.")
    default: str | None = Field(None, description="Value used when the value is empty.")
    scale: ScaleArgs | None = Field(None, description="Rescale a number, e.g. {from: [0, 5], to: [0, 100]}.")

    @model_validator(mode="after")
    def _one_step(self) -> "TransformStep":
        given = [name for name in STEP_NAMES if getattr(self, name) not in (None, False)]
        if len(given) != 1:
            raise ValueError(
                "a transform step has exactly one of: " + ", ".join(STEP_NAMES)
                + (f" (got {', '.join(given)})" if given else " (got none)")
            )
        return self

    @property
    def name(self) -> str:
        return next(name for name in STEP_NAMES if getattr(self, name) not in (None, False))

    @property
    def arg(self) -> Any:
        return getattr(self, self.name)


Step = Annotated[TransformStep, BeforeValidator(_step_shorthand)]


def _listify_steps(value: Any) -> Any:
    return [value] if isinstance(value, (str, dict)) else value


Transform = Annotated[list[Step], BeforeValidator(_listify_steps)]
"""A list of transform steps, e.g. ``[trim, lower]`` or ``[{phone_e164: {default_region: CN}}]``."""


# --------------------------------------------------------------------------- prose
Labeller = Callable[..., str]
"""``t(key, **values)``: the label ``key`` of the document's language (a Locale's ``t``)."""


def _num(value: Decimal) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def describe_checks(checks: Checks, t: Labeller) -> str:
    """The checks as one line of prose, e.g. 'required; valid e-mail address; at most 254 characters'."""
    parts = []
    if checks.required:
        parts.append(t("rule_required"))
    if checks.type and checks.type != "string":
        parts.append(t(f"rule_type_{checks.type}"))
    if checks.format:
        parts.append(t(f"rule_format_{checks.format}"))
    for key in ("min_length", "max_length"):
        if getattr(checks, key) is not None:
            parts.append(t(f"rule_{key}", v=getattr(checks, key)))
    for key in ("min_value", "max_value"):
        if getattr(checks, key) is not None:
            parts.append(t(f"rule_{key}", v=_num(getattr(checks, key))))
    if checks.pattern:
        parts.append(t("rule_pattern", v=checks.pattern))
    if checks.code_set:
        parts.append(t("rule_code_set", v=checks.code_set))
    if checks.unique:
        parts.append(t("rule_unique"))
    return t("rule_separator").join(parts)


def describe_step(step: TransformStep, t: Labeller) -> str:
    name, arg = step.name, step.arg
    if name == "phone_e164":
        return t("step_phone_region", v=arg.default_region) if arg.default_region else t("step_phone_e164")
    if name == "to_utc":
        return t("step_to_utc_assume", v=arg.assume) if arg.assume else t("step_to_utc")
    if name == "map":
        return t("step_map_fallback", v=arg.code_set, f=arg.fallback) if arg.fallback is not None else t("step_map", v=arg.code_set)
    if name in ("truncate", "default"):
        return t(f"step_{name}", v=arg)
    if name == "scale":
        a, b = (_num(x) for x in arg.source)
        c, d = (_num(x) for x in arg.target)
        return t("step_scale", a=a, b=b, c=c, d=d)
    return t(f"step_{name}")


def describe_transform(steps: list[TransformStep], t: Labeller) -> str:
    """The transform as one line of prose, e.g. 'trim, then lower-case'."""
    return t("step_separator").join(describe_step(s, t) for s in steps)
