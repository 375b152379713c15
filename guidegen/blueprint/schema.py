"""The blueprint schema: what a consultant writes in YAML to describe one integration type.

Every field carries a description; the same declarations validate blueprints, feed
``schemas/blueprint.schema.json`` (editor completion) and ``docs/authoring.md``.
Texts are :data:`Text` (one string, or ``{zh: ..., en: ...}``), Markdown allowed, with
``{{ software }}``-style placeholders. Every list item may carry ``when:`` to appear only at
some complexity levels or scenarios.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BeforeValidator, Field

from guidegen.core.text import Complexity, Conditional, Id, Strict, Text, _listify

System = Literal["crm", "software", "middleware", "crm_ui"]
Direction = Literal["crm_to_software", "software_to_crm", "bidirectional"]
InterfaceKind = Literal[
    "REST", "GraphQL", "SOAP", "OData", "Webhook", "Batch", "File", "SFTP", "WebSocket", "SSE",
    "MessageQueue", "CDC", "SDK", "IDoc", "RFC",
]
FlowMode = Literal["realtime", "near_realtime", "batch", "scheduled", "on_demand"]
FieldType = Literal[
    "string", "text", "integer", "decimal", "number", "boolean", "date", "datetime", "timestamp",
    "enum", "array", "string_array", "reference", "object", "binary",
]
MappingStatus = Literal["mapped", "to_review", "approved", "not_required", "deprecated"]
Level3 = Literal["low", "medium", "high"]
AlertLevel = Literal["P1", "P2", "P3"]
TestCategory = Literal[
    "functional", "performance", "security", "compliance", "resilience", "reconciliation",
    "regression", "migration", "uat",
]

FIELD_TYPES: tuple[str, ...] = FieldType.__args__  # type: ignore[attr-defined]
DIRECTIONS: tuple[str, ...] = Direction.__args__  # type: ignore[attr-defined]
MAPPING_STATUSES: tuple[str, ...] = MappingStatus.__args__  # type: ignore[attr-defined]
LEVELS: tuple[str, ...] = Level3.__args__  # type: ignore[attr-defined]
TEST_CATEGORIES: tuple[str, ...] = TestCategory.__args__  # type: ignore[attr-defined]

IdRefs = Annotated[list[Id], BeforeValidator(_listify)]


# --------------------------------------------------------------------------- generic items
class Note(Conditional):
    """A paragraph or bullet of prose, optionally with a bold lead-in title."""

    id: Id | None = Field(None, description="Identifier; needed only to override or omit an inherited note.")
    title: Text | None = Field(None, description="Short lead-in shown in bold before the text.")
    text: Text = Field(description="The prose (Markdown: **bold**, *italic*, `code`, links, lists).")


Notes = Field(default_factory=list, description="Paragraphs or bullets of prose.")


# --------------------------------------------------------------------------- overview
class Goal(Conditional):
    """A business goal: what the integration must achieve and how success is measured."""

    id: Id = Field(description="Goal id, e.g. G1; test cases refer to it in their 'goals' list.")
    title: Text = Field(description="Short name of the goal.")
    statement: Text = Field(description="What the integration must do for this goal.")
    value: Text | None = Field(None, description="Business value the goal brings.")
    kpi: Text | None = Field(None, description="Measurable KPI or acceptance threshold.")


class ScopeObject(Conditional):
    """A data object in scope, named on both sides."""

    id: Id = Field(description="Object id; entities refer to it via 'scope_object'.")
    name: Text = Field(description="Business name of the object.")
    crm_object: str | None = Field(None, description="Object name on the CRM side, e.g. Contact.")
    software_object: str | None = Field(None, description="Object name on the third-party side, e.g. Subscriber.")
    description: Text | None = Field(None, description="What the object holds and why it is in scope.")


class SyncDirection(Conditional):
    """What flows in one direction."""

    id: Id | None = Field(None, description="Identifier (for overriding).")
    direction: Direction = Field(description="crm_to_software, software_to_crm or bidirectional.")
    items: Text = Field(description="What flows this way.")


class Scope(Strict):
    """What the integration covers and what it does not."""

    objects: list[ScopeObject] = Field(default_factory=list, description="Data objects in scope.")
    methods: list[Note] = Field(default_factory=list, description="Integration methods (API, webhook, batch, ...).")
    events: list[Note] = Field(default_factory=list, description="Business events and actions covered.")
    directions: list[SyncDirection] = Field(default_factory=list, description="What flows which way.")
    out_of_scope: list[Note] = Field(default_factory=list, description="What is explicitly not covered.")
    notes: list[Note] = Notes


class Overview(Strict):
    """Section 1: background, goals and scope."""

    background: list[Note] = Field(default_factory=list, description="Why the integration is needed.")
    goals: list[Goal] = Field(default_factory=list, description="Business goals, each with an id and KPI.")
    scope: Scope = Field(default_factory=Scope, description="Scope: objects, methods, directions, exclusions.")


# --------------------------------------------------------------------------- architecture
class Interface(Conditional):
    """One interface in the inventory."""

    id: Id = Field(description="Interface id, e.g. IF-01.")
    provider: System = Field(description="System that exposes the interface: crm, software, middleware or crm_ui.")
    name: Text = Field(description="Interface name.")
    kind: Annotated[list[InterfaceKind], BeforeValidator(_listify)] = Field(
        description="Interface kind(s): REST, GraphQL, SOAP, OData, Webhook, Batch, File, SFTP, WebSocket, SSE, MessageQueue, CDC, SDK, IDoc, RFC."
    )
    source: System = Field(description="System the data comes from.")
    target: System = Field(description="System the data goes to.")
    bidirectional: bool = Field(False, description="True when data flows both ways through this interface.")
    purpose: Text = Field(description="What the interface is used for.")
    auth: Text | None = Field(None, description="Authentication and protection (OAuth2, HMAC signature, mTLS, ...).")


class Flow(Conditional):
    """A data flow: trigger and ordered steps."""

    id: Id = Field(description="Flow id, e.g. DF-01.")
    name: Text = Field(description="Flow name.")
    mode: FlowMode = Field(description="realtime, near_realtime, batch, scheduled or on_demand.")
    source: System = Field(description="System where the flow starts.")
    target: System = Field(description="System where the flow ends.")
    trigger: Text = Field(description="What starts the flow.")
    steps: list[Text] = Field(description="Ordered steps.")


class Requirement(Conditional):
    """A system requirement or capacity target."""

    id: Id = Field(description="Requirement id, e.g. NFR-01.")
    category: Text = Field(description="Category: capacity, latency, availability, DR, retention, ...")
    requirement: Text = Field(description="What is required.")
    target: Text = Field(description="Target value or threshold.")


class Control(Conditional):
    """A security control."""

    id: Id = Field(description="Control id, e.g. SEC-01.")
    area: Text = Field(description="Area: identity, transport, webhook, secrets, ...")
    control: Text = Field(description="The control and how it is implemented.")


class ComplianceItem(Conditional):
    """A legal or regulatory requirement and how the integration meets it."""

    id: Id = Field(description="Item id, e.g. CMP-01.")
    regulation: Text = Field(description="Law or standard, with article, e.g. GDPR Art. 12(3).")
    requirement: Text = Field(description="What the law requires (state deadlines exactly).")
    implementation: Text = Field(description="How the integration meets it.")


class Architecture(Strict):
    """Section 2: interfaces, flows, sync strategy, conflict rules, errors, capacity, security."""

    notes: list[Note] = Field(default_factory=list, description="Architecture overview (components and pattern).")
    interfaces: list[Interface] = Field(default_factory=list, description="Interface inventory.")
    flows: list[Flow] = Field(default_factory=list, description="Data flows.")
    sync: list[Note] = Field(default_factory=list, description="Sync strategy: realtime, reconciliation, ordering, idempotency, rate limits.")
    master_data: list[Note] = Field(default_factory=list, description="Master-data ownership and conflict rules.")
    error_handling: list[Note] = Field(default_factory=list, description="Error handling, retry, backoff, DLQ and compensation.")
    requirements: list[Requirement] = Field(default_factory=list, description="System requirements and capacity targets.")
    security: list[Control] = Field(default_factory=list, description="Security controls.")
    compliance: list[ComplianceItem] = Field(default_factory=list, description="Compliance requirements.")


# --------------------------------------------------------------------------- implementation
class Role(Conditional):
    """A role in the role catalogue (shared across blueprints)."""

    id: Id = Field(description="Role id, e.g. pm, crm_dev, qa.")
    name: Text = Field(description="Role name as printed in the guide.")
    description: Text | None = Field(None, description="What the role does in general.")


class TeamMember(Conditional):
    """A catalogue role taking part in this integration, with its responsibilities here."""

    id: Id = Field(description="Role id from the role catalogue.")
    responsibilities: Text = Field(description="What this role does in this integration.")
    accountable: bool = Field(False, description="True for the one role accountable (A in the RACI matrix) for every phase.")
    consulted: IdRefs = Field(
        default_factory=list,
        description="Work stages in which the role is consulted (C in the RACI matrix) where it owns no task.",
    )


class PlanPhase(Conditional):
    """A phase of a plan template: name, weeks and the work stages it covers."""

    id: Id = Field(description="Phase id.")
    name: Text = Field(description="Phase name.")
    weeks: Annotated[list[int], Field(min_length=2, max_length=2)] = Field(
        description="First and last week of the phase, e.g. [2, 3] (1-based; phases may overlap)."
    )
    stages: IdRefs = Field(description="Work stages (see 'stages') whose tasks land in this phase.")
    shift_following_weeks: int = Field(
        0, ge=0, description="Weeks by which this (usually conditional) phase pushes every later phase back."
    )


class Plan(Strict):
    """The phase plan for one complexity level."""

    duration: Annotated[list[int], Field(min_length=2, max_length=2)] = Field(
        description="Total duration in weeks as [min, max], e.g. [3, 4]."
    )
    phases: list[PlanPhase] = Field(description="Phases in order.")
    upgrade_extra_weeks: Annotated[list[int], Field(min_length=2, max_length=2)] = Field(
        default_factory=lambda: [0, 0], description="Weeks added to the duration in the upgrade scenario, [min, max]."
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


class Task(Conditional):
    """A task in the plan."""

    id: Id | None = Field(None, description="Identifier (for overriding).")
    stage: Id = Field(description="Work stage the task belongs to.")
    text: Text = Field(description="What is done.")
    owners: IdRefs = Field(default_factory=list, description="Role ids responsible for the task.")


class Deliverable(Conditional):
    """What a stage produces."""

    id: Id | None = Field(None, description="Identifier (for overriding).")
    stage: Id = Field(description="Work stage that produces it.")
    text: Text = Field(description="The deliverable.")


class Milestone(Conditional):
    """A milestone, dated at the end of the phase that covers its stage."""

    id: Id = Field(description="Milestone id, e.g. M1.")
    name: Text = Field(description="Milestone name.")
    stage: Id = Field(description="Stage whose completion marks the milestone.")
    criterion: Text = Field(description="What must be true to pass the milestone.")


class Implementation(Strict):
    """Section 3: team, tasks per stage, milestones and the acceptance gate."""

    team: list[TeamMember] = Field(default_factory=list, description="Roles taking part and their responsibilities.")
    tasks: list[Task] = Field(default_factory=list, description="Tasks, each in a work stage, with owners.")
    deliverables: list[Deliverable] = Field(default_factory=list, description="Deliverables per stage.")
    milestones: list[Milestone] = Field(default_factory=list, description="Milestones.")
    gate: list[Note] = Field(default_factory=list, description="Acceptance gate before full launch.")
    notes: list[Note] = Notes


# --------------------------------------------------------------------------- migration
class LegacyInterface(Conditional):
    """An interface of the integration being replaced."""

    id: Id = Field(description="Legacy interface id, e.g. LEG-01.")
    name: Text = Field(description="What the old interface does.")
    disposition: Text = Field(description="What happens to it: retire, replace with ..., keep during dual run.")
    note: Text | None = Field(None, description="Dependencies, owners, data it holds.")


class ChecklistItem(Conditional):
    """A go/no-go check before cutover."""

    id: Id = Field(description="Check id, e.g. GO-01.")
    check: Text = Field(description="What is checked.")
    criterion: Text = Field(description="Go when ...")
    owner: Id | None = Field(None, description="Role id that signs the check off.")


class Migration(Conditional):
    """Upgrade of a running integration: inventory, migration, dual run, cutover, rollback."""

    legacy_interfaces: list[LegacyInterface] = Field(default_factory=list, description="Inventory of the old interfaces.")
    migration: list[Note] = Field(default_factory=list, description="Data migration and historical backfill.")
    reconciliation: list[Note] = Field(default_factory=list, description="How migrated data is reconciled.")
    dual_run: list[Note] = Field(default_factory=list, description="Dual-run period and comparison.")
    cutover: list[ChecklistItem] = Field(default_factory=list, description="Go/no-go checklist for cutover.")
    versioning: list[Note] = Field(default_factory=list, description="Backward-compatible contract versioning.")
    rollback: list[Note] = Field(default_factory=list, description="Rollback plan.")


# --------------------------------------------------------------------------- data
class Standard(Conditional):
    """A general data standard."""

    id: Id = Field(description="Standard id, e.g. STD-TIME.")
    topic: Text = Field(description="What it governs: time, phone, country, ...")
    standard: Text = Field(description="The rule, e.g. ISO 8601 in UTC.")
    example: str | None = Field(None, description="An example value.")


class FieldMapping(Conditional):
    """One row of a field-mapping table."""

    id: Id | None = Field(None, description="Stable key of the row; defaults to the source field (or the target when the source is n/a).")
    source: str = Field(description="Field on the source side of the entity (n/a when none).")
    target: str = Field(description="Field on the target side.")
    description: Text | None = Field(None, description="What the field means.")
    type: FieldType = Field(description="Data type: string, text, integer, decimal, boolean, datetime, enum, array, reference, ...")
    source_type: FieldType | None = Field(None, description="Type on the source side when it differs from 'type'.")
    required: bool | None = Field(None, description="Whether a value is mandatory.")
    direction: Direction | None = Field(None, description="Flow direction; defaults to the entity's direction.")
    rule: Text | None = Field(None, description="Transformation rule.")
    validation: Text | None = Field(None, description="Validation applied.")
    default: str | None = Field(None, description="Value used when the source is empty.")
    example: str | None = Field(None, description="Example value.")
    note: Text | None = Field(None, description="Remarks.")
    enum: Id | None = Field(None, description="Id of the code set (in data.enums) that maps this field's values.")
    status: MappingStatus = Field("mapped", description="Review status: mapped, to_review, approved, not_required, deprecated.")
    source_object: str | None = Field(None, description="Source object when it differs from the entity's.")
    target_object: str | None = Field(None, description="Target object when it differs from the entity's.")

    @property
    def key(self) -> str:
        if self.id:
            return self.id
        return self.source if self.source.strip().lower() not in ("", "n/a", "-") else self.target


class Entity(Conditional):
    """A mapped entity: its objects on both sides and its field-mapping table."""

    id: Id = Field(description="Entity id, e.g. contact.")
    name: Text = Field(description="Entity name, used in the table caption.")
    source: System = Field(description="System whose fields are in the 'source' column.")
    target: System = Field(description="System whose fields are in the 'target' column.")
    source_object: str = Field(description="Object on the source side, e.g. Contact.")
    target_object: str = Field(description="Object on the target side, e.g. Subscriber.")
    direction: Direction = Field(description="Default direction of the fields.")
    description: Text | None = Field(None, description="What the entity covers.")
    scope_object: Id | None = Field(None, description="Id of the scope object (overview.scope.objects) this table maps.")
    fields: list[FieldMapping] = Field(description="Field mappings, in order.")


class EnumValue(Conditional):
    """One value of a code set: the source value and the target code."""

    id: Id | None = Field(None, description="Identifier (for overriding).")
    source: str | None = Field(None, description="Value in the source system (empty when the code set only lists target codes).")
    target: str = Field(description="Code in the target system.")
    description: Text | None = Field(None, description="Meaning of the value.")


class CodeSet(Conditional):
    """An enumeration / code-set mapping."""

    id: Id = Field(description="Code set id, e.g. ticket_status; fields refer to it via 'enum'.")
    name: Text = Field(description="Code set name.")
    description: Text | None = Field(None, description="What the code set is for and its fallback rule.")
    values: list[EnumValue] = Field(description="Source value -> target value pairs.")


class Rule(Conditional):
    """A transformation or validation rule."""

    id: Id = Field(description="Rule id, e.g. TR-01 or VR-01; field mappings may cite it.")
    title: Text = Field(description="Short name of the rule.")
    text: Text = Field(description="The rule.")
    on_failure: Text | None = Field(None, description="What happens when the rule fails (validation rules).")


class DataSpec(Strict):
    """Section 4: standards, keys, field mappings, code sets, transformation and validation rules."""

    standards: list[Standard] = Field(default_factory=list, description="General data standards.")
    keys: list[Note] = Field(default_factory=list, description="Identifiers, idempotency keys and matching rules.")
    entities: list[Entity] = Field(default_factory=list, description="Field-mapping tables per entity.")
    enums: list[CodeSet] = Field(default_factory=list, description="Code-set mappings.")
    enum_notes: list[Note] = Field(default_factory=list, description="Policies tied to code sets (e.g. stage mapping strategy).")
    transformations: list[Rule] = Field(default_factory=list, description="Transformation and cleansing rules.")
    validations: list[Rule] = Field(default_factory=list, description="Validation rules.")


# --------------------------------------------------------------------------- testing
class Threshold(Strict):
    """A measured metric and its pass threshold."""

    metric: Text = Field(description="What is measured.")
    threshold: Text = Field(description="Pass threshold, e.g. P95 < 1 s.")


class TestCase(Conditional):
    """A test case, linked to the goals it proves."""

    id: Id = Field(description="Test id, e.g. TC-01.")
    category: TestCategory = Field(description="functional, performance, security, compliance, resilience, reconciliation, regression, migration or uat.")
    title: Text = Field(description="What is tested.")
    goals: IdRefs = Field(default_factory=list, description="Goal ids this test proves (traceability).")
    steps: list[Text] = Field(default_factory=list, description="Steps.")
    expected: Text = Field(description="Expected result.")
    acceptance: Text | None = Field(None, description="Acceptance criterion (pass/fail rule).")
    thresholds: list[Threshold] = Field(default_factory=list, description="Measured thresholds (performance and resilience tests).")
    priority: Level3 = Field("medium", description="Priority: high, medium or low.")


class Acceptance(Conditional):
    """A criterion the integration must meet to be accepted."""

    id: Id = Field(description="Criterion id, e.g. AC-01.")
    aspect: Text = Field(description="Aspect: consistency, timeliness, stability, ...")
    criterion: Text = Field(description="The criterion with its threshold.")
    goals: IdRefs = Field(default_factory=list, description="Goal ids the criterion measures.")


class Testing(Strict):
    """Section 5: test cases per category, acceptance criteria, notes on method and outputs."""

    cases: list[TestCase] = Field(default_factory=list, description="Test cases.")
    acceptance: list[Acceptance] = Field(default_factory=list, description="Acceptance criteria.")
    notes: list[Note] = Field(default_factory=list, description="Tools, method, regression and grey-release rules, outputs.")


# --------------------------------------------------------------------------- operations
class Metric(Conditional):
    """A monitoring metric with its alert threshold and level."""

    id: Id = Field(description="Metric id, e.g. MON-01.")
    category: Text | None = Field(None, description="Group: reliability, latency, data quality, security, capacity, ...")
    name: Text = Field(description="Metric name.")
    description: Text | None = Field(None, description="How it is measured.")
    threshold: Text | None = Field(None, description="Alert threshold.")
    level: AlertLevel | None = Field(None, description="Alert level when the threshold is crossed: P1, P2 or P3.")


class AlertLevelDef(Conditional):
    """What an alert level means."""

    id: Id | None = Field(None, description="Identifier (for overriding).")
    level: AlertLevel = Field(description="P1, P2 or P3.")
    definition: Text = Field(description="What incidents of this level look like.")
    response: Text | None = Field(None, description="Expected response (time to acknowledge, who is paged).")


class Runbook(Conditional):
    """An incident runbook: scenario and steps."""

    id: Id = Field(description="Runbook id, e.g. RB-01.")
    scenario: Text = Field(description="The incident scenario.")
    steps: list[Text] = Field(description="Steps to take, in order.")


class Operations(Strict):
    """Section 6: monitoring, alert levels, incident process, runbooks, change and upgrade."""

    metrics: list[Metric] = Field(default_factory=list, description="Monitoring metrics.")
    alert_levels: list[AlertLevelDef] = Field(default_factory=list, description="Alert level definitions.")
    incident_process: list[Note] = Field(default_factory=list, description="Incident handling process, step by step.")
    runbooks: list[Runbook] = Field(default_factory=list, description="Runbooks per incident scenario.")
    change_process: list[Note] = Field(default_factory=list, description="Change, release, upgrade and key rotation.")
    runbook_notes: list[Note] = Field(default_factory=list, description="What the operations manual must contain.")


# --------------------------------------------------------------------------- summary
class Risk(Conditional):
    """A risk in the register."""

    id: Id = Field(description="Risk id, e.g. R-01.")
    category: Text = Field(description="Category: compliance, security, data quality, operations, dependency, ...")
    risk: Text = Field(description="The risk.")
    likelihood: Level3 = Field(description="low, medium or high.")
    impact: Level3 = Field(description="low, medium or high.")
    mitigation: Text | None = Field(None, description="How the risk is mitigated (a risk without one is flagged).")
    owner: Id | None = Field(None, description="Role id that owns the risk.")


class Summary(Strict):
    """Section 7: key points and the risk register."""

    key_points: list[Note] = Field(default_factory=list, description="Key implementation points.")
    risks: list[Risk] = Field(default_factory=list, description="Risk register.")
    closing: list[Note] = Field(default_factory=list, description="Closing remarks.")


# --------------------------------------------------------------------------- blueprint
class Defaults(Strict):
    """Names used when the engagement does not give them."""

    software: Text = Field(description="Default name of the third-party software.")
    crm: Text = Field("CRM", validate_default=True, description="Default name of the CRM.")
    client: Text | None = Field(None, description="Default client name.")


class Variable(Strict):
    """A placeholder value the blueprint defines and an engagement may override."""

    id: Id = Field(description="Placeholder name, used as {{ id }} in texts.")
    value: Text = Field(description="Default value.")
    description: Text | None = Field(None, description="What the value means.")


class Blueprint(Strict):
    """One integration type: everything needed to render its guide."""

    id: Id = Field(description="Blueprint id, e.g. email-marketing.")
    title: Text = Field(description="Guide title (placeholders allowed).")
    description: Text = Field(description="One-line description shown by 'guidegen list'.")
    software_kind: Text = Field(description="Kind of third-party software, e.g. email marketing platform.")
    default_complexity: Complexity = Field(description="Complexity used when none is given.")
    defaults: Defaults = Field(description="Default names for software, CRM and client.")
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
