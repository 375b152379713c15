"""The Guide: one resolved, single-language, format-neutral document tree.

Everything a writer needs and nothing it must compute: texts are final (placeholders filled,
language chosen, Markdown allowed), conditions are applied, dates are computed, references
are resolved to names. Codes (directions, types, levels) stay codes; writers label them
through :mod:`guidegen.core.i18n`. Writers import this module and never the blueprint or the CLI.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from guidegen.blueprint.schema import (
    AlertLevel,
    Direction,
    FieldType,
    FlowMode,
    InterfaceKind,
    Level3,
    MappingStatus,
    System,
    TestCategory,
)
from guidegen.core.text import Complexity, Lang, Scenario


class Node(BaseModel):
    """Base of every Guide model: unknown keys are bugs."""

    model_config = ConfigDict(extra="forbid")


class Note(Node):
    """A paragraph of Markdown prose with an optional bold lead-in."""

    title: str | None = Field(None, description="Bold lead-in, if any.")
    text: str = Field(description="Markdown prose.")


class Person(Node):
    """A named person filling a role."""

    name: str = Field(description="Full name.")
    contact: str | None = Field(None, description="E-mail or phone.")


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
    start_date: dt.date | None = Field(None, description="Project start date, when known.")
    keywords: list[str] = Field(default_factory=list, description="Document keywords.")
    variables: dict[str, str] = Field(default_factory=dict, description="Placeholder values the engagement set.")


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


# --------------------------------------------------------------------------- overview
class Goal(Node):
    """A business goal."""

    id: str = Field(description="Goal id.")
    title: str = Field(description="Short name.")
    statement: str = Field(description="What must be achieved.")
    value: str | None = Field(None, description="Business value.")
    kpi: str | None = Field(None, description="Measurable KPI.")
    custom: bool = Field(False, description="True for goals given by the engagement rather than the blueprint.")


class ScopeObject(Node):
    """A data object in scope."""

    id: str = Field(description="Object id.")
    name: str = Field(description="Business name.")
    crm_object: str | None = Field(None, description="CRM object.")
    software_object: str | None = Field(None, description="Third-party object.")
    description: str | None = Field(None, description="What it holds.")


class SyncDirection(Node):
    """What flows in one direction."""

    direction: Direction = Field(description="Direction code.")
    items: str = Field(description="What flows.")


class Scope(Node):
    """Scope of the integration."""

    objects: list[ScopeObject] = Field(default_factory=list, description="Objects in scope.")
    methods: list[Note] = Field(default_factory=list, description="Integration methods.")
    events: list[Note] = Field(default_factory=list, description="Events and actions covered.")
    directions: list[SyncDirection] = Field(default_factory=list, description="Sync directions.")
    out_of_scope: list[Note] = Field(default_factory=list, description="Exclusions.")
    notes: list[Note] = Field(default_factory=list, description="Other scope notes.")


class Overview(Node):
    """Section 1."""

    background: list[Note] = Field(default_factory=list, description="Background.")
    goals: list[Goal] = Field(default_factory=list, description="Goals.")
    scope: Scope = Field(default_factory=Scope, description="Scope.")


# --------------------------------------------------------------------------- architecture
class Interface(Node):
    """An interface in the inventory."""

    id: str = Field(description="Interface id.")
    provider: System = Field(description="System exposing it.")
    name: str = Field(description="Name.")
    kind: list[InterfaceKind] = Field(description="Kinds.")
    source: System = Field(description="Data source.")
    target: System = Field(description="Data target.")
    bidirectional: bool = Field(False, description="Both ways.")
    purpose: str = Field(description="Purpose.")
    auth: str | None = Field(None, description="Authentication.")


class Flow(Node):
    """A data flow."""

    id: str = Field(description="Flow id.")
    name: str = Field(description="Name.")
    mode: FlowMode = Field(description="Mode.")
    source: System = Field(description="Start system.")
    target: System = Field(description="End system.")
    trigger: str = Field(description="Trigger.")
    steps: list[str] = Field(description="Ordered steps.")


class Requirement(Node):
    """A system requirement."""

    id: str = Field(description="Requirement id.")
    category: str = Field(description="Category.")
    requirement: str = Field(description="Requirement.")
    target: str = Field(description="Target value.")


class Control(Node):
    """A security control."""

    id: str = Field(description="Control id.")
    area: str = Field(description="Area.")
    control: str = Field(description="Control.")


class ComplianceItem(Node):
    """A compliance requirement."""

    id: str = Field(description="Item id.")
    regulation: str = Field(description="Regulation.")
    requirement: str = Field(description="Requirement.")
    implementation: str = Field(description="Implementation.")


class Architecture(Node):
    """Section 2."""

    notes: list[Note] = Field(default_factory=list, description="Overview.")
    interfaces: list[Interface] = Field(default_factory=list, description="Interface inventory.")
    flows: list[Flow] = Field(default_factory=list, description="Data flows.")
    sync: list[Note] = Field(default_factory=list, description="Sync strategy.")
    master_data: list[Note] = Field(default_factory=list, description="Master data and conflicts.")
    error_handling: list[Note] = Field(default_factory=list, description="Error handling.")
    requirements: list[Requirement] = Field(default_factory=list, description="Requirements and capacity.")
    security: list[Control] = Field(default_factory=list, description="Security controls.")
    compliance: list[ComplianceItem] = Field(default_factory=list, description="Compliance.")


# --------------------------------------------------------------------------- implementation
class TeamMember(Node):
    """A role on the project."""

    id: str = Field(description="Role id.")
    name: str = Field(description="Role name.")
    responsibilities: str = Field(description="Responsibilities.")
    accountable: bool = Field(False, description="Accountable for every phase.")
    consulted: list[str] = Field(default_factory=list, description="Stage ids in which the role is consulted.")
    person: Person | None = Field(None, description="Who fills the role, when known.")


class Task(Node):
    """A task in a phase."""

    text: str = Field(description="What is done.")
    owners: list[str] = Field(default_factory=list, description="Role ids responsible.")


class Phase(Node):
    """A phase of the plan, with computed weeks and dates."""

    id: str = Field(description="Phase id.")
    name: str = Field(description="Name.")
    start_week: int = Field(description="First week (1-based).")
    end_week: int = Field(description="Last week.")
    start_date: dt.date | None = Field(None, description="First day (a Monday), when the start date is known.")
    end_date: dt.date | None = Field(None, description="Last working day (a Friday).")
    stages: list[str] = Field(default_factory=list, description="Work stages the phase covers.")
    tasks: list[Task] = Field(default_factory=list, description="Tasks.")
    deliverables: list[str] = Field(default_factory=list, description="Deliverables.")
    owners: list[str] = Field(default_factory=list, description="Role ids owning tasks in the phase, in order.")
    accountable: str | None = Field(None, description="Role id accountable for the phase.")


class Milestone(Node):
    """A dated milestone."""

    id: str = Field(description="Milestone id.")
    name: str = Field(description="Name.")
    phase: str = Field(description="Phase id whose end marks it.")
    week: int = Field(description="Week of the milestone.")
    date: dt.date | None = Field(None, description="Date, when the start date is known.")
    criterion: str = Field(description="Pass criterion.")


RaciCode = Literal["R", "A", "C", "I", "A/R", ""]


class RaciRow(Node):
    """One role's involvement per phase."""

    role: str = Field(description="Role id.")
    cells: list[RaciCode] = Field(description="One code per phase, in phase order.")


