"""Every content type of a guide, declared once.

The blueprint schema (:mod:`guidegen.blueprint.schema`) and the Guide model
(:mod:`guidegen.guide.model`) are both derived from these declarations (see
:mod:`guidegen.content.declare`): ``Text`` is ``{zh, en}`` in a blueprint and one string in
the Guide, ``GuideOnly`` fields are computed by the resolver, ``BlueprintOnly`` fields are
consumed by it. Descriptions here feed validation messages, ``schemas/*.json`` and
``docs/reference.md``.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field

from guidegen.content.declare import (
    BlueprintOnly,
    GuideKind,
    GuideOnly,
    Ident,
    IdList,
    Item,
    Section,
    Text,
)
from guidegen.content.rules import Checks, Transform
from guidegen.core.text import listify
from guidegen.core.vocab import (
    AlertLevel,
    Direction,
    FieldType,
    FlowMode,
    InterfaceKind,
    Lang,
    Level3,
    MappingStatus,
    System,
    TestCategory,
)

# --------------------------------------------------------------------------- generic


class Note(Item):
    """A paragraph or bullet of prose, optionally with a bold lead-in title."""

    id: Ident | None = Field(None, description="Identifier; needed only to override or omit an inherited note.")
    title: Text | None = Field(None, description="Short lead-in shown in bold before the text.")
    text: Text = Field(description="The prose (Markdown: **bold**, *italic*, `code`, links, lists).")


class ServesGoals(Item):
    """An item that exists for some of the guide's goals."""

    __abstract__ = True  # a base of declarations, not a content type of its own

    goals: BlueprintOnly[IdList] = Field(
        default_factory=list,
        description="Goal ids this item serves: when an engagement chooses a subset of the goals, an item all of whose "
        "goals are left out is left out too (no goals: always kept).",
    )


class Source(Section):
    """A public source a fact in the guide was verified against (a law, a standard, vendor documentation)."""

    id: Ident = Field(description="Source id, cited by items in their 'sources' list.")
    title: Text = Field(description="Title of the page or document (give an English title too when it is not in English).")
    publisher: Text | None = Field(None, description="Who publishes it: the vendor, the standards body, the legislator.")
    url: str = Field(description="Where it can be read.")
    verified: dt.date = Field(description="When the facts citing it were last checked against it (YYYY-MM-DD).")


class ChangeEntry(Section):
    """One import of a reviewed workbook into the blueprint (written by import-mapping)."""

    date: dt.date = Field(description="Day of the import (YYYY-MM-DD).")
    workbook: str = Field(description="File name of the imported workbook.")
    author: str | None = Field(None, description="Author named by the engagement the workbook was exported for.")
    version: str | None = Field(None, description="Document version the workbook was exported with.")
    lang: Lang = Field(description="Language of the workbook, hence of the texts it changed.")
    changed: int = Field(0, ge=0, description="Fields and code values changed.")
    added: int = Field(0, ge=0, description="Fields and code values added.")
    deleted: int = Field(0, ge=0, description="Fields and code values deleted.")
    fields: list[str] = Field(default_factory=list, description="What changed, as entity.field or code_set.value.")


# --------------------------------------------------------------------------- overview


class Goal(Item):
    """A business goal: what the integration must achieve and how success is measured."""

    id: Ident = Field(description="Goal id, e.g. G1; test cases refer to it in their 'goals' list.")
    title: Text = Field(description="Short name of the goal.")
    statement: Text = Field(description="What the integration must do for this goal.")
    value: Text | None = Field(None, description="Business value the goal brings.")
    kpi: Text | None = Field(None, description="Measurable KPI or acceptance threshold.")
    custom: GuideOnly[bool] = Field(False, description="True for goals given by the engagement rather than the blueprint.")


class ScopeObject(ServesGoals):
    """A data object in scope, named on both sides."""

    id: Ident = Field(description="Object id; entities refer to it via 'scope_object'.")
    name: Text = Field(description="Business name of the object.")
    crm_object: str | None = Field(None, description="Object name on the CRM side, e.g. Contact.")
    software_object: str | None = Field(None, description="Object name on the third-party side, e.g. Subscriber.")
    description: Text | None = Field(None, description="What the object holds and why it is in scope.")


