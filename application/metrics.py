"""What this process measures, as Prometheus metrics: counted where it happens, in memory (no
I/O here), and exposed by each role on its ops port at `/metrics`. Each role runs one process,
so the default registry is the process's whole story."""

import functools
from typing import TypeVar

from prometheus_client import REGISTRY, Counter, Gauge, Histogram
from prometheus_client.metrics import MetricWrapperBase

Series = TypeVar("Series", bound=MetricWrapperBase)

SECONDS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)
BATCH_SIZES = (1, 2, 4, 8, 16, 32, 64, 128, 256)

http_requests = Counter(
    "bourse_http_requests", "HTTP requests answered", ["route", "method", "status"]
)
http_seconds = Histogram(
    "bourse_http_request_seconds", "From a request's arrival to its answer's end",
    ["route", "method"], buckets=SECONDS,
)  # fmt: skip
order_commands = Counter(
    "bourse_order_commands",
    "Order commands by type (the order's type, CANCEL, CANCEL_ALL, AMEND) and outcome "
    "(accepted, or the Binance code of the refusal)",
    ["command", "outcome"],
)
rate_limited = Counter("bourse_rate_limited", "Requests refused for their weight (-1003)")

engine_batch = Histogram(
    "bourse_engine_batch_commands", "Commands per batch committed", ["symbol"],
    buckets=BATCH_SIZES,
)  # fmt: skip
engine_apply_seconds = Histogram(
    "bourse_engine_apply_seconds", "Applying a batch in memory", ["symbol"], buckets=SECONDS
)
engine_commit_seconds = Histogram(
    "bourse_engine_commit_seconds", "Committing a batch to the store", ["symbol"],
    buckets=SECONDS,
)  # fmt: skip
engine_queue = Gauge("bourse_engine_queue_depth", "Commands waiting for a batch", ["symbol"])
engine_serving = Gauge(
    "bourse_engine_serving", "1 while this process holds the market's lease", ["symbol"]
)
engine_takeovers = Counter(
    "bourse_engine_takeovers", "Times this process took a market's lease", ["symbol"]
)
engine_fenced = Counter(
    "bourse_engine_fencing_refusals",
    "Commits the store refused because another process had taken the market",
    ["symbol"],
)

bus_lag_seconds = Histogram(
    "bourse_bus_lag_seconds", "From a command's sending to its engine reading it", ["symbol"],
    buckets=SECONDS,
)  # fmt: skip
bus_timeouts = Counter(
    "bourse_bus_timeouts", "Commands answered -1007 for want of an answer in time", ["symbol"]
)

outbox_relayed = Counter("bourse_outbox_relayed", "Committed batches of events published")
outbox_logged = Counter(
    "bourse_outbox_logged", "Committed batches of events appended to the event log (aws)"
)
outbox_backlog = Gauge(
    "bourse_outbox_backlog", "Committed batches the last relay pass found waiting"
)
outbox_behind_seconds = Gauge(
    "bourse_outbox_behind_seconds",
    "Seconds since the relay last published everything it found waiting (0 where none runs)",
)

stream_connections = Gauge("bourse_stream_connections", "Open WebSocket stream connections")
stream_messages = Counter("bourse_stream_messages", "Messages queued to stream clients")
stream_slow = Counter(
    "bourse_stream_slow_consumers", "Stream connections closed for not keeping up"
)

store_errors = Counter(
    "bourse_store_errors", "Calls to a store that failed for want of it", ["store"]
)


# What a process tells of itself in its beats (see `entrypoints.heartbeat`): each a sum over
# the metric's labels, of the samples whose labels `keep` (the HTTP errors: 5xx answers).
MEASURES: dict[str, tuple[str, dict[str, str] | None]] = {
    "http_requests": ("bourse_http_requests_total", None),
    "http_errors": ("bourse_http_requests_total", {"status": "5"}),
    "order_commands": ("bourse_order_commands_total", None),
    "store_errors": ("bourse_store_errors_total", None),
    "bus_timeouts": ("bourse_bus_timeouts_total", None),
    "engines_serving": ("bourse_engine_serving", None),
    "outbox_backlog": ("bourse_outbox_backlog", None),
    "outbox_behind_seconds": ("bourse_outbox_behind_seconds", None),
    "stream_connections": ("bourse_stream_connections", None),
}
COUNTED = ("http_requests", "http_errors", "order_commands", "store_errors", "bus_timeouts")


@functools.cache
def child(series: Series, *labels: str) -> Series:
    """The series's child of `labels`, looked up once: `labels` takes a lock and checks its
    labels each time, on paths every request takes. Label values are few (routes, methods,
    statuses, kinds of command and outcomes), and so are the children kept."""
    return series.labels(*labels)


def measures() -> dict[str, float]:
    """This process's measures now, read from its metrics."""
    samples = [sample for family in REGISTRY.collect() for sample in family.samples]
    found: dict[str, float] = {}
    for measure, (name, keep) in MEASURES.items():
        found[measure] = sum(
            sample.value
            for sample in samples
            if sample.name == name
            and all(sample.labels.get(k, "").startswith(v) for k, v in (keep or {}).items())
        )
    return found
