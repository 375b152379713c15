"""The server is the outermost layer: it may import anything in guidegen, nothing imports it."""

from __future__ import annotations

from test_architecture import PACKAGE, _imports, _modules


def test_nothing_outside_the_server_imports_it() -> None:
    server = PACKAGE / "app" / "server"
    offenders = [f"{path.relative_to(PACKAGE)}:{line} {name}"
                 for path in _modules() if server not in path.parents
                 for line, name in _imports(path) if name.startswith("guidegen.app.server")
                 and not (path.name == "cli.py" and name in ("guidegen.app.server.run", "guidegen.app.server.mcp"))]
    assert not offenders
