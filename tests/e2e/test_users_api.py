from typing import Any

from application.records import ApiKey
from tests.e2e.conftest import Trader, Venue

PASSWORD = "correct horse battery"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def sign_up(venue: Venue, email: str, password: str = PASSWORD) -> Any:
    return await venue.client.post("/api/v1/users", json={"email": email, "password": password})


async def login(venue: Venue, email: str, password: str = PASSWORD) -> dict[str, Any]:
    response = await venue.client.post(
        "/api/v1/auth/login", json={"email": email, "password": password}
    )
    assert response.status_code == 200, response.text
    tokens: dict[str, Any] = response.json()
    return tokens


async def test_sign_up_then_log_in(venue: Venue) -> None:
    created = await sign_up(venue, " Alice@Example.com ")
    assert created.status_code == 201
    assert created.json() == {"userId": created.json()["userId"], "email": "alice@example.com"}
    tokens = await login(venue, "alice@example.com")
    assert tokens["token_type"] == "bearer"
    assert tokens["expires_in"] > 0
    assert tokens["access_token"] and tokens["refresh_token"]


async def test_sign_up_refusals(venue: Venue) -> None:
    assert (await sign_up(venue, "bob@example.com")).status_code == 201
    taken = await sign_up(venue, "BOB@example.com")
    assert taken.status_code == 409
    assert taken.json() == {"code": -1100, "msg": "That email is already registered."}
    for email, password in [("not-an-email", PASSWORD), ("carol@example.com", "short")]:
        refused = await sign_up(venue, email, password)
        assert refused.status_code == 400
        assert refused.json()["code"] == -1100


async def test_malformed_bodies_are_refused_and_change_nothing(venue: Venue) -> None:
    bodies = [
        b"{not json",
        b"",
        b"[]",
        b'{"email": "dave@example.com"}',
        b'{"email": "dave@example.com", "password": 12345678}',
        b'{"email": "dave@example.com", "password": "long enough", "admin": true}',
    ]
    for content in bodies:
        response = await venue.client.post(
            "/api/v1/users", content=content, headers={"Content-Type": "application/json"}
        )
        assert response.status_code == 400, content
        assert response.json()["code"] in (-1100, -1102), response.text
    refused = await venue.client.post(
        "/api/v1/auth/login", json={"email": "dave@example.com", "password": "long enough"}
    )
    assert refused.status_code == 401


async def test_wrong_credentials_are_refused(venue: Venue) -> None:
    await sign_up(venue, "erin@example.com")
    for email, password in [
        ("erin@example.com", "wrong password"),
        ("nobody@example.com", PASSWORD),
    ]:
        response = await venue.client.post(
            "/api/v1/auth/login", json={"email": email, "password": password}
        )
        assert response.status_code == 401
        assert response.json()["code"] == -1002


async def test_refresh_rotates_the_refresh_token(venue: Venue) -> None:
    await sign_up(venue, "frank@example.com")
    first = await login(venue, "frank@example.com")
    renewed = await venue.client.post(
        "/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]}
    )
    assert renewed.status_code == 200
    second = renewed.json()
    assert second["token_type"] == "bearer"
    assert second["refresh_token"] != first["refresh_token"]
    keys = await venue.client.get("/api/v1/api-keys", headers=bearer(second["access_token"]))
    assert keys.status_code == 200
    reused = await venue.client.post(
        "/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]}
    )
    assert reused.status_code == 401
    assert reused.json()["code"] == -1002
    unknown = await venue.client.post("/api/v1/auth/refresh", json={"refresh_token": "nope"})
    assert unknown.status_code == 401


async def test_logout_ends_the_session(venue: Venue) -> None:
    await sign_up(venue, "grace@example.com")
    tokens = await login(venue, "grace@example.com")
    other = await login(venue, "grace@example.com")
    headers = bearer(tokens["access_token"])
    assert (await venue.client.get("/api/v3/openOrders", headers=headers)).status_code == 200
    logged_out = await venue.client.post("/api/v1/auth/logout", headers=headers)
    assert logged_out.status_code == 200
    assert logged_out.json() == {}
    for path in ("/api/v1/api-keys", "/api/v3/openOrders"):
        refused = await venue.client.get(path, headers=headers)
        assert refused.status_code == 401
        assert refused.json()["code"] == -1002
    again = await venue.client.post("/api/v1/auth/logout", headers=headers)
    assert again.status_code == 401
    stale = await venue.client.post(
        "/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]}
    )
    assert stale.status_code == 401
    still = await venue.client.get("/api/v1/api-keys", headers=bearer(other["access_token"]))
    assert still.status_code == 200


