"""One day (UTC) of a market's trades as a file, from whichever store holds it: the archive
once the day is archived (`aws`), else the system of record. A line per trade, in trade id
order, as Binance's historical data writes them:
`id,price,qty,quoteQty,time,isBuyerMaker,isBestMatch`."""

import gzip
from datetime import UTC, date, datetime, timedelta

from application.history_ports import TradeArchive
from application.ports import UnitOfWorkFactory
from domain.exchange import Exchange

PAGE = 1000


def day_bounds(day: date) -> tuple[int, int]:
    """The first and last epoch millisecond of the day."""
    start = int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp()) * 1000
    return start, start + int(timedelta(days=1).total_seconds()) * 1000 - 1


def csv_line(
    trade_id: int, price: str, qty: str, quote_qty: str, time: int, is_buyer_maker: bool
) -> str:
    # Every trade is at the best price there was, as Binance marks it.
    return f"{trade_id},{price},{qty},{quote_qty},{time},{is_buyer_maker},True\n"


async def export_day(
    unit_of_work: UnitOfWorkFactory,
    archive: TradeArchive | None,
    exchange: Exchange,
    symbol: str,
    day: date,
) -> bytes:
    """The day's lines, uncompressed."""
    if archive is not None:
        archived = await archive.get(symbol, day)
        if archived is not None:
            return gzip.decompress(archived)
    market = exchange.markets[symbol].market
    start, end = day_bounds(day)
    lines: list[str] = []
    from_id: int | None = None
    while True:
        async with unit_of_work() as uow:
            page = await uow.trades.history(symbol, from_id, start, end, PAGE)
        lines += [
            csv_line(
                t.trade_id,
                market.quote.format(t.price),
                market.base.format(t.quantity),
                market.quote.format(t.quote_quantity),
                t.timestamp,
                t.buyer_is_maker,
            )
            for t in page
        ]
        if len(page) < PAGE:
            return "".join(lines).encode()
        from_id = page[-1].trade_id + 1
