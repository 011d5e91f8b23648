"""The event log's records of committed events, as consumers downstream read them (the Lambda
functions on Kinesis, analytics): each record a JSON array of events, each event a JSON object
with decimals as strings, as Binance writes them.

Trades and book changes go to the trade stream under their market's symbol, orders and balance
changes to the order stream under their account; the events a relay batch holds for one key
travel together in one record (up to Kinesis's 1 MiB), in commit order, and so fewer records are
put and paid for. Every event carries its `eventId`, unique and the same however often it is
appended, and the `symbol` and `sequence` of the market command that made it (a deposit or a
withdrawal has symbol "" and sequence 0); an event of the order stream carries its `account`
and `accountSequence` as well, the account's own gapless count of its events
(`application.account_sequences`). A batch may be appended twice, and a record put again after
the ones that followed it (see `Relay`): a consumer of the trade stream drops an event whose
market sequence (or trade id) it has passed, one of the order stream keeps each account's events
in their account sequence (`application.account_events`)."""

from collections.abc import Sequence
from typing import Any

import msgspec
from attrs import define

from application.account_sequences import accounts_told
from application.messaging_ports import EventLog
from application.records import LogRecord, OutboxMessage
from application.relay import decode_events
from domain.assets import format_minor
from domain.events import (
    BookChanged,
    Event,
    IcebergShown,
    ListStatus,
    MarketStatusChanged,
    OrderAccepted,
    OrderUpdated,
    PreventedMatch,
    StopTrailed,
    Trade,
)
from domain.exchange import Exchange
from domain.ledger import EXTERNAL_ACCOUNT, JournalEntry
from domain.markets import Market

_encoder = msgspec.json.Encoder()
# Kinesis takes records of up to 1 MiB, partition key included (at most 256 characters).
MAX_RECORD_BYTES = 1024 * 1024 - 256


@define
class EventLogWriter:
    log: EventLog
    exchange: Exchange
    trade_stream: str
    order_stream: str

    async def write(self, messages: Sequence[OutboxMessage]) -> None:
        """Appends the messages' records, at least once (see `EventLog.append`)."""
        await self.log.append(self.records(messages))

    def records(self, messages: Sequence[OutboxMessage]) -> list[LogRecord]:
        keyed: dict[tuple[str, str], list[bytes]] = {}
        for message in messages:
            following = dict(message.account_sequences)
            for index, event in enumerate(decode_events(message.events)):
                origin = {
                    "eventId": f"{message.outbox_id}.{index}",
                    "symbol": message.symbol,
                    "sequence": message.sequence,
                }
                for stream, key, body in self._bodies(event, origin):
                    if stream == self.order_stream:
                        body["accountSequence"] = following[body["account"]]
                        following[body["account"]] += 1
                    keyed.setdefault((stream, key), []).append(_encoder.encode(body))
        return [
            LogRecord(stream, key, data)
            for (stream, key), bodies in keyed.items()
            for data in _arrays(bodies)
        ]

    def _bodies(self, event: Event, origin: dict[str, Any]) -> list[tuple[str, str, Any]]:
        """(stream, partition key, body) of each record the event makes, those of the order
        stream in the order `accounts_told` gives their accounts."""
        if isinstance(event, JournalEntry):
            return [
                (self.order_stream, str(account), origin | change)
                for account, change in self._balance_changes(event, origin["eventId"])
            ]
        market = self.exchange.markets[event.symbol].market
        if isinstance(event, Trade):
            return [(self.trade_stream, event.symbol, origin | trade(market, event))]
        if isinstance(event, BookChanged):
            return [(self.trade_stream, event.symbol, origin | book_changed(market, event))]
        if isinstance(event, MarketStatusChanged):
            return [(self.trade_stream, event.symbol, origin | status_changed(event))]
        if isinstance(event, PreventedMatch):
            account = str(event.account_id)
            return [(self.order_stream, account, origin | prevented_match(market, event))]
        if isinstance(event, StopTrailed):
            account = str(event.account_id)
            return [(self.order_stream, account, origin | stop_trailed(market, event))]
        if isinstance(event, IcebergShown):
            account = str(event.account_id)
            return [(self.order_stream, account, origin | iceberg_shown(market, event))]
        if isinstance(event, ListStatus):
            return [(self.order_stream, str(event.account_id), origin | list_status(event))]
        return [(self.order_stream, str(event.account_id), origin | order(market, event))]

    def _balance_changes(
        self, entry: JournalEntry, event_id: str
    ) -> list[tuple[int, dict[str, Any]]]:
        """One change per account of the entry (the world outside the exchange has none)."""
        accounts: dict[int, list[dict[str, str]]] = {
            account: [] for account in accounts_told(entry)
        }
        for posting in entry.postings:
            if posting.account_id == EXTERNAL_ACCOUNT:
                continue
            precision = self.exchange.assets[posting.asset].precision
            accounts[posting.account_id].append(
                {
                    "asset": posting.asset,
                    "bucket": posting.bucket.value,
                    "amount": format_minor(posting.amount, precision),
                }
            )
        return [
            (
                account,
                {
                    "type": "balanceChanged",
                    "eventId": f"{event_id}.{account}",
                    "account": account,
                    "kind": entry.kind.value,
                    "reference": entry.reference,
                    "postings": postings,
                },
            )
            for account, postings in accounts.items()
        ]


