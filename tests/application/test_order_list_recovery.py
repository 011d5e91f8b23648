"""Open OCO lists survive a restart: the engine that takes the market over finds them again
from their stored orders, with the one hold each list had, and their orders react as they
would have in the engine that never stopped."""

from domain.commands import OcoLeg, PlaceOco, PlaceOrder
from domain.events import ListStatus
from domain.orders import ListStatusType, OrderType, Side
from tests.application.test_stop_recovery import FUNDS, MARKET, order, taken_over

BEFORE: list[PlaceOrder | PlaceOco] = [
    order(1, Side.SELL, OrderType.LIMIT, "1", "60000"),
    order(2, Side.BUY, OrderType.LIMIT, "1", "60000"),  # last price 60,000
    PlaceOco(
        3, "BTCUSDT", Side.SELL, MARKET.quantity("1"),
        above=OcoLeg(OrderType.LIMIT_MAKER, price=MARKET.price("61000")),
        below=OcoLeg(OrderType.STOP_LOSS, stop_price=MARKET.price("59000")),
        list_client_order_id="sell-list", timestamp=1,
    ),
    PlaceOco(
        4, "BTCUSDT", Side.BUY, MARKET.quantity("0.5"),
        above=OcoLeg(
            OrderType.STOP_LOSS_LIMIT, price=MARKET.price("62500"),
            stop_price=MARKET.price("62000"),
        ),
        below=OcoLeg(OrderType.LIMIT_MAKER, price=MARKET.price("58000")),
        list_client_order_id="buy-list", timestamp=1,
    ),
]  # fmt: skip
AFTER = [
    order(2, Side.BUY, OrderType.LIMIT, "0.4", "61000", at="2"),  # takes part of 3's maker
    order(1, Side.SELL, OrderType.LIMIT, "0.5", "58000", at="3"),  # fills 4's maker
]


async def test_open_lists_are_rebuilt_with_their_hold_and_react_as_before() -> None:
    async with taken_over(BEFORE) as (successor, reference):
        rebuilt = successor.exchange.state("BTCUSDT")
        assert {found.list_client_order_id for found in rebuilt.lists.lists.values()} == {
            "sell-list", "buy-list",
        }  # fmt: skip
        rebuilt.lists.check_invariants(MARKET)
        for account in (3, 4):
            for asset in ("BTC", "USDT"):
                assert successor.exchange.ledger.balance(
                    account, asset
                ) == reference.ledger.balance(account, asset)
        ended = []
        for command in AFTER:
            applied = await successor.submit(command)
            assert applied.events == reference.execute(command)
            ended += [
                e.list_client_order_id
                for e in applied.events
                if isinstance(e, ListStatus) and e.status is ListStatusType.ALL_DONE
            ]
        assert ended == ["sell-list", "buy-list"]
        assert not rebuilt.lists.lists
        for account in FUNDS:
            for asset in ("BTC", "USDT"):
                assert successor.exchange.ledger.balance(
                    account, asset
                ) == reference.ledger.balance(account, asset)
