"""Two-factor authentication over HTTP: enrolment with an otpauth URI and a QR code, enabled
on a first code; then login and API key creation need a current code or a recovery code, each
good once; codes tried are limited per user; refusals are Binance-style and change nothing."""

import base64
import time
from typing import Any

import pyotp

from tests.e2e.conftest import Venue
from tests.e2e.test_users_api import PASSWORD, bearer, login, sign_up

STEP_S = 30


class Authenticator:
    def __init__(self, secret: str) -> None:
        self.totp = pyotp.TOTP(secret)

    def code(self, steps_ahead: int = 0) -> str:
        return self.totp.at(int(time.time()) + steps_ahead * STEP_S)


async def enable(venue: Venue, email: str) -> tuple[dict[str, str], Authenticator, list[str]]:
    assert (await sign_up(venue, email)).status_code == 201
    auth = bearer((await login(venue, email))["access_token"])
    enrolment = await venue.client.post("/api/v1/two-factor/enrolment", headers=auth)
    assert enrolment.status_code == 201, enrolment.text
    authenticator = Authenticator(enrolment.json()["secret"])
    enabled = await venue.client.post(
        "/api/v1/two-factor/enable", json={"code": authenticator.code()}, headers=auth
    )
    assert enabled.status_code == 200, enabled.text
    return auth, authenticator, enabled.json()["recoveryCodes"]


async def log_in(venue: Venue, email: str, code: str | None) -> Any:
    body = {"email": email, "password": PASSWORD, "two_factor_code": code}
    return await venue.client.post("/api/v1/auth/login", json=body)


def wrong(code: str) -> str:
    return "000000" if code != "000000" else "111111"


async def test_enrolment_then_login_with_a_code(venue: Venue) -> None:
    assert (await sign_up(venue, "ada@example.com")).status_code == 201
    auth = bearer((await login(venue, "ada@example.com"))["access_token"])
    status = await venue.client.get("/api/v1/two-factor", headers=auth)
    assert status.json() == {"enabled": False, "recoveryCodesLeft": 0}

    enrolment = (await venue.client.post("/api/v1/two-factor/enrolment", headers=auth)).json()
    uri = pyotp.parse_uri(enrolment["otpauthUri"])
    assert isinstance(uri, pyotp.TOTP)
    assert (uri.secret, uri.name, uri.issuer) == (enrolment["secret"], "ada@example.com", "Bourse")
    scheme, image = enrolment["qrCode"].split(",", 1)
    assert scheme == "data:image/svg+xml;base64"
    assert base64.b64decode(image).startswith(b"<svg")
    authenticator = Authenticator(enrolment["secret"])

    refused = await venue.client.post(
        "/api/v1/two-factor/enable", json={"code": wrong(authenticator.code())}, headers=auth
    )
    assert refused.status_code == 401
    assert refused.json() == {"code": -1002, "msg": "Invalid two-factor code."}
    assert (await venue.client.get("/api/v1/two-factor", headers=auth)).json()["enabled"] is False
    assert (await log_in(venue, "ada@example.com", None)).status_code == 200

    enabled = await venue.client.post(
        "/api/v1/two-factor/enable", json={"code": authenticator.code()}, headers=auth
    )
    assert enabled.status_code == 200
    assert len(set(enabled.json()["recoveryCodes"])) == 10
    status = await venue.client.get("/api/v1/two-factor", headers=auth)
    assert status.json() == {"enabled": True, "recoveryCodesLeft": 10}

    required = await log_in(venue, "ada@example.com", None)
    assert required.status_code == 401
    assert required.json() == {"code": -1002, "msg": "A two-factor code is required."}
    wrong_password = await venue.client.post(
        "/api/v1/auth/login", json={"email": "ada@example.com", "password": "wrong password"}
    )
    assert wrong_password.json() == {"code": -1002, "msg": "Wrong email or password."}

    code = authenticator.code(1)  # the enabling code's step is used: the next one's is good
    tokens = await log_in(venue, "ada@example.com", code)
    assert tokens.status_code == 200, tokens.text
    assert tokens.json()["access_token"]
    replayed = await log_in(venue, "ada@example.com", code)
    assert replayed.status_code == 401
    assert replayed.json()["msg"] == "Invalid two-factor code."


