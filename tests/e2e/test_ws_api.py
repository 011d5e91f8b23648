"""The WebSocket API at /ws-api/v3, on every deployment: market and order methods answered as
their REST endpoints answer, user data events on the connection, many requests in flight."""

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import websockets

from tests.live_server import LiveServer, SignedClient, live
from tests.ws_api_client import WsApiClient, signed

__all__ = ["live"]


@asynccontextmanager
async def connected(live: LiveServer, name: str = "", **funds: str) -> AsyncIterator[WsApiClient]:
    """A connection, for a new funded account if `name` is given."""
    api_key, secret = live.api_key(name, **funds)[:2] if name else ("", "")
    async with websockets.connect(f"{live.ws_url}/ws-api/v3") as socket:
        yield WsApiClient(socket, api_key, secret)


def rest(live: LiveServer, path: str, **params: Any) -> Any:
    return httpx.get(f"{live.base_url}{path}", params=params, timeout=10).json()


async def test_market_methods_answer_as_rest_does(live: LiveServer) -> None:
    async with connected(live, "market-maker", BTC="1") as client:
        await client.result(
            "order.place", symbol="BTCUSDT", side="SELL", type="LIMIT", timeInForce="GTC",
            quantity="0.1", price="61000",
        )  # fmt: skip
        ping = await client.call("ping")
        assert (ping["status"], ping["result"]) == (200, {})
        assert ping["rateLimits"][0] | {"count": 0} == {
            "rateLimitType": "REQUEST_WEIGHT",
            "interval": "MINUTE",
            "intervalNum": 1,
            "limit": 1_000_000,
            "count": 0,
        }
        server_time = (await client.call("time"))["result"]["serverTime"]
        assert abs(server_time - time.time() * 1000) < 5000
        info = (await client.call("exchangeInfo", symbol="BTCUSDT"))["result"]
        assert info["symbols"] == rest(live, "/api/v3/exchangeInfo", symbol="BTCUSDT")["symbols"]
        same: list[tuple[str, str, dict[str, Any]]] = [
            ("depth", "/api/v3/depth", {"symbol": "BTCUSDT", "limit": 5}),
            ("trades.recent", "/api/v3/trades", {"symbol": "BTCUSDT"}),
            ("klines", "/api/v3/klines", {"symbol": "BTCUSDT", "interval": "1m"}),
            ("ticker.price", "/api/v3/ticker/price", {"symbol": "BTCUSDT"}),
            ("ticker.book", "/api/v3/ticker/bookTicker", {"symbol": "BTCUSDT"}),
        ]
        for method, path, params in same:
            # Split, the book is the market data's snapshot, which an earlier test's last orders
            # may still be moving: both are read again until they show one state.
            for _ in range(20):
                answer = await client.call(method, **params)
                if answer["result"] == rest(live, path, **params):
                    break
                await asyncio.sleep(0.1)
            assert answer["result"] == rest(live, path, **params), method
        average = (await client.call("avgPrice", symbol="BTCUSDT"))["result"]
        expected = rest(live, "/api/v3/avgPrice", symbol="BTCUSDT")
        # With no trade yet, the close time is the time of asking.
        assert (average["mins"], average["price"]) == (expected["mins"], expected["price"])
        depth = (await client.call("depth", symbol="BTCUSDT", limit=5))["result"]
        assert depth["asks"][0] == ["61000.00000000", "0.10000000"]
        many = await client.call("ticker.price", symbols=["BTCUSDT", "ETHUSDT"])
        assert [t["symbol"] for t in many["result"]] == ["BTCUSDT", "ETHUSDT"]


