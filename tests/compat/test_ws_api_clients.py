"""Current clients of Binance's WebSocket API against Bourse's, changing only URLs: ccxt.pro
trades over it and follows its orders, trades and balances there (as it does on Binance since
the listenKey streams ended), and python-binance's WebSocket API calls."""

import asyncio
from typing import Any

from binance import AsyncClient
from binance.ws.websocket_api import WebsocketAPI

from tests.live_server import LiveServer


async def test_ccxt_pro_trades_and_follows_its_account_over_the_websocket_api(
    live: LiveServer,
) -> None:
    seller = live.signed("pro-ws-seller", BTC="1")
    exchange = live.ccxt_pro("pro-ws-trader", USDT="100000")
    try:
        await exchange.load_markets()
        orders = asyncio.ensure_future(exchange.watch_orders("BTC/USDT"))
        await asyncio.sleep(0.5)  # the subscription is made before the order
        order = await exchange.create_order_ws("BTC/USDT", "limit", "buy", 0.01, 50000)
        assert (order["status"], order["amount"], order["price"]) == ("open", 0.01, 50000.0)
        watched = await asyncio.wait_for(orders, 5)
        assert [(o["id"], o["status"]) for o in watched] == [(order["id"], "open")]
        fetched = await exchange.fetch_order_ws(order["id"], "BTC/USDT")
        assert (fetched["id"], fetched["status"]) == (order["id"], "open")
        assert [o["id"] for o in await exchange.fetch_open_orders_ws("BTC/USDT")] == [order["id"]]
        # ccxt 4.5 parses account.status as a futures balance, leaving its totals empty (as it
        # does on Binance): the account's balances are in what it received.
        balance = await exchange.fetch_balance_ws()
        usdt = next(b for b in balance["info"]["balances"] if b["asset"] == "USDT")
        assert (usdt["free"], usdt["locked"]) == ("99500.00000000", "500.00000000")
        balances = asyncio.ensure_future(exchange.watch_balance())
        canceled = await exchange.cancel_order_ws(order["id"], "BTC/USDT")
        assert canceled["status"] == "canceled"
        assert (await asyncio.wait_for(balances, 5))["USDT"]["free"] == 100000.0
        await asyncio.to_thread(
            seller.call, "POST", "/api/v3/order", symbol="BTCUSDT", side="SELL",
            type="LIMIT", timeInForce="GTC", quantity="0.02", price="60000",
        )  # fmt: skip
        trades = asyncio.ensure_future(exchange.watch_my_trades("BTC/USDT"))
        await asyncio.sleep(0.2)
        taken = await exchange.create_order_ws("BTC/USDT", "market", "buy", 0.02)
        assert taken["status"] == "closed"
        mine = await asyncio.wait_for(trades, 5)
        assert [(t["order"], t["price"], t["amount"]) for t in mine] == [
            (taken["id"], 60000.0, 0.02)
        ]
    finally:
        await exchange.close()


async def test_python_binance_websocket_api_calls(live: LiveServer) -> None:
    api_key, secret, _ = live.api_key("pb-ws-trader", USDT="10000")
    client = AsyncClient(api_key, secret)  # its create() would ping binance.com first
    client.ws_api = WebsocketAPI(url=f"{live.ws_url}/ws-api/v3")
    try:
        assert await client.ws_ping() == {}
        book: Any = await client.ws_get_order_book(symbol="BTCUSDT", limit=5)
        assert set(book) == {"lastUpdateId", "bids", "asks"}
        placed = await client.ws_create_order(
            symbol="BTCUSDT", side="BUY", type="LIMIT", timeInForce="GTC", quantity="0.01",
            price="40000",
        )  # fmt: skip
        assert placed["status"] == "NEW"
        found = await client.ws_get_order(symbol="BTCUSDT", orderId=placed["orderId"])
        assert found["clientOrderId"] == placed["clientOrderId"]
        opened = await client.ws_get_open_orders(symbol="BTCUSDT")
        assert [o["orderId"] for o in opened] == [placed["orderId"]]
        canceled = await client.ws_cancel_order(symbol="BTCUSDT", orderId=placed["orderId"])
        assert canceled["status"] == "CANCELED"
        account = await client.ws_get_account()
        assert {"asset": "USDT", "free": "10000.00000000", "locked": "0.00000000"} in account[
            "balances"
        ]
    finally:
        await client.close_connection()
