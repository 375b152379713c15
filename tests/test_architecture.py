"""The package's layers and the one rule of dependency direction.

core <- content <- {blueprint, guide} <- resolve <- document <- writers <- app; the workbook
importer sits beside resolve. A module may import only from the layers listed for it; the
test reads every module's imports (AST), so a wrong-way edge fails here, not in review.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "guidegen"

ALLOWED: dict[str, set[str]] = {
    "core": {"core"},
    "content": {"core", "content"},
    "blueprint": {"core", "content", "blueprint"},
    "guide": {"core", "content", "guide"},
    "resolve": {"core", "content", "blueprint", "guide", "resolve"},
    "document": {"core", "content", "guide", "document"},
    "writers": {"core", "content", "guide", "document", "writers"},
    "workbook": {"core", "content", "blueprint", "guide", "resolve", "workbook"},
    # check-data and export-contract run a resolved Guide's rules; the report workbook reuses
    # the xlsx writer's cell-safety helpers
    "datacheck": {"core", "content", "guide", "datacheck"},
}
APPLICATION = {"app", "__init__", "__main__", "builtin"}  # may import any layer


def _layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _imports(path: Path) -> list[tuple[int, str]]:
    module = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")[: -node.level]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module or ""
            found.append((node.lineno, name))
            if name in ("guidegen",):
                found += [(node.lineno, f"guidegen.{alias.name}") for alias in node.names]
    return [(line, name) for line, name in found if name.startswith("guidegen.")]


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def test_every_package_belongs_to_a_layer() -> None:
    layers = {_layer(".".join(p.relative_to(PACKAGE.parent).with_suffix("").parts)) for p in _modules()}
    unknown = layers - set(ALLOWED) - APPLICATION
    assert not unknown, f"packages without a layer (add them to ALLOWED): {sorted(unknown)}"


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_point_down_the_layers(path: Path) -> None:
    module = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    layer = _layer(module)
    if layer in APPLICATION:
        return
    wrong = [f"line {line}: {name}" for line, name in _imports(path) if _layer(name) not in ALLOWED[layer]]
    assert not wrong, f"{module} ({layer}) imports a higher or sideways layer: {wrong}"


def test_guide_model_does_not_know_the_blueprint() -> None:
    names = [name for _, name in _imports(PACKAGE / "guide" / "model.py")]
    assert not [n for n in names if n.startswith(("guidegen.blueprint", "guidegen.resolve"))]


def test_only_their_writers_import_python_docx_and_openpyxl() -> None:
    offenders = []
    for path in _modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        rel = path.relative_to(PACKAGE).as_posix()
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            for name in names:
                if name.split(".")[0] == "docx" and not rel.startswith("writers/docx/"):
                    offenders.append(f"{rel}: {name}")
                if name.split(".")[0] == "openpyxl" and not rel.startswith(("writers/xlsx/", "workbook/", "datacheck/")):
                    offenders.append(f"{rel}: {name}")
    assert not offenders, offenders
