"""``guidegen import-mapping``: bring a reviewed workbook's edits back into the blueprint YAML.

The workbook is compared with the guide the same engagement renders today. Rows are matched
by their stable key (the first column), never by position: a changed cell updates that field,
a row with an empty key is a new field, a missing row is a deleted field. Code sets are matched
by (code set, source value). Edits are written with a round-trip YAML library, so comments,
key order and every untouched line stay as they were; with no edits nothing is written.
Invalid edits are refused with Sheet!Cell references and nothing is written.
"""

from __future__ import annotations

import datetime as dt
import copy
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.util import load_yaml_guess_indent

from guidegen.blueprint.loader import LoadedBlueprint, load_blueprint
from guidegen.blueprint.schema import FIELD_TYPES
from guidegen.core import i18n
from guidegen.core.errors import Location, Problem, UserError, fail
from guidegen.core.markdown import markdown_to_plain
from guidegen.core.vocab import LANGS, review_status
from guidegen.guide.model import FieldMapping, Guide
from guidegen.resolve.engagement import Engagement
from guidegen.resolve.resolver import resolve_guide
from guidegen.core.text import escape_markdown
from guidegen.workbook.textfile import read_text_file, restore, rewrite
from guidegen.workbook.reader import SheetRows, WorkbookContent, read_workbook

_TEXT_KEYS = ("rule", "validation", "description", "note")
_SCALAR_KEYS = ("source", "target", "type", "source_type", "required", "direction", "default", "example", "enum", "status",
                "reviewer", "decided", "comment")
_FIELD_ORDER = ("id", "source", "target", "description", "type", "source_type", "required", "direction", "rule",
                "validation", "default", "example", "note", "enum", "status", "reviewer", "decided", "comment")


@dataclass
class Change:
    kind: str  # "~" changed, "+" added, "-" deleted
    where: str
    detail: str = ""

    def format(self) -> str:
        return f"  {self.kind} {self.where}" + (f": {self.detail}" if self.detail else "")


@dataclass
class ImportResult:
    changes: list[Change] = field(default_factory=list)
    written: bool = False
    backup: Path | None = None
    stale: list[str] = field(default_factory=list)  # texts now awaiting translation ("entity.field rule: en")

    def counts(self) -> dict[str, int]:
        return {k: sum(1 for c in self.changes if c.kind == k) for k in "~+-"}

    def summary(self) -> str:
        if not self.changes:
            return "no changes: the workbook matches the blueprint"
        counts = self.counts()
        head = f"{counts['~']} changed, {counts['+']} added, {counts['-']} deleted"
        if self.stale:
            head += f"; {len(self.stale)} text(s) await translation (marked 'stale' in the blueprint)"
        return head + "\n" + "\n".join(c.format() for c in self.changes)


class _Labels:
    """Workbook labels back to codes: from the workbook's own list sheet, which keeps each label's
    code (so a workbook sent before a label was reworded still imports), else from today's labels
    in the workbook's language and names."""

    def __init__(self, engagement: dict[str, Any], lists: dict[str, dict[str, str]]) -> None:
        lang = engagement.get("lang", "zh")
        names = {"crm": engagement.get("crm") or "CRM", "software": engagement.get("software") or ""}

        def table(group: str, codes: tuple[str, ...], label: Any) -> dict[str, str]:
            found = {c: c for c in codes}
            given = lists.get(group)
            if given:
                found.update({text: code for text, code in given.items() if code in codes})
            else:
                found.update({label(c): c for c in codes})
            return found

        self.types = table("field_type", FIELD_TYPES, lambda c: i18n.code(lang, "field_type", c))
        self.directions = table("direction", i18n.codes("direction"), lambda c: i18n.code(lang, "direction", c, **names))
        self.statuses = table("status", i18n.codes("status"), lambda c: i18n.code(lang, "status", c))
        yes_no = table("yes_no", ("yes", "no"), lambda c: i18n.t(lang, c))
        self.yes = {text for text, code in yes_no.items() if code == "yes"} | {"true", "Y", "y"}
        self.no = {text for text, code in yes_no.items() if code == "no"} | {"false", "N", "n"}