async def test_an_order_placed_queried_amended_and_canceled(live: LiveServer) -> None:
    async with connected(live, "ws-trader", USDT="10000") as client:
        placed = await client.result(
            "order.place", symbol="BTCUSDT", side="BUY", type="LIMIT", timeInForce="GTC",
            quantity="0.02", price="50000", newClientOrderId="ws-order-1",
        )  # fmt: skip
        assert (placed["status"], placed["clientOrderId"]) == ("NEW", "ws-order-1")
        status = await client.result("order.status", symbol="BTCUSDT", orderId=placed["orderId"])
        assert (status["orderId"], status["origQty"]) == (placed["orderId"], "0.02000000")
        listed = await client.result("openOrders.status", symbol="BTCUSDT")
        assert [o["orderId"] for o in listed] == [placed["orderId"]]
        amended = await client.result(
            "order.amend.keepPriority", symbol="BTCUSDT", origClientOrderId="ws-order-1",
            newQty="0.01",
        )  # fmt: skip
        assert amended["amendedOrder"]["origQty"] == "0.01000000"
        canceled = await client.result("order.cancel", symbol="BTCUSDT", orderId=placed["orderId"])
        assert canceled["status"] == "CANCELED"
        history = await client.result("allOrders", symbol="BTCUSDT")
        assert [(o["orderId"], o["status"]) for o in history] == [(placed["orderId"], "CANCELED")]
        account = await client.result("account.status")
        usdt = next(b for b in account["balances"] if b["asset"] == "USDT")
        assert (usdt["free"], usdt["locked"]) == ("10000.00000000", "0.00000000")
        assert await client.result("openOrders.status", symbol="BTCUSDT") == []


async def test_a_trade_reported_on_the_user_data_subscription(live: LiveServer) -> None:
    async with (
        connected(live, "ws-seller", BTC="1") as seller,
        connected(live, "ws-buyer", USDT="100000") as buyer,
    ):
        assert await seller.result("userDataStream.subscribe.signature") == {"subscriptionId": 0}
        assert (await seller.call("session.subscriptions"))["result"] == [{"subscriptionId": 0}]
        resting = await seller.result(
            "order.place", symbol="BTCUSDT", side="SELL", type="LIMIT", timeInForce="GTC",
            quantity="0.5", price="60500",
        )  # fmt: skip
        await buyer.result(
            "order.place", symbol="BTCUSDT", side="BUY", type="MARKET", quantity="0.2"
        )
        reports: list[Any] = []
        positions: list[Any] = []
        while len(reports) < 2 or len(positions) < 2:
            event = await seller.event()
            assert event["subscriptionId"] == 0
            payload = event["event"]
            (reports if payload["e"] == "executionReport" else positions).append(payload)
        assert [(r["x"], r["X"], r["i"]) for r in reports] == [
            ("NEW", "NEW", resting["orderId"]),
            ("TRADE", "PARTIALLY_FILLED", resting["orderId"]),
        ]
        assert (reports[1]["l"], reports[1]["L"]) == ("0.20000000", "60500.00000000")
        balances = {b["a"]: b for b in positions[-1]["B"]}
        assert balances["BTC"] == {"a": "BTC", "f": "0.50000000", "l": "0.30000000"}
        trades = await seller.result("myTrades", symbol="BTCUSDT")
        assert [(t["orderId"], t["qty"]) for t in trades] == [(resting["orderId"], "0.20000000")]
        unsubscribed = await seller.call("userDataStream.unsubscribe")
        assert unsubscribed["result"] == {}
        terminated = await seller.event()
        assert terminated["subscriptionId"] == 0
        assert terminated["event"]["e"] == "eventStreamTerminated"
        assert (await seller.call("session.status"))["result"]["userDataStream"] is False


async def test_deleting_the_api_key_ends_its_subscriptions(live: LiveServer) -> None:
    name = "ws-deletes-its-key"
    async with connected(live, name) as client:
        assert await client.result("userDataStream.subscribe.signature") == {"subscriptionId": 0}
        web = httpx.Client(base_url=live.base_url, timeout=10)
        credentials = {"email": f"{name}@example.com", "password": "correct horse battery"}
        token = web.post("/api/v1/auth/login", json=credentials).json()["access_token"]
        deleted = web.delete(
            f"/api/v1/api-keys/{client.api_key}", headers={"Authorization": f"Bearer {token}"}
        )
        assert deleted.status_code == 200
        terminated = await client.event()
        assert terminated["event"]["e"] == "eventStreamTerminated"
        assert (await client.call("session.subscriptions"))["result"] == []
        refused = await client.signed("account.status")
        assert (refused["status"], refused["error"]["code"]) == (401, -2015)


