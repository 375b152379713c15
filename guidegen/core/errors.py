"""User-facing errors that carry a location.

Every problem guidegen reports about its input (a blueprint, a project file, a workbook, a
template) is a :class:`Problem` with a :class:`Location`. The CLI turns a :class:`UserError`
into exit status 2 and a short message; anything else is a bug (exit status 1).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, NamedTuple

Severity = Literal["error", "warning"]


class Location(NamedTuple):
    """Where a problem is: a file with line/column and key path, or a workbook cell.

    A named tuple: loading a large blueprint creates one per key and list item.
    """

    file: str
    line: int | None = None
    column: int | None = None
    path: str | None = None
    cell: str | None = None  # "Sheet!B7" for workbooks

    def __str__(self) -> str:
        text = self.file
        if self.cell:
            text += f" {self.cell}"
        if self.line is not None:
            text += f":{self.line}"
            if self.column is not None:
                text += f":{self.column}"
        return text

    def with_path(self, path: str) -> "Location":
        return self._replace(path=path)


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or weak) in the input."""

    location: Location
    message: str
    expected: str | None = None
    given: str | None = None
    hint: str | None = None
    severity: Severity = "error"

    def format(self) -> str:
        head = f"{self.location}: {self.severity}: "
        if self.location.path:
            head += f"{self.location.path}: "
        lines = [head + self.message]
        if self.expected is not None:
            lines.append(f"    expected: {self.expected}")
        if self.given is not None:
            lines.append(f"    given:    {_shorten(self.given)}")
        if self.hint:
            lines.append(f"    hint:     {self.hint}")
        return "\n".join(lines)


def _shorten(text: str, limit: int = 120) -> str:
    text = text.replace("\n", "\\n")
    return text if len(text) <= limit else text[: limit - 1] + "…"


class GuidegenError(Exception):
    """Base class for every error guidegen raises on purpose."""


@dataclass
class UserError(GuidegenError):
    """Bad input: exit status 2 with every problem listed."""

    problems: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(self.format())

    @classmethod
    def single(cls, location: Location, message: str, **details: str | None) -> "UserError":
        return cls([Problem(location, message, **details)])

    def format(self, limit: int = 25) -> str:
        errors = [p for p in self.problems if p.severity == "error"]
        shown = errors[:limit]
        text = "\n".join(p.format() for p in shown)
        if len(errors) > limit:
            text += f"\n… and {len(errors) - limit} more"
        if len(errors) > 1:
            text += f"\n{len(errors)} errors"
        return text


def fail(file: str, message: str, **details: str | None) -> UserError:
    """Shorthand for a problem that belongs to a whole file."""
    return UserError.single(Location(file), message, **details)
