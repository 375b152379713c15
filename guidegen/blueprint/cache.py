"""The parsed-blueprint cache: rendering the same blueprint again skips parsing and validation.

An entry holds a loaded, validated blueprint (with its packs applied), keyed by the SHA-256 of
the blueprint's bytes, the packs' paths and bytes, the display name, the input budget and the
package version; it also records the fragments it was merged from with their hashes, so an
edited fragment makes the entry stale. Entries live under the user cache directory
(``$GUIDEGEN_CACHE_DIR``, else ``$XDG_CACHE_HOME/guidegen``, else ``~/.cache/guidegen``).

An entry is never trusted: it carries a SHA-256 of its payload, and a corrupt, truncated, stale
or unreadable entry is ignored (and replaced by a fresh one). ``--no-cache`` (or
``GUIDEGEN_NO_CACHE=1``) neither reads nor writes the cache. Writes are atomic, so parallel
renders can share it.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import re
from pathlib import Path
from typing import Any

from guidegen.core import budget
from guidegen.core.files import atomic_write

CACHE_ENV = "GUIDEGEN_CACHE_DIR"
NO_CACHE_ENV = "GUIDEGEN_NO_CACHE"
MAGIC = b"guidegen-blueprint-cache-2\n"
MAX_ENTRIES = 64  # the oldest entries beyond this are removed (uploads to a server must not fill the disk)
_ID = re.compile(rb"(?m)^id:[ \t]*['\"]?([A-Za-z][\w.-]*)")


def disable() -> None:
    """Switch the cache off for this process and the processes it starts."""
    os.environ[NO_CACHE_ENV] = "1"


def enabled() -> bool:
    return os.environ.get(NO_CACHE_ENV, "").strip().lower() in ("", "0", "false", "no")


def cache_dir() -> Path:
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "guidegen"


@functools.lru_cache(maxsize=1)
def _version() -> str:
    """The package version and a fingerprint of its code (name, size and modification time of
    every module): a checkout whose models changed under the same version never reads entries
    the old code wrote."""
    from importlib import metadata

    try:
        version = metadata.version("guidegen")
    except metadata.PackageNotFoundError:  # a source tree without installation
        version = "source"
    package = Path(__file__).resolve().parents[1]
    h = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        try:
            st = path.stat()
        except OSError:
            continue
        h.update(f"{path.relative_to(package)}\0{st.st_size}\0{st.st_mtime_ns}\0".encode())
    return f"{version}+{h.hexdigest()[:16]}"


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_digest(path: Path) -> str | None:
    try:
        return digest(budget.read_regular_file(path))
    except (OSError, budget.BudgetExceeded):
        return None


def type_id_of(data: bytes) -> str | None:
    """The blueprint's id, read from its text without parsing it (None when not plainly given)."""
    found = _ID.search(data)
    return found.group(1).decode() if found else None


def entry_key(blueprint: bytes, display: str, packs: list[Path]) -> str | None:
    """The key of a blueprint with its packs (None when a pack cannot be read)."""
    h = hashlib.sha256()
    limits = budget.current()
    for part in (MAGIC, _version().encode(), display.encode(), repr(limits).encode(), digest(blueprint).encode()):
        h.update(part + b"\0")
    for pack in packs:
        found = file_digest(Path(pack))
        if found is None:
            return None
        h.update(str(Path(pack).resolve()).encode() + b"\0" + found.encode() + b"\0")
    return h.hexdigest()


def lookup(key: str) -> Any | None:
    """The cached value, or None when absent, corrupt or stale."""
    path = cache_dir() / f"{key}.pickle"
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    head = len(MAGIC)
    if not raw.startswith(MAGIC) or len(raw) < head + 64:
        return None
    checksum, payload = raw[head:head + 64].decode("ascii", "replace"), raw[head + 64:]
    if digest(payload) != checksum:
        return None
    try:
        deps, value = pickle.loads(payload)
    except Exception:  # noqa: BLE001 - any damage means "not cached"
        return None
    if any(file_digest(Path(dep)) != sha for dep, sha in deps):
        return None
    return value


def store(key: str, value: Any, deps: list[Path]) -> None:
    """Cache ``value``; ``deps`` are the other files it was built from (checked on lookup).
    A cache that cannot be written is skipped silently: it only saves time."""
    try:
        recorded = [(str(Path(d).resolve()), file_digest(Path(d))) for d in deps]
        payload = pickle.dumps((recorded, value), protocol=pickle.HIGHEST_PROTOCOL)
        folder = cache_dir()
        folder.mkdir(parents=True, exist_ok=True)
        atomic_write(folder / f"{key}.pickle", MAGIC + digest(payload).encode("ascii") + payload, mode=0o600)
        _evict(folder)
    except (OSError, pickle.PicklingError, TypeError, AttributeError, RecursionError):
        return


def _evict(folder: Path) -> None:
    """Keep the MAX_ENTRIES most recently written entries."""
    entries = []
    for path in folder.glob("*.pickle"):
        try:
            entries.append((path.stat().st_mtime_ns, path))
        except OSError:
            continue
    for _, path in sorted(entries, reverse=True)[MAX_ENTRIES:]:
        try:
            path.unlink()
        except OSError:
            pass
