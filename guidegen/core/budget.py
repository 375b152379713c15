"""The input budget: every limit guidegen puts on untrusted input, declared once.

Blueprints, fragments, project files, Word templates, workbooks and command-line values are
untrusted. Each reader asks this module how much it may read or build and stops with a located
user error (exit status 2) as soon as the input exceeds it, so hostile input costs seconds and
bounded memory. README "Contract" lists the same numbers.

Two limits can be raised for a legitimately large blueprint or workbook — bytes per file and
rows per sheet (with the alias-expansion and event counts scaled alongside the bytes) — by the
global options ``--max-file-bytes`` / ``--max-rows`` or the environment variables
``GUIDEGEN_MAX_FILE_BYTES`` / ``GUIDEGEN_MAX_ROWS``. They can never be switched off: a value
below the default or above the hard ceiling is refused. Every other limit is fixed.

A leaf module: standard library only.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from typing import TYPE_CHECKING, BinaryIO

if TYPE_CHECKING:  # zipfile (with bz2, lzma, shutil) is not needed to start the CLI
    import zipfile

FILE_BYTES_ENV = "GUIDEGEN_MAX_FILE_BYTES"
ROWS_ENV = "GUIDEGEN_MAX_ROWS"

DEFAULT_FILE_BYTES = 5 * 1024 * 1024
CEILING_FILE_BYTES = 256 * 1024 * 1024
DEFAULT_ROWS = 50_000
CEILING_ROWS = 1_048_575  # Excel's last row, less the header


class BudgetExceeded(Exception):
    """Input beyond the budget. ``what`` names the limit, ``limit`` and ``given`` say by how much;
    the caller (who knows the file, line or cell) turns it into a located user error."""

    def __init__(self, what: str, limit: int | str, given: int | str, hint: str | None = None) -> None:
        self.what, self.limit, self.given = what, limit, given
        self.hint = hint or _RAISE_HINT.get(what)
        super().__init__(f"{what}: at most {_fmt(limit)}, given {_fmt(given)}")

    @property
    def expected(self) -> str:
        return f"at most {_fmt(self.limit)}" if isinstance(self.limit, int) or self.limit[:1].isdigit() else str(self.limit)

    @property
    def given_text(self) -> str:
        return _fmt(self.given)


def _fmt(value: int | str) -> str:
    return f"{value:,}" if isinstance(value, int) else str(value)


_RAISE_HINT = {
    "bytes in one file": f"for a legitimately large file raise the limit with --max-file-bytes or ${FILE_BYTES_ENV}",
    "rows in one sheet": f"for a legitimately large workbook raise the limit with --max-rows or ${ROWS_ENV}",
}


@dataclass(frozen=True)
class Budget:
    """The limits. Only ``file_bytes`` and ``rows`` vary (see the module docstring)."""

    file_bytes: int = DEFAULT_FILE_BYTES
    rows: int = DEFAULT_ROWS
    # YAML (counted by the parser as it builds values)
    yaml_depth: int = 100
    includes: int = 64
    # placeholder templates in blueprint texts
    template_chars: int = 20_000
    template_depth: int = 30
    template_output_chars: int = 200_000
    # numbers and dates
    max_weeks: int = 520
    first_year: int = 1900
    last_year: int = 2099
    # zip packages (DOCX templates, workbooks), checked before any part is parsed
    zip_entries: int = 5_000
    zip_entry_bytes: int = 128 * 1024 * 1024
    zip_total_bytes: int = 512 * 1024 * 1024
    zip_ratio: int = 200
    # workbooks
    columns: int = 64
    cell_chars: int = 32_767  # Excel's own limit per cell

    @property
    def yaml_events(self) -> int:
        """Parser events per file: a generous multiple of what the byte budget can hold."""
        return self.file_bytes // 2

    @property
    def alias_expansion(self) -> int:
        """Values a document may hold after expanding aliases (an alias bomb stops here)."""
        return max(2_000_000, self.file_bytes // 2)

    @property
    def zip_file_bytes(self) -> int:
        """Size of a zip input on disk (a workbook of ``rows`` rows stays well below it)."""
        return max(64 * 1024 * 1024, self.file_bytes * 8)


class BudgetSetting(ValueError):
    """An invalid limit in an option or environment variable (``source`` names which)."""

    def __init__(self, source: str, message: str, given: str) -> None:
        self.source, self.given = source, given
        super().__init__(message)


def _setting(env: str, default: int, ceiling: int) -> int:
    raw = os.environ.get(env)
    if raw is None or raw.strip() == "":
        return default
    return parse_limit(raw, default, ceiling, f"environment variable {env}")


def parse_limit(raw: str, default: int, ceiling: int, source: str) -> int:
    """A raised limit: an integer (``_`` and ``,`` allowed) from the default to the ceiling."""
    try:
        value = int(raw.replace("_", "").replace(",", "").strip())
    except ValueError:
        raise BudgetSetting(source, "not a whole number", raw) from None
    if value < default or value > ceiling:
        raise BudgetSetting(source, f"a limit can be raised from {default:,} up to {ceiling:,}, never lowered or "
                                    "switched off", raw)
    return value


def current() -> Budget:
    """The budget in force: defaults, raised by the environment (the CLI options set it)."""
    return Budget(file_bytes=_setting(FILE_BYTES_ENV, DEFAULT_FILE_BYTES, CEILING_FILE_BYTES),
                  rows=_setting(ROWS_ENV, DEFAULT_ROWS, CEILING_ROWS))


def raise_limits(file_bytes: str | None = None, rows: str | None = None) -> None:
    """Apply command-line limits for this process and the worker processes it starts."""
    if file_bytes is not None:
        parse_limit(file_bytes, DEFAULT_FILE_BYTES, CEILING_FILE_BYTES, "--max-file-bytes")
        os.environ[FILE_BYTES_ENV] = file_bytes
    if rows is not None:
        parse_limit(rows, DEFAULT_ROWS, CEILING_ROWS, "--max-rows")
        os.environ[ROWS_ENV] = rows


# --------------------------------------------------------------------------- files
def read_regular_file(path: str | os.PathLike[str], limit: int | None = None) -> bytes:
    """The bytes of a regular file, counted while reading (``st_size`` is not trusted: it is 0
    for /dev/zero, FIFOs and /proc files). Devices, FIFOs and sockets — also behind a symlink —
    are refused. OSError for unreadable files, BudgetExceeded past the limit."""
    limit = current().file_bytes if limit is None else limit
    # O_NONBLOCK: opening a FIFO must not wait for a writer; fstat then refuses it.
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    with os.fdopen(fd, "rb") as handle:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise BudgetExceeded("kind of file", "a regular file", _kind(mode),
                                 hint="give a regular file (not a device, FIFO, socket or folder)")
        return _read_bounded(handle, limit)


def _read_bounded(handle: BinaryIO, limit: int) -> bytes:
    data = handle.read(limit + 1)
    if len(data) > limit:
        raise BudgetExceeded("bytes in one file", limit, f"more than {limit:,}")
    return data


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISDIR, "a folder"), (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
                       (stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return name
    return "not a regular file"


# --------------------------------------------------------------------------- zip packages
def check_zip(archive: zipfile.ZipFile, budget: Budget | None = None) -> None:
    """Refuse a zip package (DOCX, XLSX) whose entries would inflate beyond the budget — from the
    central directory, before any part is decompressed or parsed. A lying directory is caught
    too: parts are read through :func:`read_zip_part`, which counts the bytes it inflates."""
    budget = budget or current()
    infos = archive.infolist()
    if len(infos) > budget.zip_entries:
        raise BudgetExceeded("parts in the package", budget.zip_entries, len(infos))
    total = 0
    for info in infos:
        if info.file_size > budget.zip_entry_bytes:
            raise BudgetExceeded(f"uncompressed bytes of part {info.filename}", budget.zip_entry_bytes, info.file_size)
        if info.file_size > 1024 * 1024 and info.file_size > budget.zip_ratio * max(info.compress_size, 1):
            raise BudgetExceeded(f"compression ratio of part {info.filename}", f"{budget.zip_ratio}:1",
                                 f"{info.file_size // max(info.compress_size, 1):,}:1 (a zip bomb?)")
        total += info.file_size
    if total > budget.zip_total_bytes:
        raise BudgetExceeded("uncompressed bytes of the package", budget.zip_total_bytes, total)


def read_zip_part(archive: zipfile.ZipFile, name: str, budget: Budget | None = None) -> bytes:
    """One part, inflated at most to the per-part budget whatever its header claims."""
    budget = budget or current()
    with archive.open(name) as handle:
        data = handle.read(budget.zip_entry_bytes + 1)
    if len(data) > budget.zip_entry_bytes:
        raise BudgetExceeded(f"uncompressed bytes of part {name}", budget.zip_entry_bytes, f"more than {budget.zip_entry_bytes:,}")
    return data


_DOCTYPE = (b"<!doctype", b"<!entity")


def refuse_doctype(archive: zipfile.ZipFile, budget: Budget | None = None) -> None:
    """Refuse a package whose XML parts declare a DOCTYPE or entities (XXE, entity bombs): Office
    never writes them. Parts are scanned as streams, within the per-part budget."""
    budget = budget or current()
    total = 0
    for info in archive.infolist():
        if not info.filename.lower().endswith((".xml", ".rels", ".vml")):
            continue
        seen, tail = 0, b""
        with archive.open(info) as handle:
            while chunk := handle.read(1 << 16):
                seen += len(chunk)
                total += len(chunk)
                if total > budget.zip_total_bytes:  # parts whose headers understate their size
                    raise BudgetExceeded("uncompressed bytes of the package", budget.zip_total_bytes,
                                         f"more than {budget.zip_total_bytes:,}")
                if seen > budget.zip_entry_bytes:
                    raise BudgetExceeded(f"uncompressed bytes of part {info.filename}", budget.zip_entry_bytes,
                                         f"more than {budget.zip_entry_bytes:,}")
                window = (tail + chunk).lower()
                if any(marker in window for marker in _DOCTYPE):
                    raise BudgetExceeded(f"XML declarations in part {info.filename}", "no DOCTYPE or ENTITY",
                                         "a DOCTYPE or ENTITY declaration",
                                         hint="Office documents never declare them; save the file again from Word or Excel")
                tail = chunk[-16:]
