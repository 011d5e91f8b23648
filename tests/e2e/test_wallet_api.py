import csv
import io
from collections.abc import AsyncIterator
from typing import Any

import attrs
import pytest
from litestar.testing import AsyncTestClient

from entrypoints.server import build_app
from tests.e2e.conftest import SETTINGS, Trader, Venue
from tests.e2e.test_users_api import bearer, login

ADMIN = {"X-Admin-Token": "admin-token"}


async def token_of(venue: Venue, name: str, **funds: str) -> tuple[Trader, dict[str, str]]:
    trader = await venue.trader(name, **funds)
    tokens = await login(venue, f"{name}@example.com")
    return trader, bearer(tokens["access_token"])


async def statement(venue: Venue, headers: dict[str, str], query: str = "") -> list[Any]:
    response = await venue.client.get(f"/api/v1/statements{query}", headers=headers)
    assert response.status_code == 200, response.text
    lines: list[Any] = response.json()
    return lines


async def test_portfolio_values_holdings_at_the_last_price(venue: Venue) -> None:
    maker, maker_headers = await token_of(venue, "maker", BTC="1", ETH="3")
    taker = await venue.trader("taker", USDT="100000")
    await maker.call(
        "POST", "/api/v3/order", symbol="BTCUSDT", side="SELL", type="LIMIT",
        timeInForce="GTC", quantity="0.5", price="60000",
    )  # fmt: skip
    await taker.call(
        "POST", "/api/v3/order", symbol="BTCUSDT", side="BUY", type="MARKET", quantity="0.2"
    )
    response = await venue.client.get("/api/v1/portfolio?asset=USDT", headers=maker_headers)
    assert response.status_code == 200, response.text
    assert response.json() == {
        "asset": "USDT",
        "total": "59988.00000000",
        "holdings": [
            {
                "asset": "BTC", "free": "0.50000000", "locked": "0.30000000",
                "total": "0.80000000", "price": "60000.00000000", "value": "48000.00000000",
            },
            {
                "asset": "ETH", "free": "3.00000000", "locked": "0.00000000",
                "total": "3.00000000", "price": None, "value": None,
            },
            {
                "asset": "USDT", "free": "11988.00000000", "locked": "0.00000000",
                "total": "11988.00000000", "price": "1.00000000", "value": "11988.00000000",
            },
        ],
    }  # fmt: skip
    signed = await taker.call("GET", "/api/v1/portfolio")
    assert signed["asset"] == "USDT"
    assert signed["total"] == "99988.00000000"
    in_btc = await taker.call("GET", "/api/v1/portfolio", asset="BTC")
    assert in_btc["asset"] == "BTC"
    usdt = next(h for h in in_btc["holdings"] if h["asset"] == "USDT")
    assert usdt["price"] == "0.00001666"


async def test_portfolio_refusals(venue: Venue) -> None:
    trader, headers = await token_of(venue, "nina")
    unknown = await venue.client.get("/api/v1/portfolio?asset=DOGE", headers=headers)
    assert unknown.status_code == 400
    assert unknown.json()["code"] == -1100
    extra = await venue.client.get("/api/v1/portfolio?colour=red", headers=headers)
    assert extra.json()["code"] == -1104
    anonymous = await venue.client.get("/api/v1/portfolio")
    assert anonymous.status_code == 401
    assert (await trader.call("GET", "/api/v1/portfolio")) == {
        "asset": "USDT",
        "total": "0.00000000",
        "holdings": [],
    }


async def test_faucet_by_bearer_json_and_by_signed_form(venue: Venue) -> None:
    trader, headers = await token_of(venue, "olga")
    given = await venue.client.post(
        "/api/v1/faucet", json={"asset": "BTC", "amount": "2"}, headers=headers
    )
    assert given.status_code == 200, given.text
    assert given.json() == {"asset": "BTC", "amount": "2.00000000"}
    assert await trader.call("POST", "/api/v1/faucet", asset="USDT", amount="1000000") == {
        "asset": "USDT",
        "amount": "1000000.00000000",
    }
    again = await trader.call("POST", "/api/v1/faucet", asset="BTC", amount="2")
    assert again == {"asset": "BTC", "amount": "2.00000000"}
    lines = await statement(venue, headers)
    assert [(line["asset"], line["kind"], line["reference"]) for line in lines] == [
        ("BTC", "DEPOSIT", "faucet"),
        ("USDT", "DEPOSIT", "faucet"),
        ("BTC", "DEPOSIT", "faucet"),
    ]
    assert lines[-1]["available"] == "4.00000000"


