"""The app's channels: Litestar's plugin, which also tells whether this process follows a
channel."""

from litestar.channels import ChannelsPlugin


class Channels(ChannelsPlugin):
    def followed_here(self, channel: str) -> bool:
        """Whether a subscriber of this process follows `channel`; which the memory backend's
        followers all are."""
        return bool(self._channels.get(channel))

    async def _pub_worker(self) -> None:
        """Litestar's publishing loop, holding on to its queue. Litestar's own looks the queue
        up again after each publish, while its shutdown drops the queue once joined; a publish
        begun in between outlives it and fails on `None` (seen at a test's teardown). The
        shutdown cancels this task after dropping the queue."""
        queue = self._pub_queue
        while queue is not None:
            data, channels = await queue.get()
            await self._backend.publish(data, channels)
            queue.task_done()
