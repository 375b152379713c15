"""Running a mapping's transforms and checks over sample records, one record at a time.

Memory stays bounded whatever the file size: per rule a count and at most
``TOP_VALUES_KEPT`` distinct failing values, at most ``ROWS_KEPT`` failing rows and
``PREVIEW_ROWS`` transformed rows kept for the report, and for each unique field one 8-byte
hash per distinct value (see :class:`HashSet64`).
"""

from __future__ import annotations

import hashlib
from array import array
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from guidegen.content.rules import Checks
from guidegen.guide import model
from guidegen.datacheck.readers import Row, Source
from guidegen.datacheck.values import FORMAT_CODES, StepFailed, compile_checks, compile_transform, nearest, to_text

TOP_VALUES_KEPT = 1000
TOP_VALUES_SHOWN = 5
ROWS_KEPT = 500
PREVIEW_ROWS = 20
DUPLICATES_KEPT = 200
FALLIBLE_STEPS = ("transform.phone_e164", "transform.to_utc", "transform.map", "transform.scale")


class HashSet64:
    """A set of 64-bit hashes in one flat array (open addressing): 16 bytes per value at
    most, against about 100 for a Python set of strings. Two different values share a hash
    with a probability of about n²/2⁶⁵ (1 in 30 million for a million values)."""

    def __init__(self) -> None:
        self._slots = array("Q", bytes(8 * 1024))
        self._mask = 1023
        self._count = 0

    def add(self, value: str) -> bool:
        """Add the value; True when it was already there."""
        h = int.from_bytes(hashlib.blake2b(value.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "little") | 1
        slots, mask = self._slots, self._mask
        i = h & mask
        while True:
            current = slots[i]
            if current == 0:
                break
            if current == h:
                return True
            i = (i + 1) & mask
        slots[i] = h
        self._count += 1
        if self._count * 2 > mask:
            self._grow()
        return False

    def _grow(self) -> None:
        old = self._slots
        self._mask = mask = len(old) * 2 - 1
        self._slots = slots = array("Q", bytes(8 * (mask + 1)))
        for h in old:
            if h:
                i = h & mask
                while slots[i]:
                    i = (i + 1) & mask
                slots[i] = h


@dataclass
class RuleStats:
    """One rule of one field: rows it applied to, rows that failed, the failing values."""

    rule: str
    checked: int = 0
    failed: int = 0
    values: Counter[str] = field(default_factory=Counter)
    other_values: int = 0  # failures whose value was not kept (past TOP_VALUES_KEPT distinct values)

    @property
    def passed(self) -> int:
        return self.checked - self.failed

    def fail(self, value: str) -> None:
        self.failed += 1
        if value in self.values or len(self.values) < TOP_VALUES_KEPT:
            self.values[value] += 1
        else:
            self.other_values += 1

    def top(self, n: int = TOP_VALUES_SHOWN) -> list[tuple[str, int]]:
        return sorted(self.values.items(), key=lambda kv: (-kv[1], kv[0]))[:n]


@dataclass
class Failure:
    """One failing cell: the field, the rule and the value given."""

    field: str
    column: str | None
    rule: str
    value: str
    message: str | None = None


@dataclass
class FailingRow:
    where: str
    values: dict[str, str]
    failures: list[Failure]
    unreadable: str | None = None


@dataclass
class FieldReport:
    key: str
    source: str
    target: str
    column: str | None
    rules: dict[str, RuleStats]
    failed: int = 0  # rows in which the field failed a rule


@dataclass
class OutsideValue:
    """A value a code set does not list, with the closest code it does."""

    field: str
    code_set: str
    value: str
    count: int
    nearest: str | None


@dataclass
class Duplicate:
    field: str
    value: str
    rows: list[str]


@dataclass
class EntityReport:
    entity: str
    name: str
    target_object: str
    files: list[str] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    rows: int = 0
    failed_rows: int = 0
    unreadable_rows: int = 0
    fields: list[FieldReport] = field(default_factory=list)
    failing_rows: list[FailingRow] = field(default_factory=list)
    duplicates: list[Duplicate] = field(default_factory=list)
    outside: list[OutsideValue] = field(default_factory=list)
    preview: list[dict[str, str]] = field(default_factory=list)
    missing_columns: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return self.failed_rows == 0 and self.rows > 0

    def counts(self) -> dict[tuple[str, str], int]:
        """(field key, rule) -> failed rows, for every rule that failed at least once."""
        return {(f.key, r.rule): r.failed for f in self.fields for r in f.rules.values() if r.failed}


@dataclass
class _FieldPlan:
    field: model.FieldMapping
    column: str | None
    steps: list[tuple[str, Any]]
    checks: list[tuple[str, Any]]
    required: bool
    unique: HashSet64 | None
    stats: dict[str, RuleStats]
    code_sets: dict[str, str]  # rule -> code set id, for the rules that name one
    report: FieldReport = field(init=False)

    def __post_init__(self) -> None:
        self.report = FieldReport(self.field.key, self.field.source, self.field.target, self.column, self.stats)


def with_checks(f: model.FieldMapping) -> model.FieldMapping:
    """The field with its checks spelled out (a Guide built without them has only 'required')."""
    return f if f.checks is not None else f.model_copy(update={"checks": Checks(required=f.required)})


def checked_fields(entity: model.Entity) -> list[model.FieldMapping]:
    """Fields with a source column: not 'n/a', not retired."""
    return [with_checks(f) for f in entity.fields
            if f.source.strip().lower() not in ("", "n/a", "-") and f.status not in ("not_required", "deprecated")]


class EntityChecker:
    """Feed it the rows of one or more sources for one entity; then read :attr:`report`."""

    def __init__(self, entity: model.Entity, code_sets: list[model.CodeSet], columns: dict[str, str]):
        self.entity = entity
        self.mapped_columns = columns  # field key -> column name
        self._pairs = {cs.id: [(v.source if v.source is not None else v.target, v.target) for v in cs.values] for cs in code_sets}
        self._targets = {cs.id: [v.target for v in cs.values] for cs in code_sets}
        self._sources = {cs.id: [p[0] for p in self._pairs[cs.id]] for cs in code_sets}
        self.report = EntityReport(entity.id, entity.name, entity.target_object)
        self._plans = [self._plan(f) for f in checked_fields(entity)]
        self.report.fields = [p.report for p in self._plans]
        self._duplicate_rows: dict[tuple[str, str], list[str]] = {}
        self._missing: set[str] = set()

    def _plan(self, f: model.FieldMapping) -> _FieldPlan:
        steps = compile_transform(f.transform, self._pairs)
        checks = compile_checks(f.checks, self._targets, f.transform)
        code_sets = {f"transform.{s.name}": s.map.code_set for s in f.transform if s.map is not None}
        if f.checks.code_set:
            code_sets["code_set"] = f.checks.code_set
        rules = (["required"] + [r for r, _ in steps if r in FALLIBLE_STEPS] + [r for r, _ in checks]
                 + (["unique"] if f.checks.unique else []))
        return _FieldPlan(f, self.mapped_columns.get(f.key), steps, checks, bool(f.checks.required),
                          HashSet64() if f.checks.unique else None, {r: RuleStats(r) for r in dict.fromkeys(rules)}, code_sets)

    # ------------------------------------------------------------------ feeding
    def use_columns(self, columns: dict[str, str]) -> None:
        """Which column holds each field in the next source (field key -> column)."""
        self.mapped_columns = columns
        for plan in self._plans:
            plan.column = plan.report.column = columns.get(plan.field.key)

    def add_source(self, source: Source) -> None:
        report = self.report
        report.files.append(source.label)
        for column in source.columns:
            if column not in report.columns:
                report.columns.append(column)
        used = set()
        for plan in self._plans:
            if plan.column is not None and plan.column in source.columns:
                used.add(plan.column)
            elif plan.field.key not in self._missing:
                self._missing.add(plan.field.key)
                report.missing_columns.append(plan.field.source)
        for column in source.columns:
            if column not in used and column not in report.ignored_columns:
                report.ignored_columns.append(column)
        for row in source.rows:
            self._row(source, row)

    def _row(self, source: Source, row: Row) -> None:
        report = self.report
        report.rows += 1
        if row.values is None:
            report.unreadable_rows += 1
            report.failed_rows += 1
            if len(report.failing_rows) < ROWS_KEPT:
                report.failing_rows.append(FailingRow(source.where(row.number), {}, [], row.problem))
            return
        values = row.values
        failures: list[Failure] | None = None
        preview = {} if len(report.preview) < PREVIEW_ROWS else None
        for plan in self._plans:
            stats = plan.stats
            raw = values.get(plan.column) if plan.column is not None else None
            raw = to_text(raw)
            value = raw
            failed_rule = None
            for rule, step in plan.steps:
                try:
                    value = step(value)
                except StepFailed as exc:
                    failed_rule, message = rule, str(exc)
                    break
            if failed_rule is None:
                required = stats["required"]
                if not value.strip():
                    if plan.required:
                        required.checked += 1
                        failed_rule, message = "required", None
                else:
                    if plan.required:
                        required.checked += 1
                    for rule, check in plan.checks:
                        s = stats[rule]
                        s.checked += 1
                        if not check(value):
                            failed_rule, message = rule, None
                            break
                    else:
                        if plan.unique is not None:
                            stats["unique"].checked += 1
                            if plan.unique.add(value):
                                failed_rule, message = "unique", "seen in an earlier row"
                                self._note_duplicate(plan.field.key, value, source.where(row.number, plan.column))
            for rule, _ in plan.steps:
                if rule in stats:
                    stats[rule].checked += 1
                if rule == failed_rule:
                    break
            if failed_rule is not None:
                plan.report.failed += 1
                stats[failed_rule].fail(raw if failed_rule.startswith("transform.") else value)
                if failures is None:
                    failures = []
                failures.append(Failure(plan.field.key, plan.column, failed_rule, raw, message))
            if preview is not None:
                preview[plan.field.target] = value
        if preview is not None:
            report.preview.append(preview)
        if failures:
            report.failed_rows += 1
            if len(report.failing_rows) < ROWS_KEPT:
                report.failing_rows.append(FailingRow(source.where(row.number), {k: to_text(v) for k, v in values.items()}, failures))

    def _note_duplicate(self, key: str, value: str, where: str) -> None:
        rows = self._duplicate_rows.get((key, value))
        if rows is None:
            if len(self._duplicate_rows) >= DUPLICATES_KEPT:
                return
            rows = self._duplicate_rows[(key, value)] = []
        if len(rows) < 10:
            rows.append(where)

    # ------------------------------------------------------------------ finishing
    def finish(self) -> EntityReport:
        report = self.report
        report.duplicates = [Duplicate(k, v, rows) for (k, v), rows in self._duplicate_rows.items()]
        for plan in self._plans:
            for rule, code_set in plan.code_sets.items():
                candidates = self._sources[code_set] if rule.startswith("transform.") else self._targets[code_set]
                stats = plan.stats[rule]
                for value, count in stats.top(50):
                    report.outside.append(OutsideValue(plan.field.key, code_set, value, count, nearest(value, candidates)))
            fmt = plan.field.checks.format
            if fmt in FORMAT_CODES and plan.stats.get(fmt) and plan.stats[fmt].failed:
                for value, count in plan.stats[fmt].top(50):
                    report.outside.append(OutsideValue(plan.field.key, fmt, value, count, nearest(value, FORMAT_CODES[fmt]())))
        return report