class SyncDirection(Item):
    """What flows in one direction."""

    id: Ident | None = Field(None, description="Identifier (for overriding).")
    direction: Direction = Field(description="crm_to_software, software_to_crm or bidirectional.")
    items: Text = Field(description="What flows this way.")


class Scope(Section):
    """What the integration covers and what it does not."""

    objects: list[ScopeObject] = Field(default_factory=list, description="Data objects in scope.")
    methods: list[Note] = Field(default_factory=list, description="Integration methods (API, webhook, batch, ...).")
    events: list[Note] = Field(default_factory=list, description="Business events and actions covered.")
    directions: list[SyncDirection] = Field(default_factory=list, description="What flows which way.")
    out_of_scope: list[Note] = Field(default_factory=list, description="What is explicitly not covered.")
    notes: list[Note] = Field(default_factory=list, description="Paragraphs or bullets of prose.")


class Overview(Section):
    """Section 1: background, goals and scope."""

    background: list[Note] = Field(default_factory=list, description="Why the integration is needed.")
    goals: list[Goal] = Field(default_factory=list, description="Business goals, each with an id and KPI.")
    scope: Scope = Field(default_factory=Scope, description="Scope: objects, methods, directions, exclusions.")


# --------------------------------------------------------------------------- architecture

InterfaceKinds = Annotated[list[InterfaceKind], BeforeValidator(listify)]


class Interface(ServesGoals):
    """One interface in the inventory."""

    id: Ident = Field(description="Interface id, e.g. IF-01.")
    provider: System = Field(description="System that exposes the interface: crm, software, middleware or crm_ui.")
    name: Text = Field(description="Interface name.")
    kind: InterfaceKinds = Field(
        description="Interface kind(s): REST, GraphQL, SOAP, OData, Webhook, Batch, File, SFTP, WebSocket, SSE, MessageQueue, CDC, SDK, IDoc, RFC."
    )
    source: System = Field(description="System the data comes from.")
    target: System = Field(description="System the data goes to.")
    bidirectional: bool = Field(False, description="True when data flows both ways through this interface.")
    purpose: Text = Field(description="What the interface is used for.")
    auth: Text | None = Field(None, description="Authentication and protection (OAuth2, HMAC signature, mTLS, ...).")


class Flow(ServesGoals):
    """A data flow: trigger and ordered steps."""

    id: Ident = Field(description="Flow id, e.g. DF-01.")
    name: Text = Field(description="Flow name.")
    mode: FlowMode = Field(description="realtime, near_realtime, batch, scheduled or on_demand.")
    source: System = Field(description="System where the flow starts.")
    target: System = Field(description="System where the flow ends.")
    trigger: Text = Field(description="What starts the flow.")
    steps: list[Text] = Field(description="Ordered steps.")


class Requirement(ServesGoals):
    """A system requirement or capacity target."""

    id: Ident = Field(description="Requirement id, e.g. NFR-01.")
    category: Text = Field(description="Category: capacity, latency, availability, DR, retention, ...")
    requirement: Text = Field(description="What is required.")
    target: Text = Field(description="Target value or threshold.")


class Control(Item):
    """A security control."""

    id: Ident = Field(description="Control id, e.g. SEC-01.")
    area: Text = Field(description="Area: identity, transport, webhook, secrets, ...")
    control: Text = Field(description="The control and how it is implemented.")


class ComplianceItem(Item):
    """A legal or regulatory requirement and how the integration meets it."""

    id: Ident = Field(description="Item id, e.g. CMP-01.")
    regulation: Text = Field(description="Law or standard, with article, e.g. GDPR Art. 12(3).")
    requirement: Text = Field(description="What the law requires (state deadlines exactly).")
    implementation: Text = Field(description="How the integration meets it.")


class Limit(Item):
    """A product limit the integration must respect: rate limits, payload and batch sizes."""

    id: Ident = Field(description="Limit id, e.g. LIM-ZD-API.")
    system: System = Field(description="System whose limit it is: crm, software or middleware.")
    name: Text = Field(description="What is limited, e.g. REST API requests.")
    value: Text = Field(description="The limit, e.g. 700 requests per minute.")
    scope: Text | None = Field(None, description="Where it applies: edition, plan, per user, per org, ...")
    note: Text | None = Field(None, description="How the integration stays within it.")


