"""The blueprint schema: what a consultant writes in YAML to describe one integration type.

Content types (goals, interfaces, field mappings, tests, ...) are declared once in
:mod:`guidegen.content.items` and derived here for the blueprint side: texts are
:data:`~guidegen.core.text.Text` (one string, or ``{zh: ..., en: ...}``; Markdown and
``{{ software }}``-style placeholders allowed), identifiers are validated, and every list item
may carry ``when:`` to appear only at some complexity levels or scenarios. This module adds
what only a blueprint has: the role catalogue, stages and plans, defaults, variables and the
root. The same models validate blueprints and feed ``schemas/blueprint.schema.json`` and
``docs/reference.md``.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BeforeValidator, Field

from guidegen.core.budget import Budget
from guidegen.content import items  # noqa: F401 - importing it registers every declaration
from guidegen.content.declare import Ident, IdList, Item, Section, Side
from guidegen.content.declare import Text as TextMarker
from guidegen.core.text import Complexity, Conditional, Id, Strict, Text, listify
from guidegen.core.vocab import (  # noqa: F401 - re-exported for blueprint tooling
    DIRECTIONS,
    FIELD_TYPES,
    LEVELS,
    MAPPING_STATUSES,
    TEST_CATEGORIES,
    AlertLevel,
    Direction,
    FieldType,
    FlowMode,
    InterfaceKind,
    Level3,
    MappingStatus,
    System,
    TestCategory,
    Trait,
)

IdRefs = Annotated[list[Id], BeforeValidator(listify)]

# A week number or a number of weeks: bounded, so that a typo like 5000000 is refused instead of
# building a plan (and a Gantt chart) of that length.
Week = Annotated[int, Field(ge=1, le=Budget.max_weeks)]
Weeks = Annotated[int, Field(ge=0, le=Budget.max_weeks)]


class _FieldMappingKey:
    """The blueprint row's key: its id, else the source field (the target when there is none);
    empty for a row without an id whose field is described in words (an error, see
    guidegen.resolve.checks)."""

    @property
    def key(self) -> str:
        if self.id:  # type: ignore[attr-defined]
            return self.id  # type: ignore[attr-defined]
        source = self.source  # type: ignore[attr-defined]
        named = source if not isinstance(source, str) or source.strip().lower() not in ("", "n/a", "-") \
            else self.target  # type: ignore[attr-defined]
        return named if isinstance(named, str) else ""


SIDE = Side(
    "blueprint",
    markers={TextMarker: Text, Ident: Id, IdList: IdRefs},
    bases={Item: Conditional, Section: Strict},
    mixins={"FieldMapping": (_FieldMappingKey,)},
    module=__name__,
)

# Note, Goal, ScopeObject, ..., FieldMapping, ..., Risk, Summary: one model per declaration.
CONTENT_MODELS = SIDE.export(globals())


# --------------------------------------------------------------------------- blueprint only
class Role(Conditional):
    """A role in the role catalogue (shared across blueprints)."""

    id: Id = Field(description="Role id, e.g. pm, crm_dev, qa.")
    name: Text = Field(description="Role name as printed in the guide.")
    description: Text | None = Field(None, description="What the role does in general.")


class PlanPhase(Conditional):
    """A phase of a plan template: name, weeks and the work stages it covers."""

    id: Id = Field(description="Phase id.")
    name: Text = Field(description="Phase name.")
    weeks: Annotated[list[Week], Field(min_length=2, max_length=2)] = Field(
        description="First and last week of the phase, e.g. [2, 3] (1-based; phases may overlap)."
    )
    stages: IdRefs = Field(description="Work stages (see 'stages') whose tasks land in this phase.")
    shift_following_weeks: int = Field(
        0, ge=0, le=Budget.max_weeks, description="Weeks by which this (usually conditional) phase pushes every later phase back."
    )


class Plan(Strict):
    """The phase plan for one complexity level."""

    duration: Annotated[list[Week], Field(min_length=2, max_length=2)] = Field(
        description="Total duration in weeks as [min, max], e.g. [3, 4]."
    )
    phases: list[PlanPhase] = Field(description="Phases in order.")
    upgrade_extra_weeks: Annotated[list[Weeks], Field(min_length=2, max_length=2)] = Field(
        default_factory=lambda: [0, 0], description="Weeks added to the duration in the upgrade scenario, [min, max]."
    )
    assumptions: list[Assumption] = Field(  # noqa: F821 - exported from the declarations above
        default_factory=list, description="What the plan and its estimate assume: volumes, team, environments, scope."
    )
    effort: list[Effort] = Field(  # noqa: F821 - exported from the declarations above
        default_factory=list, description="Effort estimate: person-days per phase for each role (roles outside the team are left out)."
    )


class Plans(Strict):
    """Phase plans per complexity level."""

    simple: Plan | None = Field(None, description="Plan for simple integrations.")
    medium: Plan | None = Field(None, description="Plan for medium integrations.")
    high: Plan | None = Field(None, description="Plan for high-complexity integrations.")


class Stage(Strict):
    """A work stage: tasks are written per stage, and each plan maps stages to phases."""

    id: Id = Field(description="Stage id, e.g. design, build, testing.")
    name: Text = Field(description="Stage name.")


class Defaults(Strict):
    """Names used when the engagement does not give them."""

    software: Text = Field(description="Default name of the third-party software.")
    crm: Text = Field("CRM", validate_default=True, description="Default name of the CRM.")
    client: Text | None = Field(None, description="Default client name.")


class VariableLevels(Strict):
    """A variable's value per complexity level (a level not given uses the variable's 'value')."""

    simple: Text | None = Field(None, description="Value for simple integrations.")
    medium: Text | None = Field(None, description="Value for medium integrations.")
    high: Text | None = Field(None, description="Value for high-complexity integrations.")


class Variable(Strict):
    """A placeholder value the blueprint defines and an engagement may override."""

    id: Id = Field(description="Placeholder name, used as {{ id }} in texts.")
    value: Text = Field(description="Default value.")
    by_complexity: VariableLevels | None = Field(
        None, description="Values per complexity level, used instead of 'value' at that level "
        "(e.g. a smaller peak load for a simple integration)."
    )
    description: Text | None = Field(None, description="What the value means.")


class Blueprint(Strict):
    """One integration type: everything needed to render its guide."""

    id: Id = Field(description="Blueprint id, e.g. email-marketing.")
    title: Text = Field(description="Guide title (placeholders allowed).")
    description: Text = Field(description="One-line description shown by 'guidegen list'.")
    software_kind: Text = Field(description="Kind of third-party software, e.g. email marketing platform.")
    default_complexity: Complexity = Field(description="Complexity used when none is given.")
    defaults: Defaults = Field(description="Default names for software, CRM and client.")
    traits: list[Trait] | None = Field(
        None,
        description="What the integration involves: personal_data, marketing_consent, payment_cards, call_recording. "
        "Items of included fragments marked 'applies_to' other traits are left out; absent = include everything.",
    )
    include: list[Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")]] = Field(
        default_factory=list, description="Shared fragments to include (file names in fragments/, without .yaml)."
    )
    variables: list[Variable] = Field(default_factory=list, description="Extra placeholders and their defaults.")
    roles: list[Role] = Field(default_factory=list, description="Role catalogue (usually from the 'roles' fragment).")
    stages: list[Stage] = Field(default_factory=list, description="Work stages (usually from the 'plans' fragment).")
    plans: Plans = Field(default_factory=Plans, description="Phase plans per complexity (usually from the 'plans' fragment).")
    overview: Overview = Field(default_factory=Overview, description="Section 1: overview.")
    architecture: Architecture = Field(default_factory=Architecture, description="Section 2: technical architecture.")
    implementation: Implementation = Field(default_factory=Implementation, description="Section 3: implementation plan.")
    migration: Migration | None = Field(None, description="Upgrade scenario: migration, dual run, cutover, rollback.")
    data: DataSpec = Field(default_factory=DataSpec, description="Section 4: data specification.")
    testing: Testing = Field(default_factory=Testing, description="Section 5: testing.")
    operations: Operations = Field(default_factory=Operations, description="Section 6: operations.")
    summary: Summary = Field(default_factory=Summary, description="Section 7: summary and risk register.")
    sources: list[Source] = Field(
        default_factory=list,
        description="Sources register: every law, standard and vendor page the content was verified against, cited by id.",
    )
    change_history: list[ChangeEntry] = Field(
        default_factory=list,
        description="Reviewed workbooks imported into this blueprint, oldest first (import-mapping appends one entry per "
        "import); they feed the guide's revision history and the workbook's Change log sheet.",
    )
