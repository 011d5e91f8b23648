"""Two-factor authentication on the memory adapters, with the real TOTP adapter and a clock
the test moves: a code counts within one 30-second step either side of now, once; a recovery
code counts once; five codes a minute per user at most; once enabled, login and API key
creation need a code."""

import pyotp
import pytest

from adapters.memory.rate_limiter import MemoryRateLimiter
from adapters.memory.sessions import MemorySessions
from adapters.memory.unit_of_work import MemoryUnitOfWorkFactory
from adapters.security.one_time_passwords import Totp
from adapters.security.passwords import Argon2PasswordHasher
from adapters.security.tokens import JwtTokenService
from adapters.system import SecretsIdSource
from application.accounts import Accounts
from application.frozen_accounts import FrozenAccounts
from application.two_factor import (
    ATTEMPTS_PER_MINUTE,
    InvalidTwoFactorCode,
    TooManyAttempts,
    TwoFactorAuth,
    TwoFactorRequired,
    TwoFactorState,
)
from tests.clock import SteppedClock

PASSWORD = "correct horse battery"
START = 1_800_000_000_000  # a whole number of 30-second steps
STEP = 30_000


class Ada:
    def __init__(self, accounts: Accounts, two_factor: TwoFactorAuth, clock: SteppedClock) -> None:
        self.accounts = accounts
        self.two_factor = two_factor
        self.clock = clock
        self.user_id = 0
        self.secret = ""

    def code(self, offset_ms: int = 0) -> str:
        return pyotp.TOTP(self.secret).at((self.clock.now() + offset_ms) // 1000)

    async def login(self, code: str | None = None) -> None:
        await self.accounts.login("ada@example.com", PASSWORD, code)

    async def enable(self) -> list[str]:
        enrolment = await self.two_factor.enrol(self.user_id)
        self.secret = enrolment.secret
        return await self.two_factor.enable(self.user_id, self.code())


@pytest.fixture
async def ada() -> Ada:
    uow, clock = MemoryUnitOfWorkFactory(), SteppedClock(START)
    two_factor = TwoFactorAuth(uow, Totp(), MemoryRateLimiter(ATTEMPTS_PER_MINUTE), clock)
    accounts = Accounts(
        uow,
        MemorySessions(),
        clock,
        SecretsIdSource(),
        Argon2PasswordHasher(time_cost=1, memory_cost=1024),
        JwtTokenService("a test secret of at least thirty-two bytes"),
        two_factor,
        FrozenAccounts(uow, clock),
    )
    ada = Ada(accounts, two_factor, clock)
    ada.user_id = (await accounts.sign_up("ada@example.com", PASSWORD)).user_id
    return ada


async def test_enrolment_gives_an_otpauth_uri_and_counts_once_confirmed(ada: Ada) -> None:
    enrolment = await ada.two_factor.enrol(ada.user_id)
    parsed = pyotp.parse_uri(enrolment.uri)
    assert isinstance(parsed, pyotp.TOTP)
    assert parsed.secret == enrolment.secret
    assert parsed.name == "ada@example.com"
    assert parsed.issuer == "Bourse"
    assert (await ada.two_factor.status(ada.user_id)).enabled is False
    await ada.login()  # an enrolment not yet confirmed asks for nothing

    ada.secret = enrolment.secret
    with pytest.raises(InvalidTwoFactorCode):
        await ada.two_factor.enable(ada.user_id, "000000" if ada.code() != "000000" else "111111")
    codes = await ada.two_factor.enable(ada.user_id, ada.code())
    assert len(codes) == len(set(codes)) == 10
    status = await ada.two_factor.status(ada.user_id)
    assert (status.enabled, status.recovery_codes_left) == (True, 10)
    with pytest.raises(TwoFactorState, match="already enabled"):
        await ada.two_factor.enrol(ada.user_id)


async def test_login_needs_a_current_code_once_enabled_each_good_once(ada: Ada) -> None:
    await ada.enable()
    with pytest.raises(TwoFactorRequired):
        await ada.login()
    with pytest.raises(InvalidTwoFactorCode):
        await ada.login(ada.code())  # the code that enabled it: used already

    ada.clock.time += STEP
    await ada.login(ada.code())
    with pytest.raises(InvalidTwoFactorCode):
        await ada.login(ada.code())  # replayed
    await ada.login(ada.code(+STEP))  # the next step's, for a clock a little ahead
    with pytest.raises(InvalidTwoFactorCode):
        await ada.login(ada.code(-STEP))  # older than one accepted already

    ada.clock.time += 3 * STEP
    with pytest.raises(InvalidTwoFactorCode):
        await ada.login(ada.code(-2 * STEP))  # too old
    with pytest.raises(InvalidTwoFactorCode):
        await ada.login(ada.code(+2 * STEP))  # too far ahead
    await ada.login(ada.code(-STEP))  # a clock a little behind


async def test_a_wrong_password_says_nothing_of_the_second_factor(ada: Ada) -> None:
    await ada.enable()
    with pytest.raises(Exception, match="Wrong email or password"):
        await ada.accounts.login("ada@example.com", "wrong password", None)


async def test_each_recovery_code_is_good_once(ada: Ada) -> None:
    codes = await ada.enable()
    await ada.login(codes[0])
    await ada.login(codes[1].upper().replace("-", " "))  # as a user may type it
    with pytest.raises(InvalidTwoFactorCode):
        await ada.login(codes[0])
    assert (await ada.two_factor.status(ada.user_id)).recovery_codes_left == 8

    ada.clock.time += STEP
    renewed = await ada.two_factor.renew_recovery_codes(ada.user_id, ada.code())
    assert not set(renewed) & set(codes)
    with pytest.raises(InvalidTwoFactorCode):
        await ada.login(codes[2])
    await ada.login(renewed[0])


async def test_five_codes_a_minute_at_most(ada: Ada) -> None:
    codes = await ada.enable()
    ada.clock.time += 2 * STEP  # a minute on: the allowance is whole again
    wrong = "000000" if ada.code(+STEP) != "000000" else "111111"
    for _ in range(ATTEMPTS_PER_MINUTE - 1):
        with pytest.raises(InvalidTwoFactorCode):
            await ada.login(wrong)
    await ada.login(ada.code(+STEP))  # the fifth, right: counts all the same
    with pytest.raises(TooManyAttempts) as refused:
        await ada.login(codes[0])
    assert 0 < refused.value.retry_after <= 60_000

    ada.clock.time += 12_000  # the allowance refills at one code every 12 s
    await ada.login(codes[0])  # not used up by the refusal


async def test_api_keys_need_a_code_once_enabled(ada: Ada) -> None:
    await ada.accounts.create_api_key(ada.user_id, "before")
    codes = await ada.enable()
    with pytest.raises(TwoFactorRequired):
        await ada.accounts.create_api_key(ada.user_id, "after")
    with pytest.raises(InvalidTwoFactorCode):
        await ada.accounts.create_api_key(ada.user_id, "after", code=ada.code())
    await ada.accounts.create_api_key(ada.user_id, "after", code=codes[0])
    labels = [key.label for key in await ada.accounts.api_keys(ada.user_id)]
    assert sorted(labels) == ["after", "before"]


async def test_disabling_needs_a_code_and_then_none_is_asked(ada: Ada) -> None:
    codes = await ada.enable()
    with pytest.raises(InvalidTwoFactorCode):
        await ada.two_factor.disable(ada.user_id, "not-a-code")
    await ada.two_factor.disable(ada.user_id, codes[0])
    assert (await ada.two_factor.status(ada.user_id)).enabled is False
    await ada.login()
    with pytest.raises(TwoFactorState, match="not enabled"):
        await ada.two_factor.disable(ada.user_id, codes[1])

    ada.clock.time += STEP
    await ada.enable()  # enrolled again: a new secret
    with pytest.raises(TwoFactorRequired):
        await ada.login()