def import_mapping(workbook: Path, blueprint_path: Path, dry_run: bool = False, today: dt.date | None = None) -> ImportResult:
    """Apply the workbook's edits to the blueprint file (unless ``dry_run``) and record the import in
    its change history (dated ``today``); UserError on bad edits."""
    content = read_workbook(workbook)
    loaded = load_blueprint(blueprint_path)
    expected_id = content.engagement.get("blueprint")
    if expected_id != loaded.blueprint.id:
        raise fail(str(workbook), "the workbook belongs to another blueprint",
                   expected=f"a workbook exported from blueprint '{loaded.blueprint.id}'", given=str(expected_id))
    guide = _guide_for(loaded, content)
    source = read_text_file(blueprint_path)
    yaml, document = _round_trip(source.text, str(blueprint_path))
    plan = _Plan(loaded, guide, content, document, str(workbook))
    plan.collect()
    if plan.problems:
        raise UserError(plan.problems)
    result = ImportResult(plan.changes, stale=plan.stale)
    if not plan.changes or dry_run:
        return result
    _record(document, result, workbook, content.engagement, today or dt.date.today())
    out = io.StringIO()
    yaml.dump(document, out)
    new_text = out.getvalue()
    rewrite(source, new_text)
    try:
        load_blueprint(blueprint_path)
    except UserError:
        restore(source)  # never leave the user's blueprint broken
        raise
    result.written, result.backup = True, source.backup
    return result


def _record(document: Any, result: ImportResult, workbook: Path, engagement: dict[str, Any], today: dt.date) -> None:
    """Append this import to the blueprint's change history (a new top-level list when absent)."""
    counts = result.counts()
    entry = CommentedMap()
    entry["date"] = today
    entry["workbook"] = workbook.name
    for key in ("author", "version"):
        if engagement.get(key):
            entry[key] = str(engagement[key])
    entry["lang"] = engagement.get("lang", "zh")
    entry["changed"], entry["added"], entry["deleted"] = counts["~"], counts["+"], counts["-"]
    entry["fields"] = _flow_list(list(dict.fromkeys(c.where for c in result.changes)))
    history = document.get("change_history")
    if history is None:
        document["change_history"] = CommentedSeq([entry])
    else:
        history.append(entry)


def _flow_list(values: list[str]) -> CommentedSeq:
    node = CommentedSeq(values)
    node.fa.set_flow_style()
    return node


def _guide_for(loaded: LoadedBlueprint, content: WorkbookContent) -> Guide:
    e = content.engagement
    engagement = Engagement(
        lang=e.get("lang", "zh"), complexity=e.get("complexity"), scenario=e.get("scenario", "new"),
        crm=e.get("crm"), software=e.get("software"), client=e.get("client"), variables=e.get("variables") or {},
    )
    return resolve_guide(loaded, engagement).guide


def _round_trip(text: str, name: str) -> tuple[YAML, Any]:
    """A round-trip YAML reader/writer set up to reproduce the file's own indentation."""
    try:
        _, sequence_indent, offset = load_yaml_guess_indent(text)
    except YAMLError as exc:
        raise fail(name, f"invalid YAML: {exc}") from None
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096
    mapping_indent = _mapping_indent(text)
    yaml.indent(mapping=mapping_indent, sequence=sequence_indent or mapping_indent + 2, offset=offset or mapping_indent)
    return yaml, yaml.load(text)


def _mapping_indent(text: str) -> int:
    lines = text.splitlines()
    for line, following in zip(lines, lines[1:]):
        if re.match(r"^[A-Za-z_][\w-]*:\s*(#.*)?$", line):
            indent = len(following) - len(following.lstrip(" "))
            if indent and not following.lstrip().startswith("-"):
                return indent
    return 2


