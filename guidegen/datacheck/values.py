"""Checking and transforming one value.

The standards are known by libraries that track them, not by patterns written here:
phonenumbers (numbering plans of every region), email-validator (RFC 5322/6531 address
syntax), pycountry (ISO 3166-1 and ISO 4217 code lists), langcodes (BCP 47 tag validity
against the IANA subtag registry) and zoneinfo with tzdata (IANA time-zone names).

Values arrive as text (a CSV cell, a JSON scalar written as text). A check is a function
text -> bool; a transform step is a function text -> text that raises :class:`StepFailed`.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import zoneinfo
from collections.abc import Callable, Iterable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
from urllib.parse import urlsplit

from guidegen.content.rules import Checks, TransformStep

Check = Callable[[str], bool]
Step = Callable[[str], str]

_INTEGER = re.compile(r"[+-]?\d+")
_DECIMAL = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?", re.IGNORECASE)
_E164 = re.compile(r"\+[1-9]\d{1,14}")
_SPACE = re.compile(r"\s")
_BCP47 = re.compile(r"[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*")
BOOLEAN_TEXTS = {"true": "true", "false": "false", "1": "true", "0": "false"}


class StepFailed(Exception):
    """A transform step cannot handle the value (e.g. a phone number with no country)."""


# --------------------------------------------------------------------------- code lists
@lru_cache(maxsize=1)
def countries() -> frozenset[str]:
    import pycountry

    return frozenset(c.alpha_2 for c in pycountry.countries)


@lru_cache(maxsize=1)
def currencies() -> frozenset[str]:
    import pycountry

    return frozenset(c.alpha_3 for c in pycountry.currencies)


@lru_cache(maxsize=1)
def timezones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def nearest(value: str, candidates: Iterable[str]) -> str | None:
    """The closest candidate: same letters in another case first, else the most similar."""
    pool = list(candidates)
    folded = value.casefold().strip()
    for candidate in pool:
        if candidate.casefold() == folded:
            return candidate
    close = difflib.get_close_matches(value, pool, n=1, cutoff=0.6)
    return close[0] if close else None


# --------------------------------------------------------------------------- checks
def parse_datetime(text: str) -> dt.datetime | None:
    """An ISO 8601 date-time (date and time, optional offset), else None."""
    if not _DATETIME.fullmatch(text):
        return None
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        return None


def is_date(text: str) -> bool:
    if not _DATE.fullmatch(text):
        return False
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def is_decimal(text: str) -> bool:
    return bool(_DECIMAL.fullmatch(text))


TYPE_CHECKS: dict[str, Check] = {
    "string": lambda text: True,
    "integer": lambda text: bool(_INTEGER.fullmatch(text)),
    "decimal": is_decimal,
    "boolean": lambda text: text.lower() in BOOLEAN_TEXTS,
    "date": is_date,
    "datetime": lambda text: parse_datetime(text) is not None,
}


# The library checks are the costly ones (tens of microseconds); extracts repeat values a lot
# (the same country, language, office phone), so each keeps a small bounded cache.
_CACHE = 4096


@lru_cache(maxsize=1)
def _email_library() -> tuple[Callable[..., object], type[Exception]]:
    from email_validator import EmailNotValidError, validate_email

    return validate_email, EmailNotValidError


@lru_cache(maxsize=_CACHE)
def is_email(text: str) -> bool:
    validate_email, invalid = _email_library()
    try:
        validate_email(text, check_deliverability=False)
    except invalid:
        return False
    return True


@lru_cache(maxsize=_CACHE)
def is_phone_e164(text: str) -> bool:
    import phonenumbers

    if not _E164.fullmatch(text):
        return False
    try:
        return phonenumbers.is_valid_number(phonenumbers.parse(text, None))
    except phonenumbers.NumberParseException:
        return False


def is_url(text: str) -> bool:
    if _SPACE.search(text):
        return False
    try:
        parts = urlsplit(text)
        return parts.scheme in ("http", "https") and bool(parts.hostname)
    except ValueError:
        return False


@lru_cache(maxsize=_CACHE)
def is_language(text: str) -> bool:
    import langcodes

    return bool(_BCP47.fullmatch(text)) and langcodes.tag_is_valid(text)


def is_timestamp(text: str) -> bool:
    parsed = parse_datetime(text)
    return parsed is not None and parsed.tzinfo is not None


FORMAT_CHECKS: dict[str, Check] = {
    "email": is_email,
    "phone_e164": is_phone_e164,
    "url": is_url,
    "country": lambda text: text in countries(),
    "currency": lambda text: text in currencies(),
    "language": is_language,
    "timezone": lambda text: text in timezones(),
    "timestamp": is_timestamp,
}

FORMAT_CODES: dict[str, Callable[[], frozenset[str]]] = {
    "country": countries, "currency": currencies, "timezone": timezones,
}
"""Formats that are code lists: a failing value gets the nearest code."""


def _number(text: str) -> Decimal | None:
    if not is_decimal(text):
        return None
    return Decimal(text)


_IMPLIED_BY_STEP = {"phone_e164": "phone_e164", "to_utc": "timestamp"}


def _always(text: str) -> bool:
    return True


def compile_checks(checks: Checks, code_sets: dict[str, list[str]], steps: list[TransformStep] = ()) -> list[tuple[str, Check]]:
    """(rule, check) for every value check of a field, in a fixed order; 'required' and
    'unique' are not value checks and are handled by the engine. A format the last transform
    step already produced (E.164 from phone_e164, a UTC timestamp from to_utc) is not parsed
    a second time; the rule is still counted."""
    compiled: list[tuple[str, Check]] = []
    if checks.type:
        compiled.append(("type", TYPE_CHECKS[checks.type]))
    if checks.format:
        implied = bool(steps) and _IMPLIED_BY_STEP.get(steps[-1].name) == checks.format
        compiled.append((checks.format, _always if implied else FORMAT_CHECKS[checks.format]))
    if checks.pattern is not None:
        regex = re.compile(checks.pattern)
        compiled.append(("pattern", lambda text: bool(regex.fullmatch(text))))
    if checks.min_length is not None:
        low = checks.min_length
        compiled.append(("min_length", lambda text: len(text) >= low))
    if checks.max_length is not None:
        high = checks.max_length
        compiled.append(("max_length", lambda text: len(text) <= high))
    if checks.min_value is not None:
        min_value = checks.min_value
        compiled.append(("min_value", lambda text: (n := _number(text)) is not None and n >= min_value))
    if checks.max_value is not None:
        max_value = checks.max_value
        compiled.append(("max_value", lambda text: (n := _number(text)) is not None and n <= max_value))
    if checks.code_set:
        allowed = frozenset(code_sets.get(checks.code_set, ()))
        compiled.append(("code_set", allowed.__contains__))
    return compiled


# --------------------------------------------------------------------------- transforms
_PARSE_ERRORS = {
    0: "no country code (+...) and no default region",
    1: "not a phone number",
    2: "too short after the international prefix",
    3: "too short",
    4: "too long",
}


def _phone(default_region: str | None) -> Step:
    import phonenumbers

    @lru_cache(maxsize=_CACHE)
    def step(text: str) -> str:
        if not text:
            return text
        try:
            number = phonenumbers.parse(text, default_region)
        except phonenumbers.NumberParseException as exc:
            raise StepFailed(_PARSE_ERRORS.get(exc.error_type, "not a phone number")) from None
        if not phonenumbers.is_valid_number(number):
            raise StepFailed("not a valid phone number" + ("" if default_region else " (no country code and no default region)"))
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)

    return step


def _to_utc(assume: str | None) -> Step:
    zone = zoneinfo.ZoneInfo(assume) if assume else None

    def step(text: str) -> str:
        if not text:
            return text
        parsed = parse_datetime(text)
        if parsed is None:
            raise StepFailed("not an ISO 8601 date-time")
        if parsed.tzinfo is None:
            if zone is None:
                raise StepFailed("no time-zone offset")
            parsed = parsed.replace(tzinfo=zone)
        utc = parsed.astimezone(dt.timezone.utc).replace(tzinfo=None)
        return utc.isoformat(timespec="milliseconds" if utc.microsecond else "seconds") + "Z"

    return step


def _map(code_set: str, pairs: list[tuple[str, str]], fallback: str | None) -> Step:
    exact = dict(pairs)
    folded: dict[str, str] = {}
    for source, target in pairs:
        folded.setdefault(source.casefold(), target)

    def step(text: str) -> str:
        if not text:
            return text
        found = exact.get(text)
        if found is None:
            found = folded.get(text.casefold())
        if found is None:
            if fallback is None:
                raise StepFailed(f"not in code set {code_set}")
            return fallback
        return found

    return step


def _scale(source: list[Decimal], target: list[Decimal], decimals: int) -> Step:
    low, high = sorted(source)
    quantum = Decimal(1).scaleb(-decimals)

    def step(text: str) -> str:
        if not text:
            return text
        value = _number(text)
        if value is None:
            raise StepFailed("not a number")
        if not low <= value <= high:
            raise StepFailed(f"outside {low}–{high}")
        result = target[0] + (value - source[0]) * (target[1] - target[0]) / (source[1] - source[0])
        try:
            return str(result.quantize(quantum, rounding=ROUND_HALF_UP))
        except InvalidOperation:  # pragma: no cover - only for absurd ranges
            raise StepFailed("result too large") from None

    return step


def compile_transform(steps: list[TransformStep], code_sets: dict[str, list[tuple[str, str]]]) -> list[tuple[str, Step]]:
    """(rule, step) per transform step; rules are named 'transform.<step>'."""
    compiled: list[tuple[str, Step]] = []
    for s in steps:
        name, arg = s.name, s.arg
        fn: Step
        if name == "trim":
            fn = str.strip
        elif name == "lower":
            fn = str.lower
        elif name == "upper":
            fn = str.upper
        elif name == "phone_e164":
            fn = _phone(arg.default_region)
        elif name == "to_utc":
            fn = _to_utc(arg.assume)
        elif name == "map":
            fn = _map(arg.code_set, code_sets.get(arg.code_set, []), arg.fallback)
        elif name == "truncate":
            fn = (lambda n: lambda text: text[:n])(arg)
        elif name == "default":
            fn = (lambda d: lambda text: text or d)(arg)
        else:  # scale
            fn = _scale(arg.source, arg.target, arg.decimals)
        compiled.append((f"transform.{name}", fn))
    return compiled


def to_text(value: object) -> str:
    """A value read from a file as the text the checks see."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)
