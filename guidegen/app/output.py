"""Writing outputs without losing anyone's work.

* Every file is written to a temporary file in the same folder and renamed into place, so an
  interrupted run leaves the previous file intact.
* A manifest (``.guidegen-manifest.json``) in the output folder records the SHA-256 of every
  file guidegen wrote. Before overwriting, the current file must still have that hash — a file
  someone edited (or a file guidegen never wrote) is refused unless ``force`` is set.
* Names coming from input are made safe for Windows, macOS and Linux and can never leave the
  output folder.
* The folder stays consistent under concurrent renders, a kill at any point and a full disk:
  every write to it happens under a file lock (``.guidegen.lock``), and each file is recorded
  entry by entry — before its rename the manifest accepts both its old and its new hash, after
  it only the new one — so the manifest is true for whatever is on disk. Temporary files a
  killed run left behind are removed by the next one.
"""

from __future__ import annotations

import hashlib
import json
import re
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from guidegen.core.errors import Location, Problem, UserError
from guidegen.core.files import atomic_write  # noqa: F401 - re-exported

MANIFEST = ".guidegen-manifest.json"
LOCK = ".guidegen.lock"
_TEMP = re.compile(r"^\..+\.[A-Za-z0-9_]{6,12}\.tmp$")  # atomic_write's temporary names
_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]+')
_DOTS = re.compile(r"\.{2,}")
_RESERVED = re.compile(r"^(con|prn|aux|nul|com[1-9]|lpt[1-9])(\..*)?$", re.IGNORECASE)


def safe_filename(name: str, limit: int = 120) -> str:
    """A file name valid on Windows, macOS and Linux that cannot climb out of its folder:
    reserved characters replaced, no '..', no leading dots, no reserved device names."""
    cleaned = _DOTS.sub(".", _UNSAFE.sub("_", name)).lstrip("._ ").rstrip(". ") or "guide"
    if _RESERVED.match(cleaned):
        cleaned = "_" + cleaned
    return cleaned[:limit]


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Output:
    """One file to write: its name inside the output folder and its bytes."""

    name: str
    data: bytes
    source: str = ""  # the blueprint whose guide this is (two blueprints must not share a file)


def _read_manifest(folder: Path) -> dict[str, str | list[str]]:
    """File name -> its SHA-256, or the list of hashes it may have while it is being replaced."""
    path = folder / MANIFEST
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        files = raw.get("files", {})
        if not isinstance(files, dict):
            return {}
        return {str(k): [str(h) for h in v] if isinstance(v, list) else str(v) for k, v in files.items()}
    except (OSError, ValueError, AttributeError):
        return {}


def _accepted(entry: str | list[str] | None) -> set[str]:
    return set(entry) if isinstance(entry, list) else ({entry} if entry else set())


@contextmanager
def folder_lock(folder: Path) -> Iterator[None]:
    """Hold the output folder's lock (an advisory lock; a no-op where the OS has none)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    with open(folder / LOCK, "a+b") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _clean_leftovers(folder: Path) -> None:
    """Remove temporary files an interrupted run left (only ever called under the lock)."""
    for path in folder.iterdir():
        if _TEMP.match(path.name) and path.is_file() and not path.is_symlink():
            path.unlink(missing_ok=True)




def check_overwrites(folder: Path, names: list[str], force: bool = False) -> list[Problem]:
    """Problems for every target that exists but is not guidegen's unchanged output."""
    if force:
        return []
    manifest = _read_manifest(folder)
    problems = []
    for name in names:
        path = folder / name
        if not path.exists():
            continue
        recorded = manifest.get(name)
        current = sha256(path.read_bytes()) if path.is_file() else ""
        if current in _accepted(recorded):
            continue
        reason = (
            "it was edited since guidegen wrote it" if recorded else "guidegen did not write it (it is not in the manifest)"
        )
        problems.append(
            Problem(
                Location(str(path)),
                f"refusing to overwrite: {reason}",
                hint="use --force to overwrite it, or --out DIR to write the guide somewhere else",
            )
        )
    return problems