class Architecture(Section):
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
    platform: list[Note] = Field(default_factory=list, description="Product specifics (from product packs): platform "
                                 "constraints, native connectors and iPaaS options, known limitations.")
    limits: list[Limit] = Field(default_factory=list, description="Product limits: rate limits by edition or plan, "
                                "payload and batch sizes.")


# --------------------------------------------------------------------------- implementation


class Person(GuideKind):
    """A named person filling a role."""

    name: str = Field(description="Full name.")
    contact: str | None = Field(None, description="E-mail or phone.")


class TeamMember(Item):
    """A catalogue role taking part in this integration, with its responsibilities here."""

    id: Ident = Field(description="Role id from the role catalogue.")
    name: GuideOnly[str] = Field(description="Role name, from the role catalogue.")
    responsibilities: Text = Field(description="What this role does in this integration.")
    accountable: bool = Field(False, description="True for the one role accountable (A in the RACI matrix) for every phase.")
    consulted: IdList = Field(
        default_factory=list,
        description="Work stages in which the role is consulted (C in the RACI matrix) where it owns no task.",
    )
    person: GuideOnly[Person | None] = Field(None, description="Who fills the role, when the engagement names them.")


class Task(Item):
    """A task in the plan."""

    id: Ident | None = Field(None, description="Identifier (for overriding).")
    stage: BlueprintOnly[Ident] = Field(description="Work stage the task belongs to.")
    text: Text = Field(description="What is done.")
    owners: IdList = Field(default_factory=list, description="Role ids responsible for the task.")


class Deliverable(Item):
    """What a stage produces."""

    id: Ident | None = Field(None, description="Identifier (for overriding).")
    stage: Ident = Field(description="Work stage that produces it.")
    text: Text = Field(description="The deliverable.")


class Milestone(Item):
    """A milestone, dated at the end of the phase that covers its stage."""

    id: Ident = Field(description="Milestone id, e.g. M1.")
    name: Text = Field(description="Milestone name.")
    stage: BlueprintOnly[Ident] = Field(description="Stage whose completion marks the milestone.")
    phase: GuideOnly[str] = Field(description="Id of the phase whose end marks the milestone.")
    week: GuideOnly[int] = Field(description="Week of the milestone.")
    date: GuideOnly[dt.date | None] = Field(None, description="Date, when the start date is known.")
    criterion: Text = Field(description="What must be true to pass the milestone.")


class Phase(GuideKind):
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


class Assumption(Item):
    """A planning assumption the plan and its effort estimate rest on (volumes, team, environments)."""

    id: Ident = Field(description="Assumption id, e.g. AS-VOLUME; a blueprint overrides a plan's assumption by id.")
    topic: Text = Field(description="What it is about: volumes, team, environments, scope, ...")
    assumption: Text = Field(description="The assumption (placeholders such as {{ peak_load }} allowed).")


class Effort(Item):
    """One role's estimated effort in a plan, in person-days per phase."""

    id: Ident = Field(description="Role id of the team member; a blueprint overrides a plan's estimate for a role by giving its id.")
    days: dict[str, Annotated[float, Field(ge=0, le=10_000)]] = Field(
        description="Person-days per phase id of the plan, e.g. {design: 2, build: 5}; phases the guide leaves out "
        "(such as the upgrade's migration phase in a new integration) are not counted."
    )


class EffortRow(GuideKind):
    """One role's effort per phase of the guide's plan, and its total."""

    role: str = Field(description="Role id.")
    days: list[float] = Field(description="Person-days per phase, in phase order.")
    total: float = Field(description="Person-days over all phases.")


class EffortEstimate(GuideKind):
    """The effort estimate: person-days by role and phase, with the totals the resolver computes."""

    rows: list[EffortRow] = Field(default_factory=list, description="One row per team role with an estimate.")
    phase_totals: list[float] = Field(default_factory=list, description="Person-days per phase over all roles, in phase order.")
    total: float = Field(0, description="Person-days over every role and phase.")


RaciCode = Literal["R", "A", "C", "I", "A/R", ""]


class RaciRow(GuideKind):
    """One role's involvement per phase."""

    role: str = Field(description="Role id.")
    cells: list[RaciCode] = Field(description="One code per phase, in phase order.")