def _arrays(bodies: list[bytes]) -> list[bytes]:
    """The encoded events as JSON arrays of at most `MAX_RECORD_BYTES` each."""
    arrays: list[list[bytes]] = [[]]
    size = 2
    for body in bodies:
        if arrays[-1] and size + len(body) + 1 > MAX_RECORD_BYTES:
            arrays.append([])
            size = 2
        arrays[-1].append(body)
        size += len(body) + 1
    return [b"[" + b",".join(array) + b"]" for array in arrays]


def trade(market: Market, event: Trade) -> dict[str, Any]:
    return {
        "type": "trade",
        "tradeId": event.trade_id,
        "price": market.quote.format(event.price),
        "qty": market.base.format(event.quantity),
        "quoteQty": market.quote.format(event.quote_quantity),
        "time": event.timestamp,
        "isBuyerMaker": event.buyer_is_maker,
        "takerOrderId": event.seller_order_id if event.buyer_is_maker else event.buyer_order_id,
    }


def book_changed(market: Market, event: BookChanged) -> dict[str, Any]:
    def levels(changed: tuple[tuple[int, int], ...]) -> list[list[str]]:
        return [[market.quote.format(p), market.base.format(q)] for p, q in changed]

    return {"type": "bookChanged", "bids": levels(event.bids), "asks": levels(event.asks)}


def book_change_of(market: Market, body: dict[str, Any]) -> BookChanged:
    """The book change of a record's event, as `book_changed` wrote it."""

    def levels(changed: list[list[str]]) -> tuple[tuple[int, int], ...]:
        return tuple((market.quote.to_minor(p), market.base.to_minor(q)) for p, q in changed)

    return BookChanged(market.symbol, levels(body["bids"]), levels(body["asks"]))


def status_changed(event: MarketStatusChanged) -> dict[str, Any]:
    return {
        "type": "marketStatusChanged",
        "status": event.status.value,
        "reason": event.reason,
        "time": event.timestamp,
    }


def prevented_match(market: Market, event: PreventedMatch) -> dict[str, Any]:
    return {
        "type": "preventedMatch",
        "account": event.account_id,
        "preventedMatchId": event.prevented_match_id,
        "takerOrderId": event.taker_order_id,
        "makerOrderId": event.maker_order_id,
        "mode": event.mode.value,
        "price": market.quote.format(event.price),
        "preventedQuantity": market.base.format(event.quantity),
    }


def stop_trailed(market: Market, event: StopTrailed) -> dict[str, Any]:
    return {
        "type": "stopTrailed",
        "account": event.account_id,
        "orderId": event.order_id,
        "time": event.timestamp,
        "trailPrice": market.quote.format(event.trail_price),
    }


def list_status(event: ListStatus) -> dict[str, Any]:
    return {
        "type": "listStatus",
        "account": event.account_id,
        "orderListId": event.order_list_id,
        "contingencyType": event.contingency_type,
        "listStatusType": event.status.value,
        "listClientOrderId": event.list_client_order_id,
        "orderIds": [order_id for order_id, _ in event.orders],
        "time": event.timestamp,
    }


def iceberg_shown(market: Market, event: IcebergShown) -> dict[str, Any]:
    return {
        "type": "icebergShown",
        "account": event.account_id,
        "orderId": event.order_id,
        "hiddenQty": market.base.format(event.hidden),
    }


def order(market: Market, event: OrderAccepted | OrderUpdated) -> dict[str, Any]:
    common = {"account": event.account_id, "orderId": event.order_id, "time": event.timestamp}
    if isinstance(event, OrderAccepted):
        return common | {
            "type": "orderAccepted",
            "clientOrderId": event.client_order_id,
            "side": event.side.value,
            "orderType": event.type.value,
            "timeInForce": event.time_in_force.value,
            "price": market.quote.format(event.price),
            "origQty": market.base.format(event.quantity),
            "origQuoteOrderQty": market.quote.format(event.quote_quantity),
            "selfTradePreventionMode": event.stp.value,
            "stopPrice": market.quote.format(event.stop_price),
            "trailingDelta": event.trailing_delta,
            "icebergQty": market.base.format(event.iceberg_quantity),
            "orderListId": event.order_list_id,
            "status": event.status.value,
        }
    updated = common | {
        "type": "orderUpdated",
        "executionType": event.execution.value,
        "status": event.status.value,
        "origQty": market.base.format(event.quantity),
        "executedQty": market.base.format(event.executed),
        "cummulativeQuoteQty": market.quote.format(event.cumulative_quote),
    }
    if event.expiry_reason is not None:
        updated["expiryReason"] = event.expiry_reason.value
    return updated