class _Plan:
    """Works out every change and every problem before anything is written."""

    def __init__(self, loaded: LoadedBlueprint, guide: Guide, content: WorkbookContent, document: Any, workbook: str) -> None:
        self.loaded = loaded
        self.guide = guide
        self.content = content
        self.document = document
        self.workbook = workbook
        self.lang = content.engagement.get("lang", "zh")
        self.labels = _Labels(content.engagement, content.codes)
        self.marker = markdown_to_plain(i18n.t(self.lang, "stale_marker"))
        self.stale: list[str] = []
        self.changes: list[Change] = []
        self.problems: list[Problem] = []
        self.shared = _shared_nodes(document)
        self.unshared: list[str] = []

    def own(self, parent: Any, key: Any) -> Any:
        """``parent[key]``, made this place's own first if YAML aliases share it with another
        place (``&anchor`` / ``*alias``): an edit must change only the field it was made to."""
        node = parent[key]
        if id(node) not in self.shared:
            return node
        mine = copy.deepcopy(node)
        if hasattr(mine, "yaml_set_anchor"):
            mine.yaml_set_anchor(None)
        parent[key] = mine
        self.unshared.append(f"{getattr(node, 'anchor', None) and node.anchor.value or 'an alias'}")
        return mine

    def problem(self, sheet: SheetRows, row: int, key: str, message: str, **details: str | None) -> None:
        self.problems.append(Problem(Location(self.workbook, cell=sheet.cell(row, key)), message, **details))

    def collect(self) -> None:
        for sheet in self.content.sheets:
            if sheet.kind == "mapping":
                self._mapping(sheet)
            elif sheet.kind == "enums":
                self._enums(sheet)

    # ------------------------------------------------------------------ field mappings
    def _parse_row(self, sheet: SheetRows, number: int, values: dict[str, str]) -> dict[str, Any] | None:
        row: dict[str, Any] = {}
        ok = True
        for key, table, what in (("type", self.labels.types, "data type"), ("source_type", self.labels.types, "data type"),
                                 ("direction", self.labels.directions, "direction"), ("status", self.labels.statuses, "status")):
            value = values.get(key, "")
            if not value:
                row[key] = None
                continue
            if value not in table:
                self.problem(sheet, number, key, f"invalid {what}", expected="one of the drop-down values: "
                             + ", ".join(k for k in table if k not in FIELD_TYPES and k not in i18n.codes("direction")
                                         and k not in i18n.codes("status")), given=repr(value))
                ok = False
            row[key] = table.get(value)
        required = values.get("required", "")
        if required in self.labels.yes:
            row["required"] = True
        elif required in self.labels.no:
            row["required"] = False
        elif required:
            self.problem(sheet, number, "required", "invalid value for required",
                         expected=f"{i18n.t(self.lang, 'yes')} / {i18n.t(self.lang, 'no')} / empty", given=repr(required))
            ok = False
        else:
            row["required"] = None
        for key in ("source", "target"):
            if not values.get(key):
                self.problem(sheet, number, key, f"the {key} field is empty", expected="a field name (n/a when there is none)")
                ok = False
        if not values.get("type"):
            self.problem(sheet, number, "type", "the target type is empty", expected="a data type from the drop-down")
            ok = False
        for key in ("key", "source", "target", "default", "example", "enum", "reviewer", "comment",
                    "rule_translation") + _TEXT_KEYS:
            row.setdefault(key, values.get(key, ""))
        row["decided"] = _date(values.get("decided", ""))
        if row["decided"] is False:
            self.problem(sheet, number, "decided", "invalid decision date", expected="a date, e.g. 2026-12-03",
                         given=repr(values.get("decided")))
            ok = False
        return row if ok else None

    def _mapping(self, sheet: SheetRows) -> None:
        entity = next((e for e in self.guide.data.entities if e.id == sheet.entity), None)
        if entity is None:
            return
        current = {f.key: f for f in entity.fields}
        seen_keys: dict[str, int] = {}
        rows = []
        for number, values in sheet.rows:
            row = self._parse_row(sheet, number, values)
            if row is None:
                continue
            key = row["key"] or _default_key(row["source"], row["target"])
            # A field is its key: one source field may feed two targets (two rows, two keys).
            if key in seen_keys:
                self.problem(sheet, number, "key" if row["key"] else "source", f"duplicate field '{key}'",
                             expected="each field once per sheet", given=f"also in row {seen_keys[key]}")
            seen_keys[key] = number
            rows.append((number, key, row))
        if self.problems:
            return
        node = self._entity_node(sheet, entity.id)
        if node is None:
            return
        fields_node = node["fields"]
        kept = {key for _, key, _ in rows}
        for key in [k for k in current if k not in kept]:
            self._delete_field(fields_node, current[key], entity.id)
        for number, key, row in rows:
            if key in current:
                self._change_field(fields_node, current[key], row, entity, sheet, number)
            else:
                self._add_field(fields_node, key, row, entity, explicit_key=bool(row["key"]))

    def _entity_node(self, sheet: SheetRows, entity_id: str) -> Any:
        entities = (self.document.get("data") or {}).get("entities") or []
        for node in entities:
            if isinstance(node, CommentedMap) and node.get("id") == entity_id and "fields" in node:
                return node
        self.problems.append(Problem(Location(self.workbook, cell=f"{sheet.title}!A1"),
                                     f"entity '{entity_id}' is not defined in the blueprint file (only in a fragment?)",
                                     hint="edit the file that defines it"))
        return None

    @staticmethod
    def _find(fields_node: CommentedSeq, field: FieldMapping) -> int | None:
        for i, node in enumerate(fields_node):
            if not isinstance(node, dict):
                continue
            key = node.get("id") or _default_key(str(node.get("source", "")), str(node.get("target", "")))
            if key == field.key:
                return i
        return None

    def _delete_field(self, fields_node: CommentedSeq, field: FieldMapping, entity: str) -> None:
        index = self._find(fields_node, field)
        if index is None:
            return
        del fields_node[index]
        self.changes.append(Change("-", f"{entity}.{field.key}", f"{field.source} → {field.target}"))

    def _change_field(self, fields_node: CommentedSeq, field: FieldMapping, row: dict[str, Any], entity: Any,
                      sheet: SheetRows, number: int) -> None:
        index = self._find(fields_node, field)
        if index is None:
            return
        self.unshared: list[str] = []
        node = self.own(fields_node, index)
        old_key = field.key
        before = len(self.changes)
        for key in _SCALAR_KEYS:
            new = row.get(key)
            old = getattr(field, key)
            if key == "source_type" and new == row.get("type") and "source_type" not in node:
                continue
            if key == "direction" and new == entity.direction and "direction" not in node:
                continue
            if key == "status" and (new is None or new == review_status(old)):
                continue  # a row the blueprint marks as mapped shows "to review" in the workbook
            if (new or None) == (old or None) or (key in ("type",) and new is None):
                continue
            if new in (None, "") and key in node:
                del node[key]
            elif new not in (None, ""):
                node[key] = new
            self.changes.append(Change("~", f"{entity.id}.{old_key}", f"{key} {_show(old)} → {_show(new)}"))
        if row.get("source") != field.source and "id" not in node:
            node.insert(0, "id", old_key)  # keep the row's key stable after renaming its source field
        where = f"{entity.id}.{old_key}"
        for key in _TEXT_KEYS:
            new = row.get(key, "")
            old = getattr(field, key) or ""
            if new == markdown_to_plain(old):
                continue
            new = self._unmarked(new)
            self._set_text(node, key, new, where)
            self.changes.append(Change("~", where, f"{key} {_show(markdown_to_plain(old))} → {_show(new)}"))
        self._translation(node, row, where)
        if self.unshared and len(self.changes) > before:
            self.changes[-1].detail += (f" (the value was shared by YAML alias &{self.unshared[0]}; "
                                        "only this field changed)")

    def _unmarked(self, text: str) -> str:
        """A cell's text without the "translation pending" marker the guide put in front of it."""
        return text[len(self.marker):].lstrip() if self.marker.strip() and text.startswith(self.marker.strip()) else text

    def _set_text(self, node: CommentedMap, key: str, new: str, where: str = "", lang: str | None = None) -> None:
        """Change the text in the workbook's language (or ``lang``); the other languages keep
        their text, marked as awaiting translation (``stale``)."""
        lang = lang or self.lang
        new = literal_text(new)
        old = self.own(node, key) if key in node else None
        if isinstance(old, dict):
            if new:
                old[lang] = new
            else:
                old.pop(lang, None)
                if not old:
                    del node[key]
        elif not new:
            if key in node:
                del node[key]
        elif old is None:
            node[key] = _flow({lang: new})
        else:
            # The other languages keep their text; the edited one takes the new text. Keys stay
            # in the order the locale lists the languages.
            texts = {other: str(old) for other in LANGS if other != lang}
            texts[lang] = new
            node[key] = _flow({other: texts[other] for other in LANGS if other in texts})
        self._mark_stale(node, key, lang, where)

    def _mark_stale(self, node: CommentedMap, key: str, edited: str, where: str) -> None:
        """After ``edited``'s text of ``key`` changed, every other language is marked as awaiting
        translation (also one with no text yet: the guide in it shows the edited text, marked).
        An edit to a text that awaited translation is that translation: its mark goes, and the
        others stay as they were. A deleted text needs no translation."""
        marked = [str(x) for x in ((node.get("stale") or {}).get(key) or [])]
        if key not in node:
            wanted: list[str] = []
        elif edited in marked:
            wanted = [lang for lang in marked if lang != edited]
        else:
            wanted = [lang for lang in LANGS if lang != edited]
        self._set_stale(node, key, wanted)
        self.stale.extend(f"{where} {key}: {lang}" for lang in wanted if lang not in marked)

    @staticmethod
    def _set_stale(node: CommentedMap, key: str, langs: list[str]) -> None:
        """``stale: {key: [langs]}`` on the item; the entry (and the map) go when nothing is stale."""
        stale = node.get("stale")
        if langs:
            if stale is None:
                stale = node["stale"] = _flow({})
            stale[key] = _flow_list(langs)
        elif stale is not None and key in stale:
            del stale[key]
            if not stale:
                del node["stale"]

    def _translation(self, node: CommentedMap, row: dict[str, Any], where: str, record: bool = True) -> None:
        """The rule in the other language, given in the translation column: the rule's languages
        are in step again."""
        text = self._unmarked(row.get("rule_translation") or "")
        other = next((lang for lang in LANGS if lang != self.lang), None)
        if not text or other is None or "rule" not in node:
            return
        rule = node["rule"]
        marked = (node.get("stale") or {}).get("rule")
        if isinstance(rule, dict) and str(rule.get(other)) == literal_text(text) and not marked:
            return
        self._set_text(node, "rule", text, where, lang=other)
        self._set_stale(node, "rule", [])
        self.stale = [entry for entry in self.stale if not entry.startswith(f"{where} rule: ")]
        if record:
            self.changes.append(Change("~", where, f"rule ({other}) → {_show(text)}"))

    def _add_field(self, fields_node: CommentedSeq, key: str, row: dict[str, Any], entity: Any, explicit_key: bool) -> None:
        node = CommentedMap()
        values = dict(row)
        if explicit_key:
            values["id"] = key
        if values.get("direction") == entity.direction:
            values["direction"] = None
        if values.get("source_type") == values.get("type"):
            values["source_type"] = None
        if values.get("status") and review_status(values["status"]) == "to_review":
            values["status"] = None  # the default: not yet reviewed
        for name in _FIELD_ORDER:
            value = values.get(name)
            if value in (None, ""):
                continue
            node[name] = _flow({self.lang: literal_text(value)}) if name in _TEXT_KEYS else value
        where = f"{entity.id}.{key}"
        for name in _TEXT_KEYS:
            if name in node:  # a new row's texts are in one language: the others await translation
                self._mark_stale(node, name, self.lang, where)
        self._translation(node, row, where, record=False)
        fields_node.append(node)
        self.changes.append(Change("+", f"{entity.id}.{key}", f"{row['source']} → {row['target']}"))

    # ------------------------------------------------------------------ code sets
    def _enums(self, sheet: SheetRows) -> None:
        current = {(cs.id, v.source or "", v.target): v for cs in self.guide.data.enums for v in cs.values}
        by_source = {(cs.id, v.source or ""): v for cs in self.guide.data.enums for v in cs.values if v.source}
        code_sets = {cs.id for cs in self.guide.data.enums}
        nodes = {n.get("id"): n for n in ((self.document.get("data") or {}).get("enums") or []) if isinstance(n, dict)}
        seen: dict[tuple[str, str], int] = {}
        rows = []
        for number, values in sheet.rows:
            code_set, source, target = values.get("code_set", ""), values.get("source", ""), values.get("target", "")
            if code_set not in code_sets:
                self.problem(sheet, number, "code_set", "unknown code set", expected="one of: " + ", ".join(sorted(code_sets)),
                             given=repr(code_set))
                continue
            if not target:
                self.problem(sheet, number, "target", "the target value is empty", expected="a code")
                continue
            key = (code_set, source or target)
            if key in seen:
                self.problem(sheet, number, "source", f"duplicate value '{source or target}' in code set '{code_set}'",
                             given=f"also in row {seen[key]}")
                continue
            seen[key] = number
            rows.append((code_set, source, target, values.get("description", "")))
        if self.problems:
            return
        matched: set[int] = set()
        for code_set, source, target, description in rows:
            value = by_source.get((code_set, source)) if source else current.get((code_set, "", target))
            if value is not None:
                matched.add(id(value))
                self._change_value(nodes.get(code_set), code_set, value, target, description)
            else:
                self._add_value(nodes.get(code_set), code_set, source, target, description, sheet)
        for (code_set, source, target), value in current.items():
            if id(value) not in matched:
                self._delete_value(nodes.get(code_set), code_set, value)

    def _value_node(self, code_set_node: Any, value: Any) -> Any:
        for node in (code_set_node or {}).get("values") or []:
            if (str(node.get("source") or "") == (value.source or "")) and str(node.get("target")) == value.target:
                return node
        return None

    def _change_value(self, code_set_node: Any, code_set: str, value: Any, target: str, description: str) -> None:
        node = self._value_node(code_set_node, value)
        if node is None:
            return
        self.unshared = []
        values = code_set_node["values"]
        node = self.own(values, next(i for i, n in enumerate(values) if n is node))
        where = f"{code_set}.{value.source or value.target}"
        if target != value.target:
            node["target"] = target
            self.changes.append(Change("~", where, f"target {_show(value.target)} → {_show(target)}"))
        if description != markdown_to_plain(value.description or ""):
            self._set_text(node, "description", self._unmarked(description), where)
            self.changes.append(Change("~", where, f"description → {_show(description)}"))

    def _add_value(self, code_set_node: Any, code_set: str, source: str, target: str, description: str, sheet: SheetRows) -> None:
        if code_set_node is None:
            return
        node = CommentedMap()
        if source:
            node["source"] = source
        node["target"] = target
        if description:
            node["description"] = _flow({self.lang: literal_text(description)})
            self._mark_stale(node, "description", self.lang, f"{code_set}.{source or target}")
        node.fa.set_flow_style()
        code_set_node["values"].append(node)
        self.changes.append(Change("+", f"{code_set}.{source or target}", f"{source or '—'} → {target}"))

    def _delete_value(self, code_set_node: Any, code_set: str, value: Any) -> None:
        node = self._value_node(code_set_node, value)
        if node is None:
            return
        code_set_node["values"].remove(node)
        self.changes.append(Change("-", f"{code_set}.{value.source or value.target}", f"{value.source or '—'} → {value.target}"))


