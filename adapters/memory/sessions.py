"""Login sessions held in this process, for the memory mode and the tests."""

from application.records import Session


class MemorySessions:
    def __init__(self) -> None:
        self._sessions: dict[str, Session] = {}
        self._session_ids_by_refresh_token: dict[str, str] = {}
        self._sweep_at = 1024

    async def add(self, session: Session, now: int) -> None:
        if session.expires_at <= now:
            return
        if len(self._sessions) >= self._sweep_at:
            self._sweep(now)
        self._sessions[session.session_id] = session
        self._session_ids_by_refresh_token[session.refresh_token] = session.session_id

    async def get(self, session_id: str, now: int) -> Session | None:
        return self._live(session_id, now)

    async def take(self, refresh_token: str, now: int) -> Session | None:
        # Nothing suspends between reading and revoking, so no other task takes it too.
        session_id = self._session_ids_by_refresh_token.get(refresh_token)
        session = None if session_id is None else self._live(session_id, now)
        if session is not None:
            self._forget(session)
        return session

    async def revoke(self, session_id: str) -> None:
        session = self._sessions.get(session_id)
        if session is not None:
            self._forget(session)

    def _live(self, session_id: str, now: int) -> Session | None:
        session = self._sessions.get(session_id)
        return session if session is not None and session.expires_at > now else None

    def _forget(self, session: Session) -> None:
        del self._sessions[session.session_id]
        del self._session_ids_by_refresh_token[session.refresh_token]

    def _sweep(self, now: int) -> None:
        """Forgets the expired sessions; sweeping again only once their number has doubled
        keeps the cost of sweeping a constant per session added."""
        for session in [s for s in self._sessions.values() if s.expires_at <= now]:
            self._forget(session)
        self._sweep_at = max(1024, 2 * len(self._sessions))
