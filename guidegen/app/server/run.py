"""Starting the server: refuse an exposed address without a token, then run uvicorn."""

from __future__ import annotations

from pathlib import Path

from guidegen.core.errors import Location, UserError
from guidegen.app.server.security import is_loopback


def serve(host: str, port: int, token: str | None, import_dir: str | None, workers: int | None, timeout: float,
          mcp: bool, blueprint_dirs: tuple[str, ...]) -> None:
    import uvicorn

    from guidegen.app.server.app import ServerConfig, create_app

    if not is_loopback(host) and not token:
        raise UserError.single(Location("command line", path="--host"), "listening on a non-loopback address needs "
                               "an access token", expected="--token TOKEN or $GUIDEGEN_TOKEN", given=host)
    options: dict[str, object] = {"workers": workers} if workers else {}
    if host in ("127.0.0.1", "localhost"):
        # A page on another site could point its own name at 127.0.0.1 (DNS rebinding):
        # a loopback server answers only to loopback names.
        options["allowed_hosts"] = ("127.0.0.1", "localhost")
    config = ServerConfig(host=host, port=port, token=token or None, blueprint_dirs=blueprint_dirs,
                          import_dir=Path(import_dir) if import_dir else None, timeout=timeout, mcp=mcp, **options)
    print(f"guidegen: serving on http://{'[' + host + ']' if ':' in host else host}:{port}/", flush=True)
    uvicorn.run(create_app(config), host=host, port=port, log_level="warning", access_log=False)
