"""The command bus: how a market command reaches the engine that runs its market, in this
process or another, and how the engine's answer comes back.

A command travels with an id given by its sender and a deadline. The engine records the answer
of every command it commits under that id, in the same transaction, so that a command
delivered again is answered from the record instead of being applied twice; it refuses a
command whose deadline has passed, whose sender has stopped waiting."""

from typing import Protocol

import msgspec
from attrs import define, field

from application import errors as application_errors
from application.records import OrderRecord
from application.relay import decode_events, encode_events
from domain import errors as domain_errors
from domain.commands import (
    AmendOrder,
    CancelOrder,
    CancelOrderList,
    CancelReplace,
    PlaceOco,
    PlaceOrder,
    PlaceOto,
    PlaceOtoco,
    SetMarketStatus,
)
from domain.errors import DomainError, FilterFailure, MarketFilter
from domain.events import Event


class TakeListing(msgspec.Struct, frozen=True, gc=False):
    """The operator's, once a change of the market's filters or fees is committed: its engine
    takes them as the store lists them, after the commands queued before and before those
    queued after. It changes nothing of the book and takes no sequence number."""

    symbol: str
    timestamp: int = 0


ExchangeCommand = (
    PlaceOrder
    | CancelOrder
    | AmendOrder
    | CancelReplace
    | PlaceOco
    | PlaceOto
    | PlaceOtoco
    | CancelOrderList
    | SetMarketStatus
)
MarketCommand = ExchangeCommand | TakeListing
COMMAND_TYPES: dict[str, type[MarketCommand]] = {
    kind.__name__: kind
    for kind in (
        PlaceOrder,
        CancelOrder,
        AmendOrder,
        CancelReplace,
        PlaceOco,
        PlaceOto,
        PlaceOtoco,
        CancelOrderList,
        SetMarketStatus,
        TakeListing,
    )
}


@define
class Applied:
    """What one command did. A cancel-replace may succeed in part: then the error of the part
    that failed is given beside the events of the part that did not."""

    sequence: int
    events: list[Event]
    cancel_error: DomainError | None = None
    place_error: DomainError | None = None
    orders: dict[int, OrderRecord] = field(factory=dict)  # as the command left them, by id
    # Its answer as the engine recorded it (`encode_answer`), for a command sent with an id:
    # the reply to its sender is the same bytes.
    recorded: bytes | None = field(default=None, eq=False)


class CommandBus(Protocol):
    async def submit(self, command: MarketCommand) -> Applied:
        """Hands the command to its market's engine and waits until its effects are
        committed; raises the refusal (and then nothing changed), or `BackendTimeout` when no
        answer came in time (and then the command's fate is unknown)."""
        ...


def symbol_of(command: MarketCommand) -> str:
    return command.place.symbol if isinstance(command, CancelReplace) else command.symbol


class Delivery(msgspec.Struct, array_like=True, gc=False):
    """A command on its way to an engine."""

    command_id: str
    deadline: int  # epoch ms after which the sender no longer waits
    reply_to: str
    kind: str
    command: msgspec.Raw
    traceparent: str = ""  # the sending span, W3C's header: the engine's batch links to it


class Answer(msgspec.Struct, array_like=True, gc=False):
    """An engine's answer: what the command did, or why it was refused."""

    command_id: str
    sequence: int = 0
    events: bytes = b""
    orders: list[OrderRecord] = []
    cancel_error: tuple[str, str] | None = None
    place_error: tuple[str, str] | None = None
    refusal: tuple[str, str] | None = None


_encoder = msgspec.msgpack.Encoder()
_delivery = msgspec.msgpack.Decoder(Delivery)
_answer = msgspec.msgpack.Decoder(Answer)
REFUSALS: dict[str, type[Exception]] = {
    name: kind
    for module in (domain_errors, application_errors)
    for name, kind in vars(module).items()
    if isinstance(kind, type) and issubclass(kind, Exception)
}


def encode_delivery(
    command_id: str, deadline: int, reply_to: str, command: MarketCommand, traceparent: str = ""
) -> bytes:
    raw = msgspec.Raw(_encoder.encode(command))
    kind = type(command).__name__
    return _encoder.encode(Delivery(command_id, deadline, reply_to, kind, raw, traceparent))


def decode_delivery(data: bytes) -> tuple[Delivery, MarketCommand]:
    delivery = _delivery.decode(data)
    command = msgspec.msgpack.decode(delivery.command, type=COMMAND_TYPES[delivery.kind])
    return delivery, command


def encode_answer(command_id: str, applied: Applied | None, refusal: Exception | None) -> bytes:
    if applied is None:
        return _encoder.encode(Answer(command_id, refusal=_error(refusal)))
    return _encoder.encode(
        Answer(
            command_id,
            applied.sequence,
            encode_events(applied.events),
            list(applied.orders.values()),
            _error(applied.cancel_error),
            _error(applied.place_error),
        )
    )


def decode_answer(data: bytes) -> tuple[str, Applied | Exception]:
    """The command's id, and what it did or the refusal to raise."""
    answer = _answer.decode(data)
    if answer.refusal is not None:
        return answer.command_id, _refusal(answer.refusal)
    cancel_error = _refusal(answer.cancel_error) if answer.cancel_error else None
    place_error = _refusal(answer.place_error) if answer.place_error else None
    assert cancel_error is None or isinstance(cancel_error, DomainError)
    assert place_error is None or isinstance(place_error, DomainError)
    return answer.command_id, Applied(
        answer.sequence,
        decode_events(answer.events),
        cancel_error,
        place_error,
        {order.order_id: order for order in answer.orders},
    )


def _error(error: Exception | None) -> tuple[str, str] | None:
    if error is None:
        return None
    if isinstance(error, FilterFailure):
        return type(error).__name__, error.filter.value
    return type(error).__name__, str(error)


def _refusal(sent: tuple[str, str]) -> Exception:
    name, message = sent
    kind = REFUSALS.get(name, application_errors.Unavailable)
    if kind is FilterFailure:
        return FilterFailure(MarketFilter(message))
    # The message is the one the engine's error had: rebuilt as is, whatever the constructor.
    error = kind.__new__(kind)
    Exception.__init__(error, message)
    return error
