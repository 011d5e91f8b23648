"""Time-based one-time passwords (RFC 6238: six digits, 30-second steps, SHA-1), the kind every
authenticator app reads from an otpauth URI, with pyotp."""

import hmac
import secrets

import pyotp

STEP_S = 30
ISSUER = "Bourse"
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no look-alikes (0/o, 1/l/i)


class Totp:
    def new_secret(self) -> str:
        return pyotp.random_base32()

    def uri(self, secret: str, account_name: str) -> str:
        return pyotp.TOTP(secret, interval=STEP_S).provisioning_uri(
            name=account_name, issuer_name=ISSUER
        )

    def step_of(self, secret: str, code: str, now: int, after_step: int) -> int | None:
        totp = pyotp.TOTP(secret, interval=STEP_S)
        current = now // 1000 // STEP_S
        # Every step is compared, a match or not, so the time taken tells nothing.
        matches = [
            step
            for step in (current - 1, current, current + 1)
            if hmac.compare_digest(totp.at(step * STEP_S).encode(), code.encode())
        ]
        return next((step for step in matches if step > after_step), None)

    def recovery_code(self) -> str:
        chars = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(10))
        return f"{chars[:5]}-{chars[5:]}"
