"""Use cases of identity: sign-up, login sessions, access tokens and API keys."""

import re

from attrs import define

from application.errors import InvalidCredentials, InvalidToken, NotFound
from application.ports import Clock, IdSource, PasswordHasher, TokenService, UnitOfWorkFactory
from application.records import ApiKey, Session, User

REFRESH_LIFETIME_MS = 30 * 24 * 3600 * 1000
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD = 8


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
    clock: Clock
    ids: IdSource
    hasher: PasswordHasher
    tokens: TokenService

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

    async def login(self, email: str, password: str) -> Tokens:
        async with self.unit_of_work() as uow:
            user = await uow.users.by_email(email.strip().lower())
            if user is None or not self.hasher.verify(user.password_hash, password):
                raise InvalidCredentials("Wrong email or password.")
            session = Session(
                self.ids.token(), user.user_id, self.ids.token(),
                self.clock.now() + REFRESH_LIFETIME_MS,
            )  # fmt: skip
            await uow.sessions.add(session)
            await uow.commit()
        return self._tokens(session)

    async def refresh(self, refresh_token: str) -> Tokens:
        """A new access token and a new refresh token; the old refresh token stops working."""
        now = self.clock.now()
        async with self.unit_of_work() as uow:
            session = await uow.sessions.by_refresh_token(refresh_token)
            if session is None or session.revoked or session.expires_at <= now:
                raise InvalidToken("Invalid or expired refresh token.")
            await uow.sessions.revoke(session.session_id)
            renewed = Session(
                self.ids.token(), session.user_id, self.ids.token(), now + REFRESH_LIFETIME_MS
            )
            await uow.sessions.add(renewed)
            await uow.commit()
        return self._tokens(renewed)

    async def logout(self, access_token: str) -> None:
        _, session_id = self.tokens.read(access_token, self.clock.now())
        async with self.unit_of_work() as uow:
            await uow.sessions.revoke(session_id)
            await uow.commit()

    async def user_of_token(self, access_token: str) -> int:
        """The user an access token speaks for, as long as its session is live."""
        user_id, session_id = self.tokens.read(access_token, self.clock.now())
        async with self.unit_of_work() as uow:
            session = await uow.sessions.get(session_id)
        if session is None or session.revoked:
            raise InvalidToken("Session ended.")
        return user_id

    async def create_api_key(self, user_id: int, label: str) -> ApiKey:
        key = ApiKey(self.ids.token(), self.ids.token(), user_id, label, self.clock.now())
        async with self.unit_of_work() as uow:
            await uow.api_keys.add(key)
            await uow.commit()
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

    async def api_key(self, api_key: str) -> ApiKey | None:
        async with self.unit_of_work() as uow:
            return await uow.api_keys.get(api_key)

    def _tokens(self, session: Session) -> Tokens:
        access = self.tokens.issue(session.user_id, session.session_id, self.clock.now())
        return Tokens(access, session.refresh_token, self.tokens.lifetime_ms // 1000)
