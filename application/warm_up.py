"""A market's view started from its latest book snapshot and the events after it, rather than
from every open order: the snapshot's levels as of its sequence, then the book changes the
event log's trade stream carries under the market's key with a later sequence, to the last one
relayed. What was committed and not yet relayed comes after, from the relay.

The relay hands each message to the log and to the views apart (see `Relay`). A record
holding an event past the snapshot's sequence arrived after the snapshot was taken, or before
it by as much as the views lagged the log: the shards are read from `LOOKBACK_MS` before the
snapshot, and an event the view holds already is passed over. The log may also lag the views
(Kinesis slow, or out of reach): the market's messages still waiting for it, read from the
outbox before the log is, make up the rest, since the log takes a market's messages in commit
order. The commands found either way are taken once each, in sequence order.

Following a resharding would take reading a closed parent shard before its children
(ListShards names the parent): the shards are read here in the order listed."""

import json
import logging
from collections.abc import Sequence
from typing import Any

from attrs import define

from application.event_log import book_change_of
from application.market_view import MarketView
from application.messaging_ports import EventLog
from application.records import OutboxMessage
from application.relay import decode_events
from application.snapshot_ports import BookSnapshots
from domain.events import BookChanged, Event, Trade
from domain.exchange import Exchange
from domain.markets import Market

LOOKBACK_MS = 60_000
PAGE = 1000

logger = logging.getLogger(__name__)


@define
class SnapshotWarmUp:
    snapshots: BookSnapshots
    log: EventLog
    trade_stream: str
    exchange: Exchange

    async def view(
        self, symbol: str, oldest: int, unlogged: Sequence[OutboxMessage]
    ) -> MarketView | None:
        """The market's book as of the last of its events in the log or in `unlogged` (the
        market's messages that waited for the log before it was read), its ticker empty;
        None without a snapshot taken after `oldest` (epoch ms)."""
        snapshot = await self.snapshots.latest(symbol)
        if snapshot is None or snapshot.taken_at < oldest:
            return None
        market = self.exchange.markets[symbol].market
        view = MarketView.of_snapshot(snapshot)
        commands: dict[int, list[Event]] = {}
        for shard in await self.log.shards(self.trade_stream):
            since = snapshot.taken_at - LOOKBACK_MS
            records = await self.log.read_since(self.trade_stream, shard, since, PAGE)
            while records:
                for record in records:
                    if record.partition_key != symbol:
                        continue
                    for sequence, changes in _commands(market, json.loads(record.data), view):
                        commands.setdefault(sequence, changes)
                after = records[-1].sequence_number
                records = await self.log.read(self.trade_stream, shard, after, PAGE)
        from_log = len(commands)
        for message in unlogged:
            events = decode_events(message.events)
            trades = [event.trade_id for event in events if isinstance(event, Trade)]
            view.last_trade_id = max([view.last_trade_id, *trades])
            changes = [event for event in events if isinstance(event, BookChanged)]
            commands.setdefault(message.sequence, changes)
        replayed = sum(view.take(sequence, commands[sequence]) for sequence in sorted(commands))
        logger.info(
            "%s warmed up from its book snapshot at sequence %d: %d commands replayed from "
            "the trade stream and the outbox (%d and %d found), to sequence %d",
            symbol, snapshot.sequence, replayed, from_log, len(commands) - from_log,
            view.sequence,
        )  # fmt: skip
        return view


def _commands(
    market: Market, events: list[dict[str, Any]], view: MarketView
) -> list[tuple[int, list[Event]]]:
    """The book changes of a record's events, by the command that made them, in order; the
    view learns the last trade id among them."""
    commands: list[tuple[int, list[Event]]] = []
    for event in events:
        if event["type"] == "trade":
            view.last_trade_id = max(view.last_trade_id, event["tradeId"])
        elif event["type"] == "bookChanged":
            if not commands or commands[-1][0] != event["sequence"]:
                commands.append((event["sequence"], []))
            commands[-1][1].append(book_change_of(market, event))
    return commands
