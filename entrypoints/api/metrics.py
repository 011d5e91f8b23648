"""HTTP requests counted and timed by route, method and status; and `/metrics`, this process's
measurements in Prometheus's text format, which each role serves on its ops port only."""

from litestar import Response, get
from litestar.types import Scope
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from application.metrics import child, http_requests, http_seconds


def measure(scope: Scope, status: int, seconds: float) -> None:
    """Counts an HTTP request under its route's template (`/api/v3/order`), never its path,
    so that the series stay as few as the routes, and times it."""
    route, method = scope.get("path_template", ""), str(scope.get("method", ""))
    child(http_requests, route, method, str(status)).inc()
    child(http_seconds, route, method).observe(seconds)


@get("/metrics", operation_id="metrics", include_in_schema=False, sync_to_thread=False)
def metrics() -> Response[bytes]:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