async def test_faucet_refusals_change_nothing(venue: Venue) -> None:
    trader, headers = await token_of(venue, "pete")
    refusals: list[tuple[Any, int, int]] = [
        ({"asset": "BTC", "amount": "100.1"}, 400, -1100),
        ({"asset": "USDT", "amount": "1000001"}, 400, -1100),
        ({"asset": "BTC", "amount": "-1"}, 400, -1100),
        ({"asset": "BTC", "amount": "1e3"}, 400, -1100),
        ({"asset": "BTC", "amount": "abc"}, 400, -1100),
        ({"asset": "BTC", "amount": "0"}, 400, -1100),
        ({"asset": "BTC", "amount": "0.000000000001"}, 400, -1100),
        ({"asset": "DOGE", "amount": "1"}, 400, -1100),
        ({"asset": "BTC", "amount": 1}, 400, -1100),
        ({"asset": "BTC"}, 400, -1102),
        ({"asset": "BTC", "amount": "1", "to": "7"}, 400, -1104),
        (["BTC", "1"], 400, -1100),
    ]
    for body, status, code in refusals:
        response = await venue.client.post("/api/v1/faucet", json=body, headers=headers)
        assert (response.status_code, response.json()["code"]) == (status, code), body
    malformed = await venue.client.post(
        "/api/v1/faucet",
        content=b'{"asset": "BTC",',
        headers=headers | {"Content-Type": "application/json"},
    )
    assert (malformed.status_code, malformed.json()["code"]) == (400, -1100)
    capped = await trader.request("POST", "/api/v1/faucet", asset="BTC", amount="101")
    assert (capped.status_code, capped.json()["code"]) == (400, -1100)
    anonymous = await venue.client.post("/api/v1/faucet", json={"asset": "BTC", "amount": "1"})
    assert anonymous.status_code == 401
    assert await statement(venue, headers) == []


@pytest.fixture
async def closed_venue() -> AsyncIterator[Venue]:
    """An exchange with neither a faucet nor an admin token."""
    app, container = build_app(attrs.evolve(SETTINGS, faucet=False, admin_token=None))
    async with AsyncTestClient(app=app) as client:
        yield Venue(client, container)


async def test_a_closed_venue_has_no_faucet_and_no_admin(closed_venue: Venue) -> None:
    trader = await closed_venue.trader("quinn")
    faucet = await trader.request("POST", "/api/v1/faucet", asset="BTC", amount="1")
    assert (faucet.status_code, faucet.json()["code"]) == (403, -1002)
    body = {
        "userId": trader.user_id,
        "asset": "BTC",
        "amount": "1",
        "reference": "r",
        "reason": "seen at the bank",
    }
    admin = await closed_venue.client.post("/api/v1/admin/deposits", json=body, headers=ADMIN)
    assert (admin.status_code, admin.json()["code"]) == (403, -1002)
    assert await trader.call("GET", "/api/v1/statements") == []


async def test_statements_filter_and_export_as_csv(venue: Venue) -> None:
    trader, headers = await token_of(venue, "rosa", BTC="1", USDT="500")
    await trader.call(
        "POST", "/api/v3/order", symbol="BTCUSDT", side="SELL", type="LIMIT",
        timeInForce="GTC", quantity="0.25", price="70000",
    )  # fmt: skip
    lines = await statement(venue, headers)
    assert [(line["kind"], line["asset"]) for line in lines] == [
        ("DEPOSIT", "BTC"), ("DEPOSIT", "USDT"), ("HOLD", "BTC"),
    ]  # fmt: skip
    hold = lines[2]
    assert hold["availableChange"] == "-0.25000000"
    assert hold["lockedChange"] == "0.25000000"
    assert (hold["available"], hold["locked"]) == ("0.75000000", "0.25000000")
    assert set(hold) == {
        "entryId", "time", "kind", "reference", "asset",
        "availableChange", "lockedChange", "available", "locked",
    }  # fmt: skip

    usdt = await statement(venue, headers, "?asset=USDT")
    assert [line["asset"] for line in usdt] == ["USDT"]
    assert await statement(venue, headers, f"?startTime={hold['time'] + 1}") == []
    assert len(await statement(venue, headers, f"?endTime={hold['time']}")) == 3
    signed = await trader.call("GET", "/api/v1/statements", asset="BTC")
    assert [line["entryId"] for line in signed] == [lines[0]["entryId"], hold["entryId"]]

    exported = await venue.client.get("/api/v1/statements?format=csv", headers=headers)
    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(exported.text)))
    assert rows[0] == [
        "entryId", "time", "kind", "reference", "asset",
        "availableChange", "lockedChange", "available", "locked",
    ]  # fmt: skip
    assert rows[1:] == [[str(value) for value in line.values()] for line in lines]


