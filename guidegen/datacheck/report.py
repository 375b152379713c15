"""What check-data found, as a short summary (stdout) and as Markdown or HTML reports."""

from __future__ import annotations

import html

from guidegen.datacheck.engine import EntityReport, FieldReport, RuleStats

FAILING_ROWS_SHOWN = 50


def _values(stats: RuleStats, quote: str = '"') -> str:
    shown = ", ".join((f"{quote}{_clip(v)}{quote}" if v else "(empty)") + f" ×{n}" for v, n in stats.top())
    more = stats.failed - sum(n for _, n in stats.top())
    return shown + (f", … {more} more" if more > 0 else "")


def _clip(text: str, limit: int = 40) -> str:
    if not text:
        return "(empty)"
    text = text.replace("\n", "⏎").replace("\r", "")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _rules(field: FieldReport) -> list[RuleStats]:
    return [s for s in field.rules.values() if s.checked]


def verdict(report: EntityReport) -> str:
    if report.rows == 0:
        return "no rows"
    if report.failed_rows == 0:
        return f"all {report.rows:,} rows pass"
    return f"{report.failed_rows:,} of {report.rows:,} rows fail"


def summary_text(reports: list[EntityReport]) -> str:
    """A few lines per entity: verdict, each failing rule with its top values, duplicates,
    values outside code sets, missing columns, unreadable rows."""
    lines: list[str] = []
    for r in reports:
        lines.append(f"{r.entity} ({r.name}) ← {', '.join(r.files)}: {verdict(r)}")
        for f in r.fields:
            for s in _rules(f):
                if s.failed:
                    lines.append(f"  {f.source} [{s.rule}]: {s.failed:,} of {s.checked:,} fail — {_values(s)}")
        passing = sum(1 for f in r.fields for s in _rules(f) if not s.failed)
        if passing:
            lines.append(f"  {passing} other rule(s) pass on every row checked")
        for d in r.duplicates[:10]:
            lines.append(f"  duplicate {d.field} \"{_clip(d.value)}\" again at {', '.join(d.rows[:3])}")
        for o in r.outside[:10]:
            hint = f"; nearest: \"{o.nearest}\"" if o.nearest else ""
            lines.append(f"  {o.field}: \"{_clip(o.value)}\" ×{o.count} not in {o.code_set}{hint}")
        if r.missing_columns:
            lines.append(f"  no column for: {', '.join(r.missing_columns)} (use --columns FIELD=COLUMN)")
        if r.unreadable_rows:
            lines.append(f"  {r.unreadable_rows:,} unreadable row(s):")
            for row in [x for x in r.failing_rows if x.unreadable][:10]:
                lines.append(f"    {row.where}: {row.unreadable}")
    return "\n".join(lines)


# --------------------------------------------------------------------------- Markdown
def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ").replace("\r", "")


def _table(header: list[str], rows: list[list[object]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return out + [""]


def markdown_report(reports: list[EntityReport], title: str) -> str:
    lines = [f"# {title}", ""]
    for r in reports:
        lines += [f"## {r.name} ({r.entity})", "", f"Files: {', '.join(r.files)}. Result: **{verdict(r)}**"
                  + (f", {r.unreadable_rows:,} unreadable" if r.unreadable_rows else "") + ".", ""]
        if r.missing_columns:
            lines += [f"No column found for: {', '.join(r.missing_columns)}.", ""]
        if r.ignored_columns:
            lines += [f"Columns not mapped to a field: {', '.join(r.ignored_columns)}.", ""]
        lines += ["### Rules per field", ""]
        rows: list[list[object]] = []
        for f in r.fields:
            for s in _rules(f):
                rows.append([f.source, f.column or "—", f.target, s.rule, f"{s.checked:,}", f"{s.passed:,}", f"{s.failed:,}",
                             _values(s, "`") if s.failed else ""])
        lines += _table(["Source field", "Column", "Target field", "Rule", "Checked", "Passed", "Failed", "Top failing values"], rows)
        if r.duplicates:
            lines += ["### Duplicate keys", ""]
            lines += _table(["Field", "Value", "Repeated at"], [[d.field, f"`{_clip(d.value)}`", ", ".join(d.rows)] for d in r.duplicates])
        if r.outside:
            lines += ["### Values outside a code set", ""]
            lines += _table(["Field", "Code set", "Value", "Rows", "Nearest code"],
                            [[o.field, o.code_set, f"`{_clip(o.value)}`", o.count, f"`{o.nearest}`" if o.nearest else "—"] for o in r.outside])
        failing = r.failing_rows[:FAILING_ROWS_SHOWN]
        if failing:
            lines += [f"### Failing rows (first {len(failing)} of {r.failed_rows:,})", ""]
            lines += _table(["Row", "Problems"], [[row.where, row.unreadable or "; ".join(
                f"{x.field} [{x.rule}] " + (f"`{_clip(x.value)}`" if x.value else "(empty)") + (f" ({x.message})" if x.message else "") for x in row.failures)] for row in failing])
        if r.preview:
            targets = list(r.preview[0])
            lines += [f"### What {r.target_object} would receive (first {len(r.preview)} rows, after transforms)", ""]
            lines += _table(targets, [[_clip(p[t]) if p.get(t) else "" for t in targets] for p in r.preview])
    return "\n".join(lines).rstrip() + "\n"


def html_report(reports: list[EntityReport], title: str) -> str:
    from markdown_it import MarkdownIt

    body = MarkdownIt("commonmark", {"html": False}).enable("table").render(markdown_report(reports, title))
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<title>{html.escape(title)}</title><style>"
        "body{font-family:system-ui,sans-serif;margin:2em;max-width:80em}"
        "table{border-collapse:collapse;margin-bottom:1.5em}th,td{border:1px solid #bbb;padding:.3em .5em;text-align:left;"
        "vertical-align:top}th{background:#eef}code{background:#f4f4f4}"
        f"</style></head><body>\n{body}</body></html>\n"
    )