class Implementation(Node):
    """Section 3."""

    team: list[TeamMember] = Field(default_factory=list, description="Roles.")
    duration_weeks: tuple[int, int] = Field(description="Total duration [min, max] in weeks.")
    phases: list[Phase] = Field(default_factory=list, description="Phases.")
    milestones: list[Milestone] = Field(default_factory=list, description="Milestones.")
    raci: list[RaciRow] = Field(default_factory=list, description="RACI matrix rows (roles x phases).")
    gate: list[Note] = Field(default_factory=list, description="Acceptance gate.")
    notes: list[Note] = Field(default_factory=list, description="Notes.")


# --------------------------------------------------------------------------- migration
class LegacyInterface(Node):
    """An old interface."""

    id: str = Field(description="Id.")
    name: str = Field(description="What it does.")
    disposition: str = Field(description="What happens to it.")
    note: str | None = Field(None, description="Remarks.")


class ChecklistItem(Node):
    """A go/no-go check."""

    id: str = Field(description="Id.")
    check: str = Field(description="Check.")
    criterion: str = Field(description="Go criterion.")
    owner: str | None = Field(None, description="Role id signing off.")


class Migration(Node):
    """Upgrade scenario content."""

    legacy_interfaces: list[LegacyInterface] = Field(default_factory=list, description="Old interfaces.")
    migration: list[Note] = Field(default_factory=list, description="Migration and backfill.")
    reconciliation: list[Note] = Field(default_factory=list, description="Reconciliation.")
    dual_run: list[Note] = Field(default_factory=list, description="Dual run.")
    cutover: list[ChecklistItem] = Field(default_factory=list, description="Go/no-go checklist.")
    versioning: list[Note] = Field(default_factory=list, description="Contract versioning.")
    rollback: list[Note] = Field(default_factory=list, description="Rollback plan.")


