"""The log of a whole session, as a server writes it when its output is a file: every line a
JSON event with the role, requests with their id and account, and none of the session's
secrets — password, tokens, API secret, signatures, listen key."""

import json
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import websockets

from adapters.security.signatures import sign
from tests.e2e.serving import serving

PASSWORD = "a password nobody may read"


def signed(client: httpx.Client, key: dict[str, str], method: str, path: str, **params: Any) -> Any:
    query = urlencode(params | {"timestamp": int(time.time() * 1000)})
    signature = sign(key["secretKey"], query)
    headers = {"X-MBX-APIKEY": key["apiKey"]}
    response = client.request(method, f"{path}?{query}&signature={signature}", headers=headers)
    return response, signature


async def test_a_sessions_log_is_json_lines_without_its_secrets(tmp_path: Path) -> None:
    secrets: list[str] = [PASSWORD]
    with serving({}, tmp_path / "server.log") as served, httpx.Client(base_url=served.url) as web:
        account = {"email": "logged@example.com", "password": PASSWORD}
        assert web.post("/api/v1/users", json=account).status_code == 201
        tokens = web.post("/api/v1/auth/login", json=account).json()
        secrets += [tokens["access_token"], tokens["refresh_token"]]
        bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
        key = web.post("/api/v1/api-keys", json={}, headers=bearer).json()
        secrets.append(key["secretKey"])
        refused, signature = signed(
            web, key, "POST", "/api/v3/order", symbol="BTCUSDT", side="BUY", type="LIMIT",
            timeInForce="GTC", quantity="1", price="60000",
        )  # fmt: skip
        assert refused.json()["code"] == -2010
        secrets.append(signature)
        account_info, signature = signed(web, key, "GET", "/api/v3/account")
        assert account_info.status_code == 200
        secrets.append(signature)
        opened = web.post("/api/v3/userDataStream", headers={"X-MBX-APIKEY": key["apiKey"]})
        listen_key = opened.json()["listenKey"]
        secrets.append(listen_key)
        async with websockets.connect(f"{served.url.replace('http', 'ws')}/ws/{listen_key}"):
            pass
        web.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    log = served.log()
    events = [json.loads(line) for line in log.splitlines()]

    assert all(event["role"] == "all" and "timestamp" in event for event in events)
    requests = [event for event in events if event["event"] == "request"]
    assert {(r["method"], r["path"].split("?")[0], r["status"]) for r in requests} >= {
        ("POST", "/api/v1/users", 201),
        ("POST", "/api/v3/order", 400),
        ("GET", "/api/v3/account", 200),
    }
    assert all(len(r["request_id"]) == 22 for r in requests)
    account_ids = {r.get("account_id") for r in requests if r["path"].startswith("/api/v3/acc")}
    assert len(account_ids) == 1 and None not in account_ids
    for secret in secrets:
        assert secret not in log
