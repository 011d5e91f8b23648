"""What every request goes through on its way to a handler, in one layer: its request id,
bound to every line logged while it is served; for HTTP, its measurement (`metrics`), its
span (`traces`) and its body's deadline (`limits`). One middleware, not one per concern, for
each layer wraps the ASGI callables again on every request (docs/performance.md)."""

import time

from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send
from structlog.contextvars import bind_contextvars, reset_contextvars

from application.tracing import recording
from entrypoints.api import metrics
from entrypoints.api.limits import BodyDeadline
from entrypoints.api.request_ids import request_id
from entrypoints.api.traces import request_span


class RequestMiddleware:
    def __init__(self, app: ASGIApp, read_timeout_s: float, measured: bool) -> None:
        self.app = app
        self.read_timeout_s = read_timeout_s
        self.measured = measured

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # Every line logged while it is served carries its id (and, once the gate knows it, its
        # account: `entrypoints.logs.bind`), and only while it is served.
        bound = bind_contextvars(request_id=request_id(scope), account_id=None)
        try:
            if scope["type"] == ScopeType.HTTP:
                await self._http(scope, receive, send)
            else:
                await self.app(scope, receive, send)
        finally:
            reset_contextvars(**bound)

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = time.perf_counter()
        body = BodyDeadline(receive, self.read_timeout_s)
        status = 500  # unless an answer starts: the connection broke mid-request
        span = None

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                if span is not None:
                    span.set_attribute("http.response.status_code", status)
                if body.late:  # the rest of that body is on its way: the connection closes
                    message["headers"] = [*message.get("headers", []), (b"connection", b"close")]
            await send(message)

        try:
            if recording():
                with request_span(scope) as span:
                    await self.app(scope, body.receive, sending)
            else:
                await self.app(scope, body.receive, sending)
        finally:
            if self.measured:
                metrics.measure(scope, status, time.perf_counter() - started)
