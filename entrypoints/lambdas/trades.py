"""The trades in the records Lambda delivers from the trade stream: each record's data is the
base64 of a JSON array of events (see `application.event_log`), of which the trades are those of
type "trade"; book changes share the stream and are passed over. Money is a decimal string:
a record with a float in it, or a trade without its fields, is malformed.

Only the standard library: the Lambda package holds these handlers and nothing else."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, NamedTuple

DECIMAL_FIELDS = ("price", "qty", "quoteQty")


class MalformedRecord(ValueError):
    """A record on the trade stream that is not an array of events, or holds a bad trade."""


class TradeEvent(NamedTuple):
    symbol: str
    trade_id: int
    time: int
    is_buyer_maker: bool
    taker_order_id: int
    # As sent, so that "0.10000000" is kept as it was written.
    price: str
    qty: str
    quote_qty: str


def sequence_number(record: Mapping[str, Any]) -> str:
    return str(record["kinesis"]["sequenceNumber"])


def trades_of(record: Mapping[str, Any]) -> list[TradeEvent]:
    """The trades of one Kinesis record as Lambda delivers it, in the order appended."""
    data = record["kinesis"]["data"]
    try:
        events = json.loads(base64.b64decode(data, validate=True), parse_float=_refuse_float)
    except (binascii.Error, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise MalformedRecord(f"not a JSON array of events: {error}") from error
    if not isinstance(events, list) or not all(isinstance(e, dict) for e in events):
        raise MalformedRecord("a record is a JSON array of event objects")
    return [_trade(event) for event in events if event.get("type") == "trade"]


def _trade(event: Mapping[str, Any]) -> TradeEvent:
    return TradeEvent(
        symbol=_text(event, "symbol"),
        trade_id=_integer(event, "tradeId"),
        time=_integer(event, "time"),
        is_buyer_maker=_flag(event, "isBuyerMaker"),
        taker_order_id=_integer(event, "takerOrderId"),
        price=_decimal_string(event, "price"),
        qty=_decimal_string(event, "qty"),
        quote_qty=_decimal_string(event, "quoteQty"),
    )


def _refuse_float(text: str) -> Decimal:
    raise MalformedRecord(f"number {text} must be sent as a decimal string")


def _text(event: Mapping[str, Any], field: str) -> str:
    value = event.get(field)
    if not isinstance(value, str) or not value:
        raise MalformedRecord(f"{field} must be a non-empty string")
    return value


def _integer(event: Mapping[str, Any], field: str) -> int:
    value = event.get(field)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise MalformedRecord(f"{field} must be a non-negative integer")
    return value


def _flag(event: Mapping[str, Any], field: str) -> bool:
    value = event.get(field)
    if not isinstance(value, bool):
        raise MalformedRecord(f"{field} must be true or false")
    return value


def _decimal_string(event: Mapping[str, Any], field: str) -> str:
    value = _text(event, field)
    try:
        amount = Decimal(value)
    except InvalidOperation as error:
        raise MalformedRecord(f"{field} {value!r} is not a decimal") from error
    if not amount.is_finite() or amount <= 0:
        raise MalformedRecord(f"{field} {value!r} must be a positive finite decimal")
    return value