class Implementation(Section):
    """Section 3: team, tasks per stage, milestones and the acceptance gate."""

    team: list[TeamMember] = Field(default_factory=list, description="Roles taking part and their responsibilities.")
    tasks: BlueprintOnly[list[Task]] = Field(default_factory=list, description="Tasks, each in a work stage, with owners.")
    deliverables: BlueprintOnly[list[Deliverable]] = Field(default_factory=list, description="Deliverables per stage.")
    duration_weeks: GuideOnly[tuple[int, int]] = Field(description="Total duration [min, max] in weeks.")
    phases: GuideOnly[list[Phase]] = Field(default_factory=list, description="Phases with their tasks, owners and dates.")
    milestones: list[Milestone] = Field(default_factory=list, description="Milestones.")
    raci: GuideOnly[list[RaciRow]] = Field(default_factory=list, description="RACI matrix rows (roles x phases).")
    assumptions: GuideOnly[list[Assumption]] = Field(default_factory=list, description="Assumptions of the plan and its estimate.")
    effort: GuideOnly[EffortEstimate] = Field(default_factory=EffortEstimate, description="Effort estimate by role and phase, with totals.")
    gate: list[Note] = Field(default_factory=list, description="Acceptance gate before full launch.")
    notes: list[Note] = Field(default_factory=list, description="Paragraphs or bullets of prose.")


# --------------------------------------------------------------------------- migration


class LegacyInterface(Item):
    """An interface of the integration being replaced."""

    id: Ident = Field(description="Legacy interface id, e.g. LEG-01.")
    name: Text = Field(description="What the old interface does.")
    disposition: Text = Field(description="What happens to it: retire, replace with ..., keep during dual run.")
    note: Text | None = Field(None, description="Dependencies, owners, data it holds.")
    example: bool = Field(False, description="True for an example the client's own inventory replaces; the guide marks it so.")


class ChecklistItem(Item):
    """A go/no-go check before cutover."""

    id: Ident = Field(description="Check id, e.g. GO-01.")
    check: Text = Field(description="What is checked.")
    criterion: Text = Field(description="Go when ...")
    owner: Ident | None = Field(None, description="Role id that signs the check off.")


class Migration(Item):
    """Upgrade of a running integration: inventory, migration, dual run, cutover, rollback."""

    legacy_interfaces: list[LegacyInterface] = Field(default_factory=list, description="Inventory of the old interfaces.")
    migration: list[Note] = Field(default_factory=list, description="Data migration and historical backfill.")
    reconciliation: list[Note] = Field(default_factory=list, description="How migrated data is reconciled.")
    dual_run: list[Note] = Field(default_factory=list, description="Dual-run period and comparison.")
    cutover: list[ChecklistItem] = Field(default_factory=list, description="Go/no-go checklist for cutover.")
    versioning: list[Note] = Field(default_factory=list, description="Backward-compatible contract versioning.")
    rollback_triggers: list[ChecklistItem] = Field(
        default_factory=list, description="What triggers a rollback: the event ('check'), the threshold ('criterion') and who decides ('owner')."
    )
    rollback: list[Note] = Field(default_factory=list, description="Rollback plan.")
    decommission: list[ChecklistItem] = Field(
        default_factory=list, description="Checks before and while the old interfaces are switched off after cutover."
    )


# --------------------------------------------------------------------------- data


class Standard(Item):
    """A general data standard."""

    id: Ident = Field(description="Standard id, e.g. STD-TIME.")
    topic: Text = Field(description="What it governs: time, phone, country, ...")
    standard: Text = Field(description="The rule, e.g. ISO 8601 in UTC.")
    example: str | None = Field(None, description="An example value.")


