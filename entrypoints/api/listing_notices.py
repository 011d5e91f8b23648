"""Listing notices on the app's channels (in process, or through Redis to every process of
every role): the process that changed the listings announces it, and each process reads them
again at once (see `application.listing`)."""

from collections.abc import Awaitable, Callable

from attrs import define, frozen
from litestar import Litestar
from litestar.channels import ChannelsPlugin

from application.listing import ListingSync
from entrypoints.api.delivery import Delivery
from entrypoints.streams.hub import Publish

LISTINGS = "listings"


@define
class ChannelListingNotices:
    """The `ListingNotices` port. `publish` is the app's, set when it starts."""

    publish: Publish | None = None

    async def announce(self) -> None:
        if self.publish is not None:
            self.publish(b"changed", [LISTINGS])


@frozen
class ReadListingsAgain:
    """The recipient of the notices."""

    sync: ListingSync

    def deliver(self, message: bytes) -> None:
        self.sync.notice()


def follow_listings(
    channels: ChannelsPlugin, sync: ListingSync
) -> Callable[[Litestar], Awaitable[None]]:
    """A start-up hook (run once the channels have started) subscribing to the notices."""

    async def follow(_: Litestar) -> None:
        subscriber = await channels.subscribe([LISTINGS])
        assert isinstance(subscriber, Delivery)
        subscriber.recipient = ReadListingsAgain(sync)

    return follow
