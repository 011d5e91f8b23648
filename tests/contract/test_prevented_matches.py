"""Prevented matches: kept once committed, an account's by id or by order from an id on, and
the market's last prevented match id."""

import pytest

from application.ports import UnitOfWorkFactory
from domain.events import PreventedMatch
from domain.orders import SelfTradePrevention

ADA, BOB = 7, 8


def match(
    match_id: int,
    symbol: str = "BTCUSDT",
    account: int = ADA,
    taker: int = 20,
    maker: int = 10,
    mode: SelfTradePrevention = SelfTradePrevention.DECREMENT,
) -> PreventedMatch:
    return PreventedMatch(
        symbol=symbol,
        prevented_match_id=match_id,
        taker_order_id=taker,
        maker_order_id=maker,
        account_id=account,
        mode=mode,
        price=2_500_000_000 + match_id,
        quantity=10**20 + match_id,
        taker_prevented_quantity=10**20 + match_id,
        maker_prevented_quantity=match_id,
        timestamp=1_000 * match_id,
    )


async def _add(unit_of_work: UnitOfWorkFactory, *matches: PreventedMatch) -> None:
    async with unit_of_work() as uow:
        for added in matches:
            await uow.prevented_matches.add(added)
        await uow.commit()


async def test_prevented_matches_are_kept_only_once_committed(
    unit_of_work: UnitOfWorkFactory,
) -> None:
    async def add_then_fail() -> None:
        async with unit_of_work() as uow:
            await uow.prevented_matches.add(match(1))
            raise LookupError

    with pytest.raises(LookupError):
        await add_then_fail()
    async with unit_of_work() as uow:
        assert await uow.prevented_matches.of_account(ADA, "BTCUSDT", order_id=20) == []
        assert await uow.prevented_matches.last_id("BTCUSDT") == 0


async def test_an_account_s_prevented_matches(unit_of_work: UnitOfWorkFactory) -> None:
    matches = [
        match(1, taker=20, maker=10),
        match(2, account=BOB, taker=21, maker=11),
        match(3, taker=22, maker=20, mode=SelfTradePrevention.EXPIRE_MAKER),
        match(4, taker=20, maker=12, mode=SelfTradePrevention.EXPIRE_BOTH),
    ]
    await _add(unit_of_work, *matches)
    await _add(unit_of_work, match(1, symbol="ETHUSDT"))

    async with unit_of_work() as uow:
        of_account = uow.prevented_matches.of_account
        assert await of_account(ADA, "BTCUSDT", prevented_match_id=3) == [matches[2]]
        assert await of_account(ADA, "BTCUSDT", prevented_match_id=2) == []  # Bob's
        assert await of_account(ADA, "BTCUSDT", order_id=20) == [matches[0], matches[2], matches[3]]
        assert await of_account(ADA, "BTCUSDT", order_id=20, from_id=2) == matches[2:]
        assert await of_account(ADA, "BTCUSDT", order_id=20, limit=1) == [matches[0]]
        assert await of_account(BOB, "BTCUSDT", order_id=21) == [matches[1]]
        assert await of_account(ADA, "ETHUSDT", order_id=20) == [match(1, symbol="ETHUSDT")]
        assert await uow.prevented_matches.last_id("BTCUSDT") == 4
        assert await uow.prevented_matches.last_id("ETHUSDT") == 1
        assert await uow.prevented_matches.last_id("ETHBTC") == 0
