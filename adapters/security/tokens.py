"""Access tokens as JWTs signed with HMAC-SHA256, naming the user and the login session; and
the CSRF tokens of refresh tokens kept in cookies, as HMAC-SHA256 of them under the same key."""

import functools
import hashlib
import hmac

import jwt

from application.errors import InvalidToken

# Access tokens whose signature was verified, with their claims: a client sends the same token
# with every request until it expires, and verifying it again cost a sixth of an order
# placement's CPU (py-spy, memory mode, `benchmarks.ceiling`). Expiry is checked each time.
TOKENS_KEPT = 4096


class JwtTokenService:
    def __init__(self, secret: str, lifetime_ms: int = 15 * 60 * 1000) -> None:
        self._secret = secret
        self.lifetime_ms = lifetime_ms
        self._claims = functools.lru_cache(maxsize=TOKENS_KEPT)(self._verified_claims)

    def issue(self, user_id: int, session_id: str, now: int) -> str:
        claims = {
            "sub": str(user_id),
            "sid": session_id,
            "iat": now // 1000,
            "exp": (now + self.lifetime_ms) // 1000,
        }
        return jwt.encode(claims, self._secret, algorithm="HS256")

    def read(self, token: str, now: int) -> tuple[int, str]:
        user_id, session_id, expires_at = self._claims(token)
        if expires_at <= now:
            raise InvalidToken("Token expired.")
        return user_id, session_id

    def _verified_claims(self, token: str) -> tuple[int, str, int]:
        """The user, the session and the expiry (ms) of a token signed with our key; a token
        refused is not kept, and is checked again if it comes again."""
        try:
            claims = jwt.decode(
                token,
                self._secret,
                algorithms=["HS256"],
                options={"require": ["sub", "sid", "exp"], "verify_exp": False},
            )
            return int(claims["sub"]), str(claims["sid"]), int(claims["exp"]) * 1000
        except (jwt.InvalidTokenError, ValueError, KeyError, TypeError) as error:
            raise InvalidToken("Invalid token.") from error

    def csrf_token(self, refresh_token: str) -> str:
        message = b"csrf:" + refresh_token.encode()
        return hmac.new(self._secret.encode(), message, hashlib.sha256).hexdigest()
