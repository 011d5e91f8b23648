"""Recorded answers of commands: kept with the transaction that committed the command, found by
id, a command id recorded once only, and dropped per market once old."""

import pytest

from application.ports import UnitOfWorkFactory


async def test_answers_are_kept_with_their_commit(unit_of_work: UnitOfWorkFactory) -> None:
    async with unit_of_work() as uow:
        await uow.commands.add("a", "BTCUSDT", b"first", 1_000)
    async with unit_of_work() as uow:
        assert await uow.commands.answers(["a"]) == {}
        await uow.commands.add("a", "BTCUSDT", b"first", 1_000)
        await uow.commands.add("b", "ETHUSDT", b"second", 2_000)
        await uow.commit()
    async with unit_of_work() as uow:
        assert await uow.commands.answers(["a", "b", "c"]) == {"a": b"first", "b": b"second"}


async def test_a_command_is_recorded_once(unit_of_work: UnitOfWorkFactory) -> None:
    async with unit_of_work() as uow:
        await uow.commands.add("a", "BTCUSDT", b"first", 1_000)
        await uow.commit()
    async with unit_of_work() as uow:
        await uow.commands.add("a", "BTCUSDT", b"again", 2_000)
        with pytest.raises(Exception):  # noqa: B017, PT011 - the store's own refusal, whatever its type
            await uow.commit()
    async with unit_of_work() as uow:
        assert await uow.commands.answers(["a"]) == {"a": b"first"}


async def test_old_answers_of_a_market_are_forgotten(unit_of_work: UnitOfWorkFactory) -> None:
    async with unit_of_work() as uow:
        await uow.commands.add("old", "BTCUSDT", b"1", 1_000)
        await uow.commands.add("new", "BTCUSDT", b"2", 5_000)
        await uow.commands.add("other", "ETHUSDT", b"3", 1_000)
        await uow.commit()
    async with unit_of_work() as uow:
        await uow.commands.forget("BTCUSDT", 5_000)
        await uow.commit()
    async with unit_of_work() as uow:
        assert await uow.commands.answers(["old", "new", "other"]) == {"new": b"2", "other": b"3"}
