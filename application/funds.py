"""Use cases of money: deposits, withdrawals, the demo faucet, balances and statements."""

from decimal import Decimal

from attrs import define

from application.errors import FeatureDisabled, NotFound
from application.ledger_sync import LedgerSync
from application.ports import Clock, UnitOfWorkFactory
from application.records import StatementLine
from application.relay import Relay
from domain.commands import Deposit, Withdraw
from domain.errors import InvalidAmount, UnknownAsset
from domain.exchange import Exchange
from domain.ledger import Balance, JournalEntry

FAUCET_BASE_CAP = Decimal(100)
FAUCET_QUOTE_CAP = Decimal(1_000_000)


@define
class Funds:
    exchange: Exchange
    unit_of_work: UnitOfWorkFactory
    sync: LedgerSync
    relay: Relay
    clock: Clock
    faucet_enabled: bool

    async def deposit(self, account_id: int, asset: str, amount: Decimal, reference: str) -> None:
        minor = self._minor(asset, amount)
        entry = self.exchange.transfer(Deposit(account_id, asset, minor, reference))
        await self._record(account_id, entry)

    async def withdraw(self, account_id: int, asset: str, amount: Decimal, reference: str) -> None:
        """Refused with `InsufficientBalance` by the store's own check at commit: the ledger
        in memory may not know everything other processes did."""
        minor = self._minor(asset, amount)
        entry = self.exchange.transfer(Withdraw(account_id, asset, minor, reference))
        await self._record(account_id, entry)

    async def _record(self, account_id: int, entry: JournalEntry) -> None:
        await self._check_account(account_id)
        async with self.sync.batch():
            async with self.unit_of_work() as uow:
                await uow.journal.add(entry, self.clock.now())
                # No market: user streams tell the account, nothing else listens.
                await uow.outbox.add("", 0, [entry])
                await uow.commit()
            self.sync.committed_elsewhere(entry)
        self.relay.notify()

    async def _check_account(self, account_id: int) -> None:
        async with self.unit_of_work() as uow:
            if await uow.users.get(account_id) is None:
                raise NotFound(f"No account {account_id}.")

    async def faucet(self, account_id: int, asset: str, amount: Decimal) -> None:
        """Demo money: credits up to 100 of a base asset or 1,000,000 of a quote-only asset."""
        if not self.faucet_enabled:
            raise FeatureDisabled("The faucet is disabled on this exchange.")
        traded_as_base = any(s.market.base.code == asset for s in self.exchange.markets.values())
        cap = FAUCET_BASE_CAP if traded_as_base else FAUCET_QUOTE_CAP
        if amount > cap:
            raise InvalidAmount(f"The faucet gives at most {cap} {asset} at a time.")
        await self.deposit(account_id, asset, amount, "faucet")

    async def balances(self, account_id: int) -> dict[str, Balance]:
        async with self.unit_of_work() as uow:
            return await uow.journal.balances(account_id)

    async def statement(
        self, account_id: int, asset: str | None, start: int | None, end: int | None
    ) -> list[StatementLine]:
        async with self.unit_of_work() as uow:
            return await uow.journal.statement(account_id, asset, start, end)

    def _minor(self, asset: str, amount: Decimal) -> int:
        if asset not in self.exchange.assets:
            raise UnknownAsset(f"Unknown asset {asset!r}.")
        return self.exchange.assets[asset].to_minor(amount)
