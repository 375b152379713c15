"""Shared content is written once: no block of content is copied between built-in blueprints.

Measure: take every file's lines of content (stripped, at least 30 characters, holding Chinese
text or at least four words; comments and lists of ids are not content), slide a window of
three consecutive ones, and compare the windows of every pair of files (blueprints and
fragments). A shared window is three lines of content written twice.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path

from conftest import ROOT

WINDOW = 3
MIN_LENGTH = 30


def _is_content(line: str) -> bool:
    if len(line) < MIN_LENGTH or line.startswith("#"):
        return False
    return bool(re.search(r"[\u4e00-\u9fff]", line)) or len(line.split()) >= 4


def _windows(path: Path) -> dict[tuple[str, ...], int]:
    lines = [(n, line.strip()) for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if _is_content(line.strip())]
    return {tuple(s for _, s in lines[i:i + WINDOW]): lines[i][0] for i in range(len(lines) - WINDOW + 1)}


def test_no_block_of_content_is_written_twice_across_builtin_blueprints_and_fragments() -> None:
    files = sorted((ROOT / "blueprints" / "types").glob("*.yaml")) + sorted((ROOT / "blueprints" / "fragments").glob("*.yaml"))
    windows = {path: _windows(path) for path in files}
    copied = []
    for a, b in itertools.combinations(files, 2):
        for window in set(windows[a]) & set(windows[b]):
            copied.append(f"{a.name}:{windows[a][window]} ~ {b.name}:{windows[b][window]}: {window[0][:60]}")
    assert not copied, "\n".join(sorted(copied))
