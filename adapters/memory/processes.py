"""The live processes in memory: only this one, in memory mode."""

from application.records import ProcessBeat


class MemoryProcesses:
    def __init__(self) -> None:
        self._beats: dict[str, tuple[ProcessBeat, int]] = {}

    async def beat(self, beat: ProcessBeat, ttl_ms: int) -> None:
        self._beats[beat.process_id] = (beat, beat.seen_at + ttl_ms)

    async def live(self, now: int) -> list[ProcessBeat]:
        for process_id, (_, until) in list(self._beats.items()):
            if until <= now:
                del self._beats[process_id]
        beats = (beat for beat, _ in self._beats.values())
        return sorted(beats, key=lambda beat: (beat.role, beat.process_id))
