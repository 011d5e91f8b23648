"""Logins on the memory adapters with the real argon2 hasher: an unknown email costs the same
password check as a known one, so that the time of the answer does not tell who has an
account."""

import pytest
from argon2 import extract_parameters

from adapters.memory.rate_limiter import MemoryRateLimiter
from adapters.memory.sessions import MemorySessions
from adapters.memory.unit_of_work import MemoryUnitOfWorkFactory
from adapters.security.one_time_passwords import Totp
from adapters.security.passwords import Argon2PasswordHasher
from adapters.security.tokens import JwtTokenService
from adapters.system import SecretsIdSource, SystemClock
from application.accounts import Accounts
from application.errors import InvalidCredentials
from application.frozen_accounts import FrozenAccounts
from application.two_factor import ATTEMPTS_PER_MINUTE, TwoFactorAuth

PASSWORD = "correct horse battery"


class CountingHasher:
    """The real hasher, telling which hashes it was asked to check a password against."""

    def __init__(self) -> None:
        self.hasher = Argon2PasswordHasher()
        self.verified: list[str] = []

    def hash(self, password: str) -> str:
        return self.hasher.hash(password)

    def verify(self, password_hash: str, password: str) -> bool:
        self.verified.append(password_hash)
        return self.hasher.verify(password_hash, password)


@pytest.fixture
def hasher() -> CountingHasher:
    return CountingHasher()


@pytest.fixture
async def accounts(hasher: CountingHasher) -> Accounts:
    uow = MemoryUnitOfWorkFactory()
    accounts = Accounts(
        uow,
        MemorySessions(),
        SystemClock(),
        SecretsIdSource(),
        hasher,
        JwtTokenService("a test secret of at least thirty-two bytes"),
        TwoFactorAuth(uow, Totp(), MemoryRateLimiter(ATTEMPTS_PER_MINUTE), SystemClock()),
        FrozenAccounts(uow, SystemClock()),
    )
    await accounts.sign_up("ada@example.com", PASSWORD)
    return accounts


async def test_an_unknown_email_costs_a_password_check_like_a_known_one(
    accounts: Accounts, hasher: CountingHasher
) -> None:
    with pytest.raises(InvalidCredentials, match="Wrong email or password"):
        await accounts.login("ada@example.com", "wrong password")
    with pytest.raises(InvalidCredentials, match="Wrong email or password"):
        await accounts.login("nobody@example.com", PASSWORD)
    with pytest.raises(InvalidCredentials, match="Wrong email or password"):
        await accounts.login("nobody@example.com", "")

    known, unknown, again = hasher.verified
    assert unknown != known
    assert again == unknown  # hashed once, checked against ever after
    assert extract_parameters(unknown) == extract_parameters(known)


async def test_the_right_password_still_logs_in(accounts: Accounts, hasher: CountingHasher) -> None:
    with pytest.raises(InvalidCredentials):
        await accounts.login("nobody@example.com", PASSWORD)
    tokens = await accounts.login(" ADA@example.com", PASSWORD)
    assert tokens.access_token
    assert len(hasher.verified) == 2
