"""User data stream subscriptions on a WebSocket API connection: each follows one account's
messages, the same payloads as the listenKey stream, in Binance's envelope
`{"subscriptionId", "event"}`. A subscription ends, with `eventStreamTerminated`, when it is
unsubscribed, when the session that opened it logs out, or once the API key that opened it no
longer holds (deleted, restricted)."""

import asyncio
from collections.abc import Callable

from attrs import define, field
from litestar.channels import ChannelsPlugin, Subscriber

from application.errors import Unavailable
from application.ports import Clock
from application.records import ApiKey
from entrypoints.api.delivery import Delivery
from entrypoints.api.errors import ApiError
from entrypoints.api.services import Services
from entrypoints.streams.names import user_channel
from entrypoints.streams.revocations import REVOKED, revoked_channel

MAX_ACTIVE = 1000  # subscriptions at a time on one connection, as Binance allows
MAX_OPENED = 65535  # over a connection's life
CHECK_INTERVAL_S = 5.0
REVOKED_BYTES = REVOKED.encode()


@define(eq=False)
class Subscription:
    subscription_id: int
    key: ApiKey
    by_logon: bool  # opened by `userDataStream.subscribe`: it ends with the session's logon
    user_data: "UserData"
    subscriber: Subscriber | None = None

    def deliver(self, message: bytes) -> None:
        if message.startswith(REVOKED_BYTES):
            self.user_data.end(self)
            return
        payload = message.partition(b"\n")[2]
        self.user_data.send(self.envelope(payload))

    def envelope(self, event: bytes) -> str:
        return (b'{"subscriptionId":%d,"event":%s}' % (self.subscription_id, event)).decode()


@define
class UserData:
    channels: ChannelsPlugin
    send: Callable[[str], None]
    clock: Clock
    active: dict[int, Subscription] = field(factory=dict)
    opened: int = 0
    _ending: set["asyncio.Task[None]"] = field(factory=set, init=False)

    async def subscribe(self, key: ApiKey, by_logon: bool) -> int:
        if any(s.key.user_id == key.user_id for s in self.active.values()):
            raise ApiError(-2035, "User Data Stream subscription already active.")
        if len(self.active) >= MAX_ACTIVE:
            raise ApiError(-1191, f"Too many subscriptions: at most {MAX_ACTIVE} at a time.")
        if self.opened >= MAX_OPENED:
            raise ApiError(-2042, "Maximum subscription ID reached for this connection.")
        subscription = Subscription(self.opened, key, by_logon, self)
        self.opened += 1
        self.active[subscription.subscription_id] = subscription
        names = [user_channel(key.user_id), revoked_channel(key.api_key)]
        subscriber = await self.channels.subscribe(names)
        assert isinstance(subscriber, Delivery)
        subscriber.recipient = subscription
        subscription.subscriber = subscriber
        return subscription.subscription_id

    def end(self, subscription: Subscription) -> None:
        """Tells the client the subscription is over, and leaves its channels."""
        if self.active.pop(subscription.subscription_id, None) is None:
            return
        terminated = b'{"e":"eventStreamTerminated","E":%d}' % self.clock.now()
        self.send(subscription.envelope(terminated))
        task = asyncio.create_task(self._leave(subscription))
        self._ending.add(task)
        task.add_done_callback(self._ending.discard)

    def end_where(self, ends: Callable[[Subscription], bool]) -> None:
        for subscription in [s for s in self.active.values() if ends(s)]:
            self.end(subscription)

    async def close(self) -> None:
        """The connection is gone: leaves every channel, telling no one."""
        for subscription in self.active.values():
            await self._leave(subscription)
        self.active.clear()
        await asyncio.gather(*self._ending, return_exceptions=True)

    async def watch(self, services: Services) -> None:
        """Ends the subscriptions whose API key no longer holds, should a revocation notice
        have been lost (Redis out of reach); while the store cannot tell, they go on."""
        while True:
            await asyncio.sleep(CHECK_INTERVAL_S)
            for subscription in list(self.active.values()):
                try:
                    held = await services.accounts.api_key(subscription.key.api_key)
                except Unavailable:
                    continue
                if held is None:
                    self.end(subscription)

    async def _leave(self, subscription: Subscription) -> None:
        if subscription.subscriber is not None:
            await self.channels.unsubscribe(subscription.subscriber)
            subscription.subscriber = None
