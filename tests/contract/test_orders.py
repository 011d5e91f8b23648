"""Orders: saved and changed, found by id and client order id, listed per account as asked,
and each market's open orders and last order id."""

import pytest

from application.ports import UnitOfWorkFactory
from application.records import OrderRecord
from domain.orders import OrderStatus, OrderType, SelfTradePrevention, Side, TimeInForce

ADA, BOB = 7, 8
NEW, PARTIAL, FILLED, CANCELED = (
    OrderStatus.NEW,
    OrderStatus.PARTIALLY_FILLED,
    OrderStatus.FILLED,
    OrderStatus.CANCELED,
)


def order(
    order_id: int,
    symbol: str = "BTCUSDT",
    account_id: int = ADA,
    status: OrderStatus = NEW,
    created_at: int | None = None,
    client_order_id: str | None = None,
) -> OrderRecord:
    created = 1_000 * order_id if created_at is None else created_at
    return OrderRecord(
        symbol=symbol,
        order_id=order_id,
        account_id=account_id,
        client_order_id=client_order_id or f"client-{symbol}-{order_id}",
        side=Side.BUY if order_id % 2 else Side.SELL,
        type=OrderType.LIMIT,
        time_in_force=TimeInForce.GTC,
        price=2_500_000_000 + order_id,
        quantity=10**20 + order_id,  # beyond 64 bits: NUMERIC keeps it whole
        quote_quantity=0,
        stp=SelfTradePrevention.NONE,
        status=status,
        executed=0 if status is NEW else 1,
        cumulative_quote=0 if status is NEW else 2_500_000_000,
        created_at=created,
        updated_at=created,
    )


async def _save(unit_of_work: UnitOfWorkFactory, *orders: OrderRecord) -> None:
    async with unit_of_work() as uow:
        for saved in orders:
            await uow.orders.save(saved)
        await uow.commit()


async def test_a_saved_order_is_found_once_committed(unit_of_work: UnitOfWorkFactory) -> None:
    placed = order(1)
    async with unit_of_work() as uow:
        await uow.orders.save(placed)
        async with unit_of_work() as other:
            assert await other.orders.get("BTCUSDT", 1) is None
        await uow.commit()

    async with unit_of_work() as uow:
        assert await uow.orders.get("BTCUSDT", 1) == placed
        assert await uow.orders.get("ETHUSDT", 1) is None
        assert await uow.orders.by_client_id(ADA, "BTCUSDT", placed.client_order_id) == placed
        assert await uow.orders.by_client_id(BOB, "BTCUSDT", placed.client_order_id) is None


async def test_nothing_is_kept_after_an_error(unit_of_work: UnitOfWorkFactory) -> None:
    async def save_then_fail() -> None:
        async with unit_of_work() as uow:
            await uow.orders.save(order(1))
            raise LookupError

    with pytest.raises(LookupError):
        await save_then_fail()
    async with unit_of_work() as uow:
        assert await uow.orders.get("BTCUSDT", 1) is None
        assert await uow.orders.last_id("BTCUSDT") == 0


async def test_saving_again_changes_the_order(unit_of_work: UnitOfWorkFactory) -> None:
    placed = order(1)
    await _save(unit_of_work, placed)
    filled = order(1, status=FILLED)
    filled.executed = filled.quantity - 10**19
    filled.prevented_quantity = 10**19  # what self-trade prevention took from it
    filled.prevented_match_id = 3
    filled.updated_at = 9_000
    async with unit_of_work() as uow:
        await uow.orders.save(order(1, status=PARTIAL))
        await uow.orders.save(filled)  # the last save of a unit of work wins
        await uow.commit()

    async with unit_of_work() as uow:
        assert await uow.orders.get("BTCUSDT", 1) == filled


async def test_a_client_order_id_used_again_finds_the_newest_order(
    unit_of_work: UnitOfWorkFactory,
) -> None:
    first = order(1, status=CANCELED, client_order_id="mine")
    await _save(unit_of_work, first)
    second = order(2, client_order_id="mine")
    await _save(unit_of_work, second)

    async with unit_of_work() as uow:
        assert await uow.orders.by_client_id(ADA, "BTCUSDT", "mine") == second
        assert await uow.orders.get("BTCUSDT", 1) == first


