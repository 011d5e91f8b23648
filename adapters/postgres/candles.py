"""Candles in PostgreSQL: a batch's trades are folded into candles in Python, then each candle
is merged into its stored row in one upsert."""

from typing import TYPE_CHECKING

from sqlalchemy import func, select, union_all
from sqlalchemy.dialects.postgresql import insert

from adapters.postgres.database import AnyRow
from adapters.postgres.schema import candles
from domain.candles import Candle, CandleSeries, Interval
from domain.events import Trade

if TYPE_CHECKING:
    from adapters.postgres.unit_of_work import PostgresUnitOfWork

_statement = insert(candles)
_excluded = _statement.excluded
_MERGE = _statement.on_conflict_do_update(
    index_elements=[candles.c.symbol, candles.c.interval, candles.c.open_time],
    set_={
        "high": func.greatest(candles.c.high, _excluded.high),
        "low": func.least(candles.c.low, _excluded.low),
        "close": _excluded.close,
        "volume": candles.c.volume + _excluded.volume,
        "quote_volume": candles.c.quote_volume + _excluded.quote_volume,
        "trades": candles.c.trades + _excluded.trades,
        "taker_buy_volume": candles.c.taker_buy_volume + _excluded.taker_buy_volume,
        "taker_buy_quote_volume": (
            candles.c.taker_buy_quote_volume + _excluded.taker_buy_quote_volume
        ),
        "last_trade_id": _excluded.last_trade_id,
    },
)
_COLUMNS = tuple(column.name for column in candles.c if column.name not in ("symbol", "interval"))


class PostgresCandles:
    def __init__(self, uow: "PostgresUnitOfWork") -> None:
        self._uow = uow
        self._trades: list[Trade] = []

    async def record(self, trade: Trade) -> None:
        self._trades.append(trade)

    async def between(
        self, symbol: str, interval: Interval, start: int, end: int, limit: int
    ) -> list[Candle]:
        # The candle before `start` too: intervals without trades show its close.
        of_series = (candles.c.symbol == symbol, candles.c.interval == interval.value)
        before = (
            select(candles)
            .where(*of_series, candles.c.open_time < start)
            .order_by(candles.c.open_time.desc())
            .limit(1)
        )
        within = (
            select(candles)
            .where(*of_series, candles.c.open_time >= start, candles.c.open_time <= end)
            .order_by(candles.c.open_time)
            .limit(limit)
        )
        found = union_all(before.subquery().select(), within.subquery().select())
        rows = await self._uow.execute(found.order_by("open_time"))
        series = CandleSeries(interval)
        series.candles = [_candle(row) for row in rows]
        chosen = []
        for candle in series.between(start, end):
            chosen.append(candle)
            if len(chosen) == limit:
                break
        return chosen

    async def flush(self) -> None:
        merged: dict[tuple[str, Interval, int], Candle] = {}
        for trade in self._trades:
            for interval in Interval:
                open_time = interval.open_time(trade.timestamp)
                candle = merged.get((trade.symbol, interval, open_time))
                if candle is None:
                    candle = Candle.flat(interval, open_time, trade.price)
                    merged[trade.symbol, interval, open_time] = candle
                candle.add(trade)
        if merged:
            rows = [
                _row(symbol, interval, candle)
                for (symbol, interval, _), candle in sorted(
                    merged.items(), key=lambda item: (item[0][0], item[0][1].value, item[0][2])
                )
            ]
            await self._uow.execute(_MERGE, rows)

    def forget(self) -> None:
        self._trades = []


def _row(symbol: str, interval: Interval, candle: Candle) -> dict[str, object]:
    row: dict[str, object] = {"symbol": symbol, "interval": interval.value}
    for name in _COLUMNS:
        row[name] = getattr(candle, name)
    return row


def _candle(row: AnyRow) -> Candle:
    return Candle(*(int(row._mapping[name]) for name in _COLUMNS))
