"""Waiting OTO and OTOCO lists survive a restart: the engine that takes the market over finds
their pending orders again, PENDING_NEW with what they held, and places them when their
working order fills, as the engine that never stopped would have."""

from domain.commands import OcoLeg, PlaceOco, PlaceOrder, PlaceOto, PlaceOtoco
from domain.events import ListStatus, OrderUpdated
from domain.orders import ListStatusType, OrderStatus, OrderType, Side
from tests.application.test_stop_recovery import FUNDS, MARKET, order, taken_over

BEFORE: list[PlaceOrder | PlaceOco | PlaceOto | PlaceOtoco] = [
    order(1, Side.SELL, OrderType.LIMIT, "1", "60000"),
    order(2, Side.BUY, OrderType.LIMIT, "1", "60000"),  # last price 60,000
    PlaceOto(
        3, "BTCUSDT",
        working=order(3, Side.SELL, OrderType.LIMIT, "0.5", "61000"),
        pending=order(3, Side.BUY, OrderType.LIMIT, "0.5", "59000"),
        list_client_order_id="oto", timestamp=1,
    ),
    PlaceOtoco(
        4, "BTCUSDT",
        working=order(4, Side.BUY, OrderType.LIMIT, "1", "58500"),
        pending=PlaceOco(
            4, "BTCUSDT", Side.SELL, MARKET.quantity("0.999"),
            above=OcoLeg(OrderType.LIMIT_MAKER, price=MARKET.price("62000")),
            below=OcoLeg(OrderType.STOP_LOSS, stop_price=MARKET.price("57000")),
        ),
        list_client_order_id="otoco", timestamp=1,
    ),
]  # fmt: skip
AFTER = [
    order(2, Side.BUY, OrderType.LIMIT, "0.5", "61000", at="2"),  # fills the OTO's working
    order(1, Side.SELL, OrderType.LIMIT, "1.5", "58500", at="3"),  # and the OTOCO's
    order(2, Side.BUY, OrderType.LIMIT, "0.999", "62000", at="4"),  # fills the OTOCO's maker
]


async def test_waiting_lists_are_rebuilt_and_place_their_pending_orders_as_before() -> None:
    async with taken_over(BEFORE) as (successor, reference):
        rebuilt = successor.exchange.state("BTCUSDT")
        assert {o.status for o in rebuilt.pending.orders.values()} == {OrderStatus.PENDING_NEW}
        assert len(rebuilt.pending.orders) == 3
        rebuilt.lists.check_invariants(MARKET)
        placed = []
        ended = []
        for command in AFTER:
            applied = await successor.submit(command)
            assert applied.events == reference.execute(command)
            rebuilt.lists.check_invariants(MARKET)
            placed += [
                e.order_id
                for e in applied.events
                if isinstance(e, OrderUpdated) and e.order_id in (4, 6, 7)
                and e.status is OrderStatus.NEW
            ]  # fmt: skip
            ended += [
                e.list_client_order_id
                for e in applied.events
                if isinstance(e, ListStatus) and e.status is ListStatusType.ALL_DONE
            ]
        assert placed == [4, 6, 7]
        assert ended == ["oto", "otoco"]
        assert not rebuilt.pending.orders and not rebuilt.lists.lists
        for account in FUNDS:
            for asset in ("BTC", "USDT"):
                assert successor.exchange.ledger.balance(
                    account, asset
                ) == reference.ledger.balance(account, asset)


async def test_an_otoco_taken_over_once_its_pair_works_still_names_its_working_order() -> None:
    """Rebuilt after its working order filled, an OTOCO goes on with its pair, and its statuses
    name all three of its orders, as the engine's that never stopped do."""
    otoco = next(command for command in BEFORE if isinstance(command, PlaceOtoco))
    before = [
        *BEFORE[:2],
        otoco,
        order(1, Side.SELL, OrderType.LIMIT, "1", "58500", at="2"),  # the pair works
    ]
    async with taken_over(before) as (successor, reference):
        rebuilt = successor.exchange.state("BTCUSDT")
        assert [len(found.legs) for found in rebuilt.lists.lists.values()] == [3]
        rebuilt.lists.check_invariants(MARKET)
        fill = order(2, Side.BUY, OrderType.LIMIT, "0.999", "62000", at="3")  # takes its maker
        applied = await successor.submit(fill)
        assert applied.events == reference.execute(fill)
        ended = [e for e in applied.events if isinstance(e, ListStatus)]
        assert [(e.status, len(e.orders)) for e in ended] == [(ListStatusType.ALL_DONE, 3)]
        assert not rebuilt.lists.lists