async def test_orders_of_an_account_are_filtered_and_limited(
    unit_of_work: UnitOfWorkFactory,
) -> None:
    btc = [order(i, status=FILLED if i % 3 == 0 else NEW) for i in range(1, 8)]
    eth = [order(i, symbol="ETHUSDT", created_at=1_000 * i + 500) for i in range(1, 4)]
    await _save(unit_of_work, *btc, *eth, order(8, account_id=BOB))

    async with unit_of_work() as uow:
        orders = uow.orders
        assert await orders.of_account(ADA, "BTCUSDT") == btc
        assert await orders.of_account(ADA, None) == sorted(
            btc + eth, key=lambda o: (o.created_at, o.symbol, o.order_id)
        )
        assert await orders.of_account(ADA, "BTCUSDT", limit=2) == btc[-2:]
        assert await orders.of_account(ADA, "BTCUSDT", from_id=3, limit=2) == btc[2:4]
        assert await orders.of_account(ADA, "BTCUSDT", start=2_000, limit=3) == btc[1:4]
        assert await orders.of_account(ADA, "BTCUSDT", end=2_000) == btc[:2]
        assert await orders.of_account(ADA, "BTCUSDT", start=2_000, end=4_000) == btc[1:4]
        assert await orders.of_account(ADA, "BTCUSDT", [FILLED]) == [btc[2], btc[5]]
        assert await orders.of_account(ADA, "BTCUSDT", [NEW, PARTIAL], limit=1) == [btc[6]]
        assert await orders.of_account(BOB, "ETHUSDT") == []
        assert await orders.of_account(9, None) == []


async def test_an_account_s_open_orders_follow_each_order_s_status(
    unit_of_work: UnitOfWorkFactory,
) -> None:
    placed = [order(i) for i in range(1, 6)]
    await _save(unit_of_work, *placed)
    partly = order(2, status=PARTIAL)
    filled, canceled = order(3, status=FILLED), order(4, status=CANCELED)
    await _save(unit_of_work, partly, filled, canceled, order(6, status=CANCELED))

    async with unit_of_work() as uow:
        assert await uow.orders.of_account(ADA, "BTCUSDT", [NEW, PARTIAL]) == [
            placed[0], partly, placed[4],
        ]  # fmt: skip
        assert await uow.orders.of_account(ADA, "BTCUSDT", [PARTIAL]) == [partly]
        assert await uow.orders.of_account(ADA, "BTCUSDT", [CANCELED]) == [
            canceled,
            order(6, status=CANCELED),
        ]
    await _save(unit_of_work, *(order(i, status=CANCELED) for i in (1, 2, 5)))
    async with unit_of_work() as uow:
        assert await uow.orders.of_account(ADA, "BTCUSDT", [NEW, PARTIAL]) == []
        assert len(await uow.orders.of_account(ADA, "BTCUSDT")) == 6


async def test_a_market_s_open_orders_and_last_id(unit_of_work: UnitOfWorkFactory) -> None:
    async with unit_of_work() as uow:
        assert await uow.orders.open("BTCUSDT") == []
        assert await uow.orders.last_id("BTCUSDT") == 0
    saved = [
        order(5, status=PARTIAL),
        order(2),
        order(3, status=FILLED),
        order(4, status=CANCELED),
        order(1, account_id=BOB),
        order(9, symbol="ETHUSDT"),
    ]
    await _save(unit_of_work, *saved)

    async with unit_of_work() as uow:
        assert await uow.orders.open("BTCUSDT") == [saved[4], saved[1], saved[0]]
        assert await uow.orders.last_id("BTCUSDT") == 5
        assert await uow.orders.last_id("ETHUSDT") == 9
        assert await uow.orders.last_id("XRPUSDT") == 0


async def test_several_orders_are_read_at_once(unit_of_work: UnitOfWorkFactory) -> None:
    await _save(unit_of_work, order(1), order(2), order(3), order(2, symbol="ETHUSDT"))
    async with unit_of_work() as uow:
        found = await uow.orders.get_many("BTCUSDT", {2, 3, 9})
        none = await uow.orders.get_many("BTCUSDT", set())
    assert found == {2: order(2), 3: order(3)}
    assert none == {}


