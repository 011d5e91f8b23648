"""A user data stream served at /ws/<listenKey>: it follows the account's messages, and ends
with `listenKeyExpired` once its listen key or the API key that opened it no longer holds
(closed, expired, deleted), then closes the connection."""

import asyncio
from collections.abc import Callable

import msgspec
from attrs import frozen

from application.errors import Unavailable
from application.records import ListenKeyHolder
from application.user_streams import UnknownListenKey
from entrypoints.api.services import Services
from entrypoints.streams.names import user_channel
from entrypoints.streams.revocations import revoked_channel

CHECK_INTERVAL_S = 5.0


@frozen
class ListenKeyStream:
    listen_key: str
    holder: ListenKeyHolder

    def channels(self) -> list[str]:
        """The account's messages, and the notices that end them."""
        return [
            user_channel(self.holder.account_id),
            revoked_channel(self.listen_key),
            revoked_channel(self.holder.api_key),
        ]

    def expired(self, now: int) -> str:
        return msgspec.json.encode(
            {"e": "listenKeyExpired", "E": now, "listenKey": self.listen_key}
        ).decode()

    async def holds(self, services: Services) -> bool:
        """Whether the listen key and its API key are still live. Asked every few seconds, in
        case a revocation notice was lost (Redis out of reach) or the key expired unrenewed;
        while the stores cannot tell, the stream goes on."""
        try:
            await services.user_streams.holder(self.listen_key)
            return await services.accounts.api_key(self.holder.api_key) is not None
        except UnknownListenKey:
            return False
        except Unavailable:
            return True

    async def watch(self, services: Services, end: Callable[[str], None]) -> None:
        while True:
            await asyncio.sleep(CHECK_INTERVAL_S)
            if not await self.holds(services):
                end(self.expired(services.user_streams.clock.now()))
                return
