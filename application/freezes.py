"""Account freezes: an operator freezes an account in an incident (fraud, a court order) and
lifts the freeze later. While frozen, the account places no order, its API keys are refused
as unknown and its logins end; its open orders are cancelled by their markets' engines (so
their holds are released and the cancels streamed) and its streams are closed. Lifting the
freeze gives the keys back, not the cancelled orders."""

from attrs import define

from application.errors import NotFound
from application.frozen_accounts import FrozenAccounts
from application.messaging_ports import FreezeNotices
from application.ports import Clock, UnitOfWork, UnitOfWorkFactory
from application.records import Freeze
from application.trading import Trading
from application.user_streams import UserStreams
from domain.errors import MarketClosedToChanges


@define
class FrozenNow:
    """A freeze as carried out: the orders cancelled, and the markets that took no cancel
    (halted ones), whose orders stay until the freeze is repeated once they reopen."""

    freeze: Freeze
    canceled: int
    markets_closed: list[str]


@define
class AccountFreezes:
    unit_of_work: UnitOfWorkFactory
    clock: Clock
    frozen: FrozenAccounts
    notices: FreezeNotices
    user_streams: UserStreams
    trading: Trading

    async def freeze(self, account_id: int, reason: str) -> FrozenNow:
        """Freezes the account (again: the first freeze stays), closes what its API keys opened
        and cancels its open orders through their engines. The streams of its logins are the
        caller's to close, as a logout does."""
        async with self.unit_of_work() as uow:
            await _check_account(uow, account_id)
            await uow.freezes.freeze(Freeze(account_id, self.clock.now(), reason))
            await uow.commit()
        await self._tell(account_id)
        for key in await self._api_keys(account_id):
            await self.user_streams.revoke(key)
        # Last, as it needs the engines: a freeze retried after one was out of reach cancels
        # what is left.
        canceled, closed = 0, []
        for symbol in self.trading.exchange.markets:
            try:
                canceled += len(await self.trading.cancel_all(account_id, symbol))
            except MarketClosedToChanges:
                closed.append(symbol)
        freeze = (await self.frozen_accounts())[account_id]
        return FrozenNow(freeze, canceled, closed)

    async def unfreeze(self, account_id: int) -> None:
        """Lifts the freeze: the account's API keys and logins work again."""
        async with self.unit_of_work() as uow:
            await _check_account(uow, account_id)
            await uow.freezes.unfreeze(account_id)
            await uow.commit()
        await self._tell(account_id)

    async def frozen_accounts(self) -> dict[int, Freeze]:
        async with self.unit_of_work() as uow:
            return await uow.freezes.frozen()

    async def _tell(self, account_id: int) -> None:
        self.frozen.forget()
        await self.notices.tell(account_id)

    async def _api_keys(self, account_id: int) -> list[str]:
        async with self.unit_of_work() as uow:
            return [key.api_key for key in await uow.api_keys.of_user(account_id)]


async def _check_account(uow: UnitOfWork, account_id: int) -> None:
    if await uow.users.get(account_id) is None:
        raise NotFound(f"No account {account_id}.")
