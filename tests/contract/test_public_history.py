"""Trade history and candles, as the public endpoints read them: the same trades give the same
answers from the memory store, PostgreSQL and DynamoDB (filled by the Lambda functions), and
those answers are what the trades themselves say."""

import pytest

from adapters.aws.clients import AwsClients
from application.history_ports import PublicTrade
from domain.candles import MINUTE, SECOND, Candle, Interval, aggregate
from domain.events import Trade
from tests.contract.public_history import PublicHistory, in_dynamodb, in_memory, in_postgres

T0 = 1_732_530_000_000  # a Monday, 10:20 UTC
USDT, BTC = 10**8, 10**8


def trades() -> list[Trade]:
    """60 trades over a few minutes with a quiet minute among them; some share their
    millisecond, and a taker's fills come in runs, at one price and then another."""
    found = []
    at = T0
    for trade_id in range(1, 61):
        at += 0 if trade_id % 4 == 2 else 1_700
        if trade_id == 30:
            at += 2 * MINUTE
        price = (60_000 + (trade_id // 3) % 7 * 10) * USDT
        quantity = (trade_id % 5 + 1) * BTC // 1000
        taker = 1000 + trade_id // 3
        maker_buys = trade_id % 2 == 0
        found.append(
            Trade(
                symbol="BTCUSDT",
                trade_id=trade_id,
                price=price,
                quantity=quantity,
                quote_quantity=price * quantity // BTC,
                buyer_order_id=2000 + trade_id if maker_buys else taker,
                seller_order_id=taker if maker_buys else 2000 + trade_id,
                buyer_account_id=7,
                seller_account_id=8,
                buyer_is_maker=maker_buys,
                buyer_fee=1,
                seller_fee=2,
                timestamp=at,
            )
        )
    return found


TRADES = trades()
PUBLIC = [PublicTrade.of(t) for t in TRADES]


@pytest.fixture(params=["memory", "postgres", "dynamodb"])
def history(request: pytest.FixtureRequest) -> PublicHistory:
    # Not a coroutine: the session's database is made by a fixture that runs its own loop.
    if request.param == "memory":
        return in_memory()
    if request.param == "postgres":
        return in_postgres(request.getfixturevalue("postgres_engine"))
    clients: AwsClients = request.getfixturevalue("aws_clients")
    return in_dynamodb(request.getfixturevalue("moto_url"), clients)


async def test_recent_trades_are_the_newest_oldest_first(history: PublicHistory) -> None:
    await history.write(TRADES[:40])
    await history.write(TRADES[40:])

    assert await history.trades.recent("BTCUSDT", 5) == PUBLIC[-5:]
    assert await history.trades.recent("BTCUSDT", 1000) == PUBLIC
    assert await history.trades.recent("ETHUSDT", 10) == []


async def test_history_from_an_id_and_within_times(history: PublicHistory) -> None:
    await history.write(TRADES)
    same_ms = TRADES[5].timestamp  # trades 5 and 6 share it
    assert TRADES[4].timestamp == same_ms

    read = history.trades.history
    assert await read("BTCUSDT", from_id=7, limit=10) == PUBLIC[6:16]
    assert await read("BTCUSDT", from_id=59, limit=10) == PUBLIC[58:]
    assert await read("BTCUSDT", from_id=61, limit=10) == []
    assert await read("BTCUSDT", start=same_ms, limit=1) == PUBLIC[4:5]
    assert await read("BTCUSDT", start=same_ms, end=same_ms, limit=10) == PUBLIC[4:6]
    assert await read("BTCUSDT", end=same_ms, limit=3) == PUBLIC[3:6]
    assert await read("BTCUSDT", start=TRADES[50].timestamp, limit=500) == PUBLIC[50:]
    within = [t for t in PUBLIC if T0 + 20 * SECOND <= t.timestamp <= T0 + 3 * MINUTE]
    assert await read("BTCUSDT", start=T0 + 20 * SECOND, end=T0 + 3 * MINUTE) == within
    assert await read("BTCUSDT", from_id=20, start=0, end=TRADES[23].timestamp) == PUBLIC[19:24]
    assert await read("ETHUSDT", start=0) == []


@pytest.mark.parametrize("interval", [Interval.SECOND_1, Interval.MINUTE_1, Interval.HOUR_1,
                                      Interval.WEEK_1, Interval.MONTH_1])  # fmt: skip
async def test_candles_of_every_interval_fill_the_quiet_ones_flat(
    history: PublicHistory, interval: Interval
) -> None:
    await history.write(TRADES[:25])
    await history.write(TRADES[25:])
    series = aggregate(TRADES, interval)
    end = TRADES[-1].timestamp + 3 * MINUTE

    def expected(start: int, limit: int) -> list[Candle]:
        return list(series.between(start, end))[:limit]

    assert await history.candles.between("BTCUSDT", interval, 0, end, 1000) == expected(0, 1000)
    assert expected(0, 1000)
    for start, limit in ((T0 + MINUTE, 1000), (T0 + 2 * MINUTE, 2), (interval.open_time(end), 5)):
        found = await history.candles.between("BTCUSDT", interval, start, end, limit)
        assert found == expected(start, limit), (start, limit)
    assert await history.candles.between("ETHUSDT", interval, 0, end, 10) == []