async def test_api_keys_need_a_code_once_enabled(venue: Venue) -> None:
    auth, _, recovery_codes = await enable(venue, "bob@example.com")
    required = await venue.client.post("/api/v1/api-keys", json={"label": "bot"}, headers=auth)
    assert required.status_code == 401
    assert required.json() == {"code": -1002, "msg": "A two-factor code is required."}
    assert (await venue.client.get("/api/v1/api-keys", headers=auth)).json() == []

    created = await venue.client.post(
        "/api/v1/api-keys",
        json={"label": "bot", "two_factor_code": recovery_codes[0]},
        headers=auth,
    )
    assert created.status_code == 201, created.text
    assert created.json()["secretKey"]
    again = await venue.client.post(
        "/api/v1/api-keys",
        json={"label": "bot", "two_factor_code": recovery_codes[0]},
        headers=auth,
    )
    assert again.status_code == 401
    listed = (await venue.client.get("/api/v1/api-keys", headers=auth)).json()
    assert [key["label"] for key in listed] == ["bot"]
    status = await venue.client.get("/api/v1/two-factor", headers=auth)
    assert status.json() == {"enabled": True, "recoveryCodesLeft": 9}


async def test_codes_tried_are_limited_per_user(venue: Venue) -> None:
    auth, authenticator, recovery_codes = await enable(venue, "carol@example.com")
    answers = []
    for _ in range(6):
        answer = await log_in(venue, "carol@example.com", wrong(authenticator.code(1)))
        answers.append(answer.status_code)
    # Enabling took one of the five a minute; a code comes back every 12 s.
    assert 429 in answers, answers
    limited = await log_in(venue, "carol@example.com", recovery_codes[0])
    assert limited.status_code == 429
    assert limited.json()["code"] == -1003
    assert int(limited.headers["Retry-After"]) >= 1
    # The refusal used nothing up: the recovery code is still good later.
    status = await venue.client.get("/api/v1/two-factor", headers=auth)
    assert status.json()["recoveryCodesLeft"] == 10


async def test_disabling_needs_a_code(venue: Venue) -> None:
    auth, authenticator, recovery_codes = await enable(venue, "dan@example.com")
    refused = await venue.client.post(
        "/api/v1/two-factor/disable", json={"code": wrong(authenticator.code(1))}, headers=auth
    )
    assert refused.status_code == 401
    disabled = await venue.client.post(
        "/api/v1/two-factor/disable", json={"code": recovery_codes[0]}, headers=auth
    )
    assert disabled.status_code == 200
    assert (await log_in(venue, "dan@example.com", None)).status_code == 200
    again = await venue.client.post(
        "/api/v1/two-factor/disable", json={"code": recovery_codes[1]}, headers=auth
    )
    assert again.status_code == 409
    assert again.json() == {"code": -1100, "msg": "Two-factor authentication is not enabled."}


async def test_bad_requests_are_refused(venue: Venue) -> None:
    auth, _, _ = await enable(venue, "eve@example.com")
    assert (await venue.client.post("/api/v1/two-factor/enrolment")).status_code == 401
    enrol_again = await venue.client.post("/api/v1/two-factor/enrolment", headers=auth)
    assert enrol_again.status_code == 409
    assert enrol_again.json()["msg"] == "Two-factor authentication is already enabled."
    for body in [{"code": 123456}, {"code": ""}, {"code": "1" * 65}, {"code": "1", "x": 1}, {}]:
        response = await venue.client.post("/api/v1/two-factor/disable", json=body, headers=auth)
        assert response.status_code == 400, body
        assert response.json()["code"] == -1100
    assert (await venue.client.get("/api/v1/two-factor", headers=auth)).json()["enabled"]
