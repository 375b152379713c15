"""An installed guidegen (not editable) carries its built-in blueprints and finds them anywhere."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    result = subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps",
                             "-w", str(out), "-q"], capture_output=True, text=True)
    if result.returncode != 0:
        pytest.fail(result.stdout + result.stderr)
    return next(out.glob("guidegen-*.whl"))


def test_the_wheel_ships_every_blueprint_fragment_and_pack(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for path in (ROOT / "blueprints" / "types").glob("*.yaml"):
        assert f"guidegen/builtin/types/{path.name}" in names
    for path in (ROOT / "blueprints" / "packs").glob("*/*.yaml"):
        assert f"guidegen/builtin/packs/{path.parent.name}/{path.name}" in names
    for path in (ROOT / "blueprints" / "fragments").glob("*.yaml"):
        assert f"guidegen/builtin/fragments/{path.name}" in names


def test_an_installed_guidegen_lists_and_renders_from_another_directory(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(site), str(wheel)],
                   check=True, capture_output=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(site)}
    where = subprocess.run([sys.executable, "-c", "import guidegen; print(guidegen.__file__)"], cwd=elsewhere, env=env,
                           capture_output=True, text=True, check=True).stdout
    assert where.startswith(str(site))
    listing = subprocess.run([sys.executable, "-m", "guidegen", "list"], cwd=elsewhere, env=env, capture_output=True,
                             text=True)
    assert listing.returncode == 0, listing.stderr
    for path in (ROOT / "blueprints" / "types").glob("*.yaml"):
        assert path.stem in listing.stdout
    render = subprocess.run([sys.executable, "-m", "guidegen", "render", "email-marketing", "--format", "md"],
                            cwd=elsewhere, env=env, capture_output=True, text=True)
    assert render.returncode == 0, render.stderr
    assert (elsewhere / "output" / "email-marketing-simple-zh.md").exists()


def test_the_wheel_ships_the_web_pages_and_their_static_files(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for folder in ("templates", "static"):
        for path in (ROOT / "guidegen" / "app" / "server" / folder).iterdir():
            assert f"guidegen/app/server/{folder}/{path.name}" in names
