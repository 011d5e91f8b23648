"""Trades: the newest of a market, its history from an id or a time, an account's own trades,
and the market's last trade id."""

import pytest

from application.ports import UnitOfWorkFactory
from domain.events import Trade

ADA, BOB, CAROL = 7, 8, 9


def trade(
    trade_id: int,
    symbol: str = "BTCUSDT",
    buyer: int = ADA,
    seller: int = BOB,
    buyer_order: int | None = None,
    seller_order: int | None = None,
) -> Trade:
    return Trade(
        symbol=symbol,
        trade_id=trade_id,
        price=2_500_000_000 + trade_id,
        quantity=10**20 + trade_id,
        quote_quantity=25 * 10**20 + trade_id,
        buyer_order_id=buyer_order or 100 + trade_id,
        seller_order_id=seller_order or 200 + trade_id,
        buyer_account_id=buyer,
        seller_account_id=seller,
        buyer_is_maker=trade_id % 2 == 0,
        buyer_fee=trade_id,
        seller_fee=2 * trade_id,
        timestamp=1_000 * trade_id,
    )


async def _add(unit_of_work: UnitOfWorkFactory, *trades: Trade) -> None:
    async with unit_of_work() as uow:
        for added in trades:
            await uow.trades.add(added)
        await uow.commit()


async def test_trades_appear_only_once_committed(unit_of_work: UnitOfWorkFactory) -> None:
    async with unit_of_work() as uow:
        await uow.trades.add(trade(1))
        async with unit_of_work() as other:
            assert await other.trades.recent("BTCUSDT", 10) == []

    async def add_then_fail() -> None:
        async with unit_of_work() as uow:
            await uow.trades.add(trade(1))
            raise LookupError

    with pytest.raises(LookupError):
        await add_then_fail()
    async with unit_of_work() as uow:
        assert await uow.trades.recent("BTCUSDT", 10) == []
        assert await uow.trades.last_id("BTCUSDT") == 0


async def test_recent_and_history_of_a_market(unit_of_work: UnitOfWorkFactory) -> None:
    btc = [trade(i) for i in range(1, 11)]
    await _add(unit_of_work, *btc[:4])
    await _add(unit_of_work, *btc[4:], trade(1, symbol="ETHUSDT"))

    async with unit_of_work() as uow:
        trades = uow.trades
        assert await trades.recent("BTCUSDT", 3) == btc[-3:]
        assert await trades.recent("BTCUSDT", 100) == btc
        assert await trades.recent("XRPUSDT", 3) == []
        assert await trades.history("BTCUSDT") == btc
        assert await trades.history("BTCUSDT", limit=2) == btc[-2:]
        assert await trades.history("BTCUSDT", from_id=4, limit=3) == btc[3:6]
        assert await trades.history("BTCUSDT", from_id=11) == []
        assert await trades.history("BTCUSDT", start=2_000, limit=2) == btc[1:3]
        assert await trades.history("BTCUSDT", end=3_000, limit=2) == btc[1:3]
        assert await trades.history("BTCUSDT", start=5_000, end=7_000) == btc[4:7]
        assert await trades.history("ETHUSDT") == [trade(1, symbol="ETHUSDT")]
        assert await trades.last_id("BTCUSDT") == 10
        assert await trades.last_id("ETHUSDT") == 1


async def test_an_account_s_trades(unit_of_work: UnitOfWorkFactory) -> None:
    trades = [
        trade(1, buyer=ADA, seller=BOB, buyer_order=11),
        trade(2, buyer=BOB, seller=ADA, seller_order=12),
        trade(3, buyer=CAROL, seller=BOB),
        trade(4, buyer=ADA, seller=ADA, buyer_order=11, seller_order=13),  # a self-trade
        trade(5, buyer=BOB, seller=ADA, seller_order=12),
    ]
    await _add(unit_of_work, *trades, trade(6, symbol="ETHUSDT", buyer=ADA))

    async with unit_of_work() as uow:
        of_account = uow.trades.of_account
        assert await of_account(ADA, "BTCUSDT") == [trades[i] for i in (0, 1, 3, 4)]
        assert await of_account(CAROL, "BTCUSDT") == [trades[2]]
        assert await of_account(ADA, "BTCUSDT", order_id=11) == [trades[0], trades[3]]
        assert await of_account(ADA, "BTCUSDT", order_id=12, limit=1) == [trades[4]]
        assert await of_account(ADA, "BTCUSDT", from_id=2, limit=2) == [trades[1], trades[3]]
        assert await of_account(ADA, "BTCUSDT", start=3_000, end=4_000) == [trades[3]]
        assert await of_account(ADA, "BTCUSDT", limit=1) == [trades[4]]
        assert await of_account(BOB, "ETHUSDT") == [trade(6, symbol="ETHUSDT", buyer=ADA)]
        assert await of_account(CAROL, "ETHUSDT") == []
