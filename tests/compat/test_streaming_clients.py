"""ccxt.pro's watch methods and python-binance's socket manager against Bourse's streams."""

import asyncio
from typing import Any

from binance import AsyncClient, BinanceSocketManager

from tests.live_server import LiveServer, SignedClient

# A stream's message comes within a second on a quiet machine; through the split deployment on
# AWS (Kinesis, on moto) with the whole suite running beside it, an order book update once did
# not come within 5 s.
WAIT_S = 15


def rest_book(trader: SignedClient) -> Any:
    return trader.client.get("/api/v3/depth", params={"symbol": "ETHUSDT", "limit": 100}).json()


def place(trader: SignedClient, side: str, quantity: str, price: str) -> Any:
    # One trader makes the book and takes from it: its orders may trade with each other
    # (selfTradePreventionMode NONE), or the default EXPIRE_MAKER would expire its own quotes.
    return trader.call(
        "POST", "/api/v3/order", symbol="ETHUSDT", side=side, type="LIMIT",
        timeInForce="GTC", quantity=quantity, price=price, selfTradePreventionMode="NONE",
    )  # fmt: skip


async def test_ccxt_pro_watches_the_order_book_and_trades(live: LiveServer) -> None:
    trader = live.signed("pro-trader", ETH="100", USDT="1000000")
    place(trader, "SELL", "1", "3001")
    place(trader, "BUY", "1", "2999")
    exchange = live.ccxt_pro("pro-watcher")
    try:
        await exchange.load_markets()
        book = await exchange.watch_order_book("ETH/USDT")
        await asyncio.to_thread(place, trader, "SELL", "0.5", "3002")
        await asyncio.to_thread(place, trader, "BUY", "0.25", "2998")
        expected = await asyncio.to_thread(rest_book, trader)
        while book["nonce"] < expected["lastUpdateId"]:
            book = await asyncio.wait_for(exchange.watch_order_book("ETH/USDT"), WAIT_S)
        assert [level[:2] for level in book["asks"]] == [
            [float(p), float(q)] for p, q in expected["asks"]
        ]
        assert [level[:2] for level in book["bids"]] == [
            [float(p), float(q)] for p, q in expected["bids"]
        ]
        watching = asyncio.ensure_future(exchange.watch_trades("ETH/USDT"))
        await asyncio.sleep(0.3)
        await asyncio.to_thread(place, trader, "BUY", "0.4", "3001")
        trades = await asyncio.wait_for(watching, WAIT_S)
        assert [(t["price"], t["amount"], t["side"]) for t in trades] == [(3001.0, 0.4, "buy")]
    finally:
        await exchange.close()


async def test_python_binance_socket_manager_streams_trades(live: LiveServer) -> None:
    trader = live.signed("pb-socket-trader", ETH="100", BTC="10")

    def place_ethbtc(side: str) -> Any:
        return trader.call(
            "POST", "/api/v3/order", symbol="ETHBTC", side=side, type="LIMIT",
            timeInForce="GTC", quantity="0.5", price="0.05", selfTradePreventionMode="NONE",
        )  # fmt: skip

    client = AsyncClient()  # its create() would ping binance.com first
    try:
        manager = BinanceSocketManager(client)
        manager.STREAM_URL = f"{live.ws_url}/"
        async with (
            manager.trade_socket("ETHBTC") as trades,
            manager.multiplex_socket(["ethbtc@bookTicker"]) as tickers,
        ):
            await asyncio.sleep(0.5)
            await asyncio.to_thread(place_ethbtc, "SELL")
            ticker = await asyncio.wait_for(tickers.recv(), WAIT_S)
            assert ticker["stream"] == "ethbtc@bookTicker"
            assert ticker["data"]["a"] == "0.05000000"
            await asyncio.to_thread(place_ethbtc, "BUY")
            trade = await asyncio.wait_for(trades.recv(), WAIT_S)
            assert (trade["e"], trade["s"], trade["p"], trade["q"]) == (
                "trade", "ETHBTC", "0.05000000", "0.50000000",
            )  # fmt: skip
    finally:
        await client.close_connection()
