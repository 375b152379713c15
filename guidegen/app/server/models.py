"""Request and response models of the HTTP API (and the MCP tools). The OpenAPI document is
generated from these, and the guide request *is* the project-file model (:class:`Engagement`)
less the fields that name files on the server."""

from __future__ import annotations

from typing import Annotated, Literal, get_args

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from pydantic.json_schema import SkipJsonSchema

from guidegen.core.text import Id, Lang, listify
from guidegen.resolve.engagement import FORMATS, Engagement, Format
from guidegen.core.errors import Problem


# The writers' formats, and PDF, which the server makes from the DOCX with LibreOffice.
ServedFormat = Literal[(*get_args(Format), "pdf")]  # type: ignore[valid-type]


class GuideRequest(Engagement):
    """Every parameter of one guide, as in a project file. ``out`` and ``template`` are not
    accepted: a request never names a path on the server."""

    # Built now, not on first use: FastAPI wraps a request-body model in its own adapter, and a
    # model whose validator is still deferred makes pydantic warn about the body's alias there.
    model_config = ConfigDict(defer_build=False)

    blueprint: Id = Field(description="Integration type: a blueprint id (see GET /api/v1/types).")  # type: ignore[assignment]
    languages: list[Lang] | None = Field(
        None, description="Render the guide in each of these languages (overrides 'lang'), e.g. [zh, en]."
    )
    formats: Annotated[list[ServedFormat], BeforeValidator(listify)] = Field(  # type: ignore[assignment]
        default_factory=lambda: list(FORMATS),
        description="Output formats: docx, md, xlsx, html, and pdf where the server has LibreOffice "
        "(see GET /api/v1/formats). Default: docx, md, xlsx.",
    )
    out: SkipJsonSchema[None] = Field(None, description="Not accepted over HTTP.")  # type: ignore[assignment]
    template: SkipJsonSchema[None] = Field(None, description="Not accepted over HTTP.")  # type: ignore[assignment]


class GoalSummary(BaseModel):
    id: str
    title: str
    statement: str
    kpi: str | None = None


class RoleSummary(BaseModel):
    id: str = Field(description="Role id, the key for 'people'.")
    name: str


class VariableSummary(BaseModel):
    id: str = Field(description="Placeholder name, the key for 'variables'.")
    default: str
    description: str | None = None


class TypeSummary(BaseModel):
    """One integration type, as listed."""

    id: str = Field(description="Blueprint id, the value for 'blueprint'.")
    title: str = Field(description="Guide title with the type's default product names.")
    description: str
    software_kind: str
    default_complexity: str
    goals: list[GoalSummary] = Field(description="The type's default goals (at its default complexity).")


class TypeDetail(TypeSummary):
    """One integration type with every parameter a guide request can set."""

    default_software: str
    default_crm: str
    software_products: list[str] = Field(default_factory=list, description="The third-party products with a product "
                                         "pack for this type; 'software' naming one (or its pack id or an alias) applies it.")
    crm_products: list[str] = Field(default_factory=list, description="The CRMs with a product pack; 'crm' naming one applies it.")
    complexities: list[str]
    scenarios: list[str]
    languages: list[str]
    formats: list[str]
    roles: list[RoleSummary] = Field(description="Roles a person can be named for (any complexity).")
    variables: list[VariableSummary]
    weeks: dict[str, list[int]] = Field(description="Plan length [min, max] in weeks per complexity.")


class LocatedProblem(BaseModel):
    """One problem with its location, as the CLI reports it."""

    model_config = ConfigDict(frozen=True)

    severity: Literal["error", "warning"] = "error"
    message: str
    file: str = Field(description="File (or 'request' for the request body).")
    line: int | None = None
    column: int | None = None
    key: str | None = Field(None, description="Key path inside the file or request, e.g. data.entities[0].fields[2].type.")
    cell: str | None = Field(None, description="Sheet!Cell for workbooks.")
    expected: str | None = None
    given: str | None = None
    hint: str | None = None
    source_line: str | None = Field(None, description="The offending line of the file, when known.")

    @classmethod
    def of(cls, problem: Problem, source_line: str | None = None) -> "LocatedProblem":
        loc = problem.location
        return cls(severity=problem.severity, message=problem.message, file=loc.file, line=loc.line, column=loc.column,
                   key=loc.path, cell=loc.cell, expected=problem.expected, given=problem.given, hint=problem.hint,
                   source_line=source_line)

    def text(self) -> str:
        """The CLI's one-line form: file:line:column: key: message."""
        where = self.file + (f" {self.cell}" if self.cell else "")
        if self.line is not None:
            where += f":{self.line}" + (f":{self.column}" if self.column is not None else "")
        return f"{where}: " + (f"{self.key}: " if self.key else "") + self.message


class ProblemDocument(BaseModel):
    """An error response (RFC 9457, application/problem+json) with every located problem."""

    type: str = Field(description="URI naming the kind of problem.")
    title: str
    status: int
    detail: str
    instance: str | None = None
    errors: list[LocatedProblem] = Field(default_factory=list)


class RenderedFile(BaseModel):
    name: str
    data: bytes


class RenderResult(BaseModel):
    files: list[RenderedFile]
    warnings: list[LocatedProblem] = Field(default_factory=list)


class ValidationReport(BaseModel):
    """The result of validating a blueprint: valid when it has no errors."""

    file: str
    valid: bool
    errors: list[LocatedProblem]
    warnings: list[LocatedProblem]


class ImportChange(BaseModel):
    kind: Literal["changed", "added", "deleted"]
    where: str = Field(description="Entity and field (or code set and value) the change touches.")
    detail: str = ""


class ImportPreview(BaseModel):
    """What a reviewed workbook changes in a blueprint."""

    blueprint: str = Field(description="File name of the blueprint.")
    summary: str
    changes: list[ImportChange]
    updated_yaml: str | None = Field(None, description="The blueprint with the edits applied (None without changes).")


class ImportApplied(ImportPreview):
    written_to: str | None = Field(None, description="Where the server saved the blueprint (its import folder), if configured.")
