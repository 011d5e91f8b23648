"""Access tokens: a token verified once is known again without its signature checked anew,
but it still expires on time, and a token refused is refused every time."""

import jwt
import pytest

from adapters.security.tokens import JwtTokenService
from application.errors import InvalidToken

SECRET = "a test secret of at least thirty-two bytes"
MINUTE = 60_000


def test_a_token_read_again_speaks_for_the_same_session_until_it_expires() -> None:
    tokens = JwtTokenService(SECRET, lifetime_ms=15 * MINUTE)
    token = tokens.issue(7, "session-1", now=1_000_000)
    assert tokens.read(token, now=1_000_000) == (7, "session-1")
    assert tokens.read(token, now=1_000_000 + 14 * MINUTE) == (7, "session-1")
    with pytest.raises(InvalidToken, match="expired"):
        tokens.read(token, now=1_000_000 + 15 * MINUTE)


def test_a_token_of_another_key_is_refused_every_time() -> None:
    tokens = JwtTokenService(SECRET)
    forged = JwtTokenService("another secret, just as long as ours is").issue(7, "s", 0)
    for _ in range(2):
        with pytest.raises(InvalidToken, match="Invalid"):
            tokens.read(forged, now=0)


@pytest.mark.parametrize(
    "claims",
    [{"sub": "7", "sid": "s"}, {"sub": "seven", "sid": "s", "exp": 10**10},
     {"sub": "7", "sid": "s", "exp": "soon"}],
)  # fmt: skip
def test_a_token_with_claims_missing_or_malformed_is_refused(claims: dict[str, object]) -> None:
    token = jwt.encode(claims, SECRET, algorithm="HS256")
    with pytest.raises(InvalidToken):
        JwtTokenService(SECRET).read(token, now=0)
