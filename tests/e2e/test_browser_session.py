"""The web page's login session: the refresh token only in an httpOnly, SameSite=Strict cookie
scoped to the session's endpoints, the access token in the answer, and a CSRF token that every
use of the cookie must echo in a header; refreshing turns the old cookie useless, ending the
session deletes the cookies and revokes it."""

from http.cookies import SimpleCookie
from typing import Any

from tests.e2e.conftest import Venue
from tests.e2e.test_two_factor_api import enable
from tests.e2e.test_users_api import PASSWORD, bearer, sign_up

SESSION = "/api/v1/auth/session"


def set_cookies(response: Any) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for header in response.headers.get_list("set-cookie"):
        found.update(SimpleCookie(header))
    return found


async def start(venue: Venue, email: str, code: str | None = None, base: str = "") -> Any:
    body = {"email": email, "password": PASSWORD, "two_factor_code": code}
    return await venue.client.post(f"{base}{SESSION}", json=body)


async def refresh(venue: Venue, csrf: str | None, cookie: str | None = None) -> Any:
    headers = {} if csrf is None else {"X-CSRF-Token": csrf}
    if cookie is not None:
        venue.client.cookies.clear()
        headers["Cookie"] = f"bourse_refresh={cookie}"
    return await venue.client.post(f"{SESSION}/refresh", headers=headers)


async def test_the_refresh_token_lives_in_an_http_only_strict_cookie(venue: Venue) -> None:
    assert (await sign_up(venue, "ada@example.com")).status_code == 201
    started = await start(venue, "ada@example.com")
    assert started.status_code == 200, started.text
    body = started.json()
    assert set(body) == {"access_token", "expires_in", "csrf_token", "token_type"}
    cookies = set_cookies(started)
    refresh_cookie, csrf_cookie = cookies["bourse_refresh"], cookies["bourse_csrf"]
    assert refresh_cookie["httponly"] is True
    assert refresh_cookie["samesite"].lower() == "strict"
    assert refresh_cookie["path"] == SESSION
    assert int(refresh_cookie["max-age"]) == 30 * 24 * 3600
    assert not csrf_cookie["httponly"]  # the page's script reads it after a reload
    assert csrf_cookie["samesite"].lower() == "strict"
    assert csrf_cookie.value == body["csrf_token"]
    assert not refresh_cookie["secure"]  # plain HTTP: a browser would drop a Secure cookie
    keys = await venue.client.get("/api/v1/api-keys", headers=bearer(body["access_token"]))
    assert keys.status_code == 200

    over_https = await start(venue, "ada@example.com", base="https://testserver.local")
    assert all(cookie["secure"] for cookie in set_cookies(over_https).values())


async def test_refreshing_needs_the_csrf_token_and_turns_the_old_cookie_useless(
    venue: Venue,
) -> None:
    assert (await sign_up(venue, "bob@example.com")).status_code == 201
    started = await start(venue, "bob@example.com")
    old_cookie = set_cookies(started)["bourse_refresh"].value
    csrf = started.json()["csrf_token"]

    for sent in [None, "", "0" * 64, csrf[:-1]]:
        refused = await refresh(venue, sent)
        assert refused.status_code == 403, sent
        assert refused.json() == {
            "code": -1002,
            "msg": "Missing or invalid CSRF token or session cookie.",
        }
    refreshed = await refresh(venue, csrf)
    assert refreshed.status_code == 200, refreshed.text
    new_csrf = refreshed.json()["csrf_token"]
    assert new_csrf != csrf
    assert set_cookies(refreshed)["bourse_csrf"].value == new_csrf
    access = refreshed.json()["access_token"]
    assert (await venue.client.get("/api/v1/api-keys", headers=bearer(access))).status_code == 200

    reused = await refresh(venue, csrf, cookie=old_cookie)
    assert reused.status_code == 401
    assert reused.json()["code"] == -1002


async def test_ending_the_session_revokes_it_and_deletes_the_cookies(venue: Venue) -> None:
    assert (await sign_up(venue, "carol@example.com")).status_code == 201
    started = await start(venue, "carol@example.com")
    cookie = set_cookies(started)["bourse_refresh"].value
    csrf, access = started.json()["csrf_token"], started.json()["access_token"]

    refused = await venue.client.delete(SESSION)
    assert refused.status_code == 403
    ended = await venue.client.delete(SESSION, headers={"X-CSRF-Token": csrf})
    assert ended.status_code == 200
    deleted = set_cookies(ended)
    assert deleted["bourse_refresh"]["max-age"] == "0"
    assert deleted["bourse_csrf"]["max-age"] == "0"
    assert (await refresh(venue, csrf, cookie=cookie)).status_code == 401
    assert (await venue.client.get("/api/v1/api-keys", headers=bearer(access))).status_code == 401


async def test_a_session_needs_the_second_factor_once_enabled(venue: Venue) -> None:
    _, authenticator, _ = await enable(venue, "dan@example.com")
    required = await start(venue, "dan@example.com")
    assert required.status_code == 401
    assert required.json()["msg"] == "A two-factor code is required."
    assert "set-cookie" not in required.headers
    started = await start(venue, "dan@example.com", authenticator.code(1))
    assert started.status_code == 200, started.text