def _read_sources(folder: Path) -> dict[str, str]:
    try:
        raw = json.loads((folder / MANIFEST).read_text(encoding="utf-8")).get("sources", {})
        return {str(k): str(v) for k, v in raw.items()} if isinstance(raw, dict) else {}
    except (OSError, ValueError, AttributeError):
        return {}


def _shared_with_another_blueprint(folder: Path, outputs: list[Output]) -> list[Problem]:
    """A file name (compared case-insensitively, as on Windows and macOS disks) that another
    blueprint's guide already has in this folder: blueprint ids such as 'a.b' and 'a..b' give one
    file name, and the second guide must not silently replace the first — not even with --force."""
    sources = {name.lower(): (name, source) for name, source in _read_sources(folder).items()}
    problems = []
    for out in outputs:
        name, source = sources.get(out.name.lower(), ("", ""))
        if out.source and source and source != out.source and (folder / name).exists():
            problems.append(Problem(Location(str(folder / out.name)), "two blueprints give this file name",
                                    expected=f"one file per guide; {name} is the guide of blueprint '{source}'",
                                    given=f"the guide of blueprint '{out.source}'",
                                    hint="rename one blueprint's id, or render it into another --out folder"))
    return problems


def write_outputs(folder: Path, outputs: list[Output], force: bool = False) -> list[Path]:
    """Write every output atomically after checking none would destroy someone's edits."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError.single(Location(str(folder)), f"cannot create the output folder: {exc.strerror or exc}") from None
    root = folder.resolve()
    for out in outputs:
        if out.name != safe_filename(out.name) or (root / out.name).resolve().parent != root:
            raise ValueError(f"unsafe output name {out.name!r}")  # a bug: names are made safe earlier
    try:
        with folder_lock(folder):
            _clean_leftovers(folder)
            problems = _shared_with_another_blueprint(folder, outputs) + check_overwrites(folder, [o.name for o in outputs], force)
            if problems:
                raise UserError(problems)
            return [_write_recorded(folder, out) for out in outputs]
    except OSError as exc:
        raise UserError.single(Location(str(folder)), f"cannot write to the output folder: {exc.strerror or exc}") from None


def _write_recorded(folder: Path, out: Output) -> Path:
    """One file, recorded so that the manifest is true after a kill at any point: its old and new
    hashes are both accepted while the new file is renamed into place."""
    path = folder / out.name
    new = sha256(out.data)
    old = sha256(path.read_bytes()) if path.is_file() else None
    try:
        record(folder, {out.name: sorted({h for h in (old, new) if h})}, {out.name: out.source} if out.source else None)
        atomic_write(path, out.data)
        record(folder, {out.name: new})
    except OSError as exc:
        raise UserError.single(Location(str(path)), f"cannot write file: {exc.strerror or exc}") from None
    return path


def record(folder: Path, entries: dict[str, str | list[str]], sources: dict[str, str] | None = None) -> None:
    """Add entries (and the blueprints they belong to) to the manifest: one read-modify-write,
    written atomically; callers hold the folder lock."""
    manifest = _read_manifest(folder)
    manifest.update(entries)
    owners = _read_sources(folder)
    owners.update(sources or {})
    content: dict[str, object] = {"generator": "guidegen", "files": dict(sorted(manifest.items()))}
    if owners:
        content["sources"] = dict(sorted(owners.items()))
    data = json.dumps(content, indent=2, ensure_ascii=False) + "\n"
    atomic_write(folder / MANIFEST, data.encode("utf-8"))


def write_new_file(path: Path, text: str, force: bool = False) -> None:
    """Create a starter file; an existing file is kept unless ``force``."""
    if path.exists() and not force:
        raise UserError.single(Location(str(path)), "file exists; refusing to overwrite it", hint="use --force, or choose another path")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, text.encode("utf-8"))
    except OSError as exc:
        raise UserError.single(Location(str(path)), f"cannot write file: {exc.strerror or exc}") from None
