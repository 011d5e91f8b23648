"""A clock that stands still until a test moves it."""

from domain.candles import MINUTE


class SteppedClock:
    def __init__(self, start: int) -> None:
        self.start = start
        self.time = start

    def now(self) -> int:
        return self.time

    def at(self, minutes: float) -> None:
        """Moves to `minutes` after the start."""
        self.time = self.start + int(minutes * MINUTE)
