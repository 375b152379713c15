"""Request-level safety: the access token and the request-size cap (pure ASGI middleware, so
they guard the web pages, the API and the mounted MCP endpoint alike), and upload checks."""

from __future__ import annotations

import hmac
import json
from dataclasses import dataclass
from http.cookies import SimpleCookie
from urllib.parse import parse_qs

from starlette.types import ASGIApp, Message, Receive, Scope, Send

TOKEN_COOKIE = "guidegen_token"
TOKEN_ENV = "GUIDEGEN_TOKEN"
LOOPBACK = ("127.0.0.1", "localhost", "::1")

MB = 1024 * 1024
BLUEPRINT_LIMIT = 5 * MB
WORKBOOK_LIMIT = 20 * MB


class UploadRefused(Exception):
    """An upload that is too large (413) or of the wrong type (415)."""

    def __init__(self, status: int, field: str, message: str, expected: str, given: str) -> None:
        super().__init__(message)
        self.status, self.field, self.message, self.expected, self.given = status, field, message, expected, given


@dataclass(frozen=True)
class UploadRule:
    field: str
    suffixes: tuple[str, ...]
    limit: int
    magic: bytes | None = None  # first bytes every such file starts with
    kind: str = ""


BLUEPRINT_UPLOAD = UploadRule("blueprint_file", (".yaml", ".yml"), BLUEPRINT_LIMIT, None, "a blueprint YAML file (.yaml)")
WORKBOOK_UPLOAD = UploadRule("workbook", (".xlsx",), WORKBOOK_LIMIT, b"PK\x03\x04", "an Excel workbook (.xlsx)")


def check_upload(rule: UploadRule, filename: str | None, data: bytes) -> None:
    """Refuse an upload over its size limit or not of its kind (by name and first bytes)."""
    if len(data) > rule.limit:
        raise UploadRefused(413, rule.field, "file is too large", f"at most {rule.limit:,} bytes", f"{len(data):,} bytes")
    name = filename or ""
    if not name.lower().endswith(rule.suffixes) or (rule.magic and not data.startswith(rule.magic)):
        raise UploadRefused(415, rule.field, "wrong file type", rule.kind, name or "(no file name)")


def check_text_size(field: str, text: str) -> None:
    size = len(text.encode("utf-8"))
    if size > BLUEPRINT_LIMIT:
        raise UploadRefused(413, field, "text is too large", f"at most {BLUEPRINT_LIMIT:,} bytes", f"{size:,} bytes")


def _problem_response(status: int, title: str, detail: str, kind: str) -> tuple[list[tuple[bytes, bytes]], bytes]:
    body = json.dumps({"type": f"urn:guidegen:problem:{kind}", "title": title, "status": status, "detail": detail,
                       "errors": []}).encode()
    headers = [(b"content-type", b"application/problem+json"), (b"content-length", str(len(body)).encode())]
    return headers, body


class TokenMiddleware:
    """With a token set, every HTTP request must carry it: ``Authorization: Bearer …``, the
    cookie a browser gets after opening any page with ``?token=…``, or that query parameter."""

    def __init__(self, app: ASGIApp, token: str) -> None:
        self.app, self.token = app, token

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        query = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("token", [""])[0]
        if self._valid(_bearer(headers.get("authorization", ""))) or self._valid(_cookie(headers.get("cookie", ""))):
            await self.app(scope, receive, send)
        elif self._valid(query):
            await self.app(scope, receive, self._setting_cookie(send))
        else:
            extra, body = _problem_response(401, "Unauthorized", "this server requires its access token "
                                            "(Authorization: Bearer <token>, or open the page with ?token=<token>)",
                                            "unauthorized")
            await send({"type": "http.response.start", "status": 401,
                        "headers": extra + [(b"www-authenticate", b'Bearer realm="guidegen"')]})
            await send({"type": "http.response.body", "body": body})

    def _valid(self, given: str) -> bool:
        return bool(given) and hmac.compare_digest(given.encode(), self.token.encode())

    def _setting_cookie(self, send: Send) -> Send:
        cookie = f"{TOKEN_COOKIE}={self.token}; HttpOnly; SameSite=Strict; Path=/".encode("latin-1")

        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = dict(message)
                message["headers"] = list(message.get("headers", [])) + [(b"set-cookie", cookie)]
            await send(message)

        return wrapped


def _bearer(value: str) -> str:
    scheme, _, token = value.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def _cookie(value: str) -> str:
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(value)
    except Exception:  # noqa: BLE001 - a malformed cookie header is simply no token
        return ""
    morsel = jar.get(TOKEN_COOKIE)
    return morsel.value if morsel else ""


class BodyLimitMiddleware:
    """Refuse request bodies over ``limit`` bytes before anything parses or spools them: by
    Content-Length at once, else by reading at most ``limit`` bytes and then handing the body
    on (so an endless chunked upload never reaches the multipart parser or the disk)."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        length = dict(scope.get("headers", [])).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.limit):
            await self._refuse(send)
            return
        if length is not None:  # the server stops at Content-Length: nothing more can arrive
            await self.app(scope, receive, send)
            return
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > self.limit:
                await self._refuse(send)
                return
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if sent:
                return await receive()
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    async def _refuse(self, send: Send) -> None:
        headers, body = _problem_response(413, "Payload Too Large", f"the request body exceeds {self.limit:,} bytes",
                                          "too-large")
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def is_loopback(host: str) -> bool:
    return host in LOOPBACK

