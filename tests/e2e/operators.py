"""Admins for the e2e tests: a user granted the admin role as `bourse grant-admin` grants it,
with two-factor authentication enabled, logged in with a recovery code."""

from tests.e2e.conftest import Venue
from tests.e2e.test_two_factor_api import enable, log_in
from tests.e2e.test_users_api import bearer


async def admin_headers(venue: Venue, email: str = "operator@example.com") -> dict[str, str]:
    _, _, recovery_codes = await enable(venue, email)
    await venue.run(venue.container.operators().grant_admin, email)
    tokens = await log_in(venue, email, recovery_codes[0])
    assert tokens.status_code == 200, tokens.text
    return bearer(tokens.json()["access_token"])