# --------------------------------------------------------------------------- data
class Standard(Node):
    """A data standard."""

    id: str = Field(description="Id.")
    topic: str = Field(description="Topic.")
    standard: str = Field(description="Rule.")
    example: str | None = Field(None, description="Example.")


class FieldMapping(Node):
    """A field-mapping row, with objects and direction filled in from its entity."""

    key: str = Field(description="Stable key of the row within its entity.")
    source: str = Field(description="Source field.")
    target: str = Field(description="Target field.")
    description: str | None = Field(None, description="Meaning.")
    type: FieldType = Field(description="Target data type.")
    source_type: FieldType = Field(description="Source data type.")
    required: bool | None = Field(None, description="Mandatory.")
    direction: Direction = Field(description="Direction.")
    rule: str | None = Field(None, description="Transformation rule.")
    validation: str | None = Field(None, description="Validation.")
    default: str | None = Field(None, description="Default if empty.")
    example: str | None = Field(None, description="Example.")
    note: str | None = Field(None, description="Note.")
    enum: str | None = Field(None, description="Code set id.")
    status: MappingStatus = Field(description="Review status.")
    source_object: str = Field(description="Source object.")
    target_object: str = Field(description="Target object.")


class Entity(Node):
    """A field-mapping table."""

    id: str = Field(description="Entity id.")
    name: str = Field(description="Name.")
    source: System = Field(description="Source system.")
    target: System = Field(description="Target system.")
    source_object: str = Field(description="Source object.")
    target_object: str = Field(description="Target object.")
    direction: Direction = Field(description="Default direction.")
    description: str | None = Field(None, description="Description.")
    fields: list[FieldMapping] = Field(description="Rows in order.")


class EnumValue(Node):
    """A code-set value."""

    source: str | None = Field(None, description="Source value.")
    target: str = Field(description="Target code.")
    description: str | None = Field(None, description="Meaning.")


class CodeSet(Node):
    """A code-set mapping."""

    id: str = Field(description="Id.")
    name: str = Field(description="Name.")
    description: str | None = Field(None, description="Description.")
    values: list[EnumValue] = Field(description="Values.")


class Rule(Node):
    """A transformation or validation rule."""

    id: str = Field(description="Id.")
    title: str = Field(description="Title.")
    text: str = Field(description="Rule.")
    on_failure: str | None = Field(None, description="Action on failure.")


class DataSpec(Node):
    """Section 4."""

    standards: list[Standard] = Field(default_factory=list, description="Standards.")
    keys: list[Note] = Field(default_factory=list, description="Keys and matching.")
    entities: list[Entity] = Field(default_factory=list, description="Mappings.")
    enums: list[CodeSet] = Field(default_factory=list, description="Code sets.")
    enum_notes: list[Note] = Field(default_factory=list, description="Code-set policies.")
    transformations: list[Rule] = Field(default_factory=list, description="Transformation rules.")
    validations: list[Rule] = Field(default_factory=list, description="Validation rules.")


