"""HTTP requests counted and timed by route, method and status; and `/metrics`, this process's
measurements in Prometheus's text format, which each role serves on its ops port only."""

import functools

from litestar import Response, get
from litestar.types import Scope
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest

from application.metrics import http_requests, http_seconds


def measure(scope: Scope, status: int, seconds: float) -> None:
    """Counts an HTTP request under its route's template (`/api/v3/order`), never its path,
    so that the series stay as few as the routes, and times it."""
    route, method = scope.get("path_template", ""), str(scope.get("method", ""))
    _answered(route, method, status).inc()
    _timed(route, method).observe(seconds)


# A series's child looked up once: `labels` takes a lock and checks its labels each time. The
# routes, methods and statuses are few, and so are the children kept.
@functools.cache
def _answered(route: str, method: str, status: int) -> Counter:
    return http_requests.labels(route, method, str(status))


@functools.cache
def _timed(route: str, method: str) -> Histogram:
    return http_seconds.labels(route, method)


@get("/metrics", operation_id="metrics", include_in_schema=False, sync_to_thread=False)
def metrics() -> Response[bytes]:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
