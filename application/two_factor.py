"""Use cases of two-factor authentication: enrolling an authenticator app, enabling and
disabling it, recovery codes, and the check that login and API key creation pass once it is
enabled. Every code tried counts against a small per-user allowance, so codes cannot be
guessed by trying them all."""

import hashlib

from attrs import define, frozen
from msgspec import structs

from application.errors import (
    ApplicationError,
    InvalidCredentials,
    NotFound,
    RateLimited,
)
from application.identity_ports import OneTimePasswords
from application.limit_ports import RateLimiter
from application.ports import Clock, UnitOfWorkFactory
from application.records import TwoFactor

RECOVERY_CODES = 10
ATTEMPTS_PER_MINUTE = 5


class TwoFactorRequired(InvalidCredentials):
    def __init__(self) -> None:
        super().__init__("A two-factor code is required.")


class InvalidTwoFactorCode(InvalidCredentials):
    def __init__(self) -> None:
        super().__init__("Invalid two-factor code.")


class TwoFactorState(ApplicationError):
    """Asked of an authenticator in the wrong state: enrolling when one is enabled already,
    disabling one that is not."""


class TooManyAttempts(RateLimited):
    def __init__(self, retry_after: int) -> None:
        ApplicationError.__init__(
            self, f"Too many two-factor codes tried; at most {ATTEMPTS_PER_MINUTE} a minute."
        )
        self.retry_after = retry_after


@frozen
class Enrolment:
    secret: str
    uri: str  # otpauth://totp/...


@frozen
class TwoFactorStatus:
    enabled: bool
    recovery_codes_left: int


def digest(recovery_code: str) -> str:
    """Recovery codes are random enough that a plain digest keeps them safe at rest."""
    normal = recovery_code.replace("-", "").replace(" ", "").lower()
    return hashlib.sha256(normal.encode()).hexdigest()


def enabled(record: TwoFactor | None) -> TwoFactor:
    if record is None or not record.enabled:
        raise TwoFactorState("Two-factor authentication is not enabled.")
    return record


@define
class TwoFactorAuth:
    unit_of_work: UnitOfWorkFactory
    passwords: OneTimePasswords
    attempts: RateLimiter  # holding ATTEMPTS_PER_MINUTE a minute per user
    clock: Clock

    async def enrol(self, user_id: int) -> Enrolment:
        """A new secret for the user's authenticator app, in place of any enrolment not yet
        confirmed; it counts only once `enable` has seen one of its codes."""
        async with self.unit_of_work() as uow:
            user = await uow.users.get(user_id)
            if user is None:
                raise NotFound("No such user.")
            record = await uow.two_factors.get(user_id)
            if record is not None and record.enabled:
                raise TwoFactorState("Two-factor authentication is already enabled.")
            secret = self.passwords.new_secret()
            last_step, version = (0, 0) if record is None else (record.last_step, record.version)
            await uow.two_factors.save(
                TwoFactor(user_id, secret, False, last_step, (), version + 1)
            )
            await uow.commit()
        return Enrolment(secret, self.passwords.uri(secret, user.email))

    async def enable(self, user_id: int, code: str) -> list[str]:
        """Enables the enrolled authenticator on one of its codes; the answer is the recovery
        codes, shown this once."""
        await self._attempt(user_id)
        async with self.unit_of_work() as uow:
            record = await uow.two_factors.get(user_id)
            if record is None or record.enabled:
                raise TwoFactorState(
                    "Two-factor authentication is already enabled."
                    if record
                    else "No two-factor enrolment to confirm; start one first."
                )
            step = self._step(record, code)
            if step is None:
                raise InvalidTwoFactorCode()
            codes = [self.passwords.recovery_code() for _ in range(RECOVERY_CODES)]
            await uow.two_factors.save(
                structs.replace(
                    record,
                    enabled=True,
                    last_step=step,
                    recovery_codes=tuple(digest(code) for code in codes),
                    version=record.version + 1,
                )
            )
            await uow.commit()
        return codes

    async def disable(self, user_id: int, code: str) -> None:
        """On a current code or a recovery code."""
        async with self.unit_of_work() as uow:
            record = enabled(await uow.two_factors.get(user_id))
            await self._attempt(user_id)
            passed = self._pass(record, code)
            await uow.two_factors.save(structs.replace(passed, enabled=False, recovery_codes=()))
            await uow.commit()

    async def renew_recovery_codes(self, user_id: int, code: str) -> list[str]:
        """A new set of recovery codes in place of the old, on a current code."""
        async with self.unit_of_work() as uow:
            record = enabled(await uow.two_factors.get(user_id))
            await self._attempt(user_id)
            step = self._step(record, code)
            if step is None:
                raise InvalidTwoFactorCode()
            codes = [self.passwords.recovery_code() for _ in range(RECOVERY_CODES)]
            renewed = tuple(digest(code) for code in codes)
            await uow.two_factors.save(
                structs.replace(
                    record, last_step=step, recovery_codes=renewed, version=record.version + 1
                )
            )
            await uow.commit()
        return codes

    async def status(self, user_id: int) -> TwoFactorStatus:
        async with self.unit_of_work() as uow:
            record = await uow.two_factors.get(user_id)
        if record is None or not record.enabled:
            return TwoFactorStatus(False, 0)
        return TwoFactorStatus(True, len(record.recovery_codes))

    async def verify(self, user_id: int, code: str | None) -> None:
        """Passes a user without two-factor authentication, or with it on a current code or
        an unused recovery code: each is good once."""
        async with self.unit_of_work() as uow:
            record = await uow.two_factors.get(user_id)
            if record is None or not record.enabled:
                return
            if not code:
                raise TwoFactorRequired()
            await self._attempt(user_id)
            await uow.two_factors.save(self._pass(record, code))
            await uow.commit()

    async def _attempt(self, user_id: int) -> None:
        try:
            await self.attempts.spend([f"two-factor:{user_id}"], 1, self.clock.now())
        except RateLimited as error:
            raise TooManyAttempts(error.retry_after) from None

    def _step(self, record: TwoFactor, code: str) -> int | None:
        return self.passwords.step_of(record.secret, code, self.clock.now(), record.last_step)

    def _pass(self, record: TwoFactor, code: str) -> TwoFactor:
        """The record once `code` is accepted: a current code's step is recorded, so that it
        is not accepted again; a recovery code is used up."""
        step = self._step(record, code)
        if step is not None:
            return structs.replace(record, last_step=step, version=record.version + 1)
        used = digest(code)
        if used not in record.recovery_codes:
            raise InvalidTwoFactorCode()
        left = tuple(kept for kept in record.recovery_codes if kept != used)
        return structs.replace(record, recovery_codes=left, version=record.version + 1)
