"""Shared fixtures: rendered guides (cached per session) and the real-reader tools."""

from __future__ import annotations

import os
import shutil
import subprocess
from functools import lru_cache
from pathlib import Path

import pytest

# The parsed-blueprint cache of this test session: private, so tests never read entries another
# run (or another checkout) wrote.
os.environ["GUIDEGEN_CACHE_DIR"] = __import__("tempfile").mkdtemp(prefix="guidegen-test-cache-")
os.environ.pop("GUIDEGEN_NO_CACHE", None)

from guidegen.blueprint.loader import load_blueprint, resolve_blueprint_path
from guidegen.resolve.engagement import Engagement
from guidegen.guide.model import Guide
from guidegen.resolve.resolver import resolve_guide
from guidegen.writers import WriterOptions, get_writer

ROOT = Path(__file__).resolve().parents[1]
BUILTIN = ["email-marketing", "helpdesk", "call-center", "ecommerce", "erp"]
FIXED_DATE = "2026-11-25"


def available_builtins() -> list[str]:
    return [b for b in BUILTIN if (ROOT / "blueprints" / "types" / f"{b}.yaml").exists()]


@lru_cache(maxsize=None)
def guide_for(blueprint: str, lang: str = "zh", complexity: str | None = None, scenario: str = "new",
              start_date: str | None = None) -> Guide:
    loaded = load_blueprint(resolve_blueprint_path(blueprint))
    engagement = Engagement(
        blueprint=blueprint, lang=lang, complexity=complexity, scenario=scenario, date=FIXED_DATE,
        start_date=start_date,
    )
    return resolve_guide(loaded, engagement).guide


@lru_cache(maxsize=None)
def rendered(blueprint: str, fmt: str, lang: str = "zh", complexity: str | None = None, scenario: str = "new") -> bytes:
    return get_writer(fmt)(guide_for(blueprint, lang, complexity, scenario), WriterOptions())


def need_tool(name: str) -> str:
    """The tool's path; skip without it — but fail in CI, where it must be installed."""
    path = shutil.which(name)
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(f"{name} is required in CI (see .ci/run)")
        pytest.skip(f"{name} is not installed")
    return path


def run_tool(args: list[str], cwd: Path, timeout: int = 180) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=timeout)


def run_cli(*args: str) -> tuple[int, str, str]:
    """Run the CLI in-process as a user would: (exit status, stdout, stderr)."""
    import contextlib
    import io

    from guidegen.app.cli import main

    out, err = io.StringIO(), io.StringIO()
    code = 0
    no_cache = os.environ.get("GUIDEGEN_NO_CACHE")
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main([str(a) for a in args])
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        finally:  # --no-cache switches the cache off for the process: only for this command here
            if no_cache is None:
                os.environ.pop("GUIDEGEN_NO_CACHE", None)
    return code, out.getvalue(), err.getvalue()
