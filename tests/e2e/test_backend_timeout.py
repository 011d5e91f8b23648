"""An order that no engine answers in time (none runs its market): Binance's 503 -1007, and the
order's fate read afterwards by the client order id the api gave it."""

import attrs
from litestar.testing import AsyncTestClient

from adapters.security.secret_box import SecretBox
from entrypoints.api.app import create_app
from entrypoints.server import build_container
from tests.e2e.conftest import SETTINGS, Venue


async def test_an_order_no_engine_answers_is_answered_503_1007(
    postgres_engine: object, postgres_url: str, redis_url: str
) -> None:
    lonely = attrs.evolve(
        SETTINGS, adapters="local", role="api", database_url=postgres_url, redis_url=redis_url,
        secret_key=SecretBox.new_key(), command_timeout_ms=300,
    )  # fmt: skip
    container = build_container(lonely)
    async with AsyncTestClient(create_app(container, ("api",))) as client:
        venue = Venue(client, container)
        trader = await venue.trader("waiting", USDT="1000")
        response = await trader.request(
            "POST", "/api/v3/order", symbol="BTCUSDT", side="BUY", type="LIMIT",
            timeInForce="GTC", quantity="0.01", price="50000", newClientOrderId="fate-1",
        )  # fmt: skip
        assert (response.status_code, response.json()) == (
            503,
            {
                "code": -1007,
                "msg": "Timeout waiting for response from backend server. Send status unknown; "
                "execution status unknown.",
            },
        )
        lookup = await trader.request(
            "GET", "/api/v3/order", symbol="BTCUSDT", origClientOrderId="fate-1"
        )
        assert lookup.json() == {"code": -2013, "msg": "Order does not exist."}