async def test_a_stop_order_keeps_its_stop_trail_and_working_time(
    unit_of_work: UnitOfWorkFactory,
) -> None:
    waiting = order(1)
    waiting.type = OrderType.TAKE_PROFIT_LIMIT  # the longest type name
    waiting.stop_price = 2_400_000_000
    waiting.trailing_delta = 250
    await _save(unit_of_work, waiting)
    async with unit_of_work() as uow:
        assert await uow.orders.get("BTCUSDT", 1) == waiting
    waiting.trail_price = 2_450_000_000
    await _save(unit_of_work, waiting)
    triggered = order(1)
    triggered.type, triggered.stop_price, triggered.trailing_delta = (
        waiting.type, waiting.stop_price, waiting.trailing_delta
    )  # fmt: skip
    triggered.trail_price, triggered.working_time = waiting.trail_price, 7_000
    await _save(unit_of_work, triggered)
    async with unit_of_work() as uow:
        assert await uow.orders.get("BTCUSDT", 1) == triggered
        assert await uow.orders.open("BTCUSDT") == [triggered]


def leg(order_id: int, list_id: int, list_client_id: str, symbol: str = "BTCUSDT") -> OrderRecord:
    saved = order(order_id, symbol)
    saved.order_list_id = list_id
    saved.list_client_order_id = list_client_id
    return saved


async def test_an_order_list_is_found_by_its_id_or_its_client_id(
    unit_of_work: UnitOfWorkFactory,
) -> None:
    first = [leg(1, 1, "list-a"), leg(2, 1, "list-a")]
    same_id_elsewhere = [leg(1, 1, "list-b", "ETHUSDT"), leg(2, 1, "list-b", "ETHUSDT")]
    for later_placed in same_id_elsewhere:
        later_placed.created_at = later_placed.updated_at = 3_500  # the newest list 1
    later = [leg(4, 4, "list-a"), leg(5, 4, "list-a")]
    await _save(unit_of_work, *first, order(3), *same_id_elsewhere, *later)
    async with unit_of_work() as uow:
        assert await uow.orders.list_orders(ADA, 1, "list-a") == first
        assert await uow.orders.list_orders(ADA, 1, None) == same_id_elsewhere
        assert await uow.orders.list_orders(ADA, None, "list-a") == later
        assert await uow.orders.list_orders(ADA, 4, "list-b") == []
        assert await uow.orders.list_orders(BOB, 1, None) == []


async def test_order_lists_are_listed_whole_and_limited_by_list(
    unit_of_work: UnitOfWorkFactory,
) -> None:
    first = [leg(1, 1, "a"), leg(2, 1, "a")]
    second = [leg(4, 4, "b"), leg(5, 4, "b")]
    third = [leg(6, 6, "c"), leg(7, 6, "c")]
    await _save(unit_of_work, *first, order(3), *second, *third)
    async with unit_of_work() as uow:
        assert await uow.orders.order_lists(ADA) == [*first, *second, *third]
        assert await uow.orders.order_lists(ADA, limit=2) == [*second, *third]
        assert await uow.orders.order_lists(ADA, from_id=4, limit=1) == second
        assert await uow.orders.order_lists(ADA, start=4_000, end=5_999) == second
        assert await uow.orders.order_lists(BOB) == []


async def test_a_pending_order_is_open(unit_of_work: UnitOfWorkFactory) -> None:
    """A PENDING_NEW order of an OTO list is among its market's open orders (which a market's
    engine reloads) and counted with them, and shown among the account's open orders."""
    pending = order(2, status=OrderStatus.PENDING_NEW)
    pending.working_time = -1
    saved = [order(1), pending, order(3, status=FILLED)]
    await _save(unit_of_work, *saved)
    async with unit_of_work() as uow:
        assert await uow.orders.open("BTCUSDT") == saved[:2]
        assert await uow.orders.open_count("BTCUSDT") == 2
        found = await uow.orders.of_account(ADA, "BTCUSDT", [OrderStatus.PENDING_NEW])
        assert found == [pending]
