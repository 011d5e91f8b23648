"""No request holds a connection for long: a head or a body that does not arrive in time, a
head too large, an idle connection and a WebSocket client sending too much are each answered
or closed within their bound, on a real socket of a real `bourse serve`."""

import asyncio
import json
import socket
from collections.abc import Iterator
from typing import Any

import pytest
import websockets
from websockets.asyncio.client import ClientConnection
from websockets.frames import Close

from tests.e2e.serving import Served, answer_of, read_until_closed, serving, trickle

READ_TIMEOUT_S = 1.0
KEEP_ALIVE_S = 1
SLACK_S = 2.0  # for a machine busy with other tests
UPGRADE = (
    "Host: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    environment = {
        "BOURSE_READ_TIMEOUT_S": str(READ_TIMEOUT_S),
        "BOURSE_KEEP_ALIVE_S": str(KEEP_ALIVE_S),
    }
    log_path = tmp_path_factory.mktemp("transport") / "server.log"
    with serving(environment, log_path) as server:
        yield server


async def closing(client: ClientConnection, messages: list[dict[str, Any]]) -> Close | None:
    """Sends the messages and reads until the server closes: the close frame it sent."""
    try:
        for message in messages:
            await client.send(json.dumps(message))
        while True:
            await asyncio.wait_for(client.recv(), SLACK_S)
    except websockets.exceptions.ConnectionClosed as closed:
        return closed.rcvd


def connect(served: Served) -> socket.socket:
    return socket.create_connection(("127.0.0.1", served.port), timeout=5)


def test_a_connection_that_never_sends_is_closed_after_the_keep_alive(served: Served) -> None:
    with connect(served) as connection:
        received, seconds = read_until_closed(connection)

    assert received == b""
    assert seconds < KEEP_ALIVE_S + SLACK_S


def test_a_connection_idle_after_its_answer_is_closed_after_the_keep_alive(
    served: Served,
) -> None:
    with connect(served) as connection:
        connection.sendall(b"GET /api/v3/ping HTTP/1.1\r\nHost: x\r\n\r\n")
        received, seconds = read_until_closed(connection)

    assert answer_of(received).status == 200
    assert seconds < KEEP_ALIVE_S + SLACK_S


def test_a_head_that_trickles_in_is_answered_408(served: Served) -> None:
    with connect(served) as connection:
        connection.sendall(b"GET /api/v3/ping HTTP/1.1\r\nHost: x\r\n")
        received, seconds = trickle(connection, b"X-Slow: 1\r\n", READ_TIMEOUT_S + SLACK_S)

    assert seconds < READ_TIMEOUT_S + SLACK_S
    answer = answer_of(received)
    assert answer.status == 408
    assert answer.body == {"code": -1000, "msg": "The request head did not arrive in time."}
    assert answer.headers["connection"] == "close"


def test_a_websocket_upgrade_with_a_long_request_line_is_answered_431(served: Served) -> None:
    with connect(served) as connection:
        connection.sendall(f"GET /ws/{'a' * 9000} HTTP/1.1\r\n{UPGRADE}".encode())
        received, seconds = read_until_closed(connection)

    answer = answer_of(received)
    assert answer.status == 431
    assert answer.body == {"code": -1000, "msg": "The request head is larger than 8192 bytes."}
    assert seconds < SLACK_S


@pytest.mark.parametrize(
    ("headers", "msg"),
    [
        ("X-Big: " + "a" * 20_000 + "\r\n", "The request head is larger than 8192 bytes."),
        ("".join(f"X-{n}: 1\r\n" for n in range(101)), "A request may have at most 100 headers."),
    ],
    ids=["large", "many"],
)
def test_a_head_too_large_is_answered_431(served: Served, headers: str, msg: str) -> None:
    with connect(served) as connection:
        connection.sendall(f"GET /api/v3/ping HTTP/1.1\r\nHost: x\r\n{headers}\r\n".encode())
        received, _ = read_until_closed(connection)

    answer = answer_of(received)
    assert (answer.status, answer.body) == (431, {"code": -1000, "msg": msg})


def test_a_body_that_does_not_arrive_is_answered_408_and_its_connection_closed(
    served: Served,
) -> None:
    with connect(served) as connection:
        connection.sendall(
            b"POST /api/v1/users HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b'Content-Length: 500\r\n\r\n{"email": '
        )
        received, seconds = read_until_closed(connection)

    answer = answer_of(received)
    assert answer.status == 408
    assert answer.body == {"code": -1000, "msg": "The request body did not arrive in time."}
    assert answer.headers["connection"] == "close"
    assert seconds < READ_TIMEOUT_S + SLACK_S


def test_a_body_over_the_limit_is_refused_before_it_is_read(served: Served) -> None:
    with connect(served) as connection:
        connection.sendall(
            b"POST /api/v1/users HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: 10000000\r\n\r\n"
        )
        connection.settimeout(SLACK_S)
        answer = answer_of(connection.recv(65536))

    assert answer.status == 413


def test_a_body_still_trickling_after_its_answer_does_not_hold_the_connection(
    served: Served,
) -> None:
    with connect(served) as connection:
        # Refused at once for want of an API key, before anything reads the body.
        connection.sendall(
            b"POST /api/v3/order HTTP/1.1\r\nHost: x\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\n"
        )
        connection.settimeout(SLACK_S)
        assert answer_of(connection.recv(65536)).status == 401
        received, seconds = trickle(connection, b"a", READ_TIMEOUT_S + SLACK_S)

    assert (received, seconds < READ_TIMEOUT_S + SLACK_S) == (b"", True)


async def test_a_websocket_message_over_the_size_limit_closes_the_connection(
    served: Served,
) -> None:
    async with websockets.connect(f"ws://127.0.0.1:{served.port}/ws") as client:
        subscribe = {"method": "SUBSCRIBE", "params": ["x" * 70_000], "id": 1}
        closed = await closing(client, [subscribe])

    assert closed is not None
    assert closed.code == 1009  # message too big


async def test_more_than_five_messages_a_second_close_the_connection(served: Served) -> None:
    async with websockets.connect(f"ws://127.0.0.1:{served.port}/ws") as client:
        for ident in range(5):  # a burst of five is allowed
            await client.send(json.dumps({"method": "LIST_SUBSCRIPTIONS", "id": ident}))
            answer = json.loads(await asyncio.wait_for(client.recv(), SLACK_S))
            assert answer == {"result": [], "id": ident}
        closed = await closing(
            client, [{"method": "LIST_SUBSCRIPTIONS", "id": ident} for ident in range(5, 10)]
        )

    assert closed is not None
    assert (closed.code, closed.reason) == (
        1008,
        "Too many messages: at most 5 a second.",
    )
