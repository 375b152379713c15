"""Rewriting a user's text file in place without changing what the user did not ask to change.

``import-mapping`` edits a blueprint the user owns. Its encoding details (a UTF-8 byte order
mark, CRLF line ends), its permissions and a symlink pointing at it are kept: the real file is
updated, the link stays a link. The previous version is saved as ``<file>.bak`` beside the real
file, written atomically like the file itself — a ``.bak`` that is a symlink is replaced, never
written through.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from guidegen.core import budget
from guidegen.core.errors import Location, UserError, fail, over_budget
from guidegen.core.files import atomic_write
from guidegen.core.yamlsource import decode_utf8

BOM = "\ufeff"


@dataclass(frozen=True)
class TextFile:
    """A text file as read: its real path, raw bytes, text (LF line ends, no BOM) and form."""

    path: Path  # as the user named it
    real: Path  # symlinks resolved: the file that is rewritten
    raw: bytes
    text: str
    bom: bool
    crlf: bool
    mode: int

    @property
    def backup(self) -> Path:
        return self.real.with_name(self.real.name + ".bak")

    def encode(self, text: str) -> bytes:
        """``text`` (LF line ends) in this file's form."""
        if self.crlf:
            text = text.replace("\r\n", "\n").replace("\n", "\r\n")
        return ((BOM if self.bom else "") + text).encode("utf-8")


def read_text_file(path: Path) -> TextFile:
    name = str(path)
    try:
        real = path.resolve(strict=True)
        raw = budget.read_regular_file(real)
        mode = stat.S_IMODE(os.stat(real).st_mode)
    except budget.BudgetExceeded as exc:
        raise over_budget(Location(name), exc) from None
    except (OSError, RuntimeError) as exc:  # RuntimeError: a symlink loop
        raise fail(name, f"cannot read file: {getattr(exc, 'strerror', None) or exc}") from None
    decoded = decode_utf8(raw, name)  # drops a BOM
    bom = raw.startswith(BOM.encode("utf-8"))
    crlf = b"\r\n" in raw and raw.count(b"\r\n") * 2 >= raw.count(b"\n")
    text = decoded.replace("\r\n", "\n") if crlf else decoded
    return TextFile(path, real, raw, text, bom, crlf, mode)


def rewrite(file: TextFile, text: str) -> None:
    """Save the previous bytes as the backup, then replace the real file's content with ``text``
    (in the file's own form and permissions). Both writes are atomic."""
    try:
        atomic_write(file.backup, file.raw, file.mode)
        atomic_write(file.real, file.encode(text), file.mode)
    except OSError as exc:
        raise UserError.single(Location(str(file.path)), f"cannot write file: {exc.strerror or exc}") from None


def restore(file: TextFile) -> None:
    """Put the previous bytes back (after a rewrite that turned out invalid)."""
    atomic_write(file.real, file.raw, file.mode)