class FieldMapping(ServesGoals):
    """One row of a field-mapping table."""

    id: Ident | None = Field(None, description="Stable key of the row; defaults to the source field (or the target when the source is n/a).")
    key: GuideOnly[str] = Field(description="Stable key of the row within its entity (the id, else the source or target field).")
    source: str | Text = Field(
        description="Field on the source side of the entity (n/a when none). A value that no single field holds (one the "
        "system computes or derives) is described in words per language, {zh: ..., en: ...}; the row then needs an id.")
    target: str | Text = Field(description="Field on the target side (described in words per language like 'source', if need be).")
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
    enum: Ident | None = Field(None, description="Id of the code set (in data.enums) that maps this field's values.")
    status: MappingStatus = Field("mapped", description="Review status: mapped, to_review, approved, not_required, deprecated.")
    reviewer: str | None = Field(None, description="Who decided the review status (filled in by import-mapping from the workbook).")
    decided: dt.date | None = Field(None, description="Date of the review decision, YYYY-MM-DD.")
    comment: str | None = Field(None, description="The reviewer's comment on the row.")
    source_object: str | None = Field(None, description="Source object when it differs from the entity's.")
    target_object: str | None = Field(None, description="Target object when it differs from the entity's.")
    checks: Checks | None = Field(
        None, description="Structured checks of the value the target receives (run by 'guidegen check-data'; prose generated when 'validation' is empty)."
    )
    transform: Transform = Field(
        default_factory=list,
        description="Structured transform steps, in order, e.g. [trim, lower] (run by 'guidegen check-data'; prose generated when 'rule' is empty).",
    )


class Entity(ServesGoals):
    """A mapped entity: its objects on both sides and its field-mapping table."""

    id: Ident = Field(description="Entity id, e.g. contact.")
    name: Text = Field(description="Entity name, used in the table caption.")
    source: System = Field(description="System whose fields are in the 'source' column.")
    target: System = Field(description="System whose fields are in the 'target' column.")
    source_object: str | Text = Field(
        description="Object on the source side, e.g. Contact (described per language where it is not one named object).")
    target_object: str | Text = Field(
        description="Object on the target side, e.g. Subscriber (described per language where it is not one named object).")
    direction: Direction = Field(description="Default direction of the fields.")
    description: Text | None = Field(None, description="What the entity covers.")
    scope_object: Ident | None = Field(None, description="Id of the scope object (overview.scope.objects) this table maps.")
    fields: list[FieldMapping] = Field(description="Field mappings, in order.")


class EnumValue(Item):
    """One value of a code set: the source value and the target code."""

    id: Ident | None = Field(None, description="Identifier (for overriding).")
    source: str | None = Field(None, description="Value in the source system (empty when the code set only lists target codes).")
    target: str = Field(description="Code in the target system.")
    description: Text | None = Field(None, description="Meaning of the value.")


class CodeSet(Item):
    """An enumeration / code-set mapping."""

    id: Ident = Field(description="Code set id, e.g. ticket_status; fields refer to it via 'enum'.")
    name: Text = Field(description="Code set name.")
    description: Text | None = Field(None, description="What the code set is for and its fallback rule.")
    values: list[EnumValue] = Field(description="Source value -> target value pairs.")


class Rule(Item):
    """A transformation or validation rule."""

    id: Ident = Field(description="Rule id, e.g. TR-01 or VR-01; field mappings may cite it.")
    title: Text = Field(description="Short name of the rule.")
    text: Text = Field(description="The rule.")
    on_failure: Text | None = Field(None, description="What happens when the rule fails (validation rules).")


class DataSpec(Section):
    """Section 4: standards, keys, field mappings, code sets, transformation and validation rules."""

    standards: list[Standard] = Field(default_factory=list, description="General data standards.")
    keys: list[Note] = Field(default_factory=list, description="Identifiers, idempotency keys and matching rules.")
    entities: list[Entity] = Field(default_factory=list, description="Field-mapping tables per entity.")
    enums: list[CodeSet] = Field(default_factory=list, description="Code-set mappings.")
    enum_notes: list[Note] = Field(default_factory=list, description="Policies tied to code sets (e.g. stage mapping strategy).")
    transformations: list[Rule] = Field(default_factory=list, description="Transformation and cleansing rules.")
    validations: list[Rule] = Field(default_factory=list, description="Validation rules.")


# --------------------------------------------------------------------------- testing


class Threshold(Section):
    """A measured metric and its pass threshold."""

    metric: Text = Field(description="What is measured.")
    threshold: Text = Field(description="Pass threshold, e.g. P95 < 1 s.")


