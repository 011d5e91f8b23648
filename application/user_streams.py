"""Use cases of user data streams: an API key opens, keeps alive and closes the listen key that
names its account's stream, and a stream is served to the holder of a live key. A stream lasts
no longer than the listen key and the API key it was opened with: closing either ends it."""

from attrs import define

from application.errors import ApplicationError
from application.identity_ports import ListenKeys
from application.messaging_ports import Revocations
from application.ports import Clock
from application.records import ListenKeyHolder


class UnknownListenKey(ApplicationError):
    """A listen key that was never opened, expired unrenewed, was closed, or is another
    account's: the caller is told the same in each case, so keys cannot be probed."""

    def __init__(self) -> None:
        super().__init__("This listenKey does not exist.")


@define
class UserStreams:
    listen_keys: ListenKeys
    revocations: Revocations
    clock: Clock

    async def open(self, account_id: int, api_key: str) -> str:
        """The API key's live listen key, renewed, or a new one if it has none."""
        return await self.listen_keys.open(account_id, api_key, self.clock.now())

    async def keep_alive(self, account_id: int, listen_key: str) -> None:
        if not await self.listen_keys.keep_alive(listen_key, account_id, self.clock.now()):
            raise UnknownListenKey()

    async def close(self, account_id: int, listen_key: str) -> None:
        if not await self.listen_keys.close(listen_key, account_id):
            raise UnknownListenKey()
        await self.revocations.revoke([listen_key])

    async def holder(self, listen_key: str) -> ListenKeyHolder:
        """Whose stream a live key names."""
        holder = await self.listen_keys.holder(listen_key, self.clock.now())
        if holder is None:
            raise UnknownListenKey()
        return holder

    async def revoke(self, api_key: str) -> None:
        """Ends what an API key that no longer holds (deleted, or restricted) opened: its
        listen key, and every stream and subscription opened with either."""
        listen_key = await self.listen_keys.revoke(api_key)
        await self.revocations.revoke([api_key] if listen_key is None else [api_key, listen_key])
