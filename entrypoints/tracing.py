"""Where this process's spans go: over OTLP (HTTP) to the collector named by OpenTelemetry's own
`OTEL_EXPORTER_OTLP_ENDPOINT` (or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`); without one, nowhere,
and every span is a no-op. A parent-based sampler keeps the traces a sampled caller started
(its `traceparent`) and `BOURSE_TRACE_SAMPLE_RATIO` of those that start here."""

import os

from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.sdk.trace.sampling import ParentBased, TraceIdRatioBased

from application.tracing import send_spans_to

ENDPOINTS = ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")


def configure(role: str, sample_ratio: float) -> None:
    if not any(os.environ.get(name) for name in ENDPOINTS):
        return
    provider = TracerProvider(
        resource=Resource.create({"service.name": f"bourse-{role}"}),
        sampler=ParentBased(TraceIdRatioBased(sample_ratio)),
    )
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    send_spans_to(provider)
