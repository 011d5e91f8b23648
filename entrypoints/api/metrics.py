"""HTTP requests counted and timed by route, method and status; and `/metrics`, this process's
measurements in Prometheus's text format, which each role serves on its ops port only."""

import functools
import time

from litestar import Response, get
from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest

from application.metrics import http_requests, http_seconds


def measured(app: ASGIApp) -> ASGIApp:
    """Counts each HTTP request under its route's template (`/api/v3/order`), never its
    path, so that the series stay as few as the routes."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # unless an answer starts: the connection broke mid-request

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await app(scope, receive, sending)
        finally:
            route, method = scope.get("path_template", ""), str(scope.get("method", ""))
            _answered(route, method, status).inc()
            _timed(route, method).observe(time.perf_counter() - started)

    return middleware


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
