"""Use cases of money: deposits, withdrawals, the demo faucet, balances and statements."""

from decimal import Decimal

from attrs import define

from application.errors import FeatureDisabled, NotFound, ReferenceTaken
from application.ledger_sync import LedgerSync
from application.ports import Clock, UnitOfWorkFactory
from application.records import StatementLine, Transfer
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
        """Credits money received outside the exchange, once per `reference` (see `_transfer`)."""
        await self._transfer(Deposit(account_id, asset, self._minor(asset, amount), reference))

    async def withdraw(self, account_id: int, asset: str, amount: Decimal, reference: str) -> None:
        """Debits money sent outside the exchange, once per `reference` (see `_transfer`).
        Refused with `InsufficientBalance` by the store's own check at commit: the ledger in
        memory may not know everything other processes did."""
        await self._transfer(Withdraw(account_id, asset, self._minor(asset, amount), reference))

    async def _transfer(self, command: Deposit | Withdraw) -> None:
        """Makes the transfer unless its reference was used already: a retry of the same
        transfer changes nothing and answers as the first did, while a reference used for
        another account, asset, amount or direction is refused with `ReferenceTaken`. A
        refused transfer records nothing, so a retry may succeed later."""
        entry = self.exchange.transfer(command)
        transfer = Transfer(
            command.reference, entry.kind, command.account_id, command.asset, command.amount
        )
        if await self._made(transfer):
            return
        try:
            await self._record(command.account_id, entry, transfer)
        except ReferenceTaken:
            # The same request, sent again before the first one committed, may have won.
            if not await self._made(transfer):
                raise

    async def _made(self, transfer: Transfer) -> bool:
        """Whether this very transfer is recorded; `ReferenceTaken` if another one is."""
        async with self.unit_of_work() as uow:
            recorded = await uow.transfers.get(transfer.reference)
        if recorded is not None and recorded != transfer:
            raise ReferenceTaken()
        return recorded is not None

    async def _record(
        self, account_id: int, entry: JournalEntry, transfer: Transfer | None
    ) -> None:
        await self._check_account(account_id)
        async with self.sync.batch():
            async with self.unit_of_work() as uow:
                await uow.journal.add(entry, self.clock.now())
                if transfer is not None:
                    await uow.transfers.add(transfer)
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
        minor = self._minor(asset, amount)
        # Demo money may be asked for again and again: no reference makes it once.
        entry = self.exchange.transfer(Deposit(account_id, asset, minor, "faucet"))
        await self._record(account_id, entry, None)

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
