"""Behind a load balancer every connection comes from the balancer: its X-Forwarded-For is
believed only when it is a trusted proxy, and then request weight, WebSocket connections per
address and the access log are the forwarded client's. Here the trusted proxy is 127.0.0.2 and
127.0.0.1 a forwarder that is not trusted (loopback answers at both)."""

import asyncio
import json
from collections.abc import Iterator

import httpx
import pytest
import websockets

from entrypoints.settings import Settings
from tests.e2e.serving import Served, serving

TRUSTED = "127.0.0.2"
UNTRUSTED = "127.0.0.1"
DEPTH = "/api/v3/depth?symbol=BTCUSDT&limit=5"  # a weight of 5
TRY_AGAIN_LATER = 1013


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    environment = {
        "BOURSE_TRUSTED_PROXIES": TRUSTED,
        "BOURSE_WEIGHT_PER_MINUTE": "60",  # refills one a second: no weight drains mid-test
        "BOURSE_WS_CONNECTIONS_PER_ADDRESS": "1",
    }
    log_path = tmp_path_factory.mktemp("forwarded") / "server.log"
    with serving(environment, log_path) as server:
        yield server


def used_weight(served: Served, forwarder: str, forwarded_for: str) -> int:
    transport = httpx.HTTPTransport(local_address=forwarder)
    with httpx.Client(base_url=served.url, transport=transport, timeout=5) as client:
        response = client.get(DEPTH, headers={"X-Forwarded-For": forwarded_for})
    assert response.status_code == 200, response.text
    return int(response.headers["x-mbx-used-weight-1m"])


def logged_clients(served: Served) -> list[str]:
    """The client of each depth request in uvicorn's access log (JSON lines), oldest first."""
    lines = [json.loads(line) for line in served.log().splitlines() if line.startswith("{")]
    return [
        line["client"]
        for line in lines
        if line["event"] == "request" and line["path"].startswith("/api/v3/depth")
    ]


def test_a_trusted_proxys_clients_are_charged_and_logged_each_as_themselves(
    served: Served,
) -> None:
    first = used_weight(served, TRUSTED, "203.0.113.1")
    other = used_weight(served, TRUSTED, "203.0.113.2")
    # What a client writes itself is left of what the proxy appends, and is not believed.
    again = used_weight(served, TRUSTED, "198.51.100.9, 203.0.113.1")

    assert (first, other, again) == (5, 5, 10)
    assert logged_clients(served)[-3:] == ["203.0.113.1:0", "203.0.113.2:0", "203.0.113.1:0"]


def test_an_untrusted_forwarder_is_charged_and_logged_as_itself(served: Served) -> None:
    first = used_weight(served, UNTRUSTED, "203.0.113.3")
    other = used_weight(served, UNTRUSTED, "203.0.113.4")

    assert other == first + 5
    assert [client.split(":")[0] for client in logged_clients(served)[-2:]] == [UNTRUSTED] * 2


async def test_websocket_connections_are_counted_per_forwarded_client(served: Served) -> None:
    url = f"ws://127.0.0.1:{served.port}/ws"
    behind_proxy = [
        websockets.connect(
            url, local_addr=(TRUSTED, 0), additional_headers={"X-Forwarded-For": client}
        )
        for client in ("203.0.113.5", "203.0.113.6")
    ]
    async with behind_proxy[0] as first, behind_proxy[1] as second:
        for connection in (first, second):
            await connection.send('{"method": "LIST_SUBSCRIPTIONS", "id": 1}')
            assert await asyncio.wait_for(connection.recv(), 5) == '{"result":[],"id":1}'
    # Two clients of the untrusted forwarder are one address, whatever they claim to be.
    first_claim, second_claim = (
        websockets.connect(url, additional_headers={"X-Forwarded-For": client})
        for client in ("203.0.113.7", "203.0.113.8")
    )
    async with first_claim, second_claim as refused:
        with pytest.raises(websockets.exceptions.ConnectionClosed) as closed:
            await asyncio.wait_for(refused.recv(), 5)

    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == TRY_AGAIN_LATER


def test_a_trusted_proxy_that_is_neither_address_nor_network_stops_the_start(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("BOURSE_TRUSTED_PROXIES", "10.40.0.0/16, alb.internal")

    with pytest.raises(ValueError, match=r"BOURSE_TRUSTED_PROXIES: 'alb\.internal' does not"):
        Settings.from_env("memory")