async def test_many_requests_in_flight_on_one_connection(live: LiveServer) -> None:
    """Each answer carries its request's id; requests on one market keep their order: a cancel
    sent right behind its order, before any answer, finds it."""
    async with connected(live, "ws-pipeliner", USDT="100000") as client:
        # Split, the engine learns of the deposit made in another process at the account's
        # first order; concurrent first orders may be refused meanwhile (as over REST).
        await client.result(
            "order.place", symbol="BTCUSDT", side="BUY", type="LIMIT", timeInForce="GTC",
            quantity="0.01", price="40000", newClientOrderId="warm-up",
        )  # fmt: skip
        await client.result("order.cancel", symbol="BTCUSDT", origClientOrderId="warm-up")
        sent: dict[int, tuple[str, str]] = {}
        for number in range(20):
            symbol = ("BTCUSDT", "ETHUSDT")[number % 2]
            price = "50000" if symbol == "BTCUSDT" else "2000"
            client_id = f"pipelined-{number}"
            order = signed(
                client.api_key, client.secret, symbol=symbol, side="BUY", type="LIMIT",
                timeInForce="GTC", quantity="0.01", price=price, newClientOrderId=client_id,
            )  # fmt: skip
            sent[await client.send("order.place", order)] = ("NEW", client_id)
            cancel = signed(
                client.api_key, client.secret, symbol=symbol, origClientOrderId=client_id
            )
            sent[await client.send("order.cancel", cancel)] = ("CANCELED", client_id)
        ping = await client.send("ping")
        answers = [await client.answer(ident) for ident in [*sent, ping]]
    assert answers.pop() == {"id": ping, "status": 200, "result": {}, "rateLimits": ANY_LIMITS}
    for (ident, (status, client_id)), answer in zip(sent.items(), answers, strict=True):
        assert (answer["id"], answer["status"]) == (ident, 200), answer
        result = answer["result"]
        original = result["clientOrderId"] if status == "NEW" else result["origClientOrderId"]
        assert (result["status"], original) == (status, client_id)


class AnyRateLimits:
    def __eq__(self, other: object) -> bool:
        return isinstance(other, list) and other[0]["rateLimitType"] == "REQUEST_WEIGHT"


ANY_LIMITS = AnyRateLimits()


async def test_account_methods_answer_as_rest_does(live: LiveServer) -> None:
    api_key, secret = live.api_key("ws-account", USDT="100")[:2]
    by_rest = SignedClient(live.base_url, api_key, secret)
    methods: dict[str, tuple[str, dict[str, Any]]] = {
        "account.commission": ("/api/v3/account/commission", {"symbol": "BTCUSDT"}),
        "account.rateLimits.orders": ("/api/v3/rateLimit/order", {}),
        "myPreventedMatches": ("/api/v3/myPreventedMatches", {"symbol": "BTCUSDT", "orderId": 1}),
    }
    async with websockets.connect(f"{live.ws_url}/ws-api/v3") as socket:
        client = WsApiClient(socket, api_key, secret)
        for method, (path, params) in methods.items():
            answered = await client.result(method, **params)
            assert answered == by_rest.call("GET", path, **params), method


async def test_stop_and_iceberg_orders_over_the_websocket_api(live: LiveServer) -> None:
    async with connected(live, "ws-stops", BTC="1") as client:
        stop = await client.result(
            "order.place", symbol="BTCUSDT", side="SELL", type="STOP_LOSS", quantity="0.01",
            stopPrice="1000",
        )  # fmt: skip
        status = await client.result("order.status", symbol="BTCUSDT", orderId=stop["orderId"])
        assert (status["type"], status["isWorking"], status["workingTime"]) == (
            "STOP_LOSS", False, -1,
        )  # fmt: skip
        assert float(status["stopPrice"]) == 1000
        iceberg = await client.result(
            "order.place", symbol="BTCUSDT", side="SELL", type="LIMIT", timeInForce="GTC",
            quantity="0.3", price="150000", icebergQty="0.1",
        )  # fmt: skip
        shown = await client.result("order.status", symbol="BTCUSDT", orderId=iceberg["orderId"])
        assert float(shown["icebergQty"]) == 0.1
        for placed in (stop, iceberg):
            canceled = await client.result(
                "order.cancel", symbol="BTCUSDT", orderId=placed["orderId"]
            )
            assert canceled["status"] == "CANCELED"


