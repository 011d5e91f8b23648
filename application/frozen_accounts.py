"""The frozen accounts as a process knows them. Every check of an order, an API key or a login
asks; the store is read again once the answer is a few seconds old, or at once when a process
that froze or unfroze an account says so (`FreezeNotices`)."""

from attrs import define, field

from application.errors import ApplicationError, Unavailable
from application.ports import Clock, UnitOfWorkFactory
from application.records import Freeze

FROZEN_CACHE_MS = 5_000
RETRY_MS = 1_000


class AccountFrozen(ApplicationError):
    def __init__(self) -> None:
        super().__init__("This account is frozen: it may not place orders.")


@define
class FrozenAccounts:
    """The frozen accounts as this process knows them: read from the store again once they are
    `FROZEN_CACHE_MS` old, or as soon as a notice says they changed."""

    unit_of_work: UnitOfWorkFactory
    clock: Clock
    _known: dict[int, Freeze] = field(factory=dict, init=False)
    _fresh_until: int = field(default=0, init=False)

    async def is_frozen(self, account_id: int) -> bool:
        now = self.clock.now()
        if now >= self._fresh_until:
            try:
                async with self.unit_of_work() as uow:
                    self._known = await uow.freezes.frozen()
                self._fresh_until = now + FROZEN_CACHE_MS
            except Unavailable:
                # The freezes last read stay in force; the store is asked again in a moment,
                # not by every request while it is down.
                self._fresh_until = now + RETRY_MS
        return account_id in self._known

    async def check_trading(self, account_id: int) -> None:
        if await self.is_frozen(account_id):
            raise AccountFrozen()

    def forget(self) -> None:
        """Reads the store again when next asked: a freeze changed, here or elsewhere."""
        self._fresh_until = 0
