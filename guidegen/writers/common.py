"""Helpers shared by several writers: zip fixing; the Markdown helpers live in core.markdown."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import zipfile
from typing import Callable, Iterable, Iterator

from guidegen.core.markdown import (  # noqa: F401 - re-exported for the writers
    URL_RE,
    approximate_plain,
    inline_plain,
    looks_like_markdown,
    markdown_parser,
    markdown_to_plain,
    parse_inline,
    parse_markdown,
    starts_with_list,
)
from guidegen.document import layout as L


Chunks = Iterable[bytes]
Splices = dict[str, tuple[bytes, "bytes | Chunks"]]


def normalize_zip(data: bytes, date_time: tuple[int, int, int, int, int, int], splices: Splices | None = None,
                  finish: Callable[[str, Iterator[bytes]], Chunks] | None = None) -> bytes:
    """Rewrite a zip package with fixed timestamps, so that equal inputs give equal bytes;
    ``splices`` put prepared content (bytes, or chunks of bytes streamed into the package so
    that a large part is never held whole) in place of a marker in the named parts, and
    ``finish`` then passes each spliced part's chunks on, checked (and perhaps completed)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            fixed = zipfile.ZipInfo(info.filename, date_time=date_time)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            fixed.create_system = 0
            if not splices or info.filename not in splices:
                target.writestr(fixed, content)
                continue
            marker, replacement = splices[info.filename]
            head, found, tail = content.partition(marker)
            if not found:
                raise ValueError(f"marker missing in {info.filename}")
            chunks: Iterator[bytes] = itertools.chain(
                (head,), (replacement,) if isinstance(replacement, bytes) else replacement, (tail,))
            with target.open(fixed, "w") as stream:
                for chunk in (finish(info.filename, chunks) if finish is not None else chunks):
                    stream.write(chunk)
    return out.getvalue()


def cell_key(value: L.Cell) -> str | tuple[str, ...]:
    """A layout cell as a dictionary key (a list cell as a tuple): writers convert each distinct
    cell of a column once."""
    return tuple(value) if isinstance(value, list) else value


def gantt_week_labels(gantt: L.Gantt) -> list[str]:
    """One label per week column of the timeline: the Monday's date when the plan has a start
    date, else the week number ("W3" / "周3")."""
    if all(bar.start_date for bar in gantt.bars):
        first = gantt.bars[0]
        mondays = (first.start_date + dt.timedelta(weeks=week - first.start_week)  # type: ignore[operator]
                   for week in range(1, gantt.weeks + 1))
        return [monday.strftime("%m-%d") for monday in mondays]
    return [f"{gantt.week_label}{week}" for week in range(1, gantt.weeks + 1)]
