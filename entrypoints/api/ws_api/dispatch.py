"""A WebSocket API request answered by its REST endpoint, called in process through the app's
own ASGI stack (routing, handler, errors, weight): one code path for both APIs, without HTTP's
parsing and connection in between."""

from typing import Any
from urllib.parse import urlencode

from attrs import frozen
from litestar.types import ASGIApp, Message, ReceiveMessage, Scope

from application.records import ApiKey
from entrypoints.api.gate import USED_WEIGHT, VERIFIED_KEY
from entrypoints.api.request_ids import STATE_KEY
from entrypoints.api.ws_api.methods import Endpoint


@frozen
class Answer:
    status: int
    body: bytes  # the endpoint's JSON: its result, or its {"code", "msg"} refusal
    used_weight: int | None  # the caller's weight in use, when the endpoint charged any


async def call(
    app: ASGIApp,
    connection: Scope,
    endpoint: Endpoint,
    params: dict[str, str],
    verified: ApiKey | None,
) -> Answer:
    """Calls the endpoint as the connection's client, with `params` in the query string and
    the connection's request id; `verified` is the API key whose signature the connection
    checked, or whose session it is."""
    state: dict[str, Any] = {STATE_KEY: connection.get("state", {}).get(STATE_KEY)}
    if verified is not None:
        state[VERIFIED_KEY] = verified
    query = urlencode(params).encode()
    scope: dict[str, Any] = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": endpoint.http_method,
        "scheme": "http",
        "path": endpoint.path,
        "raw_path": endpoint.path.encode(),
        "root_path": "",
        "query_string": query,
        "headers": [],
        "client": connection.get("client"),
        "server": connection.get("server"),
        "state": state,
    }
    body_sent = False
    status = 500
    parts: list[bytes] = []

    async def receive() -> ReceiveMessage:
        nonlocal body_sent
        if body_sent:
            return {"type": "http.disconnect"}
        body_sent = True
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            parts.append(message.get("body", b""))

    await app(scope, receive, send)  # type: ignore[arg-type]
    used = state.get(USED_WEIGHT)
    return Answer(status, b"".join(parts), used if isinstance(used, int) else None)
