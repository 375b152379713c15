"""Writing outputs without losing anyone's work.

* Every file is written to a temporary file in the same folder and renamed into place, so an
  interrupted run leaves the previous file intact.
* A manifest (``.guidegen-manifest.json``) in the output folder records the SHA-256 of every
  file guidegen wrote. Before overwriting, the current file must still have that hash — a file
  someone edited (or a file guidegen never wrote) is refused unless ``force`` is set.
* Names coming from input are made safe for Windows, macOS and Linux and can never leave the
  output folder.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from guidegen.core.errors import Location, Problem, UserError
from guidegen.core.files import atomic_write  # noqa: F401 - re-exported

MANIFEST = ".guidegen-manifest.json"
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


def _read_manifest(folder: Path) -> dict[str, str]:
    path = folder / MANIFEST
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        files = raw.get("files", {})
        return {str(k): str(v) for k, v in files.items()} if isinstance(files, dict) else {}
    except (OSError, ValueError, AttributeError):
        return {}




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
        current = sha256(path.read_bytes())
        if recorded == current:
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
    problems = check_overwrites(folder, [o.name for o in outputs], force)
    if problems:
        raise UserError(problems)
    written = []
    for out in outputs:
        path = folder / out.name
        try:
            atomic_write(path, out.data)
        except OSError as exc:
            raise UserError.single(Location(str(path)), f"cannot write file: {exc.strerror or exc}") from None
        written.append(path)
    record(folder, {o.name: sha256(o.data) for o in outputs})
    return written


def record(folder: Path, entries: dict[str, str]) -> None:
    """Add entries to the manifest (one read-modify-write, written atomically)."""
    manifest = _read_manifest(folder)
    manifest.update(entries)
    data = json.dumps({"generator": "guidegen", "files": dict(sorted(manifest.items()))}, indent=2) + "\n"
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
