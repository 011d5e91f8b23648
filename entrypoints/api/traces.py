"""A span for every HTTP request, named by its route (`POST /api/v3/order`), continuing the
caller's trace when it sends a W3C `traceparent`; none at all while spans go nowhere
(`entrypoints.api.middleware` asks `recording()` first)."""

from collections.abc import Iterator
from contextlib import contextmanager

from litestar.types import Scope
from opentelemetry import propagate
from opentelemetry.trace import Span, SpanKind

from application.tracing import tracer
from entrypoints.api.request_ids import request_id

PROPAGATED = (b"traceparent", b"tracestate")


@contextmanager
def request_span(scope: Scope) -> Iterator[Span]:
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
        yield span
