"""The events of the order stream, put back in each account's order for a consumer downstream.

Kinesis delivers at least once, and a record put again after a refused batch may come after
the records that followed it; records of one account may also sit on a shard that a consumer
reads in pages. Every event of the order stream carries its `account` and `accountSequence`
(gapless from 1 per account, see `application.account_sequences`): an event numbered at or
below the last one taken is a repeat and dropped; one numbered past the next is held until
the events before it have come. A consumer of the order stream (analytics, a Lambda function
of its own) takes its events through it; the tests read the stream back through it."""

from collections.abc import Iterable, Mapping
from typing import Any


class AccountEvents:
    """Each account's events, taken once each and in their account sequence. `taken` is the
    last number taken per account (a consumer's checkpoint: start from the one it kept)."""

    def __init__(self, taken: Mapping[int, int] | None = None) -> None:
        self.taken: dict[int, int] = dict(taken or {})
        self._held: dict[int, dict[int, Mapping[str, Any]]] = {}

    def take(self, events: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
        """The events that now follow on from those taken, in order, each account's in turn."""
        for event in events:
            account, number = event["account"], event["accountSequence"]
            if number > self.taken.get(account, 0):
                self._held.setdefault(account, {})[number] = event
        ready: list[Mapping[str, Any]] = []
        for account in list(self._held):
            held = self._held[account]
            following = self.taken.get(account, 0) + 1
            while following in held:
                ready.append(held.pop(following))
                following += 1
            self.taken[account] = following - 1
            if not held:
                del self._held[account]
        return ready

    @property
    def waiting(self) -> dict[int, int]:
        """The accounts holding events back, with the number each still waits for."""
        return {account: self.taken.get(account, 0) + 1 for account in self._held}
