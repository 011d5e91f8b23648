"""The ports of who is calling: secrets, fresh tokens, password hashes, access tokens and their
login sessions, one-time passwords, and the listen keys of user data streams."""

from typing import Protocol

from application.records import (
    ListenKeyHolder,
    Session,
)


class SecretSource(Protocol):
    """Secrets kept outside the configuration (AWS Secrets Manager), which names them."""

    async def read(self, secret_id: str) -> str:
        """The secret's current value, read anew; raises `SecretMissing` if there is none."""
        ...


class IdSource(Protocol):
    def token(self) -> str:
        """A fresh unguessable token (API keys, secrets, session ids)."""
        ...

    def serial(self) -> str:
        """A fresh id, unique but not secret, of 22 characters (as long as the client order
        ids Binance makes up): no other of this source's, nor of another process's, is the
        same. The client order ids of orders sent without one."""
        ...


class PasswordHasher(Protocol):
    def hash(self, password: str) -> str: ...

    def verify(self, password_hash: str, password: str) -> bool: ...


class TokenService(Protocol):
    lifetime_ms: int

    def issue(self, user_id: int, session_id: str, now: int) -> str:
        """A signed access token for the user's session."""
        ...

    def read(self, token: str, now: int) -> tuple[int, str]:
        """(user id, session id) of a valid token; raises `InvalidToken` otherwise."""
        ...

    def csrf_token(self, refresh_token: str) -> str:
        """The token a browser sends in a header beside its refresh token's cookie: only a
        page of the exchange's own origin can read it, from the cookie set beside the other."""
        ...


class OneTimePasswords(Protocol):
    """Time-based one-time passwords (RFC 6238) as authenticator apps make them."""

    def new_secret(self) -> str: ...

    def uri(self, secret: str, account_name: str) -> str:
        """The otpauth URI an authenticator app reads, from its QR code or typed in."""
        ...

    def step_of(self, secret: str, code: str, now: int, after_step: int) -> int | None:
        """The time step of `code`, if it is the secret's code of the current step or of one
        step either side, and later than `after_step`."""
        ...

    def recovery_code(self) -> str:
        """A fresh code to write down, good once when the authenticator is lost."""
        ...


class Sessions(Protocol):
    """Login sessions, kept apart from the system of record: each lives until it expires or
    is revoked, and its refresh token can be taken once."""

    async def add(self, session: Session, now: int) -> None: ...

    async def get(self, session_id: str, now: int) -> Session | None:
        """The session while it is live: neither expired nor revoked."""
        ...

    async def take(self, refresh_token: str, now: int) -> Session | None:
        """Revokes the live session of the refresh token and returns it, in one step: of
        concurrent callers with the same token, one gets the session and the others None."""
        ...

    async def revoke(self, session_id: str) -> None: ...


class ListenKeys(Protocol):
    """User data stream keys: each names one account's stream, opened with one of its API keys,
    until it expires unrenewed, is closed, or its API key is revoked."""

    async def open(self, account_id: int, api_key: str, now: int) -> str:
        """A key for the account's stream; each API key keeps one listen key while it is live."""
        ...

    async def keep_alive(self, listen_key: str, account_id: int, now: int) -> bool:
        """Extends the key's life; False if it is unknown, expired or another account's."""
        ...

    async def close(self, listen_key: str, account_id: int) -> bool: ...

    async def holder(self, listen_key: str, now: int) -> ListenKeyHolder | None:
        """Whose stream a live key names."""
        ...

    async def revoke(self, api_key: str) -> str | None:
        """Closes the listen key opened with `api_key`, and returns it, if it had one."""
        ...