async def test_statement_refusals(venue: Venue) -> None:
    _, headers = await token_of(venue, "sam")
    for query, code in [
        ("?format=xml", -1100),
        ("?asset=DOGE", -1100),
        ("?startTime=yesterday", -1100),
        ("?endTime=-5", -1100),
        ("?limit=5", -1104),
    ]:
        response = await venue.client.get(f"/api/v1/statements{query}", headers=headers)
        assert (response.status_code, response.json()["code"]) == (400, code), query


async def test_admin_deposits_and_withdrawals(venue: Venue) -> None:
    trader, headers = await token_of(venue, "tina")
    deposit = {
        "userId": trader.user_id,
        "asset": "USDT",
        "amount": "250.5",
        "reference": "w-1",
        "reason": "seen at the bank",
    }
    given = await venue.client.post("/api/v1/admin/deposits", json=deposit, headers=ADMIN)
    assert given.status_code == 200, given.text
    assert given.json() == {"userId": trader.user_id, "asset": "USDT", "amount": "250.50000000"}
    taken = await venue.client.post(
        "/api/v1/admin/withdrawals", json=deposit | {"amount": "50", "reference": "w-2"},
        headers=ADMIN,
    )  # fmt: skip
    assert taken.status_code == 200, taken.text
    assert taken.json()["amount"] == "50.00000000"
    too_much = await venue.client.post(
        "/api/v1/admin/withdrawals",
        json=deposit | {"amount": "200.51", "reference": "w-3"},
        headers=ADMIN,
    )
    assert (too_much.status_code, too_much.json()["code"]) == (400, -2010)
    nobody = await venue.client.post(
        "/api/v1/admin/deposits", json=deposit | {"userId": 9999, "reference": "w-4"}, headers=ADMIN
    )
    assert (nobody.status_code, nobody.json()["code"]) == (404, -1100)
    lines = await statement(venue, headers)
    assert [(line["kind"], line["reference"], line["available"]) for line in lines] == [
        ("DEPOSIT", "w-1", "250.50000000"),
        ("WITHDRAWAL", "w-2", "200.50000000"),
    ]


async def test_an_admin_transfer_retried_under_its_reference_is_made_once(venue: Venue) -> None:
    trader, headers = await token_of(venue, "vera")
    other, other_headers = await token_of(venue, "walt")
    deposit = {
        "userId": trader.user_id,
        "asset": "USDT",
        "amount": "250.5",
        "reference": "b-7",
        "reason": "seen at the bank",
    }
    withdrawal = deposit | {"amount": "50", "reference": "c-9"}
    for amount in ("250.5", "250.50000000"):
        given = await venue.client.post(
            "/api/v1/admin/deposits", json=deposit | {"amount": amount}, headers=ADMIN
        )
        assert given.status_code == 200, given.text
        assert given.json() == {"userId": trader.user_id, "asset": "USDT", "amount": "250.50000000"}
        taken = await venue.client.post("/api/v1/admin/withdrawals", json=withdrawal, headers=ADMIN)
        assert taken.status_code == 200, taken.text
        assert taken.json()["amount"] == "50.00000000"

    reused: list[tuple[str, dict[str, Any]]] = [
        ("deposits", deposit | {"amount": "250.6"}),
        ("deposits", deposit | {"userId": other.user_id}),
        ("deposits", deposit | {"asset": "BTC"}),
        ("withdrawals", deposit),
        ("deposits", withdrawal),
    ]
    for path, body in reused:
        response = await venue.client.post(f"/api/v1/admin/{path}", json=body, headers=ADMIN)
        assert response.status_code == 409, (path, body, response.text)
        assert response.json() == {
            "code": -1100,
            "msg": "That reference is already used by another deposit or withdrawal.",
        }
    lines = await statement(venue, headers)
    assert [(line["kind"], line["reference"], line["available"]) for line in lines] == [
        ("DEPOSIT", "b-7", "250.50000000"),
        ("WITHDRAWAL", "c-9", "200.50000000"),
    ]
    assert await statement(venue, other_headers) == []


