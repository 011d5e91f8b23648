"""A request id for every HTTP request and WebSocket connection: the client's own X-Request-Id
when it is a sane token, else a new one. The response carries it, and so does the log line of
any error it met, so that a user's report leads to its traceback."""

import re
import secrets

import structlog
from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send

HEADER = b"x-request-id"
# What a proxy or client tracing tool sends (uuids, hex, dotted or colon-separated tokens);
# anything else, such as a value made to forge log lines, is replaced.
SANE = re.compile(rb"[A-Za-z0-9._:-]{1,128}")
STATE_KEY = "request_id"


def request_id(scope: Scope) -> str:
    state = scope.setdefault("state", {})
    found: str | None = state.get(STATE_KEY)
    if found is None:
        sent = next((value for name, value in scope["headers"] if name == HEADER), b"")
        found = sent.decode() if SANE.fullmatch(sent) else secrets.token_hex(16)
        state[STATE_KEY] = found
    return found


async def request_id_header(message: Message, scope: Scope) -> None:
    if message["type"] in ("http.response.start", "websocket.accept"):
        headers = list(message.get("headers", []))
        headers.append((HEADER, request_id(scope).encode()))
        message["headers"] = headers


def logged_with_request_id(app: ASGIApp) -> ASGIApp:
    """Every line logged while a request is served carries its id (and, once the gate knows
    it, its account: `entrypoints.logs.bind`), and only while it is served."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in (ScopeType.HTTP, ScopeType.WEBSOCKET):
            await app(scope, receive, send)
            return
        with structlog.contextvars.bound_contextvars(request_id=request_id(scope), account_id=None):
            await app(scope, receive, send)

    return middleware
