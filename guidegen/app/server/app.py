"""The ASGI application: web pages, the versioned HTTP API and the MCP endpoint, one process.

Layering: this package is the application layer. It may import anything in guidegen; nothing
in guidegen imports it.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.trustedhost import TrustedHostMiddleware

from guidegen import __version__
from guidegen.core.errors import Location, Problem, UserError
from guidegen.core.yamlsource import format_path
from guidegen.app.server.models import LocatedProblem, ProblemDocument
from guidegen.app.server.pool import PoolBusy, PoolTimeout, WorkerPool
from guidegen.app.server.security import BLUEPRINT_LIMIT, MB, WORKBOOK_LIMIT, BodyLimitMiddleware, TokenMiddleware, UploadRefused

PROBLEM_TYPE = "urn:guidegen:problem:"


@dataclass(frozen=True)
class ServerConfig:
    """Everything the server needs to know; nothing here comes from a request."""

    host: str = "127.0.0.1"
    port: int = 8000
    token: str | None = None
    blueprint_dirs: tuple[str, ...] = ()
    import_dir: Path | None = None  # where import-apply saves blueprints; None: never written
    workers: int = field(default_factory=lambda: max(1, min(4, os.cpu_count() or 1)))
    queue: int = 64  # requests that may wait for a worker before the server answers 503
    timeout: float = 120.0  # seconds per render, validation or import
    mcp: bool = True  # mount the MCP streamable HTTP endpoint at /mcp
    allowed_hosts: tuple[str, ...] | None = None  # Host headers served (DNS-rebinding guard); None: any

    @property
    def search_dirs(self) -> tuple[str, ...]:
        """Blueprint folders: the import folder first, so applied edits render at once."""
        return ((str(self.import_dir),) if self.import_dir else ()) + self.blueprint_dirs


def problem_response(status: int, kind: str, title: str, detail: str, errors: list[LocatedProblem] | None = None,
                     instance: str | None = None, headers: dict[str, str] | None = None) -> JSONResponse:
    doc = ProblemDocument(type=PROBLEM_TYPE + kind, title=title, status=status, detail=detail, instance=instance,
                          errors=errors or [])
    return JSONResponse(doc.model_dump(exclude_none=True), status_code=status, media_type="application/problem+json",
                        headers=headers)


def request_problems(errors: list[dict]) -> list[Problem]:
    """Validation errors of a request as located problems: file 'request', the key path, what
    was expected and what was given (as for a project file, without line numbers)."""
    problems = []
    for error in errors:
        loc = tuple(error["loc"])
        path = loc[1:] if loc and loc[0] in ("body", "query", "path", "form") else loc
        ctx = error.get("ctx") or {}
        expected = ctx.get("expected") or (f"text matching {ctx['pattern']}" if "pattern" in ctx else None)
        given = error.get("input")
        shown = None if error["type"] == "missing" or isinstance(given, (dict, list)) else str(given)
        message = "not accepted over HTTP: a request never names a file on the server" \
            if error["type"] == "none_required" else error["msg"]
        problems.append(Problem(Location("request", path=format_path(path) or None), message, expected, shown))
    return problems


def create_app(config: ServerConfig | None = None) -> FastAPI:
    """The whole server: pages, /api/v1, /mcp; the token and size guards around all of it."""
    from guidegen.app.server import api, web

    config = config or ServerConfig()
    mcp_server = mcp_app = None

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.pool = WorkerPool(config.workers, config.queue, config.timeout)
        try:
            if mcp_server is not None:
                async with mcp_server.session_manager.run():
                    yield
            else:
                yield
        finally:
            app.state.pool.shutdown()

    app = FastAPI(
        title="guidegen",
        version=__version__,
        summary="CRM <-> third-party software integration guides from typed YAML blueprints",
        description="Deterministic: the same request gives the same files. Errors are RFC 9457 problem "
        "documents whose `errors` carry file, line and key locations.",
        lifespan=lifespan,
        openapi_url="/api/v1/openapi.json",
        docs_url=None,  # FastAPI's docs page loads scripts from a CDN; the server uses no outside resources
        redoc_url=None,
    )
    if config.mcp:
        from guidegen.app.server.mcp import build_mcp

        async def in_pool(function: Any, *args: Any) -> Any:
            return await app.state.pool.run(function, *args)

        mcp_server = build_mcp(config.search_dirs, runner=in_pool, in_server=True)
        # Stateless JSON responses: every MCP request stands alone, like an API call.
        mcp_app = mcp_server.streamable_http_app(streamable_http_path="/", stateless_http=True, json_response=True,
                                                 host=config.host)
    app.state.config = config
    app.include_router(api.router)
    app.include_router(web.router)
    web.mount_static(app)
    if mcp_app is not None:
        app.mount("/mcp", mcp_app)
    _install_error_handlers(app)
    app.add_middleware(BodyLimitMiddleware, limit=WORKBOOK_LIMIT + BLUEPRINT_LIMIT + MB)
    if config.token:
        app.add_middleware(TokenMiddleware, token=config.token)
    if config.allowed_hosts:
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=list(config.allowed_hosts))
    return app


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(UserError)
    async def user_error(request: Request, exc: UserError) -> JSONResponse:
        errors = [LocatedProblem.of(p) for p in exc.problems if p.severity == "error"]
        detail = errors[0].text() if len(errors) == 1 else f"{len(errors)} problems in the input"
        return problem_response(422, "invalid-input", "Invalid input", detail, errors, request.url.path)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [LocatedProblem.of(p) for p in request_problems(list(exc.errors()))]
        detail = errors[0].text() if len(errors) == 1 else f"{len(errors)} problems in the request"
        return problem_response(422, "invalid-request", "Invalid request", detail, errors, request.url.path)

    @app.exception_handler(ValidationError)
    async def model_error(request: Request, exc: ValidationError) -> JSONResponse:
        errors = [LocatedProblem.of(p) for p in request_problems(list(exc.errors()))]
        detail = errors[0].text() if len(errors) == 1 else f"{len(errors)} problems in the request"
        return problem_response(422, "invalid-request", "Invalid request", detail, errors, request.url.path)

    @app.exception_handler(UploadRefused)
    async def upload_refused(request: Request, exc: UploadRefused) -> JSONResponse:
        error = LocatedProblem(message=exc.message, file="request", key=exc.field, expected=exc.expected, given=exc.given)
        kind = "too-large" if exc.status == 413 else "unsupported-media-type"
        title = "Payload Too Large" if exc.status == 413 else "Unsupported Media Type"
        return problem_response(exc.status, kind, title, error.text(), [error], request.url.path)

    @app.exception_handler(PoolBusy)
    async def busy(request: Request, exc: PoolBusy) -> JSONResponse:
        return problem_response(503, "busy", "Service Unavailable", "too many requests are waiting; try again shortly",
                                instance=request.url.path, headers={"Retry-After": "5"})

    @app.exception_handler(PoolTimeout)
    async def timeout(request: Request, exc: PoolTimeout) -> JSONResponse:
        seconds = request.app.state.config.timeout
        return problem_response(504, "timeout", "Gateway Timeout", f"the work took longer than {seconds:g} s",
                                instance=request.url.path)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return problem_response(exc.status_code, "http", str(exc.detail), str(exc.detail), instance=request.url.path)

    @app.exception_handler(Exception)
    async def internal(request: Request, exc: Exception) -> JSONResponse:
        return problem_response(500, "internal", "Internal Server Error",
                                f"an internal error ({type(exc).__name__}); this is a bug in guidegen, not in the input",
                                instance=request.url.path)