class TestCase(Item):
    """A test case, linked to the goals it proves."""

    __test__ = False  # not a pytest class

    id: Ident = Field(description="Test id, e.g. TC-01.")
    category: TestCategory = Field(description="functional, performance, security, compliance, resilience, reconciliation, regression, migration or uat.")
    title: Text = Field(description="What is tested.")
    goals: IdList = Field(default_factory=list, description="Goal ids this test proves (traceability).")
    steps: list[Text] = Field(default_factory=list, description="Steps.")
    expected: Text = Field(description="Expected result.")
    acceptance: Text | None = Field(None, description="Acceptance criterion (pass/fail rule).")
    thresholds: list[Threshold] = Field(default_factory=list, description="Measured thresholds (performance and resilience tests).")
    priority: Level3 = Field("medium", description="Priority: high, medium or low.")


class Acceptance(Item):
    """A criterion the integration must meet to be accepted."""

    id: Ident = Field(description="Criterion id, e.g. AC-01.")
    aspect: Text = Field(description="Aspect: consistency, timeliness, stability, ...")
    criterion: Text = Field(description="The criterion with its threshold.")
    goals: IdList = Field(default_factory=list, description="Goal ids the criterion measures.")


class Testing(Section):
    """Section 5: test cases per category, acceptance criteria, notes on method and outputs."""

    cases: list[TestCase] = Field(default_factory=list, description="Test cases.")
    acceptance: list[Acceptance] = Field(default_factory=list, description="Acceptance criteria.")
    notes: list[Note] = Field(default_factory=list, description="Tools, method, regression and phased-rollout rules, outputs.")


# --------------------------------------------------------------------------- operations


class Metric(ServesGoals):
    """A monitoring metric with its alert threshold and level."""

    id: Ident = Field(description="Metric id, e.g. MON-01.")
    category: Text | None = Field(None, description="Group: reliability, latency, data quality, security, capacity, ...")
    name: Text = Field(description="Metric name.")
    description: Text | None = Field(None, description="How it is measured.")
    threshold: Text | None = Field(None, description="Alert threshold.")
    level: AlertLevel | None = Field(None, description="Alert level when the threshold is crossed: P1, P2 or P3.")


class AlertLevelDef(Item):
    """What an alert level means."""

    id: Ident | None = Field(None, description="Identifier (for overriding).")
    level: AlertLevel = Field(description="P1, P2 or P3.")
    definition: Text = Field(description="What incidents of this level look like.")
    response: Text | None = Field(None, description="Expected response (time to acknowledge, who is paged).")


class Runbook(ServesGoals):
    """An incident runbook: scenario and steps."""

    id: Ident = Field(description="Runbook id, e.g. RB-01.")
    scenario: Text = Field(description="The incident scenario.")
    steps: list[Text] = Field(description="Steps to take, in order.")


class Operations(Section):
    """Section 6: monitoring, alert levels, incident process, runbooks, change and upgrade."""

    metrics: list[Metric] = Field(default_factory=list, description="Monitoring metrics.")
    alert_levels: list[AlertLevelDef] = Field(default_factory=list, description="Alert level definitions.")
    incident_process: list[Note] = Field(default_factory=list, description="Incident handling process, step by step.")
    runbooks: list[Runbook] = Field(default_factory=list, description="Runbooks per incident scenario.")
    change_process: list[Note] = Field(default_factory=list, description="Change, release, upgrade and key rotation.")
    runbook_notes: list[Note] = Field(default_factory=list, description="What the operations manual must contain.")


# --------------------------------------------------------------------------- summary


class Risk(ServesGoals):
    """A risk in the register."""

    id: Ident = Field(description="Risk id, e.g. R-01.")
    category: Text = Field(description="Category: compliance, security, data quality, operations, dependency, ...")
    risk: Text = Field(description="The risk.")
    likelihood: Level3 = Field(description="low, medium or high.")
    impact: Level3 = Field(description="low, medium or high.")
    mitigation: Text | None = Field(None, description="How the risk is mitigated (a risk without one is flagged).")
    owner: Ident | None = Field(None, description="Role id that owns the risk.")


class Summary(Section):
    """Section 7: key points and the risk register."""

    key_points: list[Note] = Field(default_factory=list, description="Key implementation points.")
    risks: list[Risk] = Field(default_factory=list, description="Risk register.")
    closing: list[Note] = Field(default_factory=list, description="Closing remarks.")
