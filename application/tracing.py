"""Spans of an order's way through the exchange, on OpenTelemetry's API: the request, its
command handed to the engine, the engine's batch (linked to every command it serves: up to
256 requests share one batch, so links, not parents), its apply and commit, the reply and the
stream fan-out. Without a configured SDK (`entrypoints.tracing`) every span is a no-op."""

import contextlib
from collections.abc import Iterable
from contextlib import AbstractContextManager

from opentelemetry import propagate, trace
from opentelemetry.trace import Link, SpanContext, TracerProvider
from opentelemetry.util.types import Attributes

tracer = trace.get_tracer("bourse")
TRACEPARENT = "traceparent"
_recording = False  # until `send_spans_to` has set an SDK's tracer provider
_UNRECORDED = contextlib.nullcontext()


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


def span(
    name: str, attributes: Attributes = None, origins: Iterable[SpanContext | None] = ()
) -> AbstractContextManager[object]:
    """A span of the current trace, linked to the spans of `origins` (the requests a batch
    serves); while spans go nowhere, nothing at all: a no-op span still costs its context
    manager and a context attach on every use."""
    if not _recording:
        return _UNRECORDED
    return tracer.start_as_current_span(name, attributes=attributes, links=links(origins))


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


def links(origins: Iterable[SpanContext | None]) -> list[Link]:
    return [Link(origin) for origin in origins if origin is not None]
