"""Access tokens as JWTs signed with HMAC-SHA256, naming the user and the login session; and
the CSRF tokens of refresh tokens kept in cookies, as HMAC-SHA256 of them under the same key."""

import hashlib
import hmac

import jwt

from application.errors import InvalidToken


class JwtTokenService:
    def __init__(self, secret: str, lifetime_ms: int = 15 * 60 * 1000) -> None:
        self._secret = secret
        self.lifetime_ms = lifetime_ms

    def issue(self, user_id: int, session_id: str, now: int) -> str:
        claims = {
            "sub": str(user_id),
            "sid": session_id,
            "iat": now // 1000,
            "exp": (now + self.lifetime_ms) // 1000,
        }
        return jwt.encode(claims, self._secret, algorithm="HS256")

    def read(self, token: str, now: int) -> tuple[int, str]:
        try:
            claims = jwt.decode(
                token,
                self._secret,
                algorithms=["HS256"],
                options={"require": ["sub", "sid", "exp"], "verify_exp": False},
            )
            if claims["exp"] * 1000 <= now:
                raise InvalidToken("Token expired.")
            return int(claims["sub"]), str(claims["sid"])
        except (jwt.InvalidTokenError, ValueError, KeyError) as error:
            raise InvalidToken("Invalid token.") from error

    def csrf_token(self, refresh_token: str) -> str:
        message = b"csrf:" + refresh_token.encode()
        return hmac.new(self._secret.encode(), message, hashlib.sha256).hexdigest()
