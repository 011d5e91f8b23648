"""The double-entry ledger: every balance change is a journal entry whose postings sum to zero
per asset, and no account's available or locked balance may go below zero."""

from collections.abc import Iterator
from enum import Enum

from attrs import define, frozen

from domain.errors import InsufficientBalance

EXTERNAL_ACCOUNT = -1
"""The world outside the exchange: deposits come from it and withdrawals go to it, so its
balance is the negative of everything the exchange holds."""

FEE_ACCOUNT = 0
"""Where maker and taker fees are credited."""


class Bucket(Enum):
    AVAILABLE = "available"
    LOCKED = "locked"


class EntryKind(Enum):
    DEPOSIT = "DEPOSIT"
    WITHDRAWAL = "WITHDRAWAL"
    HOLD = "HOLD"
    RELEASE = "RELEASE"
    TRADE = "TRADE"


@frozen
class Posting:
    account_id: int
    asset: str
    bucket: Bucket
    amount: int


@frozen
class JournalEntry:
    kind: EntryKind
    postings: tuple[Posting, ...]
    reference: str


@define
class Balance:
    available: int = 0
    locked: int = 0

    @property
    def total(self) -> int:
        return self.available + self.locked


class Ledger:
    def __init__(self) -> None:
        self._balances: dict[tuple[int, str], Balance] = {}

    def balance(self, account_id: int, asset: str) -> Balance:
        found = self._balances.get((account_id, asset))
        return Balance(found.available, found.locked) if found else Balance()

    def available(self, account_id: int, asset: str) -> int:
        found = self._balances.get((account_id, asset))
        return found.available if found else 0

    def balances(self) -> Iterator[tuple[int, str, Balance]]:
        for (account_id, asset), balance in self._balances.items():
            yield account_id, asset, Balance(balance.available, balance.locked)

    def post(self, entry: JournalEntry) -> JournalEntry:
        """Applies every posting of `entry` or, if any balance would go negative, none."""
        per_asset: dict[str, int] = {}
        changes: dict[tuple[int, str], list[int]] = {}
        for posting in entry.postings:
            per_asset[posting.asset] = per_asset.get(posting.asset, 0) + posting.amount
            change = changes.setdefault((posting.account_id, posting.asset), [0, 0])
            change[posting.bucket is Bucket.LOCKED] += posting.amount
        if any(per_asset.values()):
            raise ValueError(f"unbalanced journal entry {entry}")
        balances = self._balances
        for (account_id, asset), (available, locked) in changes.items():
            current = balances.get((account_id, asset))
            if account_id != EXTERNAL_ACCOUNT and (
                (current.available if current else 0) + available < 0
                or (current.locked if current else 0) + locked < 0
            ):
                raise InsufficientBalance("Account has insufficient balance for requested action.")
        for key, (available, locked) in changes.items():
            balance = balances.get(key)
            if balance is None:
                balance = balances[key] = Balance()
            balance.available += available
            balance.locked += locked
        return entry


def transfer_entry(
    kind: EntryKind, account_id: int, asset: str, amount: int, reference: str
) -> JournalEntry:
    """A deposit (from the outside world) or a withdrawal (to it) of `amount`."""
    signed = amount if kind is EntryKind.DEPOSIT else -amount
    return JournalEntry(
        kind,
        (
            Posting(EXTERNAL_ACCOUNT, asset, Bucket.AVAILABLE, -signed),
            Posting(account_id, asset, Bucket.AVAILABLE, signed),
        ),
        reference,
    )


def hold_entry(
    kind: EntryKind, account_id: int, asset: str, amount: int, reference: str
) -> JournalEntry:
    """Moves `amount` from available to locked (HOLD) or back (RELEASE)."""
    signed = amount if kind is EntryKind.HOLD else -amount
    return JournalEntry(
        kind,
        (
            Posting(account_id, asset, Bucket.AVAILABLE, -signed),
            Posting(account_id, asset, Bucket.LOCKED, signed),
        ),
        reference,
    )
