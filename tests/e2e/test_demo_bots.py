"""The demo bots that `make run` starts: within seconds the book is live, and the protecting
trader has bought and sold under a trailing stop-loss, a take-profit and an OCO."""

import asyncio
from typing import Any

from litestar.testing import AsyncTestClient

from domain.orders import OrderType
from entrypoints.server import build_app
from tests.e2e.conftest import SETTINGS

PROTECTIVE = {OrderType.STOP_LOSS, OrderType.TAKE_PROFIT_LIMIT, OrderType.LIMIT_MAKER}


async def test_the_bots_protect_positions_with_stops() -> None:
    app, container = build_app(SETTINGS, bots=True)
    async with AsyncTestClient(app=app) as client:
        found: list[Any] = []
        for _ in range(60):
            await asyncio.sleep(0.5)
            # On the app's own event loop, where its store lives.
            portal = client.blocking_portal
            assert portal is not None
            found = await asyncio.to_thread(portal.call, protective_orders, container)
            if {order.type for order in found} == PROTECTIVE:
                break
        assert {order.type for order in found} == PROTECTIVE
        depth = (await client.get("/api/v3/depth?symbol=BTCUSDT")).json()
        assert depth["bids"] and depth["asks"]


async def protective_orders(container: Any) -> list[Any]:
    trading = container.trading()
    async with trading.unit_of_work() as uow:
        user = await uow.users.by_email("protector@bots.bourse.local")
        if user is None:
            return []
        orders = await uow.orders.of_account(user.user_id, None, limit=1000)
    # The LIMIT_MAKER is the OCO's, the bot's only order list; its STOP_LOSS is the other leg.
    return [
        order
        for order in orders
        if order.type in PROTECTIVE
        and (order.type is not OrderType.LIMIT_MAKER or order.order_list_id >= 0)
    ]
