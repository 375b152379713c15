"""Every table of a guide, declared once: its columns, their labels, widths and roles.

The document layout (DOCX, Markdown, HTML), the workbook writer and the workbook importer all
read these declarations, so a column is added, renamed or reordered in one place. A column's
``code`` is its stable machine name: the layout fills cells by code, the workbook stores the
codes on every sheet and the importer matches columns by code, never by position or label.
"""

from __future__ import annotations

from dataclasses import dataclass


class Weight:
    """How much of the spare width a column asks for, relative to the others.

    Every column first gets room for its header words and identifiers unbroken; what is left
    of the page width is shared in proportion to these weights (times how much more text the
    column holds). The numbers only matter relative to each other.
    """

    FLAG = 0.6  # yes/no, an arrow, a one-letter code
    ID = 0.7  # short identifiers: G1, IF-01, TC-PERF-03
    CODE = 0.9  # a code label: type, mode, level, weeks
    LABEL = 1.3  # a name or category
    PHRASE = 2.0  # a sentence
    PROSE = 3.0  # a paragraph
    LONG = 4.5  # steps or long rules: the column that should get most of the page


@dataclass(frozen=True)
class ColumnSpec:
    """One column of a table."""

    code: str  # stable machine name (workbook header code, importer key, layout cell key)
    label: str  # locale key of the header
    weight: float = Weight.PHRASE
    literal: bool = False  # identifiers and code values: shown as written, never parsed as Markdown
    optional: bool = False  # left out of a document table where it is empty in every row
    min_chars: int = 4  # never narrower than this many characters
    choices: str | None = None  # workbook drop-down: a code group of the vocabulary
    document: bool = True  # shown in the DOCX / Markdown / HTML table
    workbook: bool = True  # shown on the workbook sheet
    sheet_label: str | None = None  # header on the workbook sheet, when it differs from the document's
    locked: bool = False  # protected on the workbook sheet: the importer's keys and columns it does not read
    prompt: str | None = None  # locale key of the input prompt shown when a workbook cell is selected
    date: bool = False  # a real date cell on the workbook sheet

    @property
    def workbook_label(self) -> str:
        return self.sheet_label or self.label


@dataclass(frozen=True)
class TableSpec:
    """A table: its caption's locale key and its columns in order."""

    key: str
    caption: str
    columns: tuple[ColumnSpec, ...]
    wide: bool = False  # prefers a landscape page in the DOCX
    workbook_only: bool = False  # a sheet with no table in the document
    per_phase: bool = False  # the layout adds one column per plan phase after the first declared column

    def document_columns(self) -> tuple[ColumnSpec, ...]:
        return () if self.workbook_only else tuple(c for c in self.columns if c.document)

    def workbook_columns(self) -> tuple[ColumnSpec, ...]:
        return tuple(c for c in self.columns if c.workbook)

    def codes(self) -> tuple[str, ...]:
        return tuple(c.code for c in self.workbook_columns())


W = Weight
C = ColumnSpec


def _id(label: str = "col_id", weight: float = W.ID, document: bool = True) -> ColumnSpec:
    return C("id", label, weight, literal=True, document=document)