async def test_admin_amounts_beyond_what_the_exchange_can_hold_are_refused(venue: Venue) -> None:
    trader, headers = await token_of(venue, "xena")
    other = await venue.trader("yuri")
    most = "92233720368.54775807"  # 2**63 - 1 minor units of USDT
    too_much, too_little = f"Amount must be at most {most} USDT.", "Account has insufficient"
    refusals = [
        ("deposits", "92233720368.54775808", -1100, too_much),
        ("deposits", "99999999999999999999.99999999", -1100, too_much),
        ("withdrawals", "92233720368.54775809", -2010, too_little),
        ("withdrawals", "99999999999999999999", -2010, too_little),
    ]
    for path, amount, code, message in refusals:
        body = {
            "userId": trader.user_id,
            "asset": "USDT",
            "amount": amount,
            "reference": amount,
            "reason": "seen at the bank",
        }
        response = await venue.client.post(f"/api/v1/admin/{path}", json=body, headers=ADMIN)
        assert response.status_code == 400, response.text
        assert response.json()["code"] == code
        assert response.json()["msg"].startswith(message)

    full = {
        "userId": trader.user_id,
        "asset": "USDT",
        "amount": most,
        "reference": "all",
        "reason": "seen at the bank",
    }
    given = await venue.client.post("/api/v1/admin/deposits", json=full, headers=ADMIN)
    assert given.status_code == 200, given.text
    more = {
        "userId": other.user_id,
        "asset": "USDT",
        "amount": "0.00000001",
        "reference": "one",
        "reason": "seen at the bank",
    }
    refused = await venue.client.post("/api/v1/admin/deposits", json=more, headers=ADMIN)
    assert refused.status_code == 400, refused.text
    assert refused.json()["code"] == -1100
    assert "cannot hold more" in refused.json()["msg"]
    lines = await statement(venue, headers)
    assert [(line["kind"], line["available"]) for line in lines] == [("DEPOSIT", most)]
    assert await other.call("GET", "/api/v1/statements") == []


async def test_admin_refusals_change_nothing(venue: Venue) -> None:
    trader, headers = await token_of(venue, "uma")
    good = {
        "userId": trader.user_id,
        "asset": "BTC",
        "amount": "1",
        "reference": "r",
        "reason": "seen at the bank",
    }
    for wrong, status in [
        ({}, 401), ({"X-Admin-Token": "guess"}, 401), ({"X-Admin-Token": ""}, 401), (headers, 403),
    ]:  # fmt: skip
        response = await venue.client.post("/api/v1/admin/deposits", json=good, headers=wrong)
        assert (response.status_code, response.json()["code"]) == (status, -1002)
    bad_bodies: list[Any] = [
        good | {"amount": "-1"},
        good | {"amount": "1.5e2"},
        good | {"amount": "0.000000000001"},
        good | {"amount": 1},
        good | {"asset": "DOGE"},
        good | {"userId": "me"},
        good | {"reference": ""},
        good | {"reason": ""},
        good | {"userId": 2**63},
        {key: value for key, value in good.items() if key != "reason"},
        good | {"extra": True},
        {"userId": trader.user_id, "asset": "BTC", "amount": "1"},
        [good],
    ]
    for body in bad_bodies:
        for path in ("/api/v1/admin/deposits", "/api/v1/admin/withdrawals"):
            response = await venue.client.post(path, json=body, headers=ADMIN)
            assert response.status_code == 400, (path, body)
            assert response.json()["code"] in (-1100, -1102), response.text
    malformed = await venue.client.post(
        "/api/v1/admin/deposits",
        content=b"userId=1",
        headers=ADMIN | {"Content-Type": "application/json"},
    )
    assert (malformed.status_code, malformed.json()["code"]) == (400, -1100)
    assert await statement(venue, headers) == []
