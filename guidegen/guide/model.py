"""The Guide: one resolved, single-language, format-neutral document tree.

Everything a writer needs and nothing it must compute: texts are final (placeholders filled,
language chosen, Markdown allowed), conditions are applied, dates are computed, references
are resolved to names. Codes (directions, types, levels) stay codes; writers label them
through the locale. Content types are derived from their one declaration in
:mod:`guidegen.content.items` (texts become plain strings); this module adds what only a
resolved guide has: engagement data, revisions, approvals and traceability. It imports
neither the blueprint package nor the resolver.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from guidegen.content import items  # noqa: F401 - importing it registers every declaration
from guidegen.content.declare import Declaration, Ident, IdList, Side
from guidegen.content.declare import Text as TextMarker
from guidegen.content.items import RaciCode  # noqa: F401 - re-exported
from guidegen.core.text import share_fields_set
from guidegen.core.vocab import Complexity, Lang, Scenario


class Node(BaseModel):
    """Base of every Guide model: unknown keys are bugs. Validators are built on first use."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    def model_post_init(self, context: Any, /) -> None:
        share_fields_set(self)


SIDE = Side("guide", markers={TextMarker: str, Ident: str, IdList: list[str]}, bases={Declaration: Node},
            module=__name__)

# Note, Goal, ..., Phase, RaciRow, ..., FieldMapping, ..., Summary: one model per declaration.
CONTENT_MODELS = SIDE.export(globals())


# --------------------------------------------------------------------------- guide only
class Meta(Node):
    """Engagement data: who, what, when."""

    blueprint: str = Field(description="Blueprint id.")
    title: str = Field(description="Document title.")
    integration: str = Field(description="Short name of the integration, e.g. 'CRM ↔ Mailchimp'.")
    client: str | None = Field(None, description="Client organisation.")
    crm: str = Field(description="CRM product name.")
    software: str = Field(description="Third-party software product name.")
    software_kind: str = Field(description="Kind of third-party software.")
    middleware: str = Field(description="Name used for the integration layer.")
    complexity: Complexity = Field(description="simple, medium or high.")
    scenario: Scenario = Field(description="new or upgrade.")
    lang: Lang = Field(description="Language of every text.")
    version: str = Field(description="Document version.")
    date: dt.date = Field(description="Document date.")
    author: str | None = Field(None, description="Author of the document.")
    classification: str = Field("", description="Document classification (e.g. Confidential).")
    start_date: dt.date | None = Field(None, description="Project start date, when known.")
    keywords: list[str] = Field(default_factory=list, description="Document keywords.")
    variables: dict[str, str] = Field(default_factory=dict, description="Placeholder values the engagement set.")
    packs: list["PackRef"] = Field(default_factory=list, description="Product packs the guide was made with.")
    neutral: list[str] = Field(default_factory=list, description="Products the engagement named for which no product "
                               "pack exists: the guide is product-neutral for them.")


class PackRef(Node):
    """A product pack a guide was made with."""

    side: str = Field(description="crm or software.")
    name: str = Field(description="The product as the pack names it.")
    verified: dt.date = Field(description="When the pack was last verified against the vendor's documentation.")


class Revision(Node):
    """One line of the revision history."""

    version: str = Field(description="Version.")
    date: dt.date | None = Field(None, description="Date.")
    author: str | None = Field(None, description="Author.")
    change: str = Field(description="What changed.")


class Approval(Node):
    """One line of the approval table."""

    role: str = Field(description="Role that approves.")
    name: str | None = Field(None, description="Person who approves.")
    date: dt.date | None = Field(None, description="Date of approval, if known.")


class Trace(Node):
    """One goal traced to the tests and criteria that prove it."""

    goal: str = Field(description="Goal id.")
    tests: list[str] = Field(default_factory=list, description="Test case ids.")
    acceptance: list[str] = Field(default_factory=list, description="Acceptance criterion ids.")
    kpi: str | None = Field(None, description="KPI of the goal.")

    @property
    def covered(self) -> bool:
        return bool(self.tests)


class Guide(Node):
    """A complete, resolved integration guide."""

    meta: Meta = Field(description="Engagement data.")
    revisions: list[Revision] = Field(default_factory=list, description="Revision history.")
    approvals: list[Approval] = Field(default_factory=list, description="Approvals.")
    overview: Overview = Field(description="Section 1.")
    architecture: Architecture = Field(description="Section 2.")
    implementation: Implementation = Field(description="Section 3.")
    migration: Migration | None = Field(None, description="Upgrade scenario content.")
    data: DataSpec = Field(description="Section 4.")
    testing: Testing = Field(description="Section 5.")
    traceability: list[Trace] = Field(default_factory=list, description="Goal -> tests -> KPI.")
    operations: Operations = Field(description="Section 6.")
    summary: Summary = Field(description="Section 7.")
    references: list[Source] = Field(default_factory=list, description="Sources cited by the content in the guide, in order of first citation.")
    change_history: list[ChangeEntry] = Field(
        default_factory=list, description="Reviewed workbooks imported into the blueprint, oldest first.")

    def role_name(self, role_id: str) -> str:
        for member in self.implementation.team:
            if member.id == role_id:
                return member.name
        return role_id

    def goal(self, goal_id: str) -> Goal | None:
        return next((g for g in self.overview.goals if g.id == goal_id), None)
