"""Spans of an order's way through the exchange, on OpenTelemetry's API: the request, its
command handed to the engine, the engine's batch (linked to every command it serves: up to
256 requests share one batch, so links, not parents), its apply and commit, the reply and the
stream fan-out. Without a configured SDK (`entrypoints.tracing`) every span is a no-op."""

from opentelemetry import propagate, trace
from opentelemetry.trace import Link, SpanContext, TracerProvider

tracer = trace.get_tracer("bourse")
TRACEPARENT = "traceparent"
_recording = False  # until `send_spans_to` has set an SDK's tracer provider


def send_spans_to(provider: TracerProvider) -> None:
    """The process's spans go to `provider` from now on (OpenTelemetry takes one per process)."""
    global _recording
    trace.set_tracer_provider(provider)
    _recording = True


def recording() -> bool:
    """Whether spans go anywhere: false until `send_spans_to` has set an SDK's tracer provider,
    and until then every span is a no-op that a hot path may skip making. (Asking OpenTelemetry
    reads the environment on every call: 1.5 % of an order's time, docs/performance.md.)"""
    return _recording


def current_origin() -> SpanContext | None:
    """The current span, as the origin a command carries to its engine in this process."""
    context = trace.get_current_span().get_span_context()
    return context if context.is_valid else None


def traceparent() -> str:
    """The current span as W3C `traceparent`, for a command that leaves the process."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return carrier.get(TRACEPARENT, "")


def origin_of(sent: str) -> SpanContext | None:
    """The span a command's `traceparent` names, if any."""
    if not sent:
        return None
    context = trace.get_current_span(propagate.extract({TRACEPARENT: sent})).get_span_context()
    return context if context.is_valid else None


def links(origins: "list[SpanContext | None]") -> list[Link]:
    return [Link(origin) for origin in origins if origin is not None]
