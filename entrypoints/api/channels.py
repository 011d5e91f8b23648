"""The app's channels: Litestar's plugin, which also tells whether this process follows a
channel."""

from litestar.channels import ChannelsPlugin


class Channels(ChannelsPlugin):
    def followed_here(self, channel: str) -> bool:
        """Whether a subscriber of this process follows `channel`; which the memory backend's
        followers all are."""
        return bool(self._channels.get(channel))
