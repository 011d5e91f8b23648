"""A user data stream over WebSocket reports every change of a scripted session, in order."""

import asyncio
import json
from typing import Any

import websockets

from tests.live_server import LiveServer, live

__all__ = ["live"]


async def next_message(socket: Any) -> Any:
    return json.loads(await asyncio.wait_for(socket.recv(), 5))


async def test_a_session_reported_on_the_user_stream(live: LiveServer) -> None:
    seller = live.signed("stream-seller", BTC="1")
    buyer = live.signed("stream-buyer", USDT="100000")
    opened = seller.client.post(
        "/api/v3/userDataStream", headers={"X-MBX-APIKEY": seller.api_key}
    ).json()
    async with websockets.connect(f"{live.ws_url}/ws/{opened['listenKey']}") as socket:
        resting = await asyncio.to_thread(
            seller.call, "POST", "/api/v3/order", symbol="BTCUSDT", side="SELL", type="LIMIT",
            timeInForce="GTC", quantity="0.5", price="62000",
        )  # fmt: skip
        await asyncio.to_thread(
            buyer.call, "POST", "/api/v3/order", symbol="BTCUSDT", side="BUY", type="MARKET",
            quantity="0.2",
        )  # fmt: skip
        await asyncio.to_thread(
            seller.call, "DELETE", "/api/v3/order", symbol="BTCUSDT", orderId=resting["orderId"]
        )
        reports: list[Any] = []
        positions: list[Any] = []
        while len(reports) < 3 or len(positions) < 3:
            message = await next_message(socket)
            if message["e"] == "executionReport":
                reports.append(message)
            else:
                positions.append(message)
    assert [(r["x"], r["X"], r["i"]) for r in reports] == [
        ("NEW", "NEW", resting["orderId"]),
        ("TRADE", "PARTIALLY_FILLED", resting["orderId"]),
        ("CANCELED", "CANCELED", resting["orderId"]),
    ]
    fill = reports[1]
    assert (fill["l"], fill["L"], fill["z"], fill["m"]) == (
        "0.20000000", "62000.00000000", "0.20000000", True,
    )  # fmt: skip
    assert (fill["n"], fill["N"]) == ("12.40000000", "USDT")
    assert all(p["e"] == "outboundAccountPosition" for p in positions)
    balances = {b["a"]: b for b in positions[-1]["B"]}
    assert balances["BTC"] == {"a": "BTC", "f": "0.80000000", "l": "0.00000000"}


async def test_an_order_list_reported_on_the_user_stream(live: LiveServer) -> None:
    owner = live.signed("stream-lists", BTC="1")
    opened = owner.client.post(
        "/api/v3/userDataStream", headers={"X-MBX-APIKEY": owner.api_key}
    ).json()
    async with websockets.connect(f"{live.ws_url}/ws/{opened['listenKey']}") as socket:
        placed = await asyncio.to_thread(
            owner.call, "POST", "/api/v3/orderList/oco", symbol="BTCUSDT", side="SELL",
            quantity="0.1", aboveType="LIMIT_MAKER", abovePrice="150000",
            belowType="STOP_LOSS", belowStopPrice="1000",
        )  # fmt: skip
        await asyncio.to_thread(
            owner.call, "DELETE", "/api/v3/orderList", symbol="BTCUSDT",
            orderListId=placed["orderListId"],
        )  # fmt: skip
        messages: list[Any] = []
        while [m["e"] for m in messages].count("listStatus") < 2:
            messages.append(await next_message(socket))
    reports = [(m["x"], m["i"], m["g"]) for m in messages if m["e"] == "executionReport"]
    stop_id, limit_id = (o["orderId"] for o in placed["orders"])
    list_id = placed["orderListId"]
    assert reports == [
        ("NEW", stop_id, list_id),
        ("NEW", limit_id, list_id),
        ("CANCELED", stop_id, list_id),
        ("CANCELED", limit_id, list_id),
    ]
    statuses = [(m["l"], m["L"], m["g"], m["c"]) for m in messages if m["e"] == "listStatus"]
    assert statuses == [
        ("EXEC_STARTED", "EXECUTING", list_id, "OCO"),
        ("ALL_DONE", "ALL_DONE", list_id, "OCO"),
    ]
    # Each listStatus follows its orders' reports. (The funding deposit's balanceUpdate may
    # come after the stream opened: in aws mode it goes by way of the event log.)
    kinds = [m["e"] for m in messages if m["e"] not in ("outboundAccountPosition", "balanceUpdate")]
    assert kinds == ["executionReport", "executionReport", "listStatus"] * 2


async def test_an_oto_reported_on_the_user_stream(live: LiveServer) -> None:
    """The pending order is reported PENDING_NEW with its list, then NEW when the working order
    fills; each listStatus follows its orders' reports."""
    owner = live.signed("stream-oto", USDT="10000")
    seller = live.signed("stream-oto-seller", BTC="1")
    opened = owner.client.post(
        "/api/v3/userDataStream", headers={"X-MBX-APIKEY": owner.api_key}
    ).json()
    async with websockets.connect(f"{live.ws_url}/ws/{opened['listenKey']}") as socket:
        placed = await asyncio.to_thread(
            owner.call, "POST", "/api/v3/orderList/oto", symbol="BTCUSDT",
            workingType="LIMIT", workingSide="BUY", workingPrice="61000",
            workingQuantity="0.01", workingTimeInForce="GTC", pendingType="LIMIT",
            pendingSide="SELL", pendingPrice="63000", pendingQuantity="0.0099",
            pendingTimeInForce="GTC",
        )  # fmt: skip
        await asyncio.to_thread(
            seller.call, "POST", "/api/v3/order", symbol="BTCUSDT", side="SELL", type="LIMIT",
            timeInForce="GTC", quantity="0.01", price="61000",
        )  # fmt: skip
        messages: list[Any] = []
        while [m["e"] for m in messages].count("listStatus") < 2:
            messages.append(await next_message(socket))
    working_id, pending_id = (o["orderId"] for o in placed["orders"])
    reports = [(m["x"], m["X"], m["i"]) for m in messages if m["e"] == "executionReport"]
    assert reports == [
        ("NEW", "NEW", working_id),
        ("NEW", "PENDING_NEW", pending_id),
        ("TRADE", "FILLED", working_id),
        ("NEW", "NEW", pending_id),
    ]
    pending = [m for m in messages if m["e"] == "executionReport" and m["i"] == pending_id]
    assert ("W" in pending[0], pending[1]["W"] > 0) == (False, True)
    statuses = [(m["l"], m["c"]) for m in messages if m["e"] == "listStatus"]
    assert statuses == [("EXEC_STARTED", "OTO"), ("ALL_DONE", "OTO")]
    kinds = [m["e"] for m in messages if m["e"] != "outboundAccountPosition"]
    assert kinds == ["executionReport", "executionReport", "listStatus"] * 2
