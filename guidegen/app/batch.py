"""Render one or many guides: in-process for one, in parallel processes for several.

Workers only render (bytes in memory); the parent process checks for edited files and writes
everything, so the manifest has a single writer. A failed guide never stops the others; the
exit status tells whether any failed (2 for bad input, 1 for an internal error).
"""

from __future__ import annotations

import os
import sys
import traceback
from dataclasses import dataclass, field
from pathlib import Path

import click

from guidegen.app.output import Output, write_outputs
from guidegen.core.errors import Problem, UserError
from guidegen.resolve.engagement import Engagement


@dataclass
class JobResult:
    label: str
    outputs: list[Output] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    error: str | None = None
    internal: bool = False


def _label(engagement: Engagement) -> str:
    parts = [engagement.blueprint or "?", engagement.complexity or "default", engagement.lang]
    if engagement.scenario == "upgrade":
        parts.append("upgrade")
    return " ".join(parts)


def render_job(engagement: Engagement, blueprint_dirs: tuple[str, ...]) -> JobResult:
    """Render one guide, catching every failure into the result (runs in a worker)."""
    from guidegen.app.pipeline import render

    label = _label(engagement)
    try:
        rendered = render(engagement, blueprint_dirs)
    except UserError as exc:
        return JobResult(label, error=exc.format())
    except Exception as exc:  # noqa: BLE001 - reported as an internal error by the parent
        detail = traceback.format_exc() if os.environ.get("GUIDEGEN_DEBUG") else f"{type(exc).__name__}: {exc}"
        return JobResult(label, error=detail, internal=True)
    return JobResult(label, rendered.outputs, rendered.warnings)


def run_jobs(
    engagements: list[Engagement],
    out_dir: Path,
    blueprint_dirs: tuple[str, ...] = (),
    jobs: int | None = None,
    force: bool = False,
) -> int:
    """Render every engagement, write what succeeded, and return the exit status."""
    if len(engagements) == 1:
        return _run_single(engagements[0], out_dir, blueprint_dirs, force)
    workers = min(jobs or os.cpu_count() or 1, len(engagements))
    results: list[JobResult] = []
    with click.progressbar(length=len(engagements), label="rendering", file=sys.stderr) as bar:
        if workers == 1:
            for engagement in engagements:
                results.append(render_job(engagement, blueprint_dirs))
                bar.update(1)
        else:
            # imported here: a single render (the common case) need not load multiprocessing
            from concurrent.futures import ProcessPoolExecutor, as_completed

            with ProcessPoolExecutor(max_workers=workers) as pool:
                futures = [pool.submit(render_job, e, blueprint_dirs) for e in engagements]
                for future in as_completed(futures):
                    results.append(future.result())
                    bar.update(1)
    results.sort(key=lambda r: r.label)
    return _write_results(results, out_dir, force)


def _run_single(engagement: Engagement, out_dir: Path, blueprint_dirs: tuple[str, ...], force: bool) -> int:
    from guidegen.app.pipeline import render

    rendered = render(engagement, blueprint_dirs)  # UserError propagates: exit 2 with its message
    for warning in rendered.warnings:
        click.echo(warning.format(), err=True)
    for path in write_outputs(out_dir, rendered.outputs, force=force):
        click.echo(str(path))
    return 0


def _refuse_shared_names(results: list[JobResult]) -> None:
    """Two guides whose files would have one name (blueprint ids such as 'a.b' and 'a..b', or
    names differing only in case on a case-insensitive disk) are both refused, naming each other:
    the second would silently replace the first."""
    owners: dict[str, JobResult] = {}
    for result in results:
        if result.error:
            continue
        for out in result.outputs:
            other = owners.setdefault(out.name.lower(), result)
            if other is not result:
                for mine, theirs in ((result, other), (other, result)):
                    mine.error = (f"{out.name}: error: another guide in this run writes the same file name\n"
                                  f"    given:    {mine.label} and {theirs.label}\n"
                                  f"    hint:     rename one of the blueprints (ids that differ only in dots or case "
                                  f"give one file name)")
                break


def _write_results(results: list[JobResult], out_dir: Path, force: bool) -> int:
    _refuse_shared_names(results)
    failed = [r for r in results if r.error]
    ok = [r for r in results if not r.error]
    written: list[Path] = []
    for result in ok:
        try:
            written += write_outputs(out_dir, result.outputs, force=force)
        except UserError as exc:
            result.error = exc.format()
            failed.append(result)
    for path in written:
        click.echo(str(path))
    for result in results:
        for warning in result.warnings:
            click.echo(f"{result.label}: {warning.format()}", err=True)
    warnings = sum(len(r.warnings) for r in results)
    click.echo(
        f"summary: {len(results) - len(failed)} of {len(results)} guide(s) rendered, {len(written)} file(s) written"
        + (f", {warnings} warning(s)" if warnings else "")
        + f" in {out_dir}",
        err=True,
    )
    for result in failed:
        click.echo(f"failed: {result.label}\n{result.error}", err=True)
    if not failed:
        return 0
    return 1 if any(r.internal for r in failed) else 2
