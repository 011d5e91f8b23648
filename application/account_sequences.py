"""Each account's own sequence over the events that concern it, for the event log's order
stream: an account trades on many markets at once and moves funds outside any, so no market's
sequence orders its events. Consumers downstream order an account's events by it and drop the
repeats of an at-least-once delivery.

The numbers are given at commit, in the transaction that writes the events to the outbox, from
a counter per account kept in the store: gapless, in commit order (two commits touching one
account take its counter in turn), and written into the outbox message, so that relaying the
message again, or from another process after a failover, gives every event the same number.
An engine keeps nothing of them in memory: a new owner of a market draws from the same
counters."""

from collections.abc import Iterable

from attrs import define, field

from domain.events import (
    Event,
    IcebergShown,
    OrderAccepted,
    OrderUpdated,
    PreventedMatch,
    StopTrailed,
)
from domain.ledger import EXTERNAL_ACCOUNT, JournalEntry

ACCOUNT_EVENTS = (OrderAccepted, OrderUpdated, StopTrailed, IcebergShown, PreventedMatch)


def accounts_told(event: Event) -> list[int]:
    """The accounts whose order stream tells of the event, once each, in the order told: the
    accounts of a journal entry's postings (not the world outside), or an order's owner."""
    if isinstance(event, JournalEntry):
        return list(
            dict.fromkeys(
                posting.account_id
                for posting in event.postings
                if posting.account_id != EXTERNAL_ACCOUNT
            )
        )
    if isinstance(event, ACCOUNT_EVENTS):
        return [event.account_id]
    return []


def counted(events: Iterable[Event]) -> dict[int, int]:
    """How many of the events each account is told of."""
    counts: dict[int, int] = {}
    for event in events:
        for account in accounts_told(event):
            counts[account] = counts.get(account, 0) + 1
    return counts


@define
class AccountCounters:
    """Accounts' counters as they stand: `last` holds each account's last number given (none
    for an account never told)."""

    last: dict[int, int] = field(factory=dict)

    def number(self, events: Iterable[Event]) -> dict[int, int]:
        """Moves the counters on by the events of one message; the first number of each
        account in it (its others follow on, in the order `accounts_told` gives)."""
        first = {}
        for account, count in counted(events).items():
            first[account] = self.last.get(account, 0) + 1
            self.last[account] = self.last.get(account, 0) + count
        return first
