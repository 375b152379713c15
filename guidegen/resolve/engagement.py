"""Engagement parameters: from command-line options and/or a project file.

The project file (``guidegen render --project engagement.yaml``) holds every parameter of one
client engagement; command-line options override it. Values here are data, never templates:
a client called ``{{ 7*7 }}`` appears literally in the guide.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Annotated, Any, Literal

import re

from pydantic import AfterValidator, BeforeValidator, Field, ValidationError, field_validator, model_validator

from guidegen.core.budget import Budget

from guidegen.core.diagnostics import problems_from_validation
from guidegen.core.errors import Location, UserError, fail
from guidegen.core.text import Complexity, Id, Lang, Scenario, Strict, listify
from guidegen.core.yamlsource import LocDict, as_written, load_yaml_file

def _date_in_range(value: dt.date) -> dt.date:
    """Dates of a plan or a document between 1900 and 2099: a typo like 9999-12-31 would
    overflow calendar arithmetic and no engagement needs it."""
    if not Budget.first_year <= value.year <= Budget.last_year:
        raise ValueError(f"a date from {Budget.first_year}-01-01 to {Budget.last_year}-12-31")
    return value


Date = Annotated[dt.date, AfterValidator(_date_in_range)]

_ONE_LINE = ("client", "crm", "software", "author", "version", "classification")
_WHITESPACE_RUN = re.compile(r"\s*[\r\n\t\v\f]+\s*")


def _one_line(text: str) -> str:
    return _WHITESPACE_RUN.sub(" ", text).strip()


def _clean_value(value: Any) -> Any:
    """Strings anywhere in an engagement value without the characters XML forbids."""
    from guidegen.core.text import clean_text

    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, list):
        return [_clean_value(v) for v in value]
    if isinstance(value, dict):
        return {k: _clean_value(v) for k, v in value.items()}
    return value

Format = Literal["docx", "pdf", "md", "xlsx", "html"]
FORMATS: tuple[str, ...] = ("docx", "md", "xlsx")  # the default: the deliverable, the wiki text, the workbook


class PersonSpec(Strict):
    """A person filling a role."""

    name: str = Field(description="Full name.")
    contact: str | None = Field(None, description="E-mail address or phone number.")


class RevisionSpec(Strict):
    """A line of the revision history."""

    version: str = Field(description="Version, e.g. 0.9.")
    date: Date | None = Field(None, description="Date of the revision (YYYY-MM-DD).")
    author: str | None = Field(None, description="Who made the revision.")
    change: str = Field(description="What changed.")

    @field_validator("version", mode="before")
    @classmethod
    def _version_text(cls, value: Any) -> Any:
        return as_written(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else value


class ApprovalSpec(Strict):
    """A line of the approval table."""

    role: str = Field(description="Role id from the blueprint's team, or a role name.")
    name: str | None = Field(None, description="Person who approves.")
    date: Date | None = Field(None, description="Date of approval.")


class GoalSpec(Strict):
    """A business goal given by the engagement."""

    id: Id | None = Field(None, description="A blueprint goal id to override, or an id for a new goal.")
    title: str | None = Field(None, description="Short name.")
    statement: str | None = Field(None, description="What must be achieved (required for a new goal).")
    value: str | None = Field(None, description="Business value.")
    kpi: str | None = Field(None, description="Measurable KPI.")
    tests: Annotated[list[Id], BeforeValidator(listify)] = Field(
        default_factory=list, description="Ids of the blueprint's test cases that prove this goal."
    )


GoalEntry = Annotated[
    str | GoalSpec,
    Field(description="A blueprint goal id to keep (e.g. G2), a statement for a new goal, or a goal mapping."),
]


class Engagement(Strict):
    """Every parameter of one guide. Also the schema of the project file."""

    blueprint: str | None = Field(None, description="Integration type: a built-in blueprint id or a path to a YAML file.")
    client: str | None = Field(None, description="Client organisation name.")
    crm: str | None = Field(None, description="CRM product name, e.g. Salesforce.")
    software: str | None = Field(None, description="Third-party software product name, e.g. Mailchimp.")
    complexity: Complexity | None = Field(None, description="simple, medium or high (default: the blueprint's).")
    scenario: Scenario = Field("new", description="new (onboarding) or upgrade (replacing a running integration).")
    lang: Lang = Field("zh", description="Language of the guide: zh or en.")
    formats: Annotated[list[Format], BeforeValidator(listify)] = Field(
        default_factory=lambda: list(FORMATS), description="Output formats: docx, pdf, md, xlsx, html (default: docx, md and xlsx)."
    )
    goals: list[GoalEntry] | None = Field(None, description="Goals replacing the blueprint's defaults.")
    add_goals: list[GoalEntry] = Field(default_factory=list, description="Goals added to the blueprint's (or to 'goals').")
    start_date: Date | None = Field(None, description="Project start date (YYYY-MM-DD); phases get calendar dates.")
    date: Date | None = Field(None, description="Document date (default: SOURCE_DATE_EPOCH, else today).")
    version: str = Field("1.0", description="Document version.")
    author: str | None = Field(None, description="Document author.")
    classification: str | None = Field(
        None, description="Document classification on the cover and in the header (default: Confidential, in the guide's language).")
    people: dict[Id, PersonSpec] = Field(default_factory=dict, description="Who fills each role: role id -> person.")
    revisions: list[RevisionSpec] = Field(default_factory=list, description="Revision history (newest last).")
    approvals: list[ApprovalSpec] = Field(default_factory=list, description="Approval table rows.")
    variables: dict[Id, str] = Field(default_factory=dict, description="Values for the blueprint's placeholders.")
    out: str | None = Field(None, description="Output folder (default: output/).")
    template: str | None = Field(None, description="Corporate Word template (.docx) for the DOCX.")
    paginate: bool = Field(False, description="Lay the DOCX out with LibreOffice and store the TOC's page numbers (always for pdf).")

    @field_validator("version", mode="before")
    @classmethod
    def _version_text(cls, value: Any) -> Any:
        return as_written(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else value

    @model_validator(mode="before")
    @classmethod
    def _plain_text(cls, data: Any) -> Any:
        """Values are text: characters XML cannot hold are removed everywhere, and names (client,
        CRM, software, author, version) are one line — a newline in a name must not start a
        heading, a list or a diagram statement in any writer."""
        if not isinstance(data, dict):
            return data
        cleaned = {key: _clean_value(value) for key, value in data.items()}
        for key in _ONE_LINE:
            if isinstance(cleaned.get(key), str):
                cleaned[key] = _one_line(cleaned[key])
        return cleaned

    @field_validator("people")
    @classmethod
    def _named_people_only(cls, value: dict[str, PersonSpec]) -> dict[str, PersonSpec]:
        """A role left with an empty name (as in the starter file) has no person yet."""
        return {role: person for role, person in value.items() if person.name.strip()}

    @field_validator("variables", mode="before")
    @classmethod
    def _variables_text(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return {k: str(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else v for k, v in value.items()}
        return value


def load_project(path: str | Path) -> tuple[Engagement, LocDict]:
    """Load and validate a project file; UserError with file and line on any problem."""
    name = str(path)
    doc = load_yaml_file(path, name)
    if not isinstance(doc.data, LocDict):
        raise fail(name, "a project file must be a YAML mapping", expected="key: value pairs")
    try:
        engagement = Engagement.model_validate(doc.data)
    except ValidationError as exc:
        raise UserError(problems_from_validation(exc, doc.data, Engagement, name)) from None
    return engagement, doc.data


def with_overrides(engagement: Engagement, **options: Any) -> Engagement:
    """Command-line values (those given) replace the project file's."""
    given = {k: v for k, v in options.items() if v not in (None, (), [])}
    if not given:
        return engagement
    data = engagement.model_dump(exclude_unset=True)
    data.update(given)
    try:
        return Engagement.model_validate(data)
    except ValidationError as exc:
        raise UserError(problems_from_validation(exc, LocDict(data), Engagement, "command line")) from None


def build_date() -> dt.date:
    """The date documents are made on when none is given: SOURCE_DATE_EPOCH when set
    (reproducible builds; a value that is not whole seconds up to 2099-12-31 is refused), else
    today."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch:
        return dt.date.today()
    latest = int(dt.datetime(Budget.last_year, 12, 31, 23, 59, 59, tzinfo=dt.timezone.utc).timestamp())
    if epoch.isdigit() and int(epoch[:12]) <= latest:
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).date()
    raise UserError.single(Location("environment variable SOURCE_DATE_EPOCH"), "invalid SOURCE_DATE_EPOCH",
                           expected=f"whole seconds since 1970-01-01 UTC, up to {latest} ({Budget.last_year}-12-31)",
                           given=epoch[:40])