TABLES: dict[str, TableSpec] = {
    spec.key: spec
    for spec in (
        # front matter
        TableSpec("revisions", "revision_history", (
            C("version", "col_version", W.ID), C("date", "col_date", W.CODE), C("author", "col_author", W.LABEL),
            C("change", "col_change", W.LONG))),
        TableSpec("approvals", "approvals", (
            C("role", "col_role", W.PHRASE), C("name", "col_name", W.LABEL), C("signature", "col_signature", W.PHRASE),
            C("date", "col_date", W.CODE))),
        # 1 overview
        TableSpec("goals", "cap_goals", (
            _id(), C("title", "col_goal", W.LABEL), C("statement", "col_statement", W.PROSE),
            C("value", "col_value", W.PHRASE), C("kpi", "col_kpi", W.PHRASE))),
        TableSpec("scope_objects", "cap_scope_objects", (
            C("name", "col_object", W.LABEL), C("crm_object", "col_crm_object", W.LABEL, literal=True),
            C("software_object", "col_software_object", W.LABEL, literal=True),
            C("description", "col_description", W.PROSE))),
        TableSpec("directions", "cap_directions", (
            C("direction", "col_direction", W.LABEL, choices="direction"), C("items", "col_content", W.LONG))),
        # 2 architecture
        TableSpec("interfaces", "cap_interfaces", (
            _id(), C("provider", "col_system", W.CODE, choices="system"), C("name", "col_interface", W.PHRASE),
            C("kind", "col_kind", W.CODE, literal=True), C("route", "col_flow", W.LABEL),
            C("purpose", "col_purpose", W.PROSE), C("auth", "col_auth", W.PHRASE)), wide=True),
        TableSpec("flows", "cap_flows", (
            _id(), C("name", "col_flow_name", W.LABEL), C("mode", "col_mode", W.CODE, choices="mode"),
            C("trigger", "col_trigger", W.PHRASE), C("steps", "col_steps", W.LONG)), wide=True),
        TableSpec("requirements", "cap_requirements", (
            _id(weight=0.8), C("category", "col_category", W.LABEL), C("requirement", "col_requirement", W.PROSE),
            C("target", "col_target", W.PHRASE))),
        TableSpec("security", "cap_security", (
            _id(weight=0.8), C("area", "col_area", W.LABEL), C("control", "col_control", 5.0))),
        TableSpec("compliance", "cap_compliance", (
            _id(weight=0.8), C("regulation", "col_regulation", W.LABEL), C("requirement", "col_requirement", W.PROSE),
            C("implementation", "col_implementation", W.PROSE))),
        TableSpec("limits", "cap_limits", (
            _id(weight=0.8), C("system", "col_system", W.CODE, choices="system"), C("name", "col_limit", W.LABEL),
            C("value", "col_limit_value", W.PHRASE), C("scope", "col_limit_scope", W.LABEL, optional=True),
            C("note", "col_note", W.PROSE, optional=True))),
        # 3 implementation
        TableSpec("roles", "cap_roles", (
            C("name", "col_role", W.LABEL), C("responsibilities", "col_responsibilities", W.LONG),
            C("person", "col_person", W.LABEL, optional=True), C("contact", "col_contact", W.LABEL, literal=True, optional=True))),
        TableSpec("phases", "cap_phases", (
            C("name", "col_phase", W.LABEL), C("weeks", "col_weeks", W.CODE),
            C("dates", "col_dates", W.LABEL, literal=True, optional=True), C("tasks", "col_tasks", W.LONG),
            C("owners", "col_owners", W.LABEL), C("deliverables", "col_deliverables", W.PHRASE)), wide=True),
        # The RACI matrix declares its role column; the layout adds one column per phase.
        TableSpec("raci", "cap_raci", (C("role", "col_role", 2.2),), per_phase=True),
        TableSpec("assumptions", "cap_assumptions", (
            C("topic", "col_topic", W.LABEL), C("assumption", "col_assumption", W.LONG))),
        # Person-days by role: the layout adds one column per phase between the role and the total.
        TableSpec("effort", "cap_effort", (C("role", "col_role", 2.2), C("total", "col_total_days", W.CODE)), per_phase=True),
        TableSpec("milestones", "cap_milestones", (
            _id(), C("name", "col_milestone", W.PHRASE), C("when", "col_when", W.LABEL),
            C("criterion", "col_criterion", W.LONG))),
        TableSpec("legacy", "cap_legacy", (
            _id(weight=0.8), C("name", "col_legacy", W.PHRASE), C("disposition", "col_disposition", W.PHRASE),
            C("note", "col_note", W.PHRASE))),
        TableSpec("cutover", "cap_cutover", (
            _id(weight=0.8), C("check", "col_check", W.PROSE), C("criterion", "col_go", W.PROSE),
            C("owner", "col_signoff", W.LABEL))),
        TableSpec("rollback_triggers", "cap_rollback_triggers", (
            _id(weight=0.8), C("check", "col_trigger", W.PROSE), C("criterion", "col_rollback_when", W.PROSE),
            C("owner", "col_decides", W.LABEL, optional=True))),
        TableSpec("decommission", "cap_decommission", (
            _id(weight=0.8), C("check", "col_check", W.PROSE), C("criterion", "col_done_when", W.PROSE),
            C("owner", "col_signoff", W.LABEL, optional=True))),
        # 4 data
        TableSpec("standards", "cap_standards", (
            C("topic", "col_topic", W.LABEL), C("standard", "col_standard", W.LONG),
            C("example", "col_example", W.PHRASE, literal=True))),
        TableSpec("mapping", "cap_mapping", (
            C("key", "col_key", W.LABEL, literal=True, document=False, sheet_label="col_row_key", locked=True,
              prompt="xl_prompt_key"),
            C("source_system", "col_source_system", W.CODE, document=False, locked=True),
            C("source_object", "col_source_object", W.LABEL, literal=True, document=False, locked=True),
            C("source", "col_source_field", 1.6, literal=True, min_chars=8),
            C("source_type", "col_source_type", W.CODE, choices="field_type", document=False),
            C("target_system", "col_target_system", W.CODE, document=False, locked=True),
            C("target_object", "col_target_object", W.LABEL, literal=True, document=False, locked=True),
            C("target", "col_target_field", 1.8, literal=True, min_chars=8),
            C("type", "col_type", W.CODE, min_chars=5, choices="field_type", sheet_label="col_target_type"),
            C("required", "col_required", W.FLAG, min_chars=3, choices="yes_no"),
            C("direction", "col_direction", W.CODE, min_chars=5, choices="direction"),
            C("rule", "col_rule", 2.6),
            C("validation", "col_validation", 1.8, optional=True),
            C("default", "col_default", W.LABEL, literal=True, document=False),
            C("example", "col_example", W.LABEL, literal=True, optional=True),
            C("description", "col_description", W.PHRASE, document=False),
            C("note", "col_note", 1.5, optional=True),
            C("enum", "col_code_set_id", W.LABEL, literal=True, document=False),
            # review columns: the client team's decision per row, read back by import-mapping
            C("status", "col_status", W.CODE, choices="status", document=False, prompt="xl_prompt_status"),
            C("reviewer", "col_reviewer", W.LABEL, document=False, prompt="xl_prompt_reviewer"),
            C("decided", "col_decided", W.CODE, document=False, prompt="xl_prompt_decided", date=True),
            C("comment", "col_comment", W.PHRASE, document=False, prompt="xl_prompt_comment"),
            # the rule in the other language, for a new row or a changed rule (empty as exported)
            C("rule_translation", "col_rule_translation", 2.6, document=False, prompt="xl_prompt_rule_translation")),
            wide=True),
        TableSpec("enum", "cap_enum", (
            C("code_set", "col_code_set_id", W.LABEL, literal=True, document=False),
            C("code_set_name", "col_code_set", W.LABEL, document=False),
            C("source", "col_source_value", 1.5, literal=True), C("target", "col_target_value", 1.5, literal=True),
            C("description", "col_meaning", W.PROSE))),
        TableSpec("transformations", "cap_transformations", (
            _id(), C("title", "col_title", 1.5), C("text", "col_rule_text", 5.0))),
        TableSpec("validations", "cap_validations", (
            _id(), C("title", "col_title", 1.4), C("text", "col_rule_text", 3.5),
            C("on_failure", "col_on_failure", 2.2))),
        # 5 testing
        TableSpec("tests", "cap_tests", (
            _id(), C("title", "col_test", 1.6), C("goals", "col_goals", W.ID, literal=True),
            C("steps", "col_steps", W.PROSE), C("expected", "col_expected", 2.4),
            C("acceptance", "col_acceptance", W.PHRASE)), wide=True),
        TableSpec("thresholds", "cap_thresholds", (
            _id(), C("scenario", "col_scenario", W.PROSE), C("goals", "col_goals", W.ID, literal=True),
            C("metric", "col_metric", W.PHRASE), C("threshold", "col_threshold", 1.6),
            C("expected", "col_expected", 2.2)), wide=True),
        TableSpec("acceptance", "cap_acceptance", (
            _id(), C("aspect", "col_aspect", 1.2), C("criterion", "col_criterion", W.LONG),
            C("goals", "col_goals", 0.8, literal=True))),
        TableSpec("traceability", "cap_traceability", (
            _id(weight=0.6), C("goal", "col_goal", 1.8), C("tests", "col_tests", 1.8, literal=True),
            C("acceptance", "col_acceptance", 1.0, literal=True), C("kpi", "col_kpi", 2.5),
            C("coverage", "col_coverage", W.CODE))),
        # 6 operations
        TableSpec("metrics", "cap_metrics", (
            _id(weight=0.8), C("category", "col_category", 1.0), C("name", "col_metric", W.PHRASE),
            C("description", "col_description", 2.5), C("threshold", "col_threshold", W.PHRASE),
            C("level", "col_level", W.ID, min_chars=3, choices="alert")), wide=True),
        TableSpec("alert_levels", "cap_alert_levels", (
            C("level", "col_level", W.ID, min_chars=3), C("definition", "col_definition", W.PROSE),
            C("response", "col_response", W.PROSE))),
        TableSpec("runbooks", "cap_runbooks", (
            _id(), C("scenario", "col_scenario", 1.8), C("steps", "col_steps", 5.0))),
        # 7 summary
        TableSpec("risks", "cap_risks", (
            _id(weight=0.6), C("category", "col_category", 1.0), C("risk", "col_risk", 2.5),
            C("likelihood", "col_likelihood", W.ID, min_chars=3, choices="level"),
            C("impact", "col_impact", W.ID, min_chars=3, choices="level"),
            C("mitigation", "col_mitigation", 3.2), C("owner", "col_owner", 1.1)), wide=True),
        # references appendix
        # The source ids name the sources in the blueprint and the workbook; the document
        # cites none of them, so its table leaves them out (the title names the source).
        TableSpec("references", "cap_references", (
            _id(document=False), C("title", "col_source_title", W.PROSE), C("publisher", "col_publisher", W.LABEL),
            C("url", "col_url", W.PROSE, literal=True), C("verified", "col_verified", W.CODE))),
        # workbook-only sheets: a test log to fill in, and the plan as dates
        TableSpec("test_log", "ws_tests", (
            _id(), C("goals", "col_goals", W.ID, literal=True), C("category", "col_category", W.LABEL, choices="test_category"),
            C("title", "col_test", 1.6), C("steps", "col_steps", W.PROSE), C("expected", "col_expected", 2.4),
            C("acceptance", "col_acceptance", W.PHRASE), C("priority", "col_priority", W.CODE, choices="level"),
            C("status", "col_test_status", W.CODE, choices="test_status"), C("tester", "col_tester", W.LABEL),
            C("date", "col_date", W.CODE, date=True)), workbook_only=True),
        TableSpec("open_issues", "ws_open_issues", (
            _id(), C("where", "col_where", W.LABEL), C("issue", "col_issue", W.PROSE),
            C("raised_by", "col_raised_by", W.LABEL), C("raised", "col_raised_on", W.CODE, date=True),
            C("owner", "col_owner", W.LABEL), C("due", "col_due", W.CODE, date=True),
            C("status", "col_issue_status", W.CODE, choices="issue_status"),
            C("resolution", "col_resolution", W.PROSE)), workbook_only=True),
        TableSpec("change_log", "ws_change_log", (
            C("date", "col_date", W.CODE), C("workbook", "col_workbook", W.LABEL, literal=True),
            C("author", "col_author", W.LABEL), C("version", "col_version", W.ID),
            C("changed", "col_changed", W.ID), C("added", "col_added", W.ID), C("deleted", "col_deleted", W.ID),
            C("fields", "col_fields", W.LONG, literal=True)), workbook_only=True),
        TableSpec("plan_sheet", "ws_plan", (
            C("name", "col_phase", W.LABEL), C("start_week", "col_start_week", W.CODE),
            C("end_week", "col_end_week", W.CODE), C("start_date", "col_start_date", W.CODE),
            C("end_date", "col_end_date", W.CODE), C("owners", "col_owners", W.LABEL),
            C("deliverables", "col_deliverables", W.PHRASE), C("tasks", "col_tasks", W.LONG)), workbook_only=True),
    )
}

# The workbook's contract with the importer: a hidden sheet names each data sheet's kind,
# entity and column codes (see guidegen.workbook.reader).
INDEX_SHEET = "_guidegen"
WORKBOOK_FORMAT = "guidegen-workbook"


# The hidden list sheet keeps each drop-down's codes in the column beside its labels, headed
# with the list's name and this suffix.
LIST_CODE_SUFFIX = ":code"

# The first line of the comment on each header cell of an importable workbook sheet: the column's
# code follows it (see guidegen/workbook/columns.py).
COLUMN_CODE_PREFIX = "guidegen-column:"