def _date(text: str) -> dt.date | None | bool:
    """A decision date from its cell (a date cell reads back as an ISO timestamp); False when unreadable."""
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        return False


_TEMPLATE_START = re.compile(r"\{[{%#]")
_BLOCK_START = re.compile(r"^([ \t]*)([#>+\-=|]|\d{1,9}(?=[.)]))", re.MULTILINE)


def literal_text(text: str) -> str:
    """A cell's text as a blueprint text that prints exactly as typed: template syntax ('{{',
    '{%', '{#') and Markdown (emphasis, links, code, headings, lists, quotes, tables) escaped."""
    text = _BLOCK_START.sub(_escape_block_start, escape_markdown(text))
    return _TEMPLATE_START.sub(lambda m: "{{ '" + m.group(0) + "' }}", text)


def _escape_block_start(match: re.Match[str]) -> str:
    indent, marker = match.group(1), match.group(2)
    if marker[0].isdigit():  # "1." / "1)": the punctuation is what can be escaped
        return indent + marker + "\\"
    return indent + "\\" + marker


def _shared_nodes(document: Any) -> set[int]:
    """ids of the mappings and lists that YAML aliases make appear in more than one place."""
    seen: set[int] = set()
    shared: set[int] = set()
    stack = [document]
    while stack:
        node = stack.pop()
        if not isinstance(node, (dict, list)):
            continue
        if id(node) in seen:
            shared.add(id(node))
            continue
        seen.add(id(node))
        stack.extend(node.values() if isinstance(node, dict) else node)
    return shared


def _default_key(source: str, target: str) -> str:
    return source if source.strip().lower() not in ("", "n/a", "-") else target


def _flow(mapping: dict[str, Any]) -> CommentedMap:
    node = CommentedMap(mapping)
    node.fa.set_flow_style()
    return node


def _show(value: Any) -> str:
    if value in (None, ""):
        return "(empty)"
    text = str(value).replace("\n", " ")
    return repr(text if len(text) <= 60 else text[:59] + "…")
