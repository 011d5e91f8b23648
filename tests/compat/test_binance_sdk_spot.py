"""Binance's official Spot SDK (binance-sdk-spot), which has no listenKey calls at all: its REST
and WebSocket API clients against Bourse, changing only their URLs."""

import asyncio
from typing import Any

from binance_common.configuration import ConfigurationRestAPI, ConfigurationWebSocketAPI
from binance_sdk_spot.rest_api.models import (
    NewOrderSideEnum,
    NewOrderTimeInForceEnum,
    NewOrderTypeEnum,
)
from binance_sdk_spot.spot import Spot
from binance_sdk_spot.websocket_api.models import (
    ExecutionReport,
    OrderPlaceSideEnum,
    OrderPlaceTimeInForceEnum,
    OrderPlaceTypeEnum,
)

from tests.live_server import LiveServer


async def test_the_rest_client_places_and_queries_an_order(live: LiveServer) -> None:
    api_key, secret, _ = live.api_key("sdk-rest-trader", USDT="10000")
    configuration = ConfigurationRestAPI(
        api_key=api_key, api_secret=secret, base_path=live.base_url
    )
    rest = Spot(config_rest_api=configuration).rest_api
    placed = await asyncio.to_thread(
        rest.new_order, symbol="BTCUSDT", side=NewOrderSideEnum.BUY, type=NewOrderTypeEnum.LIMIT,
        time_in_force=NewOrderTimeInForceEnum.GTC, quantity=0.01, price=50000.0,
    )  # fmt: skip
    order = placed.data()
    assert (order.status, order.orig_qty) == ("NEW", "0.01000000")
    found = await asyncio.to_thread(rest.get_order, symbol="BTCUSDT", order_id=order.order_id)
    assert found.data().client_order_id == order.client_order_id


async def test_the_websocket_api_client_trades_and_follows_its_orders(live: LiveServer) -> None:
    api_key, secret, _ = live.api_key("sdk-ws-trader", BTC="1")
    configuration = ConfigurationWebSocketAPI(
        api_key=api_key, api_secret=secret, stream_url=f"{live.ws_url}/ws-api/v3"
    )
    websocket_api = Spot(config_ws_api=configuration).websocket_api
    connection = await websocket_api.create_connection()  # type: ignore[no-untyped-call]
    events: list[Any] = []
    try:
        subscribed = await connection.user_data_stream_subscribe_signature()
        subscribed.stream.on("message", events.append)
        placed = await connection.order_place(
            symbol="BTCUSDT", side=OrderPlaceSideEnum.SELL, type=OrderPlaceTypeEnum.LIMIT,
            time_in_force=OrderPlaceTimeInForceEnum.GTC, quantity=0.5, price=70000.0,
        )  # fmt: skip
        order = placed.data().result
        assert order.status == "NEW"
        status = await connection.order_status(symbol="BTCUSDT", order_id=order.order_id)
        assert status.data().result.order_id == order.order_id
        canceled = await connection.order_cancel(symbol="BTCUSDT", order_id=order.order_id)
        assert canceled.data().result.status == "CANCELED"
        for _ in range(50):
            if len(reports(events)) == 2:
                break
            await asyncio.sleep(0.1)
        assert reports(events) == [("NEW", order.order_id), ("CANCELED", order.order_id)]
    finally:
        await connection.close_connection(close_session=True)


def reports(events: list[Any]) -> list[tuple[str | None, int | None]]:
    """The order status and id of each executionReport among the events, as the SDK read
    them into its models."""
    models = [getattr(event, "actual_instance", event) for event in events]
    return [(model.X, model.i) for model in models if isinstance(model, ExecutionReport)]