async def test_native_endpoints_need_a_bearer_token(venue: Venue) -> None:
    trader = await venue.trader("heidi")
    for headers in [{}, bearer("garbage"), {"Authorization": "Basic aGk6aGk="}]:
        response = await venue.client.get("/api/v1/api-keys", headers=headers)
        assert response.status_code == 401
        assert response.json()["code"] == -1002
    signed = await trader.request("GET", "/api/v1/api-keys")
    assert signed.status_code == 401


async def test_a_bearer_token_works_on_the_binance_endpoints(venue: Venue) -> None:
    trader = await venue.trader("ivan", USDT="1000")
    tokens = await login(venue, "ivan@example.com")
    placed = await trader.call(
        "POST", "/api/v3/order", symbol="BTCUSDT", side="BUY", type="LIMIT",
        timeInForce="GTC", quantity="0.001", price="50000",
    )  # fmt: skip
    response = await venue.client.get(
        "/api/v3/openOrders?symbol=BTCUSDT", headers=bearer(tokens["access_token"])
    )
    assert response.status_code == 200
    assert [o["orderId"] for o in response.json()] == [placed["orderId"]]


async def test_api_keys_are_created_listed_and_deleted(venue: Venue) -> None:
    await sign_up(venue, "judy@example.com")
    headers = bearer((await login(venue, "judy@example.com"))["access_token"])
    created = await venue.client.post("/api/v1/api-keys", json={"label": "bot"}, headers=headers)
    assert created.status_code == 201
    key = created.json()
    assert set(key) == {
        "apiKey", "secretKey", "label", "createdAt", "type", "enableTrading", "ipRestrict"
    }  # fmt: skip
    assert (key["label"], key["type"], key["enableTrading"], key["ipRestrict"]) == (
        "bot", "HMAC", True, []
    )  # fmt: skip
    unlabelled = await venue.client.post("/api/v1/api-keys", headers=headers)
    assert unlabelled.status_code == 201
    assert unlabelled.json()["label"] == ""

    listed = (await venue.client.get("/api/v1/api-keys", headers=headers)).json()
    assert {k["apiKey"] for k in listed} == {key["apiKey"], unlabelled.json()["apiKey"]}
    assert all("secretKey" not in k for k in listed)

    trader = Trader(
        venue.client, ApiKey(key["apiKey"], key["secretKey"], 0, "bot", key["createdAt"])
    )
    assert (await trader.request("GET", "/api/v3/openOrders")).status_code == 200

    deleted = await venue.client.delete(f"/api/v1/api-keys/{key['apiKey']}", headers=headers)
    assert deleted.status_code == 200
    assert deleted.json() == {}
    refused = await trader.request("GET", "/api/v3/openOrders")
    assert refused.status_code == 401
    assert refused.json()["code"] == -2015
    gone = await venue.client.delete(f"/api/v1/api-keys/{key['apiKey']}", headers=headers)
    assert gone.status_code == 404
    remaining = (await venue.client.get("/api/v1/api-keys", headers=headers)).json()
    assert [k["apiKey"] for k in remaining] == [unlabelled.json()["apiKey"]]


async def test_nobody_deletes_another_users_key(venue: Venue) -> None:
    owner = await venue.trader("kim")
    await sign_up(venue, "mallory@example.com")
    headers = bearer((await login(venue, "mallory@example.com"))["access_token"])
    response = await venue.client.delete(f"/api/v1/api-keys/{owner.key.api_key}", headers=headers)
    assert response.status_code == 404
    assert (await owner.request("GET", "/api/v3/openOrders")).status_code == 200


async def test_api_key_labels_are_bounded(venue: Venue) -> None:
    await sign_up(venue, "liam@example.com")
    headers = bearer((await login(venue, "liam@example.com"))["access_token"])
    response = await venue.client.post(
        "/api/v1/api-keys", json={"label": "x" * 65}, headers=headers
    )
    assert response.status_code == 400
    assert response.json()["code"] == -1100
    assert (await venue.client.get("/api/v1/api-keys", headers=headers)).json() == []
