"""The closed vocabularies of the guide: every code a blueprint may use and a writer labels.

Each is a ``Literal`` (for validation and the JSON Schema) and a tuple of its values in their
display order. The locale files label every value of every group here (a test checks it).
"""

from __future__ import annotations

from typing import Literal, get_args

from guidegen.core.i18n import available_languages

LANGS: tuple[str, ...] = available_languages()
Lang = Literal[LANGS]  # type: ignore[valid-type]
Complexity = Literal["simple", "medium", "high"]
Scenario = Literal["new", "upgrade"]
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
TestStatus = Literal["not_run", "passed", "failed", "blocked"]
IssueStatus = Literal["open", "answered", "closed"]  # the workbook's open-issues log
# What kind of data or activity an integration involves; shared fragment items name the traits
# they apply to, and a blueprint names its own (see Blueprint.traits).
Trait = Literal["personal_data", "marketing_consent", "payment_cards", "call_recording"]

COMPLEXITIES: tuple[str, ...] = get_args(Complexity)
SCENARIOS: tuple[str, ...] = get_args(Scenario)
FIELD_TYPES: tuple[str, ...] = get_args(FieldType)
DIRECTIONS: tuple[str, ...] = get_args(Direction)
MAPPING_STATUSES: tuple[str, ...] = get_args(MappingStatus)
LEVELS: tuple[str, ...] = get_args(Level3)
TEST_CATEGORIES: tuple[str, ...] = get_args(TestCategory)

# Code groups the documents label, by the name the locale files use for them.
CODE_GROUPS: dict[str, tuple[str, ...]] = {
    "system": get_args(System),
    "direction": DIRECTIONS,
    "field_type": FIELD_TYPES,
    "status": MAPPING_STATUSES,
    "level": LEVELS,
    "complexity": COMPLEXITIES,
    "scenario": SCENARIOS,
    "mode": get_args(FlowMode),
    "test_category": TEST_CATEGORIES,
    "test_status": get_args(TestStatus),
    "issue_status": get_args(IssueStatus),
    "lang": LANGS,
}


def review_status(status: str) -> str:
    """The status a reviewer sees: a row the blueprint only marks as mapped still awaits review."""
    return "to_review" if status == "mapped" else status