# --------------------------------------------------------------------------- testing
class Threshold(Node):
    """A metric and threshold."""

    metric: str = Field(description="Metric.")
    threshold: str = Field(description="Threshold.")


class TestCase(Node):
    """A test case."""

    __test__ = False  # not a pytest class

    id: str = Field(description="Id.")
    category: TestCategory = Field(description="Category.")
    title: str = Field(description="Title.")
    goals: list[str] = Field(default_factory=list, description="Goal ids.")
    steps: list[str] = Field(default_factory=list, description="Steps.")
    expected: str = Field(description="Expected result.")
    acceptance: str | None = Field(None, description="Acceptance criterion.")
    thresholds: list[Threshold] = Field(default_factory=list, description="Thresholds.")
    priority: Level3 = Field(description="Priority.")


class Acceptance(Node):
    """An acceptance criterion."""

    id: str = Field(description="Id.")
    aspect: str = Field(description="Aspect.")
    criterion: str = Field(description="Criterion.")
    goals: list[str] = Field(default_factory=list, description="Goal ids.")


class Testing(Node):
    """Section 5."""

    cases: list[TestCase] = Field(default_factory=list, description="Test cases.")
    acceptance: list[Acceptance] = Field(default_factory=list, description="Acceptance criteria.")
    notes: list[Note] = Field(default_factory=list, description="Notes.")


class Trace(Node):
    """One goal traced to the tests and criteria that prove it."""

    goal: str = Field(description="Goal id.")
    tests: list[str] = Field(default_factory=list, description="Test case ids.")
    acceptance: list[str] = Field(default_factory=list, description="Acceptance criterion ids.")
    kpi: str | None = Field(None, description="KPI of the goal.")

    @property
    def covered(self) -> bool:
        return bool(self.tests)


# --------------------------------------------------------------------------- operations
class Metric(Node):
    """A monitoring metric."""

    id: str = Field(description="Id.")
    category: str | None = Field(None, description="Group.")
    name: str = Field(description="Name.")
    description: str | None = Field(None, description="Description.")
    threshold: str | None = Field(None, description="Alert threshold.")
    level: AlertLevel | None = Field(None, description="Alert level.")


class AlertLevelDef(Node):
    """An alert level."""

    level: AlertLevel = Field(description="Level.")
    definition: str = Field(description="Definition.")
    response: str | None = Field(None, description="Response.")


class Runbook(Node):
    """A runbook."""

    id: str = Field(description="Id.")
    scenario: str = Field(description="Scenario.")
    steps: list[str] = Field(description="Steps.")


class Operations(Node):
    """Section 6."""

    metrics: list[Metric] = Field(default_factory=list, description="Metrics.")
    alert_levels: list[AlertLevelDef] = Field(default_factory=list, description="Alert levels.")
    incident_process: list[Note] = Field(default_factory=list, description="Incident process.")
    runbooks: list[Runbook] = Field(default_factory=list, description="Runbooks.")
    change_process: list[Note] = Field(default_factory=list, description="Change and upgrade.")
    runbook_notes: list[Note] = Field(default_factory=list, description="Manual contents.")


# --------------------------------------------------------------------------- summary
class Risk(Node):
    """A risk."""

    id: str = Field(description="Id.")
    category: str = Field(description="Category.")
    risk: str = Field(description="Risk.")
    likelihood: Level3 = Field(description="Likelihood.")
    impact: Level3 = Field(description="Impact.")
    mitigation: str | None = Field(None, description="Mitigation.")
    owner: str | None = Field(None, description="Role id.")


class Summary(Node):
    """Section 7."""

    key_points: list[Note] = Field(default_factory=list, description="Key points.")
    risks: list[Risk] = Field(default_factory=list, description="Risks.")
    closing: list[Note] = Field(default_factory=list, description="Closing remarks.")


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

    def role_name(self, role_id: str) -> str:
        for member in self.implementation.team:
            if member.id == role_id:
                return member.name
        return role_id

    def goal(self, goal_id: str) -> Goal | None:
        return next((g for g in self.overview.goals if g.id == goal_id), None)