async def test_order_lists_over_the_websocket_api(live: LiveServer) -> None:
    async with connected(live, "ws-lists", BTC="1") as client:
        await client.result("userDataStream.subscribe.signature")
        placed = await client.result(
            "orderList.place.oco", symbol="BTCUSDT", side="SELL", quantity="0.01",
            aboveType="LIMIT_MAKER", abovePrice="150000", belowType="STOP_LOSS",
            belowStopPrice="1000", listClientOrderId="ws-list",
        )  # fmt: skip
        list_id = placed["orderListId"]
        events = [(await client.event())["event"]]
        while events[-1]["e"] != "listStatus":
            events.append((await client.event())["event"])
        started = events[-1]
        assert [e["e"] for e in events].count("executionReport") == 2
        assert (started["g"], started["c"], started["l"], started["L"], started["C"]) == (
            list_id, "OCO", "EXEC_STARTED", "EXECUTING", "ws-list",
        )  # fmt: skip
        assert [o["i"] for o in started["O"]] == [o["orderId"] for o in placed["orders"]]
        assert {e["g"] for e in events if e["e"] == "executionReport"} == {list_id}
        status = await client.result("orderList.status", orderListId=list_id)
        assert status["listOrderStatus"] == "EXECUTING"
        assert [s["orderListId"] for s in await client.result("openOrderLists.status")] == [list_id]
        canceled = await client.result("orderList.cancel", symbol="BTCUSDT", orderListId=list_id)
        assert [r["status"] for r in canceled["orderReports"]] == ["CANCELED", "CANCELED"]
        ended = None
        while ended is None:
            event = (await client.event())["event"]
            ended = event if event["e"] == "listStatus" else None
        assert (ended["g"], ended["l"], ended["L"]) == (list_id, "ALL_DONE", "ALL_DONE")
        older = await client.result(
            "orderList.place", symbol="BTCUSDT", side="SELL", quantity="0.01",
            price="150000", stopPrice="1000",
        )  # fmt: skip
        listed = await client.result("allOrderLists")
        assert [found["orderListId"] for found in listed] == [list_id, older["orderListId"]]


async def list_events(client: WsApiClient) -> list[dict[str, Any]]:
    """The user data events up to the next listStatus, that one included."""
    events = [(await client.event())["event"]]
    while events[-1]["e"] != "listStatus":
        events.append((await client.event())["event"])
    return events


async def test_oto_and_otoco_lists_over_the_websocket_api(live: LiveServer) -> None:
    async with connected(live, "ws-oto", USDT="1000") as client:
        await client.result("userDataStream.subscribe.signature")
        working = {
            "symbol": "BTCUSDT", "workingType": "LIMIT", "workingSide": "BUY",
            "workingPrice": "20000", "workingQuantity": "0.01", "workingTimeInForce": "GTC",
        }  # fmt: skip
        placed = await client.result(
            "orderList.place.oto", pendingType="LIMIT", pendingSide="SELL",
            pendingPrice="150000", pendingQuantity="0.0099", pendingTimeInForce="GTC",
            **working,
        )  # fmt: skip
        assert placed["contingencyType"] == "OTO"
        assert [r["status"] for r in placed["orderReports"]] == ["NEW", "PENDING_NEW"]
        events = await list_events(client)
        reports = [(e["i"], e["x"], e["X"], e["g"]) for e in events if e["e"] == "executionReport"]
        list_id = placed["orderListId"]
        first, second = (o["orderId"] for o in placed["orders"])
        assert reports == [(first, "NEW", "NEW", list_id), (second, "NEW", "PENDING_NEW", list_id)]
        assert (events[-1]["c"], events[-1]["l"]) == ("OTO", "EXEC_STARTED")
        canceled = await client.result("orderList.cancel", symbol="BTCUSDT", orderListId=list_id)
        assert [r["status"] for r in canceled["orderReports"]] == ["CANCELED", "CANCELED"]
        await list_events(client)
        placed = await client.result(
            "orderList.place.otoco", pendingSide="SELL", pendingQuantity="0.0099",
            pendingAboveType="LIMIT_MAKER", pendingAbovePrice="150000",
            pendingBelowType="STOP_LOSS", pendingBelowStopPrice="1000", **working,
        )  # fmt: skip
        assert [r["status"] for r in placed["orderReports"]] == [
            "NEW",
            "PENDING_NEW",
            "PENDING_NEW",
        ]
        events = await list_events(client)
        assert [e["X"] for e in events if e["e"] == "executionReport"] == [
            "NEW", "PENDING_NEW", "PENDING_NEW",
        ]  # fmt: skip
        opened = await client.result("openOrderLists.status")
        assert [found["orderListId"] for found in opened] == [placed["orderListId"]]
