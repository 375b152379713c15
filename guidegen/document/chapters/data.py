"""Chapter 4: standards, keys, one field-mapping table per entity, code sets, rules."""

from __future__ import annotations

from guidegen.document.builder import Builder
from guidegen.guide.model import Entity, FieldMapping

_ARROWS = {"crm_to_software": "→", "software_to_crm": "←", "bidirectional": "↔"}


def direction_arrow(entity_source: str, direction: str) -> str:
    """Arrow between the source and target columns: → when data flows source to target."""
    arrow = _ARROWS[direction]
    if entity_source == "software" and arrow != "↔":
        arrow = "→" if arrow == "←" else "←"
    return arrow


def type_label(b: Builder, source_type: str, target_type: str) -> str:
    """'Boolean → Enum' when the two sides differ, else the one type."""
    if source_type == target_type:
        return b.code("field_type", target_type)
    return f"{b.code('field_type', source_type)} → {b.code('field_type', target_type)}"


def _join_note(*parts: str | None) -> str:
    return "\n\n".join(x for x in parts if x)


def _status_note(b: Builder, f: FieldMapping) -> str | None:
    """The review status (with who decided and when), shown in the note column unless the row is simply mapped."""
    if f.status == "mapped" and not (f.reviewer or f.decided):
        return None
    who = ", ".join(x for x in (f.reviewer, f.decided.isoformat() if f.decided else None) if x)
    status = b.code("status", f.status) + (b.parenthesis(who) if who else "")
    comment = f"{b.t('col_comment')}{b.colon()}{f.comment}" if f.comment else ""
    return f"*{b.t('col_status')}{b.colon()}{status}*" + (f"\n\n{comment}" if comment else "")


def approval_summary(b: Builder, entities: list[Entity]) -> str:
    """'87 of 120 fields approved, last decision 2026-12-03'."""
    fields = [f for e in entities for f in e.fields]
    approved = sum(1 for f in fields if f.status == "approved")
    dates = [f.decided for f in fields if f.decided]
    if dates:
        return b.t("approval_summary_dated", a=approved, b=len(fields), date=max(dates).isoformat())
    return b.t("approval_summary", a=approved, b=len(fields))


def shown_field(field: str, none_mark: str) -> str:
    """How a document shows a mapping field: ``none_mark`` where the blueprint writes n/a or -
    (no such field), else the field as written.

    The workbook keeps the literal n/a that import-mapping reads back; documents show the
    language's dash, not an English abbreviation in a Chinese table."""
    return none_mark if field.strip().lower() in ("n/a", "-") else field


def mapping_row(b: Builder, e: Entity, f: FieldMapping) -> dict[str, str]:
    return {
        "source": shown_field(f.source, b.t("none")), "target": shown_field(f.target, b.t("none")), "type": type_label(b, f.source_type or f.type, f.type),
        "required": b.yes_no(f.required), "direction": direction_arrow(e.source, f.direction or e.direction),
        "rule": f.rule or "", "validation": f.validation or "", "example": f.example or "",
        "note": _join_note(f.description, f.note, _status_note(b, f)),
    }


def build(b: Builder) -> None:
    d = b.guide.data
    b.heading(1, "s_data")
    b.section(2, "s_standards", [d.standards], lambda: b.spec_table("standards", [
        {"topic": s.topic, "standard": s.standard, "example": s.example or ""} for s in d.standards]))
    b.section(2, "s_keys", [d.keys], lambda: b.notes(d.keys))
    if d.entities:
        b.heading(2, "s_mappings")
        b.prose(approval_summary(b, d.entities))
        for e in d.entities:
            b.heading(3, e.name, raw=True)
            intro = b.t(
                "mapping_intro", source=b.code("system", e.source), source_object=e.source_object,
                target=b.code("system", e.target), target_object=e.target_object,
                direction=b.code("direction", e.direction),
            )
            b.prose((e.description + "\n\n" if e.description else "") + intro)
            b.spec_table("mapping", [mapping_row(b, e, f) for f in e.fields], key=f"mapping:{e.id}", name=e.name)
    if d.enums or d.enum_notes:
        b.heading(2, "s_enums")
        for cs in d.enums:
            if cs.description:
                b.prose(f"**{cs.name}**{b.colon()}{cs.description}")
            b.spec_table("enum", [{"source": v.source or "", "target": v.target, "description": v.description or ""}
                                  for v in cs.values], key=f"enum:{cs.id}", name=cs.name)
        b.notes(d.enum_notes)
    b.section(2, "s_transformations", [d.transformations], lambda: b.spec_table("transformations", [
        {"id": r.id, "title": r.title, "text": r.text} for r in d.transformations]))
    b.section(2, "s_validations", [d.validations], lambda: b.spec_table("validations", [
        {"id": r.id, "title": r.title, "text": r.text, "on_failure": r.on_failure or ""} for r in d.validations]))
