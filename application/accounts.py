"""Use cases of identity: sign-up, login sessions, access tokens and API keys; the last two
ask for a two-factor code once the user has enabled it."""

import re

from attrs import define, field
from msgspec import structs

from application.errors import InvalidCredentials, InvalidToken, NotFound
from application.frozen_accounts import FrozenAccounts
from application.identity_ports import IdSource, PasswordHasher, Sessions, TokenService
from application.ports import Clock, UnitOfWorkFactory
from application.records import ApiKey, KeyType, Session, User
from application.two_factor import TwoFactorAuth

REFRESH_LIFETIME_MS = 30 * 24 * 3600 * 1000
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD = 8
API_KEY_CACHE_MS = 5_000
KNOWN_KEYS = 100_000


class InvalidSignUp(InvalidCredentials):
    """An email that is not one, or a password too short to be safe."""


@define
class Tokens:
    access_token: str
    refresh_token: str
    expires_in: int  # seconds the access token lasts


@define
class Accounts:
    unit_of_work: UnitOfWorkFactory
    sessions: Sessions
    clock: Clock
    ids: IdSource
    hasher: PasswordHasher
    tokens: TokenService
    two_factor: TwoFactorAuth
    frozen: FrozenAccounts
    _known_keys: dict[str, tuple[ApiKey, int]] = field(factory=dict, init=False)
    _decoy_hash: str | None = field(default=None, init=False)

    async def sign_up(self, email: str, password: str) -> User:
        email = email.strip().lower()
        if not EMAIL.match(email):
            raise InvalidSignUp("A valid email is required.")
        if len(password) < MIN_PASSWORD:
            raise InvalidSignUp(f"The password needs at least {MIN_PASSWORD} characters.")
        async with self.unit_of_work() as uow:
            user = await uow.users.add(email, self.hasher.hash(password), self.clock.now())
            await uow.commit()
        return user

    async def login(self, email: str, password: str, code: str | None = None) -> Tokens:
        async with self.unit_of_work() as uow:
            user = await uow.users.by_email(email.strip().lower())
        # An unknown email costs a password check too: a quicker answer would tell that
        # nobody has an account under it.
        password_hash = self._decoy() if user is None else user.password_hash
        if not self.hasher.verify(password_hash, password) or user is None:
            raise InvalidCredentials("Wrong email or password.")
        await self.two_factor.verify(user.user_id, code)
        await self._check_not_frozen(user.user_id)
        return await self._start_session(user.user_id)

    async def refresh(self, refresh_token: str) -> Tokens:
        """A new access token and a new refresh token; the old refresh token stops working."""
        session = await self.sessions.take(refresh_token, self.clock.now())
        if session is None:
            raise InvalidToken("Invalid or expired refresh token.")
        await self._check_not_frozen(session.user_id)
        return await self._start_session(session.user_id)

    async def end_session(self, refresh_token: str) -> int | None:
        """Logs out the session of a refresh token, as a browser holding only that can; the
        user it was of, if it was live."""
        session = await self.sessions.take(refresh_token, self.clock.now())
        return None if session is None else session.user_id

    def csrf_token(self, refresh_token: str) -> str:
        return self.tokens.csrf_token(refresh_token)

    async def logout(self, access_token: str) -> None:
        _, session_id = self.tokens.read(access_token, self.clock.now())
        await self.sessions.revoke(session_id)

    async def user_of_token(self, access_token: str) -> int:
        """The user an access token speaks for, as long as its session is live."""
        now = self.clock.now()
        user_id, session_id = self.tokens.read(access_token, now)
        if await self.sessions.get(session_id, now) is None:
            raise InvalidToken("Session ended.")
        await self._check_not_frozen(user_id)
        return user_id

    async def create_api_key(
        self,
        user_id: int,
        label: str,
        key_type: KeyType = KeyType.HMAC,
        public_key: str | None = None,
        can_trade: bool = True,
        allowed_ips: tuple[str, ...] = (),
        code: str | None = None,
    ) -> ApiKey:
        """An HMAC key gets a secret made here; an Ed25519 or RSA key is the `public_key` its
        owner registers (the caller checks it is one). Once the user has enabled two-factor
        login, a current `code` (or a recovery code) is needed too."""
        await self.two_factor.verify(user_id, code)
        secret = self.ids.token() if key_type is KeyType.HMAC else ""
        key = ApiKey(
            self.ids.token(), secret, user_id, label, self.clock.now(), key_type, public_key,
            can_trade, allowed_ips,
        )  # fmt: skip
        async with self.unit_of_work() as uow:
            await uow.api_keys.add(key)
            await uow.commit()
        return key

    async def restrict_api_key(
        self, user_id: int, api_key: str, can_trade: bool, allowed_ips: tuple[str, ...]
    ) -> ApiKey:
        """Sets what the key may do, and from where."""
        async with self.unit_of_work() as uow:
            key = await uow.api_keys.get(api_key)
            if key is None or key.user_id != user_id:
                raise NotFound("No such API key.")
            key = structs.replace(key, can_trade=can_trade, allowed_ips=allowed_ips)
            await uow.api_keys.add(key)
            await uow.commit()
        self.forget_api_key(api_key)
        return key

    async def api_keys(self, user_id: int) -> list[ApiKey]:
        async with self.unit_of_work() as uow:
            return await uow.api_keys.of_user(user_id)

    async def delete_api_key(self, user_id: int, api_key: str) -> None:
        async with self.unit_of_work() as uow:
            key = await uow.api_keys.get(api_key)
            if key is None or key.user_id != user_id:
                raise NotFound("No such API key.")
            await uow.api_keys.remove(api_key)
            await uow.commit()
        self.forget_api_key(api_key)

    def forget_api_key(self, api_key: str) -> None:
        """Reads the key from the store again when next asked: it was changed or deleted, here
        or (told through the revocation notices) in another process."""
        self._known_keys.pop(api_key, None)

    async def api_key(self, api_key: str) -> ApiKey | None:
        """The key, read from the store at most every few seconds: every signed request needs
        it. A key deleted through another process is forgotten here when its revocation notice
        comes (`entrypoints.api.key_revocations`), and at the latest once those seconds pass.
        The keys of a frozen account are suspended: none is found while it is frozen."""
        now = self.clock.now()
        known = self._known_keys.get(api_key)
        if known is not None and known[1] > now:
            key: ApiKey | None = known[0]
        else:
            async with self.unit_of_work() as uow:
                key = await uow.api_keys.get(api_key)
            if key is not None:
                if len(self._known_keys) >= KNOWN_KEYS:
                    self._known_keys.clear()
                self._known_keys[api_key] = (key, now + API_KEY_CACHE_MS)
        if key is not None and await self.frozen.is_frozen(key.user_id):
            return None
        return key

    async def _check_not_frozen(self, user_id: int) -> None:
        if await self.frozen.is_frozen(user_id):
            raise InvalidToken("This account is frozen; please contact support.")

    def _decoy(self) -> str:
        """A hash of an unguessable password, made by the same hasher as the users' own so
        that checking against it costs as much."""
        if self._decoy_hash is None:
            self._decoy_hash = self.hasher.hash(self.ids.token())
        return self._decoy_hash

    async def _start_session(self, user_id: int) -> Tokens:
        now = self.clock.now()
        session = Session(self.ids.token(), user_id, self.ids.token(), now + REFRESH_LIFETIME_MS)
        await self.sessions.add(session, now)
        access = self.tokens.issue(user_id, session.session_id, now)
        return Tokens(access, session.refresh_token, self.tokens.lifetime_ms // 1000)
