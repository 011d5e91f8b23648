"""A span for every HTTP request, named by its route (`POST /api/v3/order`), continuing the
caller's trace when it sends a W3C `traceparent`; none at all while spans go nowhere."""

from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send
from opentelemetry import propagate
from opentelemetry.trace import SpanKind

from application.tracing import recording, tracer
from entrypoints.api.request_ids import request_id

PROPAGATED = (b"traceparent", b"tracestate")


def traced(app: ASGIApp) -> ASGIApp:
    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP or not recording():
            await app(scope, receive, send)
            return
        sent = {
            name.decode("latin-1"): value.decode("latin-1")
            for name, value in scope["headers"]
            if name in PROPAGATED
        }
        route, method = scope.get("path_template", ""), str(scope.get("method", ""))
        attributes = {
            "http.request.method": method,
            "http.route": route,
            "bourse.request_id": request_id(scope),
        }
        with tracer.start_as_current_span(
            f"{method} {route}",
            context=propagate.extract(sent),
            kind=SpanKind.SERVER,
            attributes=attributes,
        ) as span:

            async def sending(message: Message) -> None:
                if message["type"] == "http.response.start":
                    span.set_attribute("http.response.status_code", message["status"])
                await send(message)

            await app(scope, receive, sending)

    return middleware
