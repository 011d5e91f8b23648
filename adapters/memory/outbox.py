"""The outbox, the market leases and the recorded answers of commands in the memory store."""

from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING

from application.errors import LeaseLost
from application.records import Lease, OutboxChannel, OutboxMessage
from application.relay import encode_events
from domain.events import Event

if TYPE_CHECKING:
    from adapters.memory.unit_of_work import MemoryUnitOfWork


class MemoryOutbox:
    def __init__(self, uow: "MemoryUnitOfWork") -> None:
        self._uow = uow

    async def add(self, symbol: str, sequence: int, events: Sequence[Event]) -> None:
        store = self._uow.store
        encoded = encode_events(events)
        channels = [OutboxChannel.STREAMS]
        if self._uow.event_log:
            channels.append(OutboxChannel.EVENT_LOG)

        def write() -> None:
            for channel in channels:
                store.last_outbox_id += 1
                message = OutboxMessage(store.last_outbox_id, symbol, sequence, encoded)
                if channel is OutboxChannel.EVENT_LOG:
                    message.account_sequences = store.account_counters.number(events)
                store.outbox[message.outbox_id] = (channel, message)

        self._uow.staged.append(write)

    async def pending(
        self, channel: OutboxChannel, symbols: Collection[str], limit: int
    ) -> list[OutboxMessage]:
        found = []
        for on, message in self._uow.store.outbox.values():  # oldest first: dicts keep order
            if on is channel and message.symbol in symbols:
                found.append(message)
                if len(found) == limit:
                    break
        return found

    async def waiting(self, channel: OutboxChannel, symbol: str) -> list[OutboxMessage]:
        outbox = self._uow.store.outbox.values()
        return [message for on, message in outbox if on is channel and message.symbol == symbol]

    async def relayed(self, outbox_ids: Sequence[int]) -> None:
        outbox = self._uow.store.outbox

        def write() -> None:
            for outbox_id in outbox_ids:
                outbox.pop(outbox_id, None)

        self._uow.staged.append(write)


class MemoryMarketLeases:
    def __init__(self, uow: "MemoryUnitOfWork") -> None:
        self._uow = uow

    async def acquire(self, symbol: str, owner: str, now: int, ttl_ms: int) -> Lease | None:
        leases = self._uow.store.leases
        held = leases.get(symbol)
        if held is not None and held.owner != owner and held.expires_at > now:
            return None
        epoch = held.epoch if held is not None and held.owner == owner else _next_epoch(held)
        sequence = held.sequence if held is not None else 0
        since = held.held_since if held is not None and held.owner == owner else now
        lease = Lease(symbol, owner, epoch, now + ttl_ms, sequence, since)

        def check() -> None:  # as PostgreSQL's row lock: taken meanwhile, it is not taken here
            if leases.get(symbol) is not held:
                raise LeaseLost(f"The lease on {symbol} moved to another engine.")

        self._uow.checks.append(check)
        self._uow.staged.append(lambda: leases.__setitem__(symbol, lease))
        return Lease(symbol, owner, epoch, now + ttl_ms, sequence, since)

    async def held(self) -> list[Lease]:
        leases = self._uow.store.leases
        return [
            Lease(lease.symbol, lease.owner, lease.epoch, lease.expires_at, lease.sequence,
                  lease.held_since)
            for _, lease in sorted(leases.items())
        ]  # fmt: skip

    async def fence(self, lease: Lease, sequence: int) -> None:
        leases = self._uow.store.leases

        def check() -> None:
            current = leases[lease.symbol]
            if (current.owner, current.epoch) != (lease.owner, lease.epoch):
                raise LeaseLost(f"The lease on {lease.symbol} moved to another engine.")

        def write() -> None:
            leases[lease.symbol].sequence = sequence

        self._uow.checks.append(check)
        self._uow.staged.append(write)

    async def sequence(self, symbol: str) -> int:
        held = self._uow.store.leases.get(symbol)
        return held.sequence if held is not None else 0


def _next_epoch(held: Lease | None) -> int:
    return 1 if held is None else held.epoch + 1


class MemoryCommandAnswers:
    def __init__(self, uow: "MemoryUnitOfWork") -> None:
        self._uow = uow

    async def add(self, command_id: str, symbol: str, answer: bytes, at: int) -> None:
        answers = self._uow.store.command_answers

        def check() -> None:
            if command_id in answers:
                raise ValueError(f"Command {command_id} is recorded already.")

        self._uow.checks.append(check)
        self._uow.staged.append(lambda: answers.__setitem__(command_id, (symbol, answer, at)))

    async def answers(self, command_ids: Collection[str]) -> dict[str, bytes]:
        answers = self._uow.store.command_answers
        return {found: answers[found][1] for found in command_ids if found in answers}

    async def forget(self, symbol: str, before: int) -> None:
        answers = self._uow.store.command_answers

        def write() -> None:
            for command_id in [
                command_id
                for command_id, (of, _, at) in answers.items()
                if of == symbol and at < before
            ]:
                del answers[command_id]

        self._uow.staged.append(write)
