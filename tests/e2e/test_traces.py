"""One order's trace, read from an in-memory span exporter: the request continues the caller's
trace, the order's command is a span of it, and the engine's batch links to that command and
holds the commit — in one process, and split over the command bus."""

import time
from collections.abc import Iterator
from urllib.parse import urlencode

import pytest
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from adapters.security.signatures import sign
from application.tracing import send_spans_to
from tests.e2e.conftest import Venue

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
CALLER = "00f067aa0ba902b7"
TRACEPARENT = f"00-{TRACE_ID}-{CALLER}-01"


@pytest.fixture(scope="module")
def exporter() -> Iterator[InMemorySpanExporter]:
    """Spans of this process kept in memory (the tracer provider is the process's, set once)."""
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    send_spans_to(provider)
    yield exporter
    provider.shutdown()


def named(spans: tuple[ReadableSpan, ...], name: str) -> list[ReadableSpan]:
    return [span for span in spans if span.name == name]


async def test_an_orders_trace_links_the_engines_batch_to_the_request(
    venue: Venue, exporter: InMemorySpanExporter
) -> None:
    trader = await venue.trader("traced", USDT="100000")
    exporter.clear()
    order = {
        "symbol": "BTCUSDT", "side": "BUY", "type": "LIMIT", "timeInForce": "GTC",
        "quantity": "0.1", "price": "60000", "timestamp": int(time.time() * 1000),
    }  # fmt: skip
    query = urlencode(order)
    placed = await trader.client.post(
        "/api/v3/order",
        content=f"{query}&signature={sign(trader.key.secret, query)}",
        headers={
            "X-MBX-APIKEY": trader.key.api_key,
            "Content-Type": "application/x-www-form-urlencoded",
            "traceparent": TRACEPARENT,
        },
    )
    assert placed.status_code == 200, placed.text
    spans = exporter.get_finished_spans()

    [request] = named(spans, "POST /api/v3/order")
    assert request.context is not None and request.parent is not None
    assert f"{request.context.trace_id:032x}" == TRACE_ID
    assert f"{request.parent.span_id:016x}" == CALLER
    assert request.attributes is not None
    assert request.attributes["http.response.status_code"] == 200
    [command] = named(spans, "order.submit")
    assert command.parent is not None and command.parent.span_id == request.context.span_id
    batches = [
        batch
        for batch in named(spans, "engine.batch")
        if any(link.context.span_id == command.context.span_id for link in batch.links)
    ]
    [batch] = batches
    assert batch.context is not None
    [commit] = [s for s in named(spans, "engine.commit") if s.parent == batch.context]
    assert commit.attributes is not None and commit.attributes["bourse.symbol"] == "BTCUSDT"
