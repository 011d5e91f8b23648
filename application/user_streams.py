"""Use cases of user data streams: an account opens, keeps alive and closes the listen key that
names its stream, and a stream is served to the account its key names."""

from attrs import define

from application.errors import ApplicationError
from application.ports import Clock, ListenKeys


class UnknownListenKey(ApplicationError):
    """A listen key that was never opened, expired unrenewed, was closed, or is another
    account's: the caller is told the same in each case, so keys cannot be probed."""

    def __init__(self) -> None:
        super().__init__("This listenKey does not exist.")


@define
class UserStreams:
    listen_keys: ListenKeys
    clock: Clock

    async def open(self, account_id: int) -> str:
        """The account's live key, renewed, or a new one if it has none."""
        return await self.listen_keys.open(account_id, self.clock.now())

    async def keep_alive(self, account_id: int, listen_key: str) -> None:
        if not await self.listen_keys.keep_alive(listen_key, account_id, self.clock.now()):
            raise UnknownListenKey()

    async def close(self, account_id: int, listen_key: str) -> None:
        if not await self.listen_keys.close(listen_key, account_id):
            raise UnknownListenKey()

    async def account_of(self, listen_key: str) -> int:
        """The account whose stream a live key names."""
        account_id = await self.listen_keys.account_of(listen_key, self.clock.now())
        if account_id is None:
            raise UnknownListenKey()
        return account_id
