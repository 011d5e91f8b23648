"""The outbox: messages kept with the transaction that wrote them, handed out oldest first per
symbol, gone once relayed."""

from application.ports import UnitOfWorkFactory
from application.relay import decode_events
from domain.events import BookChanged


def changed(price: int) -> list[BookChanged]:
    return [BookChanged("BTCUSDT", ((price, 1),), ())]


async def test_messages_wait_in_commit_order_until_relayed(unit_of_work: UnitOfWorkFactory) -> None:
    async with unit_of_work() as uow:
        await uow.outbox.add("BTCUSDT", 1, changed(10))
        await uow.outbox.add("ETHUSDT", 1, changed(20))
        await uow.outbox.add("BTCUSDT", 2, changed(30))
        await uow.commit()
    async with unit_of_work() as uow:
        pending = await uow.outbox.pending({"BTCUSDT"}, 10)
    assert [(m.symbol, m.sequence) for m in pending] == [("BTCUSDT", 1), ("BTCUSDT", 2)]
    assert decode_events(pending[1].events) == changed(30)
    async with unit_of_work() as uow:
        await uow.outbox.relayed([pending[0].outbox_id])
        await uow.commit()
    async with unit_of_work() as uow:
        left = await uow.outbox.pending({"BTCUSDT", "ETHUSDT"}, 1)
        await uow.outbox.relayed([m.outbox_id for m in await uow.outbox.pending({"ETHUSDT"}, 9)])
        await uow.outbox.relayed([pending[1].outbox_id])
        await uow.commit()
    assert [(m.symbol, m.sequence) for m in left] == [("ETHUSDT", 1)]
    async with unit_of_work() as uow:
        assert await uow.outbox.pending({"BTCUSDT", "ETHUSDT"}, 10) == []


async def test_nothing_is_kept_without_commit(unit_of_work: UnitOfWorkFactory) -> None:
    async with unit_of_work() as uow:
        await uow.outbox.add("BTCUSDT", 1, changed(10))
    async with unit_of_work() as uow:
        assert await uow.outbox.pending({"BTCUSDT"}, 10) == []
