"""Market status changes: kept once committed, in the order committed, each market's last one
its current status; a market never changed has none."""

from application.ports import UnitOfWorkFactory
from domain.events import MarketStatusChanged
from domain.market_status import MarketStatus


def change(symbol: str, status: MarketStatus, at: int) -> MarketStatusChanged:
    return MarketStatusChanged(symbol, status, f"reason {at}: ünïcode, 'quotes'", at)


async def test_each_market_s_last_change_is_its_status(unit_of_work: UnitOfWorkFactory) -> None:
    async with unit_of_work() as uow:
        assert await uow.market_statuses.current() == {}
        await uow.market_statuses.add(change("BTCUSDT", MarketStatus.HALT, 1))
        await uow.market_statuses.add(change("ETHUSDT", MarketStatus.BREAK, 2))
        await uow.market_statuses.add(change("BTCUSDT", MarketStatus.CANCEL_ONLY, 3))
        await uow.commit()
    async with unit_of_work() as uow:
        await uow.market_statuses.add(change("BTCUSDT", MarketStatus.TRADING, 2))
        await uow.commit()
    async with unit_of_work() as uow:
        assert await uow.market_statuses.current() == {
            "BTCUSDT": change("BTCUSDT", MarketStatus.TRADING, 2),  # committed last, not newest
            "ETHUSDT": change("ETHUSDT", MarketStatus.BREAK, 2),
        }


async def test_a_change_not_committed_is_not_kept(unit_of_work: UnitOfWorkFactory) -> None:
    async with unit_of_work() as uow:
        await uow.market_statuses.add(change("BTCUSDT", MarketStatus.HALT, 1))
    async with unit_of_work() as uow:
        assert await uow.market_statuses.current() == {}
